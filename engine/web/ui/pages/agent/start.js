// Starting an outbound conversation: the customer's number, the campaign whose number it goes
// from, and either a text (if the customer wrote in the last 24 h) or an approved template
// with its placeholders — for a new customer on WhatsApp only a template passes.

import { api, withQuery } from '../../lib/api.js';
import { h, field, replace } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { formDialog } from './form-dialog.js';
import { placeholderCount, renderTemplate } from './templates.js';

/** Resolves with the server's answer (`{conversation_id, message_id}`), or null. */
export function startDialog({ campaigns }) {
  const usable = campaigns.filter((c) => (c.numbers || []).length);
  const to = h('input', { name: 'to', type: 'tel', required: true, autocomplete: 'off', placeholder: '+5491100000000', 'data-testid': 'start-to' });
  const campaign = h('select', { name: 'campaign', 'data-testid': 'start-campaign' },
    usable.map((c) => h('option', { value: String(c.id) }, `${c.name} (${c.numbers[0]})`)));
  const text = h('textarea', { name: 'text', rows: '3', maxlength: '4096', 'data-testid': 'start-text' });
  const templateSelect = h('select', { name: 'template', 'data-testid': 'start-template' });
  const params = h('div', {});
  const preview = h('p', { class: 'template-preview', 'aria-live': 'polite' });
  const textPart = h('div', {}, field(t('desk.start.text'), text, t('desk.start.text_hint')));
  const templatePart = h('div', { hidden: true }, field(t('desk.template.choose'), templateSelect), params, preview);
  let templates = [];
  const values = () => [...params.querySelectorAll('input')].map((i) => i.value.trim());
  const current = () => templates[Number(templateSelect.value)];
  const drawParams = () => {
    const tpl = current();
    replace(params, tpl ? Array.from({ length: placeholderCount(tpl) }, (_, i) => field(t('desk.template.param', { n: i + 1 }),
      h('input', { name: `p${i + 1}`, maxlength: '1024', 'data-testid': `start-param-${i + 1}`, oninput: () => { preview.textContent = renderTemplate(tpl.body, values()); } }))) : null);
    preview.textContent = tpl ? renderTemplate(tpl.body, values()) : t('desk.template.none');
  };
  const loadTemplates = async () => {
    templates = [];
    try {
      templates = await api.get(withQuery('/api/v1/desk/templates', { campaign_id: campaign.value }));
    } catch { /* none to offer: the text path stays */ }
    replace(templateSelect, templates.map((tpl, i) => h('option', { value: String(i) }, `${tpl.code} · ${tpl.language}`)));
    drawParams();
  };
  templateSelect.addEventListener('change', drawParams);
  campaign.addEventListener('change', loadTemplates);
  const mode = (value, label, checked) => h('label', { class: 'radio' },
    h('input', {
      type: 'radio', name: 'mode', value, checked, 'data-testid': `start-mode-${value}`,
      onchange: () => { textPart.hidden = value !== 'text'; templatePart.hidden = value !== 'template'; },
    }), ' ', label);
  loadTemplates();
  return formDialog({
    title: t('desk.start.title'),
    testid: 'start-dialog',
    body: h('div', {},
      field(t('desk.start.to'), to, t('desk.start.to_hint')),
      usable.length > 1 ? field(t('common.campaign'), campaign) : null,
      h('fieldset', { class: 'plain' }, h('legend', {}, t('desk.start.mode')),
        mode('text', t('desk.start.mode_text'), true), mode('template', t('desk.start.mode_template'), false)),
      textPart, templatePart),
    submitLabel: t('desk.start.submit'),
    onSubmit: async (data) => {
      const body = { to: String(data.get('to') || '').trim(), campaign_id: Number(campaign.value) || undefined };
      if (data.get('mode') === 'template') {
        const tpl = current();
        if (!tpl) throw new Error(t('desk.template.none'));
        body.template = { code: tpl.code, language: tpl.language, params: values() };
      } else {
        body.text = String(data.get('text') || '').trim();
        if (!body.text) throw new Error(t('desk.start.need_text'));
      }
      return api.post('/api/v1/conversations/start', body);
    },
  });
}
