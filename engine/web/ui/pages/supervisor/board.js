// The live board (`#/board`): campaign figures, the agents with their state and since when,
// and the customers waiting, with actions on agents (pause, chat, log out) and spying on a
// conversation. A snapshot comes from `GET /api/v1/board`; the socket keeps it live: queue
// figures and agent states are applied as they come, and any conversation event refetches the
// snapshot (coalesced: at most one request in flight, one queued).

import { Page } from '../../lib/page.js';
import { api, withQuery } from '../../lib/api.js';
import { live } from '../../lib/live.js';
import { h, replace, loadStyle, errorText, attempt, confirm, toast } from '../../lib/dom.js';
import { t, formatTime } from '../../lib/i18n.js';
import { startTicker, serverClock, tick } from './ticker.js';
import { campaignCards, agentsTable, waitingTable } from './board-view.js';
import { SpyPanel } from './spy.js';
import { ChatPanel } from './chat.js';
import { keepFocus } from './focus.js';

loadStyle('/ui/pages/supervisor/supervisor.css');

class Board extends Page {
  constructor() {
    super();
    this.board = null;
    this.open = [];
    this.error = '';
    this.clock = serverClock();
    this.loading = null;
    this.again = false;
    this.timer = null;
  }

  connectedCallback() {
    this.spy = new SpyPanel(() => this.render());
    this.chat = new ChatPanel();
    this.own(() => { this.spy.destroy(); this.chat.destroy(); clearTimeout(this.timer); });
    this.own(live.on('queue.updated', (data) => this.queueUpdated(data)));
    this.own(live.on('agent.state', (data) => this.agentState(data)));
    this.own(live.on('*', (data, frame) => {
      if (frame?.type?.startsWith('conversation.')) this.soon();
    }));
    super.connectedCallback();
    this.own(startTicker(this, this.clock));
  }

  /** Refetches shortly; bursts of events make one request. */
  soon() {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.load(), 250);
  }

  async load() {
    if (this.loading) { this.again = true; return this.loading; }
    this.loading = (async () => {
      try {
        const [board, open] = await Promise.all([
          api.get('/api/v1/board'),
          api.get(withQuery('/api/v1/recordings', { open: true, limit: 500 })),
        ]);
        this.clock.sync(board.at_ms);
        // Waits are relative to the snapshot; as start times the ticker can advance them.
        for (const c of board.campaigns) {
          c.longest_since_ms = board.at_ms - c.longest_wait_ms;
          for (const w of c.waiting_list) w.since_ms = board.at_ms - w.waited_ms;
        }
        this.board = board;
        this.open = open;
        this.error = '';
      } catch (error) {
        this.error = errorText(error);
      }
      this.render();
    })();
    await this.loading;
    this.loading = null;
    if (this.again) { this.again = false; this.load(); }
  }

  queueUpdated(data) {
    const campaign = this.board?.campaigns.find((c) => c.campaign_id === data.campaign_id);
    if (!campaign) return;
    campaign.waiting = data.waiting;
    campaign.longest_wait_ms = data.longest_wait_ms;
    campaign.longest_since_ms = this.clock.now() - data.longest_wait_ms;
    this.render();
    this.soon();
  }

  agentState(data) {
    const agent = this.board?.agents.find((a) => a.agent_id === data.id);
    if (!agent) { this.soon(); return; }
    Object.assign(agent, {
      state: data.state, paused: data.paused, since_ms: data.since_ms, active: data.load,
      max_concurrent: data.max_concurrent, completed: data.completed, break_name: data.break ?? null,
    });
    this.render();
  }

  async pause(agent) {
    // Decided now: the agent.state event may update `agent` before the answer comes.
    const pausing = !agent.paused;
    const path = `/api/v1/agents/${agent.agent_id}/${pausing ? 'pause' : 'resume'}`;
    const done = await attempt(() => api.post(path));
    if (done !== undefined) {
      toast(t(pausing ? 'board.paused_done' : 'board.resumed', { name: agent.name }), 'success');
      this.load();
    }
  }

  async logOut(agent) {
    if (!(await confirm(t('board.logout_confirm', { name: agent.name }), t('board.logout')))) return;
    const done = await attempt(() => api.post(`/api/v1/agents/${agent.agent_id}/logout`));
    if (done !== undefined) {
      toast(t('board.logged_out', { name: agent.name }), 'success');
      this.load();
    }
  }

  render() {
    if (!this.spy) return;
    // The panels keep their nodes (a chat being typed, a transcript scrolled): only the other
    // parts are redrawn, so the skeleton is built once per language.
    if (this.drawnIn !== document.documentElement.lang) this.skeleton();
    keepFocus(this, () => this.draw());
  }

  skeleton() {
    if (this.drawnIn) { this.spy.relabel(); this.chat.relabel(); }
    this.drawnIn = document.documentElement.lang;
    this.headEl = h('div', { class: 'row sb-head' });
    this.errorEl = h('div');
    this.cardsEl = h('div');
    this.agentsEl = h('div');
    this.waitingEl = h('div');
    replace(this, this.headEl, this.errorEl, this.cardsEl,
      h('div', { class: 'sb-board-grid' },
        h('div', { class: 'stack sb-board-main' }, this.agentsEl, this.waitingEl),
        h('div', { class: 'stack sb-board-side' }, this.spy.el, this.chat.el)));
  }

  draw() {
    const actions = {
      pause: (agent) => this.pause(agent),
      logOut: (agent) => this.logOut(agent),
      chat: (agent) => this.chat.open({ id: agent.agent_id, name: agent.name }),
      spy: (id) => this.spy.start(id),
      spying: this.spy.conversationId,
    };
    replace(this.headEl,
      h('h1', {}, t('board.title')),
      h('span', { class: 'spacer' }),
      this.board ? h('span', { class: 'muted small' }, t('board.updated', { time: formatTime(this.board.at_ms) })) : null,
      h('button', { type: 'button', class: 'btn btn-small', 'data-key': 'refresh', onclick: () => this.load() }, t('action.refresh')));
    replace(this.errorEl, this.error ? h('p', { class: 'form-error', role: 'alert' }, this.error) : null);
    if (!this.board) {
      replace(this.cardsEl, this.error ? null : h('p', { class: 'empty', role: 'status' }, t('common.loading')));
      return;
    }
    const campaigns = this.board.campaigns;
    replace(this.cardsEl, campaigns.length ? campaignCards(campaigns) : h('p', { class: 'empty' }, t('board.no_campaigns')));
    replace(this.agentsEl, agentsTable(this.board.agents, this.open, campaigns, actions));
    replace(this.waitingEl, waitingTable(campaigns, actions));
    tick(this, this.clock);
  }
}

customElements.define('sb-board', Board);
