// The internal chat with supervisors: a message from one arrives live (`chat.message`), shows
// as a toast and a count on the Messages button, and the agent answers in the panel.

import { api, withQuery } from '../../lib/api.js';
import { h, replace, toast, errorText } from '../../lib/dom.js';
import { t, formatTime } from '../../lib/i18n.js';
import { chatSeen, markChatSeen } from './local.js';

export class ChatPanel {
  constructor({ user }) {
    this.user = user;
    this.partners = [];
    this.threads = new Map(); // partner id → messages
    this.partner = null;
    this.count = h('span', { class: 'unread-count', hidden: true, 'data-testid': 'chat-unread' });
    this.button = h('button', {
      type: 'button', class: 'btn', 'aria-expanded': 'false', 'aria-controls': 'desk-chat', 'data-testid': 'chat-button',
      onclick: () => this.toggle(),
    }, t('desk.chat'), ' ', this.count);
    this.body = h('div', { class: 'chat-body' });
    this.el = h('section', { id: 'desk-chat', class: 'chat-panel card', hidden: true, 'aria-label': t('desk.chat'), 'data-testid': 'chat-panel' }, this.body);
  }

  /** The supervisors the agent may chat with; loads each thread's last messages. */
  async setPartners(partners) {
    this.partners = partners;
    await Promise.all(partners.map((p) => this.loadThread(p.id)));
    if (!this.partner && partners.length) this.partner = this.latestPartner() ?? partners[0].id;
    this.draw();
  }

  latestPartner() {
    let best = null;
    let bestId = 0;
    for (const [partner, messages] of this.threads) {
      const last = messages[messages.length - 1];
      if (last && last.id > bestId) { bestId = last.id; best = partner; }
    }
    return best;
  }

  async loadThread(partner) {
    try {
      const rows = await api.get(withQuery(`/api/v1/chat/${partner}`, { limit: 100 }));
      this.threads.set(partner, rows.sort((a, b) => a.id - b.id));
    } catch {
      this.threads.set(partner, this.threads.get(partner) || []);
    }
  }

  unread() {
    const seen = chatSeen(this.user.id);
    let n = 0;
    for (const [partner, messages] of this.threads) {
      n += messages.filter((m) => m.from_user === partner && m.id > (seen[partner] || 0)).length;
    }
    return n;
  }

  /** A `chat.message` event. */
  receive(data) {
    const partner = data.from_user === this.user.id ? data.to_user : data.from_user;
    if (!this.partners.some((p) => p.id === partner)) {
      this.partners.push({ id: partner, name: data.from_name || `#${partner}` });
    }
    const thread = this.threads.get(partner) || [];
    if (!thread.some((m) => m.id === data.id)) thread.push(data);
    this.threads.set(partner, thread);
    if (data.from_user !== this.user.id) {
      toast(t('desk.chat.from', { name: this.nameOf(partner), text: data.text }), 'info');
      if (!this.isOpen()) this.partner = partner;
    }
    this.draw();
  }

  nameOf(partner) {
    return this.partners.find((p) => p.id === partner)?.name || `#${partner}`;
  }

  isOpen() {
    return !this.el.hidden;
  }

  toggle(open = !this.isOpen()) {
    this.el.hidden = !open;
    this.button.setAttribute('aria-expanded', String(open));
    this.draw();
    if (open) this.el.querySelector('textarea')?.focus();
  }

  draw() {
    if (this.isOpen() && this.partner) {
      const thread = this.threads.get(this.partner) || [];
      const last = thread.filter((m) => m.from_user === this.partner).pop();
      if (last) markChatSeen(this.user.id, this.partner, last.id);
    }
    const unread = this.unread();
    this.count.hidden = !unread;
    this.count.textContent = String(unread);
    this.count.setAttribute('aria-label', t('desk.chat.unread', { count: unread }));
    if (!this.isOpen()) return;
    if (!this.partners.length) {
      replace(this.body, h('p', { class: 'muted' }, t('desk.chat.nobody')));
      return;
    }
    const partnerSelect = h('select', {
      'aria-label': t('desk.chat.with'),
      onchange: () => { this.partner = Number(partnerSelect.value); this.draw(); },
    }, this.partners.map((p) => h('option', { value: String(p.id), selected: p.id === this.partner }, p.name)));
    const thread = this.threads.get(this.partner) || [];
    const list = h('ol', { class: 'chat-thread', 'aria-live': 'polite', 'data-testid': 'chat-thread' },
      thread.length ? thread.map((m) => h('li', { class: `chat-msg ${m.from_user === this.user.id ? 'mine' : 'theirs'}` },
        h('div', { class: 'small muted' }, `${m.from_user === this.user.id ? t('desk.chat.me') : this.nameOf(m.from_user)} · ${formatTime(m.created_at)}`),
        h('div', {}, m.text))) : h('li', { class: 'muted' }, t('desk.chat.empty')));
    const text = h('textarea', {
      rows: '2', maxlength: '4096', 'aria-label': t('desk.chat.answer'), 'data-testid': 'chat-text',
      onkeydown: (event) => { if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); } },
    });
    const form = h('form', {
      class: 'chat-form',
      onsubmit: async (event) => {
        event.preventDefault();
        const value = text.value.trim();
        if (!value) return;
        try {
          const sent = await api.post(`/api/v1/chat/${this.partner}`, { text: value });
          text.value = '';
          this.receive({ ...sent, from_name: null });
          this.el.querySelector('textarea')?.focus();
        } catch (error) {
          toast(errorText(error), 'error');
        }
      },
    }, text, h('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('action.send')));
    // A message arriving while the agent types must not eat the answer.
    const old = this.body.querySelector('textarea');
    if (old) text.value = old.value;
    const hadFocus = old && document.activeElement === old;
    replace(this.body,
      h('div', { class: 'row' }, h('h2', { class: 'chat-title' }, t('desk.chat')), h('span', { class: 'spacer' }), partnerSelect,
        h('button', { type: 'button', class: 'btn btn-ghost btn-small', 'aria-label': t('action.close'), onclick: () => { this.toggle(false); this.button.focus(); } }, '✕')),
      list, form);
    list.scrollTop = list.scrollHeight;
    if (hadFocus) text.focus();
  }
}
