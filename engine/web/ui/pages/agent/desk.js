// The agent's desk (`#/desk`, `#/desk/<conversation>`): state and breaks, the inbox with
// unread counts, offers and transfers, the open conversation, starting an outbound one, and
// the chat with supervisors. The desk snapshot (`/api/v1/desk`) is the truth: live events
// trigger a (debounced) re-read rather than patching it by hand, so a missed frame or a
// reconnect never leaves the page wrong.

import { Page } from '../../lib/page.js';
import { api, withQuery } from '../../lib/api.js';
import { live } from '../../lib/live.js';
import { h, replace, toast, errorText, loadStyle } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { StateSwitch } from './state-switch.js';
import { Inbox } from './inbox.js';
import { ConversationView } from './conversation.js';
import { ChatPanel } from './chat.js';
import { transferDialog, closeDialog } from './transfer.js';
import { startDialog } from './start.js';
import { announce, titleCount, restoreTitle } from './notify.js';
import { seen, forget, saveDraft } from './local.js';

loadStyle('/ui/pages/agent/desk.css');

/** States in which a conversation is still the agent's to work on. */
const WORKING = new Set(['assigned', 'transferring']);

class Desk extends Page {
  constructor() {
    super();
    this.data = null;
    this.people = { agents: [], supervisors: [] };
    this.unread = new Map();
    this.countedAt = new Map(); // conversation id → its last_message_at when its unread was counted
    this.selected = null;
    this.view = null;
    this.known = null; // conversation ids already announced
    this.startedByMe = new Set();
  }

  connectedCallback() {
    this.own(live.on('*', (data, frame) => this.onEvent(frame.type, data)));
    this.own(() => {
      this.view?.destroy();
      this.stateSwitch?.destroy();
      this.inbox?.destroy();
      clearTimeout(this.reloadTimer);
      restoreTitle();
    });
    this.selected = Number(this.params[0]) || null;
    super.connectedCallback();
  }

  routeChanged() {
    this.selected = Number(this.params[0]) || null;
    this.showSelection();
  }

  render() {
    this.view?.destroy();
    this.view = null;
    this.stateSwitch?.destroy();
    this.stateSwitch = new StateSwitch();
    this.inbox?.destroy();
    this.inbox = new Inbox(this);
    this.chat = this.chat || new ChatPanel({ user: this.user });
    // The chat keeps its threads across language changes; only its words are redrawn.
    this.chat.button.replaceChildren(t('desk.chat'), ' ', this.chat.count);
    this.startButton = h('button', { type: 'button', class: 'btn', 'data-testid': 'start-button', onclick: () => this.start() }, t('desk.start'));
    this.main = h('div', { class: 'desk-main' });
    this.layout = h('div', { class: 'desk-layout' }, this.inbox.el, this.main);
    replace(this,
      h('h1', { class: 'sr-only' }, t('nav.desk')),
      h('div', { class: 'desk-bar' }, this.stateSwitch.el, h('span', { class: 'spacer' }), this.startButton, this.chat.button, this.chat.el),
      this.layout);
    this.chat.draw();
    if (this.data) this.apply();
    else this.inbox.draw();
  }

  async load() {
    try {
      const [desk, people] = await Promise.all([
        api.get('/api/v1/desk'),
        api.get('/api/v1/desk/people').catch(() => this.people),
      ]);
      this.data = desk;
      this.people = people;
    } catch (error) {
      replace(this.main, h('p', { class: 'form-error', role: 'alert' }, errorText(error)));
      return;
    }
    if (!this.chatLoaded) {
      this.chatLoaded = true;
      this.chat.setPartners(this.people.supervisors || []);
    }
    await this.countUnread();
    this.announceNew();
    this.apply();
  }

