// One conversation on the desk: the customer's earlier conversations (folded), the messages
// with their statuses, the 24 h window countdown, the composer, and the side panel (contact,
// tags, notes). The server pushes the customer's messages (`message.created`) and every change
// of a message (`message.updated`: queued, sent, delivered, read, failed); on either, the open
// conversation re-reads its messages from the oldest one whose status may still change. A slow
// re-read on a timer is only a safety net.

import { api, withQuery } from '../../lib/api.js';
import { h, replace, toast, errorText } from '../../lib/dom.js';
import { t, formatTime, formatDuration } from '../../lib/i18n.js';
import { messageItem } from './messages.js';
import { Composer } from './composer.js';
import { ContactPanel } from './contact.js';
import { markSeen } from './local.js';

const POLL_MS = 30000;
const FINAL = new Set(['read', 'failed', 'blocked', 'received']);

export class ConversationView {
  /**
   * `summary` is the desk's row for it; `desk` the page (for names and actions);
   * `role`: 'mine', 'transfer-in' or 'transfer-out'.
   */
  constructor({ summary, desk, role }) {
    this.id = summary.id;
    this.summary = summary;
    this.desk = desk;
    this.role = role;
    this.messages = new Map();
    this.context = null;
    this.timers = [];
    this.destroyed = false;
    this.list = h('ol', { class: 'messages', 'aria-label': t('desk.messages'), 'aria-live': 'polite', 'aria-relevant': 'additions', 'data-testid': 'messages' });
    this.earlierBox = h('details', { class: 'earlier', ontoggle: () => this.loadEarlier() },
      h('summary', {}, t('desk.earlier')), h('div', { class: 'earlier-body' }, h('p', { class: 'muted' }, t('common.loading'))));
    this.countdown = h('span', { class: 'window-countdown', role: 'timer', 'aria-live': 'off', 'data-testid': 'window-countdown' });
    this.windowAnnounce = h('span', { class: 'sr-only', 'aria-live': 'assertive' });
    this.header = h('div', { class: 'conv-header' });
    this.scroller = h('div', { class: 'conv-scroll' }, this.earlierBox, this.list);
    this.composer = new Composer({
      user: desk.user.id,
      conversationId: this.id,
      send: (body) => this.reply(body),
      onWindowClosed: () => this.loadContext(),
    });
    this.contact = new ContactPanel({ conversationId: this.id, nameOf: (id) => desk.personName(id), onChange: () => desk.scheduleReload(), editable: role !== 'transfer-out' });
    this.el = h('section', { class: 'conversation', 'aria-labelledby': `conv-title-${this.id}`, 'data-testid': 'conversation' },
      this.header,
      h('div', { class: 'conv-body' },
        h('div', { class: 'conv-main' }, this.scroller, this.composer.el, this.windowAnnounce),
        this.contact.el));
    this.drawHeader();
    this.timers.push(setInterval(() => this.tick(), 1000));
    this.timers.push(setInterval(() => this.poll(), POLL_MS));
    this.load();
  }

  destroy() {
    this.destroyed = true;
    for (const timer of this.timers) clearInterval(timer);
  }

  async load() {
    await Promise.all([this.loadContext(), this.poll()]);
  }

  async loadContext() {
    try {
      this.context = await api.get(`/api/v1/conversations/${this.id}/context`);
    } catch (error) {
      if (error.status === 404 || error.status === 403) { this.gone(); return; }
      toast(errorText(error), 'error');
      return;
    }
    if (this.destroyed) return;
    this.summary = { ...this.summary, ...this.context.conversation };
    this.contact.show(this.context);
    this.drawHeader();
    this.updateComposer();
  }

  /** The conversation is no longer ours to see (closed by a supervisor, transferred away). */
  gone() {
    if (this.destroyed) return;
    this.destroy();
    replace(this.el, h('p', { class: 'empty' }, t('desk.conversation.gone')));
    this.desk.scheduleReload();
  }

  windowOpen() {
    const w = this.context?.window;
    if (!w || !w.applies) return true;
    return Boolean(w.closes_at) && Date.parse(w.closes_at) > Date.now();
  }

  updateComposer() {
    this.composer.update({
      presets: this.context?.preset_replies,
      templates: this.context?.templates,
      windowOpen: this.windowOpen(),
      canWrite: this.role === 'mine',
    });
  }

  /** The countdown, and the switch to template-only the second the window closes. */
  tick() {
    const w = this.context?.window;
    if (!w) return;
    if (!w.applies) {
      this.countdown.textContent = '';
      return;
    }
    const open = this.windowOpen();
    if (open) {
      const left = (Date.parse(w.closes_at) - Date.now()) / 1000;
      this.countdown.textContent = t('desk.window.left', { time: formatDuration(left) });
      this.countdown.className = `window-countdown badge ${left < 3600 ? 'badge-warning' : 'badge-success'}`;
    } else {
      this.countdown.textContent = t('desk.window.closed');
      this.countdown.className = 'window-countdown badge badge-danger';
    }
    if (open !== this.composer.windowOpen) {
      this.updateComposer();
      if (!open) this.windowAnnounce.textContent = t('desk.window.closed_notice');
    }
  }

