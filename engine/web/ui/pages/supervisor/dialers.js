// The dialer monitor (`#/dialers`, `#/dialers/{id}`): the dialers this supervisor sees, and for
// one its status live (`dialer.progress` events, and a refresh every two seconds while it
// runs), start / stop / purge, a single send, list and do-not-call uploads, and its records.

import { Page } from '../../lib/page.js';
import { api } from '../../lib/api.js';
import { live } from '../../lib/live.js';
import { h, replace, loadStyle, errorText, attempt, confirm, toast, every } from '../../lib/dom.js';
import { t, formatNumber } from '../../lib/i18n.js';
import { directory } from './directory.js';
import { statusCard } from './dialer-status.js';
import { listUpload, dncUpload } from './dialer-upload.js';
import { singleSend } from './dialer-send.js';
import { RecordsTable } from './dialer-records.js';
import { keepFocus } from './focus.js';
import { stackable } from './table.js';

loadStyle('/ui/pages/supervisor/supervisor.css');

class Dialers extends Page {
  constructor() {
    super();
    this.dialers = null;
    this.status = null;
    this.error = '';
    this.statusTimer = null;
    this.fetching = false;
  }

  get dialerId() {
    const id = Number(this.params[0]);
    return Number.isInteger(id) && id > 0 ? id : null;
  }

  connectedCallback() {
    this.own(live.on('dialer.progress', (data) => this.progress(data)));
    this.own(every(2000, () => { if (this.status?.running) this.refresh(); }));
    this.own(() => clearTimeout(this.statusTimer));
    super.connectedCallback();
  }

  routeChanged() {
    this.status = null;
    this.records = null;
    this.drawn = null;
    this.load();
  }

  async load() {
    try {
      const [dialers, names] = await Promise.all([api.get('/api/v1/dialers'), directory().catch(() => ({ campaigns: [] }))]);
      this.dialers = dialers;
      this.campaigns = names.campaigns;
      this.error = '';
      if (this.dialerId) await this.fetchStatus();
    } catch (error) {
      this.error = errorText(error);
    }
    // After a reconnect the forms stay (an upload may be under way): only the figures redraw.
    if (this.drawn === this.dialerId && this.dialerId && this.statusEl) {
      this.renderStatus();
      if (this.listEl) replace(this.listEl, this.dialerList());
      this.records?.load();
      return;
    }
    this.render();
  }

  async fetchStatus() {
    const id = this.dialerId;
    if (!id) return;
    try {
      const status = await api.get(`/api/v1/dialers/${id}/status`);
      if (id !== this.dialerId) return;
      this.status = status;
      this.statusError = '';
    } catch (error) {
      this.statusError = errorText(error);
    }
  }

  /** Status and the first page of records again; one request at a time. */
  async refresh() {
    if (this.fetching) return;
    this.fetching = true;
    await this.fetchStatus();
    this.fetching = false;
    this.renderStatus();
    if (this.records && this.records.cursors.length === 1) this.records.load();
  }

  progress(data) {
    if (data.dialer_id !== this.dialerId || !this.status) return;
    Object.assign(this.status, {
      rate_per_s: data.rate_per_s, ceiling_per_s: data.ceiling_per_s, on_schedule: data.on_schedule, waiting: data.waiting,
    });
    this.renderStatus();
    // The counters come with the status: fetch it soon, not for every event.
    if (!this.statusTimer) {
      this.statusTimer = setTimeout(() => { this.statusTimer = null; this.refresh(); }, 500);
    }
  }

  async run(start) {
    const id = this.dialerId;
    const status = await attempt(() => api.post(`/api/v1/dialers/${id}/${start ? 'start' : 'stop'}`));
    if (status) {
      this.status = status;
      toast(t(start ? 'dialer.started' : 'dialer.stopped_done'), 'success');
      this.renderStatus();
      this.refreshList();
    }
  }

  async purge() {
    if (!(await confirm(t('dialer.purge_confirm'), t('dialer.purge')))) return;
    const result = await attempt(() => api.post(`/api/v1/dialers/${this.dialerId}/purge`));
    if (result) {
      toast(t('dialer.purged', { n: formatNumber(result.cancelled) }), 'success');
      this.refresh();
    }
  }

