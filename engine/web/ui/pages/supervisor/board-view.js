// The board's parts, drawn from a snapshot: campaign cards, the agents table and the waiting
// customers. Times on hold and in a state carry `data-since` so the ticker updates them.

import { h } from '../../lib/dom.js';
import { t, formatNumber, formatDuration } from '../../lib/i18n.js';
import { nameOf } from './directory.js';
import { stackable } from './table.js';

const stateBadges = {
  free: 'badge-success', busy: 'badge-info', break_free: 'badge-warning', break_busy: 'badge-warning',
  disconnected: '',
};

/** Percent with one decimal, or a dash when nothing counts yet. */
export function percent(value) {
  return value === null || value === undefined ? '—' : `${formatNumber(value, { maximumFractionDigits: 1 })} %`;
}

function stat(label, value, testid, extra = {}) {
  return h('div', { class: 'stat' },
    h('span', { class: 'stat-value', 'data-testid': testid, ...extra }, value),
    h('span', { class: 'stat-label' }, label));
}

export function campaignCards(campaigns) {
  return h('div', { class: 'grid grid-3 sb-cards', 'aria-live': 'polite' }, campaigns.map((c) => {
    return h('section', { class: 'card sb-campaign', 'data-testid': `campaign-${c.campaign_id}`, 'aria-label': c.name },
      h('h2', {}, c.name),
      h('div', { class: 'sb-stats' },
        stat(t('board.waiting'), formatNumber(c.waiting), `campaign-waiting-${c.campaign_id}`),
        stat(t('board.longest_wait'), c.waiting > 0 ? formatDuration(c.longest_wait_ms / 1000) : '—', null,
          c.waiting > 0 ? { 'data-since': String(c.longest_since_ms) } : {}),
        stat(t('board.service_level'), percent(c.service_level), `campaign-sl-${c.campaign_id}`),
        stat(t('board.active'), formatNumber(c.active), `campaign-active-${c.campaign_id}`),
        stat(t('board.in_bot'), formatNumber(c.in_bot), `campaign-bot-${c.campaign_id}`),
        stat(t('board.completed'), formatNumber(c.completed), `campaign-completed-${c.campaign_id}`),
        stat(t('board.abandoned'), formatNumber(c.abandoned), null),
        stat(t('board.agents_available'), `${formatNumber(c.agents_available)} / ${formatNumber(c.agents_logged_in)}`, null)));
  }));
}

