// Handing a conversation on: transfer to a colleague (with their state and load, so the
// agent picks someone who can take it) or to a campaign's queue; and closing with a
// disposition.

import { api } from '../../lib/api.js';
import { h, field } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { formDialog } from './form-dialog.js';

export const dispositions = ['resolved', 'sale', 'callback', 'no_answer', 'wrong_number', 'other'];

/** Asks where to transfer conversation `id`; resolves true once the server took it. */
export function transferDialog({ id, agents, campaigns, me }) {
  const colleagues = agents.filter((a) => a.agent_id !== me);
  const agentSelect = h('select', { name: 'agent', 'data-testid': 'transfer-agent' },
    h('option', { value: '' }, t('desk.transfer.pick_agent')),
    colleagues.map((a) => h('option', { value: String(a.agent_id), disabled: a.state === 'disconnected' },
      t('desk.transfer.agent_option', { name: a.name, state: t(`desk.state.${a.paused ? 'paused' : a.state}`), active: a.active, max: a.max_concurrent }))));
  const campaignSelect = h('select', { name: 'campaign', 'data-testid': 'transfer-campaign' },
    h('option', { value: '' }, t('desk.transfer.pick_campaign')),
    campaigns.map((c) => h('option', { value: String(c.id) }, c.name)));
  const kind = (value, label, checked) => h('label', { class: 'radio' },
    h('input', { type: 'radio', name: 'kind', value, checked, 'data-testid': `transfer-kind-${value}` }), ' ', label);
  const body = h('div', {},
    h('fieldset', { class: 'plain' }, h('legend', {}, t('desk.transfer.to')),
      kind('agent', t('desk.transfer.to_agent'), true), kind('campaign', t('desk.transfer.to_campaign'), false)),
    field(t('common.agent'), agentSelect),
    field(t('common.campaign'), campaignSelect),
    h('p', { class: 'small muted' }, t('desk.transfer.hint')));
  return formDialog({
    title: t('desk.transfer.title'),
    body,
    testid: 'transfer-dialog',
    submitLabel: t('desk.transfer'),
    onSubmit: async (data) => {
      const toAgent = data.get('kind') === 'agent';
      const target = toAgent ? data.get('agent') : data.get('campaign');
      if (!target) throw new Error(toAgent ? t('desk.transfer.need_agent') : t('desk.transfer.need_campaign'));
      await api.post(`/api/v1/conversations/${id}/transfer`, toAgent ? { agent_id: Number(target) } : { campaign_id: Number(target) });
      return true;
    },
  });
}

/** Asks for a disposition and closes conversation `id`; resolves true once closed. */
export function closeDialog({ id }) {
  const select = h('select', { name: 'disposition', required: true, 'data-testid': 'close-disposition' },
    h('option', { value: '' }, t('desk.close.pick')),
    dispositions.map((d) => h('option', { value: d }, t(`desk.disposition.${d}`))));
  const other = h('input', { name: 'other', maxlength: '64', autocomplete: 'off' });
  const otherField = field(t('desk.close.other'), other);
  otherField.hidden = true;
  select.addEventListener('change', () => { otherField.hidden = select.value !== 'other'; });
  return formDialog({
    title: t('desk.close.title'),
    body: h('div', {}, field(t('desk.close.disposition'), select), otherField),
    testid: 'close-dialog',
    submitLabel: t('desk.close'),
    onSubmit: async (data) => {
      let disposition = data.get('disposition');
      if (disposition === 'other') disposition = String(data.get('other') || '').trim() || 'other';
      if (!disposition) throw new Error(t('desk.close.need'));
      await api.post(`/api/v1/conversations/${id}/close`, { disposition });
      return true;
    },
  });
}
