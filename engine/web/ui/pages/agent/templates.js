// The template picker: choose an approved template, fill its `{{1}}…{{n}}` placeholders
// (with a live preview of what the customer will read), and get `{code, language, params}`.
// Outside WhatsApp's 24 h window it is the only way to write to the customer.

import { h, field, replace } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { formDialog } from './form-dialog.js';

/** The body with `{{n}}` replaced by the values given (blank ones stay visible). */
export function renderTemplate(body, params) {
  return String(body || '').replace(/\{\{(\d+)\}\}/g, (whole, n) => params[Number(n) - 1] || whole);
}

/** How many placeholders a body has (the highest `{{n}}`). */
export function placeholderCount(template) {
  if (Number(template.params) > 0) return Number(template.params);
  let max = 0;
  for (const match of String(template.body || '').matchAll(/\{\{(\d+)\}\}/g)) max = Math.max(max, Number(match[1]));
  return max;
}

/**
 * Asks for a template and its values. `send(request)` does the sending (so a refusal shows
 * in the dialog); resolves with its result, or null when cancelled.
 */
export function pickTemplate(templates, send) {
  if (!templates.length) {
    return formDialog({
      title: t('desk.template.title'),
      body: h('p', { class: 'muted' }, t('desk.template.none')),
      submitLabel: t('action.ok'),
      onSubmit: () => null,
    });
  }
  const select = h('select', { name: 'template', required: true, 'data-testid': 'template-select' },
    templates.map((tpl, i) => h('option', { value: String(i) }, `${tpl.code} · ${tpl.language}`)));
  const fields = h('div', { class: 'template-fields' });
  const preview = h('p', { class: 'template-preview', 'aria-live': 'polite' });
  const current = () => templates[Number(select.value)] || templates[0];
  const values = () => [...fields.querySelectorAll('input')].map((input) => input.value.trim());
  const update = () => {
    const tpl = current();
    replace(preview, renderTemplate(tpl.body, values()));
  };
  const drawFields = () => {
    const count = placeholderCount(current());
    replace(fields, count
      ? Array.from({ length: count }, (_, i) => field(t('desk.template.param', { n: i + 1 }),
        h('input', { name: `p${i + 1}`, required: true, maxlength: '1024', oninput: update, 'data-testid': `template-param-${i + 1}` })))
      : h('p', { class: 'muted small' }, t('desk.template.no_params')));
    update();
  };
  select.addEventListener('change', drawFields);
  drawFields();
  const body = h('div', {},
    field(t('desk.template.choose'), select),
    fields,
    h('div', { class: 'field' }, h('span', { class: 'label' }, t('desk.template.preview')), preview));
  return formDialog({
    title: t('desk.template.title'),
    body,
    submitLabel: t('action.send'),
    testid: 'template-dialog',
    onSubmit: async () => {
      const tpl = current();
      return send({ code: tpl.code, language: tpl.language, params: values() }, renderTemplate(tpl.body, values()));
    },
  });
}
