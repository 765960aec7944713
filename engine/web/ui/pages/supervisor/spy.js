// Spying on a conversation: the socket command `spy` (audited by the server) makes that
// conversation's events reach this page; the panel shows its transcript read-only and adds
// each new message as it arrives. Agent replies are not pushed as events, so the transcript
// is refetched shortly after anything happens in the conversation.

import { api } from '../../lib/api.js';
import { live } from '../../lib/live.js';
import { h, replace, errorText } from '../../lib/dom.js';
import { t, formatTime } from '../../lib/i18n.js';
import { contentText } from './content.js';

export class SpyPanel {
  constructor(onClose) {
    this.onClose = onClose;
    this.conversationId = null;
    this.messages = [];
    this.error = '';
    this.refetchTimer = null;
    this.list = h('ol', { class: 'sb-transcript', 'aria-live': 'polite', 'aria-relevant': 'additions' });
    this.title = h('h2', { id: 'spy-title' });
    this.status = h('p', { class: 'muted small' });
    this.stopButton = h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.stop() });
    this.el = h('section', { class: 'card sb-panel', 'aria-labelledby': 'spy-title', 'data-testid': 'spy-panel', hidden: true },
      h('div', { class: 'row' }, this.title, h('span', { class: 'spacer' }), this.stopButton),
      this.status, this.list);
    this.relabel();
    this.off = [
      live.on('message.created', (data) => this.arrived(data)),
      // The agent's replies and every tick: re-read the transcript.
      live.on('message.updated', (data) => { if (data?.conversation_id === this.conversationId) this.soon(); }),
      live.on('*', (data, frame) => {
        if (frame?.type?.startsWith('conversation.') && data?.id === this.conversationId) this.soon();
      }),
      live.onStatus((state) => { if (state === 'open' && this.conversationId) this.resubscribe(); }),
    ];
  }

  /** Starts spying on `id` (stops any previous one). */
  async start(id) {
    if (this.conversationId && this.conversationId !== id) live.send({ type: 'unspy', conversation_id: this.conversationId });
    this.conversationId = id;
    this.messages = [];
    this.error = '';
    this.el.hidden = false;
    this.status.textContent = t('common.loading');
    if (!live.send({ type: 'spy', conversation_id: id })) this.error = t('board.spy_offline');
    await this.fetch();
    this.el.scrollIntoView({ block: 'nearest' });
  }

  /** After a reconnect the server forgot the spy: ask again. */
  resubscribe() {
    live.send({ type: 'spy', conversation_id: this.conversationId });
    this.fetch();
  }

  stop() {
    if (this.conversationId) live.send({ type: 'unspy', conversation_id: this.conversationId });
    this.conversationId = null;
    this.el.hidden = true;
    this.onClose?.();
  }

  async fetch() {
    const id = this.conversationId;
    if (!id) return;
    try {
      const transcript = await api.get(`/api/v1/recordings/${id}/transcript`);
      if (id !== this.conversationId) return;
      this.messages = transcript.messages.map((m) => ({
        id: m.id, direction: m.direction, origin: m.origin, content: m.content, at: m.created_at,
      }));
      this.meta = transcript;
      this.error = '';
    } catch (error) {
      this.error = errorText(error);
    }
    this.render();
  }

  arrived(data) {
    if (!this.conversationId || data.conversation_id !== this.conversationId) return;
    if (!this.messages.some((m) => m.id === data.id)) {
      this.messages.push({ id: data.id, direction: data.direction, origin: 'customer', content: data.content, at: data.at_ms });
      this.render();
    }
    this.soon();
  }

  soon() {
    clearTimeout(this.refetchTimer);
    this.refetchTimer = setTimeout(() => this.fetch(), 700);
  }

  /** Puts the fixed words in the current language (the panel outlives a language change). */
  relabel() {
    this.stopButton.textContent = t('board.spy_stop');
    this.render();
  }

  render() {
    if (!this.conversationId) return;
    const meta = this.meta?.conversation;
    this.title.textContent = t('board.spy_title', { id: this.conversationId });
    this.status.textContent = this.error || [
      meta?.contact_name || meta?.contact_number, this.meta?.campaign, this.meta?.agent,
    ].filter(Boolean).join(' · ');
    this.status.classList.toggle('form-error', Boolean(this.error));
    replace(this.list, this.messages.length ? this.messages.map((m) => h('li', {
      class: `sb-msg sb-msg-${m.direction === 'in' ? 'in' : 'out'}`,
    },
    h('span', { class: 'sb-msg-who' }, t(`board.who_${m.direction === 'in' ? 'customer' : (m.origin === 'agent' ? 'agent' : 'bot')}`)),
    h('span', { class: 'sb-msg-text' }, contentText(m.content)),
    h('time', { class: 'sb-msg-time muted small' }, formatTime(m.at)))) : h('li', { class: 'empty' }, t('board.spy_empty')));
    this.list.scrollTop = this.list.scrollHeight;
  }

  destroy() {
    if (this.conversationId) live.send({ type: 'unspy', conversation_id: this.conversationId });
    clearTimeout(this.refetchTimer);
    for (const off of this.off) off();
  }
}