  async refreshList() {
    try { this.dialers = await api.get('/api/v1/dialers'); } catch { /* the list stays as it was */ }
    if (this.listEl) replace(this.listEl, this.dialerList());
  }

  render() {
    if (!this.dialers) {
      replace(this, h('h1', {}, t('dialer.title')), this.error
        ? h('p', { class: 'form-error', role: 'alert' }, this.error)
        : h('p', { class: 'empty', role: 'status' }, t('common.loading')));
      return;
    }
    this.listEl = h('div', {}, this.dialerList());
    const id = this.dialerId;
    const dialer = this.dialers.find((d) => d.id === id);
    if (!id || !dialer) {
      replace(this, h('h1', {}, t('dialer.title')), this.error ? h('p', { class: 'form-error', role: 'alert' }, this.error) : null,
        id ? h('p', { class: 'form-error', role: 'alert' }, t('dialer.not_found', { id })) : null,
        this.listEl);
      return;
    }
    this.drawn = id;
    this.records = new RecordsTable(id);
    this.statusEl = h('div');
    this.actionsEl = h('div', { class: 'btn-row' });
    replace(this,
      h('div', { class: 'row sb-head' },
        h('a', { href: '#/dialers', class: 'btn btn-small btn-ghost' }, '← ', t('dialer.all')),
        h('h1', {}, dialer.name), h('span', { class: 'spacer' }), this.actionsEl),
      this.statusEl,
      h('div', { class: 'grid grid-2', style: 'margin-top: 1rem' },
        listUpload(id, () => this.refresh()),
        h('div', { class: 'stack' }, singleSend(id, () => this.refresh()), dncUpload(this.campaigns || []))),
      h('div', { style: 'margin-top: 1rem' }, this.records.el),
      h('details', { class: 'card', style: 'margin-top: 1rem' }, h('summary', {}, t('dialer.all')), this.listEl));
    this.renderStatus();
    this.records.load();
  }

  renderStatus() {
    if (!this.statusEl) return;
    keepFocus(this, () => {
      const s = this.status;
      replace(this.statusEl, this.statusError ? h('p', { class: 'form-error', role: 'alert' }, this.statusError) : null,
        s ? statusCard(s) : h('p', { class: 'empty', role: 'status' }, t('common.loading')));
      replace(this.actionsEl,
        h('button', {
          type: 'button', class: `btn ${s?.running ? '' : 'btn-primary'}`, disabled: !s, 'data-key': 'run',
          onclick: () => this.run(!s.running),
        }, t(s?.running ? 'dialer.stop' : 'dialer.start')),
        h('button', { type: 'button', class: 'btn btn-danger', disabled: !s, 'data-key': 'purge', onclick: () => this.purge() }, t('dialer.purge')),
        h('button', { type: 'button', class: 'btn btn-ghost', 'data-key': 'refresh', onclick: () => this.refresh() }, t('action.refresh')));
    });
  }

  dialerList() {
    if (!this.dialers.length) return h('p', { class: 'empty' }, t('dialer.none'));
    return h('div', { class: 'table-wrap' }, stackable(h('table', { class: 'sb-table' },
      h('thead', {}, h('tr', {}, [t('common.name'), t('common.status'), t('dialer.paused_col'), t('common.actions')]
        .map((label) => h('th', { scope: 'col' }, label)))),
      h('tbody', {}, this.dialers.map((d) => h('tr', {},
        h('th', { scope: 'row' }, d.name),
        h('td', {}, h('span', { class: `badge ${d.running ? 'badge-success' : ''}` }, t(d.running ? 'dialer.running' : 'dialer.stopped'))),
        h('td', { class: 'wrap' }, d.paused_reason || '—'),
        h('td', {}, h('a', { class: 'btn btn-small', href: `#/dialers/${d.id}`, 'aria-label': t('dialer.open_named', { name: d.name }) },
          t('dialer.open')))))))));
  }
}

customElements.define('sb-dialers', Dialers);
