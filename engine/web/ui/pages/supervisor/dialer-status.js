// A dialer's monitor card: running or not, schedule, why it waits or paused itself, processed
// against pending, the counters per state and the send rate against its ceiling.

import { h } from '../../lib/dom.js';
import { t, formatNumber } from '../../lib/i18n.js';

export const STATES = ['pending', 'sending', 'sent', 'delivered', 'read', 'blocked', 'invalid', 'failed', 'unknown', 'cancelled'];

const stateBadge = {
  sent: 'badge-info', delivered: 'badge-success', read: 'badge-success', blocked: 'badge-warning',
  invalid: 'badge-danger', failed: 'badge-danger', unknown: 'badge-warning', sending: 'badge-info',
};

export function recordBadge(state) {
  return h('span', { class: `badge ${stateBadge[state] || ''}` }, t(`dialer.state_${state}`));
}

function stat(label, value, testid) {
  return h('div', { class: 'stat' },
    h('span', { class: 'stat-value', 'data-testid': testid }, value),
    h('span', { class: 'stat-label' }, label));
}

export function statusCard(status) {
  const total = status.processed + status.not_processed;
  const share = total ? Math.round((status.processed / total) * 100) : 0;
  const running = status.running
    ? h('span', { class: 'badge badge-success', 'data-testid': 'dialer-running' }, t('dialer.running'))
    : h('span', { class: 'badge', 'data-testid': 'dialer-running' }, t('dialer.stopped'));
  return h('section', { class: 'card stack', 'aria-labelledby': 'dialer-status-title', 'aria-live': 'polite' },
    h('div', { class: 'row' },
      h('h2', { id: 'dialer-status-title' }, t('dialer.status')), running,
      status.running ? h('span', { class: `badge ${status.on_schedule ? 'badge-success' : 'badge-warning'}` },
        t(status.on_schedule ? 'dialer.on_schedule' : 'dialer.off_schedule')) : null),
    status.paused_reason ? h('p', { class: 'form-error', role: 'alert' }, t('dialer.paused_reason', { reason: status.paused_reason })) : null,
    status.running && status.waiting ? h('p', { class: 'muted' }, t('dialer.waiting', { reason: status.waiting })) : null,
    h('div', { class: 'sb-dialer-status' },
      stat(t('dialer.processed'), formatNumber(status.processed), 'dialer-processed'),
      stat(t('dialer.not_processed'), formatNumber(status.not_processed), 'dialer-pending'),
      stat(t('dialer.rate'), `${formatNumber(status.rate_per_s)} / ${formatNumber(status.ceiling_per_s)}`, 'dialer-rate'),
      stat(t('dialer.peak'), formatNumber(status.peak_per_s), null)),
    h('div', { class: 'sb-progress' },
      h('progress', { max: String(Math.max(1, total)), value: String(status.processed), 'aria-label': t('dialer.progress_label', { share }) }),
      h('span', { class: 'small muted' }, `${share} %`)),
    h('div', { class: 'sb-counts', 'aria-label': t('dialer.counts') },
      STATES.filter((s) => status.counts[s]).map((s) => h('span', { class: `badge ${stateBadge[s] || ''}`, 'data-testid': `count-${s}` },
        `${t(`dialer.state_${s}`)}: ${formatNumber(status.counts[s])}`)),
      Object.values(status.counts).some(Boolean) ? null : h('span', { class: 'muted' }, t('dialer.no_records'))));
}
