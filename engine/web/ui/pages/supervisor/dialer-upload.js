// Uploading to a dialer: a CSV list (`POST /api/v1/dialers/{id}/lists`, streamed, with a
// progress bar while the bytes go and the server's answer: accepted, invalid rows with line
// and reason, duplicates), and numbers for the do-not-call list (`POST /api/v1/dnc`).

import { upload, withQuery } from '../../lib/api.js';
import { h, replace, field, errorText } from '../../lib/dom.js';
import { t, formatNumber } from '../../lib/i18n.js';

/** The list upload form; `done()` runs after a successful upload. */
export function listUpload(dialerId, done) {
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,.txt,text/csv,text/plain', required: true });
  const name = h('input', { type: 'text', name: 'name', autocomplete: 'off' });
  const delimiter = h('select', { name: 'delimiter' },
    [['', t('dialer.detect')], [';', ';'], [',', ','], ['tab', t('dialer.tab')], ['|', '|']].map(([v, l]) => h('option', { value: v }, l)));
  const header = h('select', { name: 'header' },
    [['', t('dialer.detect')], ['true', t('common.yes')], ['false', t('common.no')]].map(([v, l]) => h('option', { value: v }, l)));
  const bar = h('progress', { max: '100', value: '0', 'aria-label': t('dialer.upload_progress'), 'data-testid': 'upload-progress' });
  const percentEl = h('span', { class: 'small muted', 'data-testid': 'upload-percent' }, '');
  const progress = h('div', { class: 'sb-progress', hidden: true }, bar, percentEl);
  const result = h('div', { class: 'sb-upload-result', 'aria-live': 'polite', 'data-testid': 'upload-result' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('action.upload'));
  const cancel = h('button', { type: 'button', class: 'btn', hidden: true }, t('action.cancel'));
  let sending = null;
  cancel.addEventListener('click', () => sending?.xhr.abort());
  const form = h('form', {
    class: 'card stack', 'aria-labelledby': 'list-upload-title',
    onsubmit: async (event) => {
      event.preventDefault();
      const chosen = file.files[0];
      if (!chosen) return;
      replace(result);
      progress.hidden = false;
      bar.value = 0;
      percentEl.textContent = '0 %';
      submit.disabled = true;
      cancel.hidden = false;
      const path = withQuery(`/api/v1/dialers/${dialerId}/lists`, {
        name: name.value.trim() || chosen.name, delimiter: delimiter.value, header: header.value,
      });
      sending = upload(path, chosen, {
        contentType: 'text/csv',
        onProgress: (sent, total) => {
          const share = total ? Math.floor((sent / total) * 100) : 0;
          bar.value = share;
          percentEl.textContent = sent >= total ? t('dialer.upload_reading') : `${share} %`;
        },
      });
      try {
        const report = await sending;
        bar.value = 100;
        percentEl.textContent = '100 %';
        replace(result, listReport(report));
        form.reset();
        done?.();
      } catch (error) {
        progress.hidden = true;
        replace(result, h('p', { class: 'form-error', role: 'alert' }, errorText(error)));
      }
      sending = null;
      submit.disabled = false;
      cancel.hidden = true;
    },
  },
  h('h2', { id: 'list-upload-title' }, t('dialer.upload_list')),
  h('p', { class: 'muted small' }, t('dialer.upload_hint')),
  field(t('dialer.file'), file),
  h('div', { class: 'sb-filters' },
    field(t('dialer.list_name'), name),
    field(t('dialer.delimiter'), delimiter),
    field(t('dialer.header'), header)),
  h('div', { class: 'btn-row' }, submit, cancel),
  progress, result);
  return form;
}

function listReport(report) {
  return h('div', { class: 'stack' },
    h('p', { role: 'status' }, h('strong', {}, t('dialer.upload_done'))),
    h('div', { class: 'sb-counts' },
      h('span', { class: 'badge badge-success', 'data-testid': 'upload-accepted' }, t('dialer.accepted', { n: formatNumber(report.accepted) })),
      h('span', { class: `badge ${report.invalid ? 'badge-danger' : ''}`, 'data-testid': 'upload-invalid' }, t('dialer.invalid', { n: formatNumber(report.invalid) })),
      h('span', { class: `badge ${report.duplicates ? 'badge-warning' : ''}`, 'data-testid': 'upload-duplicates' }, t('dialer.duplicates', { n: formatNumber(report.duplicates) }))),
    report.invalid_rows.length ? h('details', { open: report.invalid_rows.length <= 10 },
      h('summary', {}, t('dialer.invalid_rows')),
      h('ul', {}, report.invalid_rows.map((row) => h('li', {}, t('dialer.line_reason', { line: row.line, reason: row.reason }))))) : null,
    report.duplicate_lines.length ? h('details', {},
      h('summary', {}, t('dialer.duplicate_lines')),
      h('p', { class: 'small' }, report.duplicate_lines.join(', '))) : null);
}

/** The do-not-call upload form; `campaigns` to pick a campaign's list instead of the global one. */
export function dncUpload(campaigns) {
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,.txt,text/csv,text/plain', required: true });
  const scope = h('select', { name: 'campaign_id' },
    h('option', { value: '' }, t('dialer.dnc_global')),
    campaigns.map((c) => h('option', { value: c.id }, c.name)));
  const bar = h('progress', { max: '100', value: '0', 'aria-label': t('dialer.upload_progress') });
  const progress = h('div', { class: 'sb-progress', hidden: true }, bar);
  const result = h('div', { class: 'sb-upload-result', 'aria-live': 'polite', 'data-testid': 'dnc-result' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('action.upload'));
  const form = h('form', {
    class: 'card stack', 'aria-labelledby': 'dnc-title',
    onsubmit: async (event) => {
      event.preventDefault();
      const chosen = file.files[0];
      if (!chosen) return;
      replace(result);
      progress.hidden = false;
      submit.disabled = true;
      try {
        const report = await upload(withQuery('/api/v1/dnc', { campaign_id: scope.value }), chosen, {
          contentType: 'text/csv',
          onProgress: (sent, total) => { bar.value = total ? Math.floor((sent / total) * 100) : 0; },
        });
        replace(result, h('div', { class: 'stack' },
          h('p', { role: 'status' }, h('strong', {}, t('dialer.upload_done'))),
          h('div', { class: 'sb-counts' },
            h('span', { class: 'badge badge-success', 'data-testid': 'dnc-added' }, t('dialer.dnc_added', { n: formatNumber(report.added) })),
            h('span', { class: 'badge', 'data-testid': 'dnc-already' }, t('dialer.dnc_already', { n: formatNumber(report.already) })),
            h('span', { class: `badge ${report.invalid_count ? 'badge-danger' : ''}`, 'data-testid': 'dnc-invalid' }, t('dialer.invalid', { n: formatNumber(report.invalid_count) }))),
          report.invalid.length ? h('details', { open: report.invalid.length <= 10 },
            h('summary', {}, t('dialer.invalid_rows')),
            h('ul', {}, report.invalid.map((row) => h('li', {}, t('dialer.line_reason', { line: row.line, reason: row.reason }))))) : null));
        form.reset();
      } catch (error) {
        replace(result, h('p', { class: 'form-error', role: 'alert' }, errorText(error)));
      }
      progress.hidden = true;
      submit.disabled = false;
    },
  },
  h('h2', { id: 'dnc-title' }, t('dialer.dnc_title')),
  h('p', { class: 'muted small' }, t('dialer.dnc_hint')),
  field(t('dialer.file'), file),
  field(t('dialer.dnc_list'), scope),
  h('div', { class: 'btn-row' }, submit),
  progress, result);
  return form;
}
