// The customer simulator: a supervisor plays a customer writing to a sandbox number, and sees
// what the business answers as WhatsApp shows it (green bubbles with ticks, templates filled
// in, bot buttons and lists that can be tapped). The business's replies come from the sandbox
// outbox, polled (the engine pushes no event for sends); the customer's own messages are kept
// in this browser, since the outbox holds only what the business sent.

import { api, withQuery } from '../lib/api.js';
import { h, replace, field, errorText, loadStyle, every } from '../lib/dom.js';
import { t, formatTime, language } from '../lib/i18n.js';
import { Page, listen } from '../lib/page.js';
import { renderContent, ticks, initials } from './simulator-render.js';
import * as store from './simulator-store.js';

loadStyle('/ui/pages/simulator.css');

/** How often the outbox is read while the page is visible. */
const POLL_MS = 1500;
/** E.164: a plus, then 7 to 15 digits. */
const E164 = /^\+[1-9]\d{6,14}$/;

class Simulator extends Page {
  constructor() {
    super();
    this.connectors = null; // null: loading
    this.loadError = null;
    this.connector = null;
    this.templates = [];
    this.replies = []; // the current customer's, from the outbox
    this.cursor = 0; // last outbox position seen, over all customers
    this.unread = new Set(); // customers with replies not seen yet
    this.pollError = null;
    this.draft = '';
    this.pending = 0; // customer messages being posted
  }

  connectedCallback() {
    super.connectedCallback();
    this.own(every(POLL_MS, () => { if (!document.hidden) this.poll(); }));
    this.own(listen(document, 'visibilitychange', () => { if (!document.hidden) this.poll(); }));
  }

  get number() { return this.connector ? store.current(this.connector.id) : null; }

  async load() {
    try {
      this.connectors = await api.get('/api/v1/sandbox');
      this.loadError = null;
    } catch (error) {
      this.loadError = errorText(error);
      this.render();
      return;
    }
    const wanted = store.connector();
    this.connector = this.connectors.find((c) => c.id === wanted) || this.connectors[0] || null;
    await this.selectConnector(this.connector);
  }

  async selectConnector(connector) {
    this.connector = connector;
    this.cursor = 0;
    this.primed = false;
    this.unread.clear();
    this.replies = [];
    this.templates = [];
    if (connector) {
      store.setConnector(connector.id);
      if (!store.current(connector.id)) store.open(connector.id, store.randomNumber());
      try {
        this.templates = await api.get(withQuery('/api/v1/templates', { connector_id: connector.id }));
      } catch { /* templates then show by name: still usable */ }
    }
    this.render();
    await this.poll();
  }

  /** Reads the current customer's replies (with their statuses) and what is new for anyone. */
  async poll() {
    const connector = this.connector;
    if (!connector || this.polling) return;
    this.polling = true;
    const number = this.number;
    const base = `/api/v1/sandbox/${connector.id}/outbox`;
    try {
      const [mine, fresh] = await Promise.all([
        api.get(withQuery(base, { to: number })),
        api.get(withQuery(base, { after: this.cursor })),
      ]);
      if (connector !== this.connector || number !== this.number) return; // switched meanwhile
      for (const item of fresh) {
        this.cursor = Math.max(this.cursor, item.seq);
        const to = item.to?.number;
        if (!to) continue;
        // Anyone the business writes to (a dialer's list…) becomes a customer to open; what
        // was there before the page opened is not "new".
        store.remember(connector.id, to);
        if (to !== number && this.primed) this.unread.add(to);
      }
      this.primed = true;
      this.setPollError(null);
      const changed = JSON.stringify(mine) !== JSON.stringify(this.replies);
      this.replies = mine;
      if (changed) this.drawMessages();
      if (fresh.length) this.drawCustomers();
    } catch (error) {
      this.setPollError(errorText(error));
    } finally {
      this.polling = false;
    }
  }

  setPollError(message) {
    if (this.pollError === message) return;
    this.pollError = message;
    if (this.pollErrorEl) this.pollErrorEl.textContent = message ? t('sim.poll_error', { error: message }) : '';
  }

