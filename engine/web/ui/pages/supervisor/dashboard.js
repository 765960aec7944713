// The campaign dashboard (`#/dashboard`): one day of a campaign hour by hour — volume, service
// level and waiting time — from `GET /api/v1/reports/hourly`, in the browser's time zone. The
// day of today refreshes itself each minute and after a reconnect.

import { Page } from '../../lib/page.js';
import { api, withQuery } from '../../lib/api.js';
import { h, replace, field, loadStyle, errorText, every } from '../../lib/dom.js';
import { t, formatNumber, formatDuration } from '../../lib/i18n.js';
import { directory } from './directory.js';
import { chart } from './chart.js';
import { percent } from './board-view.js';

loadStyle('/ui/pages/supervisor/supervisor.css');

/** `YYYY-MM-DD` of a date in local time. */
function isoDay(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

class Dashboard extends Page {
  constructor() {
    super();
    this.campaigns = null;
    this.campaignId = null;
    this.date = isoDay(new Date());
    this.report = null;
    this.error = '';
    this.busy = false;
  }

  connectedCallback() {
    super.connectedCallback();
    this.own(every(60_000, () => { if (this.date === isoDay(new Date())) this.fetchReport(); }));
  }

  async load() {
    try {
      this.campaigns = (await directory(true)).campaigns;
      if (!this.campaigns.some((c) => c.id === this.campaignId)) this.campaignId = this.campaigns[0]?.id ?? null;
      this.error = '';
    } catch (error) {
      this.error = errorText(error);
    }
    this.render();
    await this.fetchReport();
  }

  async fetchReport() {
    if (!this.campaignId) return;
    this.busy = true;
    this.renderResult();
    try {
      this.report = await api.get(withQuery('/api/v1/reports/hourly', {
        campaign_id: this.campaignId, date: this.date,
        tz: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
      }));
      this.error = '';
    } catch (error) {
      this.report = null;
      this.error = errorText(error);
    }
    this.busy = false;
    this.renderResult();
  }

  render() {
    this.result = h('div', { class: 'stack', 'aria-live': 'polite', 'aria-busy': 'false' });
    if (!this.campaigns) {
      replace(this, h('h1', {}, t('dash.title')),
        this.error ? h('p', { class: 'form-error', role: 'alert' }, this.error) : h('p', { class: 'empty', role: 'status' }, t('common.loading')));
      return;
    }
    const campaign = h('select', { name: 'campaign' },
      this.campaigns.map((c) => h('option', { value: c.id, selected: c.id === this.campaignId }, c.name)));
    const date = h('input', { type: 'date', name: 'date', value: this.date, required: true, max: isoDay(new Date()) });
    const form = h('form', {
      class: 'card sb-filters',
      onsubmit: (event) => {
        event.preventDefault();
        this.campaignId = Number(campaign.value);
        this.date = date.value || isoDay(new Date());
        this.fetchReport();
      },
    },
    field(t('common.campaign'), campaign),
    field(t('dash.date'), date),
    h('div', { class: 'field' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('dash.show'))));
    campaign.addEventListener('change', () => form.requestSubmit());
    date.addEventListener('change', () => form.requestSubmit());
    replace(this, h('h1', {}, t('dash.title')),
      this.campaigns.length ? form : h('p', { class: 'empty' }, t('board.no_campaigns')),
      this.result);
    this.renderResult();
  }

  renderResult() {
    if (!this.result) return;
    this.result.setAttribute('aria-busy', String(this.busy));
    const r = this.report;
    if (!r) {
      replace(this.result, this.error
        ? h('p', { class: 'form-error', role: 'alert' }, this.error)
        : (this.campaignId ? h('p', { class: 'empty', role: 'status' }, t('common.loading')) : null));
      return;
    }
    const labels = r.hours.map((row) => `${String(row.hour).padStart(2, '0')}:00`);
    const seconds = (v) => formatDuration(v);
    const answered = r.hours.reduce((sum, row) => sum + row.answered, 0);
    const abandoned = r.hours.reduce((sum, row) => sum + row.abandoned, 0);
    replace(this.result,
      this.error ? h('p', { class: 'form-error', role: 'alert' }, this.error) : null,
      h('section', { class: 'card', 'aria-label': t('dash.day_totals') },
        h('div', { class: 'sb-stats' },
          h('div', { class: 'stat' }, h('span', { class: 'stat-value', 'data-testid': 'dash-queued' }, formatNumber(r.queued)), h('span', { class: 'stat-label' }, t('dash.queued'))),
          h('div', { class: 'stat' }, h('span', { class: 'stat-value' }, formatNumber(answered)), h('span', { class: 'stat-label' }, t('dash.answered'))),
          h('div', { class: 'stat' }, h('span', { class: 'stat-value' }, formatNumber(abandoned)), h('span', { class: 'stat-label' }, t('dash.abandoned'))),
          h('div', { class: 'stat' }, h('span', { class: 'stat-value', 'data-testid': 'dash-sl' }, percent(r.service_level)), h('span', { class: 'stat-label' }, t('dash.sl_threshold', { secs: r.threshold_secs }))),
          h('div', { class: 'stat' }, h('span', { class: 'stat-value' }, r.avg_wait_secs === null ? '—' : seconds(r.avg_wait_secs)), h('span', { class: 'stat-label' }, t('dash.avg_wait'))))),
      h('div', { class: 'sb-charts' },
        chart({ title: t('dash.volume'), labels, values: r.hours.map((row) => row.queued), least: 2, format: (v) => formatNumber(v), testid: 'chart-volume' }),
        chart({ title: t('dash.service_level'), labels, kind: 'line', max: 100, values: r.hours.map((row) => row.service_level), format: (v) => `${formatNumber(v, { maximumFractionDigits: 0 })} %`, testid: 'chart-sl' }),
        chart({ title: t('dash.wait'), labels, values: r.hours.map((row) => row.avg_wait_secs), least: 10, format: seconds, testid: 'chart-wait' })));
  }
}

customElements.define('sb-dashboard', Dashboard);
