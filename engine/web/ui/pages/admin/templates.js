// Message templates (WhatsApp HSMs): per connector, code and language, a body with `{{1}}…{{n}}`
// placeholders, the provider's name for it, and its approval status. Saving an existing
// connector + code + language replaces it (the API upserts).

import { Page } from '../../lib/page.js';
import { api } from '../../lib/api.js';
import { h, replace, field, attempt, confirm } from '../../lib/dom.js';
import { t, formatTime } from '../../lib/i18n.js';
import { form, textField, selectField, table, listState, heading, smallButton, showEditor, invalid } from './kit.js';

const STATUSES = ['approved', 'pending', 'rejected', 'paused'];
const STATUS_BADGE = { approved: 'badge-success', pending: 'badge-info', rejected: 'badge-danger', paused: 'badge-warning' };

/** The highest `{{n}}` in a body: how many parameters a send must fill (as the engine counts). */
export function placeholderCount(body) {
  let max = 0;
  for (const m of body.matchAll(/\{\{\s*(\d+)\s*\}\}/g)) max = Math.max(max, Number(m[1]));
  return max;
}

class Templates extends Page {
  constructor() {
    super();
    this.state = { items: null, error: null };
    this.connectors = [];
    this.connector = '';
    this.list = h('div', { 'aria-live': 'polite' });
    this.editor = h('div', { class: 'admin-editor' });
  }

  async load() {
    try {
      const [items, connectors] = await Promise.all([api.get('/api/v1/templates'), api.get('/api/v1/connectors')]);
      this.connectors = connectors;
      this.state = { items, error: null };
    } catch (error) {
      this.state = { items: this.state.items, error };
    }
    this.render();
  }

  render() {
    const [filterField, filter] = selectField(t('admin.templates.connector'),
      [{ value: '', label: t('common.all') }, ...this.connectors.map((c) => ({ value: c.id, label: c.name }))], this.connector);
    filter.addEventListener('change', () => { this.connector = filter.value; this.drawList(); });
    replace(this,
      heading(t('admin.section.templates'),
        h('button', { type: 'button', class: 'btn btn-primary', disabled: !this.connectors.length, onclick: () => this.edit(null) }, t('admin.templates.new'))),
      h('p', { class: 'muted' }, t('admin.templates.intro')),
      h('div', { class: 'admin-filter' }, filterField),
      this.list,
      this.editor);
    this.drawList();
  }

  drawList() {
    const names = new Map(this.connectors.map((c) => [c.id, c.name]));
    const items = this.state.items?.filter((x) => !this.connector || x.connector_id === Number(this.connector));
    replace(this.list, listState({ ...this.state, items }, () => table(
      [t('admin.templates.code'), t('admin.templates.language'), t('admin.templates.connector'), t('admin.templates.body'),
        t('admin.templates.params'), t('common.status'), t('admin.templates.updated'), t('common.actions')],
      items.map((x) => [
        h('span', { class: 'mono' }, x.code),
        x.language,
        names.get(x.connector_id) || `#${x.connector_id}`,
        h('span', { class: 'template-body' }, x.body),
        String(x.params),
        h('span', { class: `badge ${STATUS_BADGE[x.status] || ''}`, title: x.reason || null }, t(`admin.templates.status_${x.status}`)),
        formatTime(x.updated_at),
        h('div', { class: 'btn-row' },
          smallButton(t('action.edit'), () => this.edit(x), { 'aria-label': `${t('action.edit')} ${x.code}` }),
          smallButton(t('action.delete'), () => this.remove(x), { class: 'btn-danger', 'aria-label': `${t('action.delete')} ${x.code}` })),
      ]), { caption: t('admin.section.templates'), testid: 'templates-table' }), () => this.load()));
  }

  edit(template) {
    const x = template || { connector_id: this.connectors[0]?.id, code: '', language: 'es_AR', body: '', provider_name: '', namespace: null, status: 'approved' };
    const [connectorField, connector] = selectField(t('admin.templates.connector'),
      this.connectors.map((c) => ({ value: c.id, label: c.name })), x.connector_id, { disabled: !!template });
    const [codeField, code] = textField(t('admin.templates.code'), x.code, { required: true, pattern: '[A-Za-z0-9_-]+', maxlength: 128, readonly: !!template });
    const [languageField, language] = textField(t('admin.templates.language'), x.language, { required: true, readonly: !!template }, t('admin.templates.language_hint'));
    const body = h('textarea', { rows: 4, required: true, name: 'body' });
    body.value = x.body;
    const [providerField, provider] = textField(t('admin.templates.provider_name'), x.provider_name, {}, t('admin.templates.provider_name_hint'));
    const [namespaceField, namespace] = textField(t('admin.templates.namespace'), x.namespace || '', {});
    const [statusField, status] = selectField(t('common.status'), STATUSES.map((s) => ({ value: s, label: t(`admin.templates.status_${s}`) })), x.status);
    const count = h('p', { class: 'small muted', 'aria-live': 'polite' });
    const preview = h('div', { class: 'template-preview', dataset: { testid: 'template-preview' } });
    const params = h('div', { class: 'grid grid-3' });
    const values = [];
    const drawPreview = () => {
      const n = placeholderCount(body.value);
      count.textContent = t('admin.templates.n_params', { n });
      while (values.length < n) {
        const input = h('input', { type: 'text', 'aria-label': t('admin.templates.param', { n: values.length + 1 }), placeholder: `{{${values.length + 1}}}` });
        input.addEventListener('input', drawPreview);
        values.push(field(t('admin.templates.param', { n: values.length + 1 }), input));
      }
      replace(params, values.slice(0, n));
      preview.textContent = body.value.replace(/\{\{\s*(\d+)\s*\}\}/g, (whole, i) =>
        values[Number(i) - 1]?.querySelector('input').value || whole);
    };
    body.addEventListener('input', drawPreview);
    drawPreview();
    showEditor(this.editor, form({
      title: template ? t('admin.templates.edit', { code: x.code }) : t('admin.templates.new'),
      testid: 'template-form',
      fields: [
        h('div', { class: 'grid grid-3' }, connectorField, codeField, languageField),
        field(t('admin.templates.body'), body, t('admin.templates.body_hint')),
        count,
        h('div', { class: 'grid grid-3' }, providerField, namespaceField, statusField),
        h('h3', {}, t('admin.templates.preview')), params, preview,
      ],
      save: () => {
        if (!code.value.trim() || !body.value.trim()) throw invalid(t('admin.templates.need'));
        return api.post('/api/v1/templates', {
          connector_id: Number(connector.value), code: code.value.trim(), language: language.value.trim(), body: body.value,
          provider_name: provider.value.trim() || null, namespace: namespace.value.trim() || null, status: status.value,
        });
      },
      done: () => { showEditor(this.editor, null); this.load(); },
      extraActions: [h('button', { type: 'button', class: 'btn', onclick: () => showEditor(this.editor, null) }, t('action.cancel'))],
    }));
  }

  async remove(x) {
    if (!await confirm(t('admin.templates.delete_confirm', { code: x.code }), t('action.delete'))) return;
    if (await attempt(() => api.del(`/api/v1/templates/${x.id}`)) !== undefined) this.load();
  }
}

customElements.define('sb-admin-templates', Templates);
