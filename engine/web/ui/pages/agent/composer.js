// The composer of one conversation: text with emojis and pre-set replies while the 24 h
// window is open, the template picker always, and only the template picker once the window
// has closed (the server refuses text then with `window_closed`). What the agent types is
// saved as a draft on every keystroke and cleared only when the message is accepted.

import { h, replace, toast, errorText } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { draft, saveDraft } from './local.js';
import { emojiPicker } from './emoji.js';
import { pickTemplate } from './templates.js';

export class Composer {
  /**
   * `send(body)` posts a reply body (`{text}` or `{template}`) and returns the server's
   * answer; `onWindowClosed()` is told when the server says the window closed meanwhile.
   */
  constructor({ user, conversationId, send, onWindowClosed }) {
    this.user = user;
    this.id = conversationId;
    this.send = send;
    this.onWindowClosed = onWindowClosed;
    this.presets = [];
    this.templates = [];
    this.windowOpen = true;
    this.canWrite = true;
    this.el = h('form', { class: 'composer', 'aria-label': t('desk.composer'), onsubmit: (e) => { e.preventDefault(); this.sendText(); } });
    this.text = h('textarea', {
      class: 'composer-text', rows: '2', maxlength: '4096', 'aria-label': t('desk.composer.label'),
      placeholder: t('desk.composer.placeholder'), 'data-testid': 'composer-text',
      oninput: () => saveDraft(this.user, this.id, this.text.value),
      onkeydown: (event) => {
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          this.sendText();
        }
      },
    });
    this.text.value = draft(user, conversationId);
    this.sendButton = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'composer-send' }, t('action.send'));
    this.presetSelect = h('select', {
      class: 'composer-presets', 'aria-label': t('desk.presets'), 'data-testid': 'preset-select',
      onchange: () => this.usePreset(),
    });
    this.templateButton = h('button', {
      type: 'button', class: 'btn composer-tool', 'data-testid': 'template-button', onclick: () => this.openTemplates(),
    }, t('desk.template.open'));
    this.emoji = emojiPicker((emoji) => this.insert(emoji));
    this.notice = h('p', { class: 'composer-notice', role: 'status', 'data-testid': 'window-closed-notice' });
    this.draw();
  }

  /** What the composer may offer: the context's presets and templates, the window. */
  update({ presets, templates, windowOpen, canWrite }) {
    this.presets = presets || [];
    this.templates = templates || [];
    this.windowOpen = windowOpen;
    this.canWrite = canWrite;
    this.draw();
  }

  draw() {
    replace(this.presetSelect,
      h('option', { value: '' }, t('desk.presets.choose')),
      this.presets.map((p) => h('option', { value: p.code }, p.title || p.code)));
    this.presetSelect.hidden = !this.presets.length;
    if (!this.canWrite) {
      replace(this.el, h('p', { class: 'composer-notice muted' }, t('desk.composer.readonly')));
      return;
    }
    if (!this.windowOpen) {
      this.notice.textContent = t('desk.window.closed_notice');
      replace(this.el, this.notice, h('div', { class: 'composer-row' }, this.templateButton));
      this.templateButton.classList.add('btn-primary');
      return;
    }
    this.templateButton.classList.remove('btn-primary');
    replace(this.el,
      this.text,
      h('div', { class: 'composer-row' }, this.emoji, this.presetSelect, this.templateButton, h('span', { class: 'spacer' }), this.sendButton));
  }

  /** Puts `value` at the cursor and keeps the draft. */
  insert(value) {
    const { selectionStart: start = this.text.value.length, selectionEnd: end = start } = this.text;
    this.text.value = this.text.value.slice(0, start) + value + this.text.value.slice(end);
    const at = start + value.length;
    this.text.focus();
    this.text.setSelectionRange(at, at);
    saveDraft(this.user, this.id, this.text.value);
  }

  usePreset() {
    const preset = this.presets.find((p) => p.code === this.presetSelect.value);
    this.presetSelect.value = '';
    if (!preset) return;
    const before = this.text.value && !/\s$/.test(this.text.value) ? ' ' : '';
    this.text.setSelectionRange(this.text.value.length, this.text.value.length);
    this.insert(before + preset.text);
  }

  async sendText() {
    const text = this.text.value.trim();
    if (!text || this.sendButton.disabled) return;
    this.sendButton.disabled = true;
    try {
      await this.send({ text });
      this.text.value = '';
      saveDraft(this.user, this.id, '');
    } catch (error) {
      if (error.code === 'window_closed') this.onWindowClosed?.();
      toast(errorText(error), 'error');
    } finally {
      this.sendButton.disabled = false;
      if (this.text.isConnected) this.text.focus();
    }
  }

  openTemplates() {
    return pickTemplate(this.templates, (template) => this.send({ template }));
  }
}
