// Conversation search (`#/conversations`): by campaign, agent, customer number, text, date
// range and disposition (`GET /api/v1/recordings`, scoped by the server to the supervisor's
// campaigns); open one to read it; download one transcript, or the result list as CSV.

import { Page } from '../../lib/page.js';
import { api, withQuery } from '../../lib/api.js';
import { h, replace, field, loadStyle, errorText, dialog, download } from '../../lib/dom.js';
import { t, formatTime, formatNumber } from '../../lib/i18n.js';
import { directory, nameOf } from './directory.js';
import { contentText } from './content.js';
import { toCsv } from './csv.js';
import { stackable } from './table.js';

loadStyle('/ui/pages/supervisor/supervisor.css');

const PAGE = 50;

const STATES = ['new', 'idle', 'bot', 'queued', 'assigned', 'transferring', 'closing', 'closed', 'abandoned', 'rejected'];

/** A conversation state in words (an unknown one as it comes). */
function stateText(state) {
  return STATES.includes(state) ? t(`search.state_${state}`) : state;
}

class ConversationSearch extends Page {
  constructor() {
    super();
    this.names = { campaigns: [], agents: [] };
    this.filters = {};
    this.results = null;
    this.more = false;
    this.error = '';
    this.busy = false;
  }

  async load() {
    try {
      this.names = await directory(true);
    } catch (error) {
      this.error = errorText(error);
    }
    this.render();
    if (!this.results) await this.search();
  }

  async search(append = false) {
    this.busy = true;
    this.renderResults();
    const before = append && this.results?.length ? this.results[this.results.length - 1].id : undefined;
    try {
      const page = await api.get(withQuery('/api/v1/recordings', { ...this.filters, before, limit: PAGE }));
      this.results = append ? [...this.results, ...page] : page;
      this.more = page.length === PAGE;
      this.error = '';
    } catch (error) {
      this.error = errorText(error);
      if (!append) this.results = [];
    }
    this.busy = false;
    this.renderResults();
  }