  render() {
    if (this.loadError) {
      replace(this, h('div', { class: 'card sim-state', role: 'alert' },
        h('p', {}, t('sim.load_error', { error: this.loadError })),
        h('button', { class: 'btn', type: 'button', onclick: () => this.load() }, t('action.refresh'))));
      return;
    }
    if (this.connectors === null) {
      replace(this, h('p', { class: 'muted sim-state', role: 'status' }, t('common.loading')));
      return;
    }
    if (!this.connectors.length) {
      replace(this, h('div', { class: 'card empty sim-state' },
        h('h1', {}, t('sim.title')), h('p', {}, t('sim.no_connectors'))));
      return;
    }
    this.customersEl = h('ul', { class: 'sim-customers', 'aria-label': t('sim.recent') });
    this.messagesEl = h('div', {
      class: 'sim-messages', role: 'log', 'aria-live': 'polite', 'aria-label': t('sim.chat_label'), tabindex: '0',
    });
    this.pollErrorEl = h('p', { class: 'form-error', role: 'status' });
    this.nodes = new Map();
    replace(this, h('div', { class: 'sim-layout' },
      this.sidebar(),
      h('section', { class: 'sim-phone', 'aria-label': t('sim.phone_label') },
        this.chatHeader(), this.messagesEl, this.pollErrorEl, this.composer())));
    this.drawCustomers();
    this.drawMessages();
    this.setPollError(this.pollError);
  }

  sidebar() {
    const select = h('select', {
      onchange: (event) => this.selectConnector(this.connectors.find((c) => String(c.id) === event.target.value)),
    }, this.connectors.map((c) => h('option', { value: c.id, selected: c.id === this.connector.id },
      `${c.name} · ${c.numbers.join(', ') || t('sim.no_number')}${c.channel === 'sms' ? ' · SMS' : ''}`)));
    const input = h('input', {
      type: 'tel', name: 'customer', autocomplete: 'off', value: this.number || '', placeholder: '+5491166660001',
      'aria-invalid': 'false',
    });
    const error = h('p', { class: 'form-error', id: 'sim-number-error', 'aria-live': 'polite' });
    input.setAttribute('aria-describedby', 'sim-number-error');
    const openChat = (event) => {
      event.preventDefault();
      const number = input.value.replace(/[\s().-]/g, '');
      if (!E164.test(number)) {
        input.setAttribute('aria-invalid', 'true');
        error.textContent = t('sim.bad_number');
        input.focus();
        return;
      }
      input.setAttribute('aria-invalid', 'false');
      error.textContent = '';
      this.openCustomer(number);
    };
    return h('aside', { class: 'sim-side card' },
      h('h1', {}, t('sim.title')),
      h('p', { class: 'muted small' }, t('sim.intro')),
      field(t('sim.connector'), select),
      h('form', { class: 'sim-open', onsubmit: openChat, novalidate: true },
        field(t('sim.customer_number'), input, t('sim.number_hint')),
        error,
        h('div', { class: 'btn-row' },
          h('button', { class: 'btn btn-primary btn-small', type: 'submit' }, t('sim.open_chat')),
          h('button', {
            class: 'btn btn-small', type: 'button',
            onclick: () => this.openCustomer(store.randomNumber()),
          }, t('sim.new_customer')))),
      h('h2', { class: 'sim-recent-title' }, t('sim.recent')),
      this.customersEl);
  }

  openCustomer(number) {
    store.open(this.connector.id, number);
    this.unread.delete(number);
    this.replies = [];
    this.draft = '';
    this.render();
    this.poll();
    this.querySelector('.sim-composer textarea')?.focus();
  }