  /** Re-reads the desk soon; events come in bursts (assigned + queue figures + state). */
  scheduleReload() {
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => this.load(), 150);
  }

  apply() {
    this.stateSwitch.update(this.data.agent, this.data.breaks);
    this.startButton.disabled = !(this.data.campaigns || []).some((c) => (c.numbers || []).length);
    this.inbox.draw();
    this.showSelection();
    this.updateTitle();
  }

  /** The conversations the inbox lists: open, still being worked on, newest activity first. */
  inboxConversations() {
    const list = (this.data?.conversations || []).filter((c) => c.open && WORKING.has(c.state));
    return list.sort((a, b) => Date.parse(b.last_message_at) - Date.parse(a.last_message_at));
  }

  roleOf(id) {
    if (this.data?.transfers_in?.includes(id)) return 'transfer-in';
    if (this.data?.transfers_out?.includes(id)) return 'transfer-out';
    return 'mine';
  }

  campaignName(id) {
    return (this.data?.campaigns || []).find((c) => c.id === id)?.name || '';
  }

  personName(id) {
    if (id === this.user.id) return this.user.display_name || this.user.username;
    return this.people.agents?.find((a) => a.agent_id === id)?.name
      || this.people.supervisors?.find((s) => s.id === id)?.name || `#${id}`;
  }

  /** Mounts the selected conversation (or the empty state), keeping a view that is still right. */
  showSelection() {
    if (!this.main) return;
    const summary = this.inboxConversations().find((c) => c.id === this.selected);
    this.layout.classList.toggle('has-selection', Boolean(this.selected));
    if (!summary) {
      this.view?.destroy();
      this.view = null;
      if (this.selected && this.data) {
        replace(this.main, h('div', { class: 'empty' },
          h('p', {}, t('desk.conversation.gone')),
          h('a', { href: '#/desk', class: 'btn' }, t('desk.back_to_inbox'))));
      } else {
        replace(this.main, h('div', { class: 'empty desk-empty' }, h('p', {}, this.data ? t('desk.pick') : t('common.loading'))));
      }
      return;
    }
    const role = this.roleOf(summary.id);
    if (role === 'transfer-out') {
      // While a transfer is pending nobody holds the conversation: the sender may not read it
      // (the server answers 404) until it is taken or comes back.
      this.view?.destroy();
      this.view = null;
      replace(this.main, h('div', { class: 'empty', 'data-testid': 'transfer-pending' },
        h('p', {}, t('desk.transfer.pending_long', { name: summary.contact_name || summary.contact_number || `#${summary.id}` })),
        h('a', { href: '#/desk', class: 'btn' }, t('desk.back_to_inbox'))));
      return;
    }
    if (this.view && this.view.id === summary.id && this.view.role === role) return;
    this.view?.destroy();
    this.view = new ConversationView({ summary, desk: this, role });
    replace(this.main, this.view.el);
    this.unread.set(summary.id, 0);
    this.inbox.draw();
    this.updateTitle();
  }

  select(id) {
    location.hash = id ? `#/desk/${id}` : '#/desk';
  }

  /** Counts, per conversation, the customer's messages after the last one the agent saw. */
  /**
   * Counts the customer messages the agent has not seen, reading only the conversations with
   * activity since their last count: the desk reloads on every event, and a reload must not
   * cost a request per conversation.
   */
  async countUnread() {
    const conversations = this.inboxConversations();
    forget(this.user.id, conversations.map((c) => c.id));
    await Promise.all(conversations.map(async ({ id, last_message_at: activity }) => {
      if (id === this.selected) { this.unread.set(id, 0); return; }
      if (this.unread.has(id) && this.countedAt.get(id) === activity) return;
      try {
        const rows = await api.get(withQuery(`/api/v1/conversations/${id}/messages`, { after: seen(this.user.id, id), limit: 500 }));
        this.unread.set(id, rows.filter((m) => m.direction === 'in').length);
        this.countedAt.set(id, activity);
      } catch {
        this.unread.delete(id);
      }
    }));
  }

  /** The open conversation's view told us what it saw. */
  seenChanged(id) {
    if (this.unread.get(id)) {
      this.unread.set(id, 0);
      this.inbox.draw();
      this.updateTitle();
    }
  }

  updateTitle() {
    const unread = [...this.unread.values()].reduce((a, b) => a + b, 0);
    const waiting = (this.data?.offers?.length || 0) + (this.data?.transfers_in?.length || 0);
    titleCount(unread + waiting);
  }

  /** Tells the agent about conversations that are new on the desk since the last read. */
  announceNew() {
    const current = new Set([
      ...this.inboxConversations().map((c) => `c${c.id}`),
      ...(this.data.offers || []).map((id) => `o${id}`),
    ]);
    if (this.known) {
      for (const key of current) {
        if (this.known.has(key)) continue;
        const id = Number(key.slice(1));
        if (key.startsWith('o')) {
          const offered = (this.data.offered || []).find((o) => o.conversation.id === id)?.conversation;
          const name = offered?.contact_name || offered?.contact_number || t('desk.customer_unknown');
          announce(t('desk.notify.offer', { id, name }));
          continue;
        }
        const c = this.inboxConversations().find((x) => x.id === id);
        const name = c?.contact_name || c?.contact_number || `#${id}`;
        const role = this.roleOf(id);
        if (role === 'transfer-out' || this.startedByMe.has(id)) continue;
        announce(role === 'transfer-in' ? t('desk.notify.transfer', { name }) : t('desk.notify.assigned', { name }));
      }
    }
    this.known = current;
  }

  onEvent(type, data) {
    if (!type || !data) return;
    const me = this.user.id;
    if (type === 'message.updated') {
      if (this.view && this.view.id === data.conversation_id) this.view.messageChanged();
      return;
    }
    if (type === 'message.created') {
      if (data.direction !== 'in') return;
      const id = data.conversation_id;
      if (this.view && this.view.id === id) {
        this.view.customerWrote();
      } else if (this.inboxConversations().some((c) => c.id === id)) {
        this.unread.set(id, (this.unread.get(id) || 0) + 1);
        // The newest activity goes first.
        const c = this.data.conversations.find((x) => x.id === id);
        if (c) c.last_message_at = new Date().toISOString();
        this.inbox.draw();
        this.updateTitle();
      }
      return;
    }
    if (type === 'agent.state') {
      if (data.id === me && this.data) {
        this.data.agent = { ...(this.data.agent || {}), ...data, break_name: data.break, agent_id: data.id };
        this.stateSwitch.update(this.data.agent);
      }
      return;
    }
    if (type === 'chat.message') {
      this.chat.receive(data);
      return;
    }
    if (type.startsWith('conversation.')) {
      if (this.view && this.view.id === data.id && type === 'conversation.window_closed') this.view.loadContext();
      this.scheduleReload();
    }
  }

  async acceptOffer(id) {
    try {
      await api.post(`/api/v1/conversations/${id}/accept`);
      this.select(id);
    } catch (error) {
      toast(errorText(error), 'error');
    }
    this.scheduleReload();
  }

  async rejectOffer(id) {
    try {
      await api.post(`/api/v1/conversations/${id}/reject`);
    } catch (error) {
      toast(errorText(error), 'error');
    }
    this.scheduleReload();
  }

  async acceptTransfer(id) {
    try {
      await api.post(`/api/v1/conversations/${id}/accept-transfer`);
      toast(t('desk.transfer.accepted'), 'success');
    } catch (error) {
      toast(errorText(error), 'error');
    }
    this.scheduleReload();
  }

  async declineTransfer(id) {
    try {
      await api.post(`/api/v1/conversations/${id}/decline-transfer`);
      this.select(null);
    } catch (error) {
      toast(errorText(error), 'error');
    }
    this.scheduleReload();
  }

  async transfer(view) {
    const people = await api.get('/api/v1/desk/people').catch(() => this.people);
    this.people = people;
    const done = await transferDialog({ id: view.id, agents: people.agents || [], campaigns: this.data?.campaigns || [], me: this.user.id });
    if (done) {
      toast(t('desk.transfer.done'), 'success');
      this.scheduleReload();
    }
  }

  async close(view) {
    const done = await closeDialog({ id: view.id });
    if (done) {
      saveDraft(this.user.id, view.id, '');
      toast(t('desk.close.done'), 'success');
      this.select(null);
      this.scheduleReload();
    }
  }

  async start() {
    const started = await startDialog({ campaigns: this.data?.campaigns || [] });
    if (started?.conversation_id) {
      // The agent's own outbound conversation is no news to announce.
      this.startedByMe.add(started.conversation_id);
      await this.load();
      this.select(started.conversation_id);
    }
  }
}

customElements.define('sb-desk', Desk);