  render() {
    const f = this.filters;
    const select = (name, list) => h('select', { name },
      h('option', { value: '' }, t('common.all')),
      list.map((item) => h('option', { value: item.id, selected: String(item.id) === String(f[name] ?? '') }, item.name)));
    const input = (name, type = 'text', extra = {}) => h('input', { name, type, value: f[name] ?? '', ...extra });
    const form = h('form', {
      class: 'card sb-filters', 'aria-label': t('search.filters'),
      onsubmit: (event) => {
        event.preventDefault();
        const data = Object.fromEntries(new FormData(form));
        this.filters = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v).trim()]).filter(([, v]) => v));
        this.search();
      },
    },
    field(t('common.campaign'), select('campaign_id', this.names.campaigns)),
    field(t('common.agent'), select('agent_id', this.names.agents)),
    field(t('search.number'), input('number', 'tel', { placeholder: '+54911…', autocomplete: 'off' })),
    field(t('search.text'), input('text', 'search')),
    field(t('search.from'), input('from', 'date')),
    field(t('search.to'), input('to', 'date')),
    field(t('search.disposition'), input('disposition')),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('action.search'))));
    this.resultsEl = h('div', { 'aria-live': 'polite' });
    replace(this, h('h1', {}, t('search.title')), form, this.resultsEl);
    this.renderResults();
  }

  renderResults() {
    if (!this.resultsEl) return;
    this.resultsEl.setAttribute('aria-busy', String(this.busy));
    const rows = this.results;
    if (!rows) {
      replace(this.resultsEl, this.error ? h('p', { class: 'form-error', role: 'alert' }, this.error)
        : h('p', { class: 'empty', role: 'status' }, t('common.loading')));
      return;
    }
    const { campaigns, agents } = this.names;
    replace(this.resultsEl,
      this.error ? h('p', { class: 'form-error', role: 'alert' }, this.error) : null,
      h('section', { class: 'card' },
        h('div', { class: 'row' },
          h('h2', { id: 'results-title' }, t('search.results'), ' ',
            h('span', { class: 'badge', 'data-testid': 'result-count' }, formatNumber(rows.length), this.more ? '+' : '')),
          h('span', { class: 'spacer' }),
          h('button', { type: 'button', class: 'btn btn-small', disabled: !rows.length, onclick: () => this.downloadList() },
            t('search.download_csv'))),
        rows.length
          ? h('div', { class: 'table-wrap' }, stackable(h('table', { class: 'sb-table', 'aria-labelledby': 'results-title' },
            h('thead', {}, h('tr', {},
              [t('board.conversation'), t('search.started'), t('common.customer'), t('common.campaign'), t('common.agent'),
                t('common.status'), t('search.disposition'), t('common.actions')].map((label) => h('th', { scope: 'col' }, label)))),
            h('tbody', {}, rows.map((c) => h('tr', { 'data-testid': `conversation-${c.id}` },
              h('td', {}, `#${c.id}`),
              h('td', {}, formatTime(c.created_at)),
              h('td', {}, c.contact_name ? `${c.contact_name} · ` : '', c.contact_number || ''),
              h('td', {}, nameOf(campaigns, c.campaign_id)),
              h('td', {}, nameOf(agents, c.agent_id)),
              h('td', {}, h('span', { class: `badge ${c.open ? 'badge-info' : ''}` }, stateText(c.state))),
              h('td', {}, c.disposition || '—'),
              h('td', {}, h('div', { class: 'btn-row' },
                h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.open(c),
                  'aria-label': t('search.open_named', { id: c.id }) }, t('search.open')),
                h('a', { class: 'btn btn-small', href: `/api/v1/recordings/${c.id}/transcript?format=text`, download: `conversation-${c.id}.txt`,
                  'aria-label': t('search.download_named', { id: c.id }) }, t('action.download'))))))))))
          : h('p', { class: 'empty' }, t('search.none')),
        this.more ? h('div', { class: 'sb-pager' }, h('button', {
          type: 'button', class: 'btn', disabled: this.busy, onclick: () => this.search(true),
        }, t('search.more'))) : null));
  }

  async open(conversation) {
    let transcript;
    try {
      transcript = await api.get(`/api/v1/recordings/${conversation.id}/transcript`);
    } catch (error) {
      await dialog(t('search.transcript_title', { id: conversation.id }), h('p', { class: 'form-error' }, errorText(error)));
      return;
    }
    const c = transcript.conversation;
    const facts = [
      [t('common.customer'), [c.contact_name, c.contact_number].filter(Boolean).join(' · ')],
      [t('common.campaign'), transcript.campaign || '—'],
      [t('common.agent'), transcript.agent || '—'],
      [t('search.started'), formatTime(c.created_at)],
      [t('search.ended'), c.closed_at ? formatTime(c.closed_at) : '—'],
      [t('search.disposition'), c.disposition || '—'],
    ];
    const content = h('div', { class: 'stack' },
      h('dl', { class: 'sb-facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h('ol', { class: 'sb-transcript', 'aria-label': t('search.messages') },
        transcript.messages.length ? transcript.messages.map((m) => h('li', { class: `sb-msg sb-msg-${m.direction === 'in' ? 'in' : 'out'}` },
          h('span', { class: 'sb-msg-who' }, t(`board.who_${m.direction === 'in' ? 'customer' : (m.origin === 'agent' ? 'agent' : 'bot')}`)),
          h('span', { class: 'sb-msg-text' }, contentText(m.content)),
          h('time', { class: 'sb-msg-time muted small' }, formatTime(m.created_at), m.direction === 'out' ? ` · ${m.status}` : '')))
          : h('li', { class: 'empty' }, t('board.spy_empty'))),
      h('div', { class: 'btn-row' }, ['text', 'html', 'json'].map((format) => h('a', {
        class: 'btn btn-small', href: `/api/v1/recordings/${c.id}/transcript?format=${format}`,
        download: `conversation-${c.id}.${format === 'text' ? 'txt' : format}`,
      }, t('search.download_as', { format: format.toUpperCase() })))));
    await dialog(t('search.transcript_title', { id: c.id }), content, [{ label: t('action.close'), value: true, primary: true }]);
  }

  downloadList() {
    const { campaigns, agents } = this.names;
    const header = ['id', 'created_at', 'closed_at', 'customer_number', 'customer_name', 'campaign', 'agent', 'state',
      'end_reason', 'disposition', 'csat', 'tags'];
    const rows = this.results.map((c) => [c.id, c.created_at, c.closed_at, c.contact_number, c.contact_name,
      nameOf(campaigns, c.campaign_id), nameOf(agents, c.agent_id), c.state, c.end_reason, c.disposition, c.csat,
      c.tags.join(' ')]);
    download(`conversations-${new Date().toISOString().slice(0, 10)}.csv`, toCsv(header, rows), 'text/csv');
  }
}

customElements.define('sb-conversation-search', ConversationSearch);