  drawCustomers() {
    if (!this.customersEl) return;
    const current = this.number;
    const list = store.customers(this.connector.id);
    if (!list.length) {
      replace(this.customersEl, h('li', { class: 'muted small' }, t('sim.no_customers')));
      return;
    }
    replace(this.customersEl, list.map((c) => h('li', {},
      h('button', {
        type: 'button', class: 'sim-customer', 'aria-current': c.number === current ? 'true' : null,
        onclick: () => this.openCustomer(c.number),
      },
      h('span', { class: 'sim-avatar', 'aria-hidden': 'true' }, initials(c.name || c.number)),
      h('span', { class: 'sim-customer-text' },
        h('span', { class: 'sim-customer-number' }, c.number),
        c.name ? h('span', { class: 'muted small' }, c.name) : null),
      this.unread.has(c.number)
        ? h('span', { class: 'sim-unread' }, h('span', { class: 'sr-only' }, t('sim.new_replies')), '●')
        : null))));
  }

  chatHeader() {
    const business = this.connector.numbers[0] || this.connector.name;
    const name = h('input', {
      name: 'customer-name', autocomplete: 'off', value: store.name(this.connector.id, this.number),
      placeholder: t('sim.name_placeholder'),
      onchange: (event) => { store.setName(this.connector.id, this.number, event.target.value.trim()); this.drawCustomers(); },
    });
    return h('header', { class: 'sim-chat-head' },
      h('span', { class: 'sim-avatar sim-avatar-business', 'aria-hidden': 'true' }, initials(this.connector.name)),
      h('div', { class: 'sim-chat-who' },
        h('strong', {}, business),
        h('span', { class: 'small' }, t('sim.writing_as', { number: this.number }))),
      h('div', { class: 'sim-name' }, field(t('sim.customer_name'), name)));
  }