export function agentsTable(agents, open, campaigns, actions) {
  const held = new Map();
  for (const c of open) {
    if (!c.agent_id || !['assigned', 'transferring', 'closing'].includes(c.state)) continue;
    if (!held.has(c.agent_id)) held.set(c.agent_id, []);
    held.get(c.agent_id).push(c);
  }
  const list = campaigns.map((c) => ({ id: c.campaign_id, name: c.name }));
  const rows = agents.map((a) => {
    const mine = held.get(a.agent_id) || [];
    return h('tr', { 'data-testid': `agent-${a.agent_id}`, dataset: { agentId: a.agent_id } },
      h('th', { scope: 'row' }, a.name,
        h('div', { class: 'muted small' }, a.campaigns.map((id) => nameOf(list, id)).join(', '))),
      h('td', {},
        h('span', { class: `badge ${stateBadges[a.state] ?? ''}`, 'data-testid': 'agent-state' }, t(`board.state_${a.state}`)),
        a.break_name ? h('span', { class: 'muted small' }, ` ${a.break_name}`) : null,
        a.paused ? h('span', { class: 'badge badge-danger', 'data-testid': 'agent-paused' }, t('board.paused')) : null),
      h('td', {}, h('span', { 'data-since': String(a.since_ms) }, ''),
        h('span', { class: 'sr-only' }, t('board.since_hint'))),
      h('td', { 'data-testid': 'agent-active' }, `${formatNumber(a.active)} / ${formatNumber(a.max_concurrent)}`),
      h('td', { 'data-testid': 'agent-completed' }, formatNumber(a.completed)),
      h('td', {}, h('div', { class: 'btn-row' },
        h('button', {
          type: 'button', class: 'btn btn-small', 'data-key': `pause-${a.agent_id}`, onclick: () => actions.pause(a),
          'aria-label': t(a.paused ? 'board.resume_named' : 'board.pause_named', { name: a.name }),
        }, t(a.paused ? 'board.resume' : 'board.pause')),
        h('button', {
          type: 'button', class: 'btn btn-small', 'data-key': `chat-${a.agent_id}`, onclick: () => actions.chat(a),
          'aria-label': t('board.chat_named', { name: a.name }),
        }, t('board.chat')),
        h('button', {
          type: 'button', class: 'btn btn-small btn-danger', 'data-key': `logout-${a.agent_id}`,
          disabled: a.state === 'disconnected', onclick: () => actions.logOut(a),
          'aria-label': t('board.logout_named', { name: a.name }),
        }, t('board.logout')),
        mine.map((c) => spyButton(c.id, c.contact_name || c.contact_number, actions)))));
  });
  return h('section', { class: 'card', 'aria-labelledby': 'agents-title' },
    h('h2', { id: 'agents-title' }, t('board.agents'), ' ', h('span', { class: 'badge' }, formatNumber(agents.length))),
    agents.length
      ? h('div', { class: 'table-wrap' }, stackable(h('table', { class: 'sb-table' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, t('common.agent')),
          h('th', { scope: 'col' }, t('common.status')),
          h('th', { scope: 'col' }, t('board.since')),
          h('th', { scope: 'col' }, t('board.active')),
          h('th', { scope: 'col' }, t('board.completed')),
          h('th', { scope: 'col' }, t('common.actions')))),
        h('tbody', {}, rows))))
      : h('p', { class: 'empty' }, t('board.no_agents')));
}

function spyButton(id, who, actions) {
  const on = actions.spying === id;
  return h('button', {
    type: 'button', class: `btn btn-small ${on ? 'btn-primary' : 'btn-ghost'}`, 'data-key': `spy-${id}`,
    'data-testid': `spy-${id}`, 'aria-pressed': String(on), onclick: () => actions.spy(id),
    'aria-label': t('board.spy_named', { id, who: who || '' }),
  }, t('board.spy_short', { id }));
}

export function waitingTable(campaigns, actions) {
  const rows = [];
  for (const c of campaigns) {
    for (const w of c.waiting_list) {
      rows.push(h('tr', { 'data-testid': `waiting-${w.conversation_id}` },
        h('td', {}, `#${w.conversation_id}`),
        h('td', {}, c.name),
        h('td', {}, h('span', { class: 'sb-hold', 'data-since': String(w.since_ms) },
          formatDuration(w.waited_ms / 1000))),
        h('td', {}, w.priority ? formatNumber(w.priority) : '—'),
        h('td', {}, w.offered_to ? t('board.offered') : (w.transfer_from_agent_id ? t('board.transfer') : t('board.queued'))),
        h('td', {}, spyButton(w.conversation_id, '', actions))));
    }
  }
  const total = campaigns.reduce((sum, c) => sum + c.waiting, 0);
  return h('section', { class: 'card', 'aria-labelledby': 'waiting-title' },
    h('h2', { id: 'waiting-title' }, t('board.waiting_customers'), ' ',
      h('span', { class: 'badge badge-warning', 'data-testid': 'waiting-total' }, formatNumber(total))),
    rows.length
      ? h('div', { class: 'table-wrap' }, stackable(h('table', { class: 'sb-table' },
        h('thead', {}, h('tr', {},
          h('th', { scope: 'col' }, t('board.conversation')),
          h('th', { scope: 'col' }, t('common.campaign')),
          h('th', { scope: 'col' }, t('board.on_hold')),
          h('th', { scope: 'col' }, t('board.priority')),
          h('th', { scope: 'col' }, t('common.status')),
          h('th', { scope: 'col' }, t('common.actions')))),
        h('tbody', {}, rows))))
      : h('p', { class: 'empty' }, t('board.nobody_waiting')));
}