  drawHeader() {
    const s = this.summary;
    const name = s.contact_name || s.contact_number || t('desk.customer_unknown');
    const campaign = this.desk.campaignName(s.campaign_id);
    const actions = [];
    if (this.role === 'mine') {
      actions.push(
        h('button', { type: 'button', class: 'btn btn-small', 'data-testid': 'transfer-button', onclick: () => this.desk.transfer(this) }, t('desk.transfer')),
        h('button', { type: 'button', class: 'btn btn-small btn-danger', 'data-testid': 'close-button', onclick: () => this.desk.close(this) }, t('desk.close')));
    } else if (this.role === 'transfer-in') {
      actions.push(
        h('button', { type: 'button', class: 'btn btn-small btn-primary', 'data-testid': 'accept-transfer', onclick: () => this.desk.acceptTransfer(this.id) }, t('desk.transfer.accept')),
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.desk.declineTransfer(this.id) }, t('desk.transfer.decline')));
    }
    replace(this.header,
      h('button', { type: 'button', class: 'btn btn-ghost btn-small conv-back', onclick: () => this.desk.select(null) },
        h('span', { 'aria-hidden': 'true' }, '← '), t('desk.back_to_inbox')),
      h('div', { class: 'conv-title' },
        h('h2', { id: `conv-title-${this.id}` }, name),
        h('p', { class: 'muted small' }, [s.contact_number !== name ? s.contact_number : null, campaign, `#${s.id}`].filter(Boolean).join(' · '))),
      h('div', { class: 'conv-status' },
        this.role === 'transfer-in' ? h('span', { class: 'badge badge-info' }, t('desk.transfer.incoming')) : null,
        this.role === 'transfer-out' ? h('span', { class: 'badge badge-info' }, t('desk.transfer.pending')) : null,
        this.countdown),
      h('div', { class: 'conv-actions btn-row' }, actions));
    this.tick();
  }

  /** Reads messages from the first one that may still change, and shows what is new or changed. */
  async poll() {
    if (this.destroyed || this.polling) return;
    this.polling = true;
    try {
      const pending = [...this.messages.values()].filter((m) => !FINAL.has(m.status));
      let after = 0;
      if (pending.length) after = Math.min(...pending.map((m) => m.id)) - 1;
      else if (this.messages.size) after = Math.max(...this.messages.keys());
      for (let page = 0; page < 20; page += 1) {
        const rows = await api.get(withQuery(`/api/v1/conversations/${this.id}/messages`, { after, limit: 500 }));
        if (this.destroyed) return;
        this.merge(rows);
        if (rows.length < 500) break;
        after = rows[rows.length - 1].id;
      }
    } catch (error) {
      if (error.status === 404 || error.status === 403) this.gone();
    } finally {
      this.polling = false;
    }
  }

  merge(rows) {
    let added = false;
    const nearBottom = this.scroller.scrollHeight - this.scroller.scrollTop - this.scroller.clientHeight < 80;
    for (const m of rows) {
      const known = this.messages.get(m.id);
      if (known && known.status === m.status && known.updated_at === m.updated_at) continue;
      this.messages.set(m.id, m);
      const item = messageItem(m);
      const old = this.list.querySelector(`li[data-id="${m.id}"]`);
      if (old) {
        // Only the status line changes: swap it, so screen readers do not re-read the text.
        const status = old.querySelector('.msg-status');
        const next = item.querySelector('.msg-status');
        if (status && next) status.replaceWith(next);
        else old.replaceWith(item);
      } else {
        const later = [...this.list.children].find((li) => Number(li.dataset.id) > m.id);
        this.list.insertBefore(item, later || null);
        added = true;
      }
    }
    if (added && (nearBottom || !this.scrolledOnce)) {
      this.scrolledOnce = true;
      this.scroller.scrollTop = this.scroller.scrollHeight;
    }
    if (!this.messages.size && !this.list.querySelector('.empty')) {
      this.list.append(h('li', { class: 'empty' }, t('desk.messages.none')));
    } else if (this.messages.size) {
      this.list.querySelector('.empty')?.remove();
    }
    const last = Math.max(0, ...[...this.messages.values()].filter((m) => m.direction === 'in').map((m) => m.id));
    if (last) markSeen(this.desk.user.id, this.id, last);
    this.desk.seenChanged(this.id);
  }

  /** One of its messages changed (socket): read what may have changed. */
  messageChanged() {
    this.poll();
  }

  /** A customer message arrived (socket): read it now and refresh the window. */
  customerWrote() {
    this.poll();
    this.loadContext();
  }

  async reply(body) {
    const queued = await api.post(`/api/v1/conversations/${this.id}/reply`, body);
    await this.poll();
    return queued;
  }

  async loadEarlier() {
    if (!this.earlierBox.open || this.earlierLoaded) return;
    const box = this.earlierBox.querySelector('.earlier-body');
    try {
      const earlier = await api.get(`/api/v1/conversations/${this.id}/earlier`);
      this.earlierLoaded = true;
      replace(box, earlier.length
        ? earlier.map((e) => h('section', { class: 'earlier-conv' },
          h('h3', { class: 'small' }, t('desk.earlier.item', {
            date: formatTime(e.conversation.created_at),
            campaign: this.desk.campaignName(e.conversation.campaign_id) || '—',
            disposition: e.conversation.disposition || e.conversation.end_reason || '—',
          })),
          h('ol', { class: 'messages messages-earlier' }, e.messages.map(messageItem))))
        : h('p', { class: 'muted' }, t('desk.earlier.none')));
    } catch (error) {
      replace(box, h('p', { class: 'form-error' }, errorText(error)));
    }
  }
}