  composer() {
    const text = h('textarea', {
      name: 'message', rows: 1, placeholder: t('sim.type_message'), value: this.draft,
      oninput: (event) => { this.draft = event.target.value; },
      onkeydown: (event) => {
        // Enter sends as in WhatsApp Web; Shift+Enter is a new line.
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          event.target.form.requestSubmit();
        }
      },
    });
    text.setAttribute('aria-label', t('sim.type_message'));
    const send = h('button', { class: 'btn btn-primary sim-send', type: 'submit' },
      h('span', { 'aria-hidden': 'true' }, '➤'), h('span', { class: 'sr-only' }, t('action.send')));
    return h('form', {
      class: 'sim-composer',
      onsubmit: async (event) => {
        event.preventDefault();
        const body = text.value.trim();
        if (!body) { text.focus(); return; }
        text.value = '';
        this.draft = '';
        await this.say({ type: 'text', text: body });
        text.focus();
      },
    }, text, send);
  }

  /** Posts `content` as the current customer; kept here with what the engine answered. */
  async say(content) {
    const connector = this.connector;
    const number = this.number;
    const entry = store.addSent(connector.id, number, { content, at_ms: Date.now(), state: 'sending' });
    this.pending += 1; // before drawing: the chat scrolls to what the customer just sent
    this.drawMessages();
    try {
      const name = store.name(connector.id, number) || undefined;
      const body = content.type === 'text'
        ? { from: number, name, text: content.text }
        : { from: number, name, content };
      const answer = await api.post(`/api/v1/sandbox/${connector.id}/inbound`, body);
      store.updateSent(connector.id, number, entry.key, { state: 'sent', message_id: answer.message_id });
    } catch (error) {
      store.updateSent(connector.id, number, entry.key, { state: 'failed', error: errorText(error) });
    } finally {
      this.pending -= 1;
    }
    if (connector === this.connector && number === this.number) {
      this.drawMessages();
      this.poll();
    }
  }

  /** Reports a status for one of the business's messages, as the customer's phone would. */
  async mark(item, state) {
    try {
      await api.post(`/api/v1/sandbox/${this.connector.id}/status`, { id: item.id, state });
      await this.poll();
    } catch (error) {
      this.setPollError(errorText(error));
    }
  }

  /** Both sides of the chat in time order, with day separators; unchanged bubbles are kept. */
  drawMessages() {
    if (!this.messagesEl || !this.connector) return;
    const box = this.messagesEl;
    const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
    const sent = store.sent(this.connector.id, this.number).map((m) => ({ side: 'customer', at: m.at_ms, m }));
    const replies = this.replies.map((m) => ({ side: 'business', at: m.at_ms, m }));
    const all = [...sent, ...replies].sort((a, b) => a.at - b.at);
    if (!all.length) {
      this.nodes = new Map();
      replace(box, h('p', { class: 'sim-empty' }, t('sim.empty_chat')));
      return;
    }
    const nodes = [];
    const next = new Map();
    let day = null;
    for (const entry of all) {
      const date = new Date(entry.at);
      if (date.toDateString() !== day) {
        day = date.toDateString();
        nodes.push(h('p', { class: 'sim-day' }, h('span', {}, dayLabel(date))));
      }
      const key = entry.side === 'business' ? `b:${entry.m.id}` : `c:${entry.m.key}`;
      const signature = `${language()}|${JSON.stringify(entry.m)}`;
      const kept = this.nodes.get(key);
      const node = kept && kept.signature === signature ? kept.node
        : entry.side === 'business' ? this.businessBubble(entry.m) : this.customerBubble(entry.m);
      next.set(key, { signature, node });
      nodes.push(node);
    }
    this.nodes = next;
    replace(box, nodes);
    if (atBottom || this.pending) box.scrollTop = box.scrollHeight;
  }

  businessBubble(item) {
    const template = item.content?.type === 'template' ? findTemplate(this.templates, item.content) : null;
    const actions = {
      reply: (content) => this.say(content),
    };
    const status = item.status || 'sent';
    const statusButtons = ['delivered', 'read', 'failed'].map((state) => h('button', {
      type: 'button', class: 'btn btn-ghost btn-small', disabled: status === state,
      onclick: () => this.mark(item, state),
      'aria-label': t(`sim.mark_${state}_label`, { time: formatTime(item.at_ms) }),
    }, t(`sim.mark_${state}`)));
    return h('div', { class: 'sim-row sim-row-business', dataset: { testid: 'sim-business-message', status } },
      h('div', { class: 'sim-bubble sim-bubble-business' },
        renderContent(item.content, { template, actions }),
        h('span', { class: 'sim-meta' },
          h('time', { datetime: new Date(item.at_ms).toISOString() }, clock(item.at_ms)),
          ticks(status, item.error_code))),
      h('div', { class: 'sim-status-actions', role: 'group', 'aria-label': t('sim.mark_group') }, statusButtons));
  }

  customerBubble(entry) {
    const state = entry.state === 'sending'
      ? h('span', { class: 'sim-sending', role: 'img', 'aria-label': t('sim.sending') }, '◷')
      : null;
    return h('div', { class: 'sim-row sim-row-customer', dataset: { testid: 'sim-customer-message' } },
      h('div', { class: 'sim-bubble sim-bubble-customer' },
        renderContent(entry.content),
        h('span', { class: 'sim-meta' },
          h('time', { datetime: new Date(entry.at_ms).toISOString() }, clock(entry.at_ms)), state)),
      entry.state === 'failed'
        ? h('p', { class: 'form-error small', role: 'alert' }, t('sim.send_failed', { error: entry.error || '' }))
        : null);
  }
}

function findTemplate(templates, content) {
  const same = (a, b) => (a || '').toLowerCase() === (b || '').toLowerCase();
  const named = templates.filter((tpl) => tpl.provider_name === content.name || tpl.code === content.name);
  return named.find((tpl) => same(tpl.language, content.language)) || named[0] || null;
}

function clock(ms) {
  return new Intl.DateTimeFormat(language() === 'es' ? 'es-AR' : 'en-US', { hour: '2-digit', minute: '2-digit' })
    .format(new Date(ms));
}

function dayLabel(date) {
  const today = new Date();
  const yesterday = new Date(today);
  yesterday.setDate(today.getDate() - 1);
  if (date.toDateString() === today.toDateString()) return t('sim.today');
  if (date.toDateString() === yesterday.toDateString()) return t('sim.yesterday');
  return new Intl.DateTimeFormat(language() === 'es' ? 'es-AR' : 'en-US', { dateStyle: 'long' }).format(date);
}

customElements.define('sb-simulator', Simulator);
