// A dialer's records, a page at a time (by position: `after` is the last position of the page
// before), with the CSV export of all of them.

import { api, withQuery } from '../../lib/api.js';
import { h, replace, errorText } from '../../lib/dom.js';
import { t, formatTime, formatNumber } from '../../lib/i18n.js';
import { recordBadge } from './dialer-status.js';

const PAGE = 50;

export class RecordsTable {
  constructor(dialerId) {
    this.dialerId = dialerId;
    this.cursors = [0]; // `after` of each page shown so far
    this.rows = null;
    this.error = '';
    this.body = h('div', { 'aria-live': 'polite' });
    this.el = h('section', { class: 'card', 'aria-labelledby': 'records-title' },
      h('div', { class: 'row' },
        h('h2', { id: 'records-title' }, t('dialer.records')),
        h('span', { class: 'spacer' }),
        h('a', { class: 'btn btn-small', href: `/api/v1/dialers/${dialerId}/records.csv`, download: `dialer-${dialerId}-records.csv`,
          'data-testid': 'records-export' }, t('dialer.export_csv'))),
      this.body);
  }

  async load() {
    const after = this.cursors[this.cursors.length - 1];
    try {
      this.rows = await api.get(withQuery(`/api/v1/dialers/${this.dialerId}/records`, { after, limit: PAGE }));
      this.error = '';
    } catch (error) {
      this.error = errorText(error);
    }
    this.render();
  }

  next() {
    if (!this.rows?.length) return;
    this.cursors.push(this.rows[this.rows.length - 1].position);
    this.load();
  }

  previous() {
    if (this.cursors.length < 2) return;
    this.cursors.pop();
    this.load();
  }

  render() {
    if (this.error) { replace(this.body, h('p', { class: 'form-error', role: 'alert' }, this.error)); return; }
    if (!this.rows) { replace(this.body, h('p', { class: 'empty', role: 'status' }, t('common.loading'))); return; }
    const page = this.cursors.length;
    replace(this.body,
      this.rows.length ? h('div', { class: 'table-wrap' }, (h('table', { class: 'sb-table', 'aria-labelledby': 'records-title' },
        h('thead', {}, h('tr', {}, [t('dialer.position'), t('dialer.line'), t('common.name'), t('dialer.destination'),
          t('common.status'), t('dialer.reason'), t('dialer.updated')].map((label) => h('th', { scope: 'col' }, label)))),
        h('tbody', {}, this.rows.map((r) => h('tr', {},
          h('td', { class: 'num' }, formatNumber(r.position)),
          h('td', { class: 'num' }, r.line ?? '—'),
          h('td', {}, r.name || ''),
          h('td', {}, r.destination),
          h('td', {}, recordBadge(r.state)),
          h('td', { class: 'wrap' }, r.reason || ''),
          h('td', {}, formatTime(r.updated_ms))))))))
        : h('p', { class: 'empty' }, t('dialer.no_records')),
      h('div', { class: 'sb-pager' },
        h('button', { type: 'button', class: 'btn btn-small', disabled: page < 2, onclick: () => this.previous() }, t('dialer.previous')),
        h('span', { class: 'small muted' }, t('dialer.page', { page })),
        h('button', { type: 'button', class: 'btn btn-small', disabled: (this.rows.length < PAGE), onclick: () => this.next() }, t('dialer.next'))));
  }
}
