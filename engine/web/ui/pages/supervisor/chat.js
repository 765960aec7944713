// The internal chat with one agent: the history (`GET /api/v1/chat/{user}`), a line to write,
// and new lines live (`chat.message` reaches both sides).

import { api } from '../../lib/api.js';
import { live } from '../../lib/live.js';
import { session } from '../../lib/session.js';
import { h, replace, errorText } from '../../lib/dom.js';
import { t, formatTime } from '../../lib/i18n.js';

export class ChatPanel {
  constructor() {
    this.agent = null;
    this.messages = [];
    this.list = h('ol', { class: 'sb-transcript', 'aria-live': 'polite', 'aria-relevant': 'additions' });
    this.title = h('h2', { id: 'chat-title' });
    this.error = h('p', { class: 'form-error', role: 'alert' });
    this.input = h('input', { type: 'text', id: 'chat-input', name: 'text', maxlength: '4096', autocomplete: 'off', required: true });
    this.label = h('label', { class: 'sr-only', for: 'chat-input' });
    this.sendButton = h('button', { type: 'submit', class: 'btn btn-primary' });
    this.closeButton = h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.close() });
    const form = h('form', { class: 'sb-chat-form', onsubmit: (event) => { event.preventDefault(); this.send(); } },
      this.label, this.input, this.sendButton);
    this.el = h('section', { class: 'card sb-panel', 'aria-labelledby': 'chat-title', 'data-testid': 'chat-panel', hidden: true },
      h('div', { class: 'row' }, this.title, h('span', { class: 'spacer' }), this.closeButton),
      this.list, this.error, form);
    this.relabel();
    this.off = live.on('chat.message', (data) => {
      if (!this.agent) return;
      const mine = session.user?.id;
      const other = data.from_user === mine ? data.to_user : data.from_user;
      if (other !== this.agent.id || this.messages.some((m) => m.id === data.id)) return;
      this.messages.push(data);
      this.render();
    });
  }

  /** Puts the fixed words in the current language (the panel outlives a language change). */
  relabel() {
    this.label.textContent = t('board.chat_label');
    this.input.placeholder = t('board.chat_placeholder');
    this.sendButton.textContent = t('action.send');
    this.closeButton.textContent = t('action.close');
    if (this.agent) this.title.textContent = t('board.chat_title', { name: this.agent.name });
    this.render();
  }

  async open(agent) {
    this.agent = agent;
    this.messages = [];
    this.el.hidden = false;
    this.title.textContent = t('board.chat_title', { name: agent.name });
    this.error.textContent = '';
    this.render();
    try {
      this.messages = await api.get(`/api/v1/chat/${agent.id}`);
    } catch (error) {
      this.error.textContent = errorText(error);
    }
    this.render();
    this.input.focus();
  }

  close() {
    this.agent = null;
    this.el.hidden = true;
  }

  async send() {
    const text = this.input.value.trim();
    if (!text || !this.agent) return;
    this.error.textContent = '';
    try {
      const message = await api.post(`/api/v1/chat/${this.agent.id}`, { text });
      this.input.value = '';
      if (!this.messages.some((m) => m.id === message.id)) this.messages.push(message);
      this.render();
    } catch (error) {
      this.error.textContent = errorText(error);
    }
  }

  render() {
    const mine = session.user?.id;
    replace(this.list, this.messages.length ? this.messages.map((m) => h('li', {
      class: `sb-msg sb-msg-${m.from_user === mine ? 'out' : 'in'}`,
    },
    h('span', { class: 'sb-msg-who' }, m.from_user === mine ? t('board.chat_you') : this.agent?.name),
    h('span', { class: 'sb-msg-text' }, m.text),
    h('time', { class: 'sb-msg-time muted small' }, formatTime(m.created_at)))) : h('li', { class: 'empty' }, t('board.chat_empty')));
    this.list.scrollTop = this.list.scrollHeight;
  }

  destroy() { this.off(); }
}
