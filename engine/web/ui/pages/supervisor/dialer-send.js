// One message to one number through the dialer, now (`POST /api/v1/dialers/{id}/send`): with
// the dialer's rules (do-not-call, blacklist, templates) but not its pace or schedule.

import { api } from '../../lib/api.js';
import { h, replace, field, errorText } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { recordBadge } from './dialer-status.js';

export function singleSend(dialerId, done) {
  const to = h('input', { type: 'tel', name: 'destination', required: true, autocomplete: 'off', placeholder: '+5491155550123' });
  const message = h('textarea', { name: 'message', rows: '2' });
  const extra = h('input', { type: 'text', name: 'extra', autocomplete: 'off' });
  const result = h('div', { 'aria-live': 'polite', 'data-testid': 'send-result' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('action.send'));
  const form = h('form', {
    class: 'card stack', 'aria-labelledby': 'single-send-title',
    onsubmit: async (event) => {
      event.preventDefault();
      submit.disabled = true;
      replace(result);
      try {
        const record = await api.post(`/api/v1/dialers/${dialerId}/send`, {
          destination: to.value.trim(),
          message: message.value.trim() || null,
          extra: extra.value.trim() || null,
        });
        replace(result, h('p', { role: 'status' }, t('dialer.sent_result'), ' ', recordBadge(record.state),
          record.reason ? ` ${record.reason}` : ''));
        if (['sent', 'delivered', 'read', 'sending'].includes(record.state)) form.reset();
        done?.();
      } catch (error) {
        replace(result, h('p', { class: 'form-error', role: 'alert' }, errorText(error)));
      }
      submit.disabled = false;
    },
  },
  h('h2', { id: 'single-send-title' }, t('dialer.single_send')),
  field(t('dialer.to'), to),
  field(t('dialer.message'), message, t('dialer.message_hint')),
  field(t('dialer.extra'), extra),
  h('div', { class: 'btn-row' }, submit),
  result);
  return form;
}
