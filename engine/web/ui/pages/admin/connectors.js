// Connectors: a provider plugin, its config (a form drawn from the plugin's config schema;
// secrets write-only), its numbers, the networks allowed to call its webhook, and the webhook
// URL (whose secret can be rotated).

import { Page } from '../../lib/page.js';
import { api } from '../../lib/api.js';
import { h, replace, attempt, confirm, toast } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { form, textField, checkField, selectField, linesField, readLines, table, listState, heading, smallButton, showEditor, invalid } from './kit.js';
import { schemaForm } from './schema-form.js';

class Connectors extends Page {
  constructor() {
    super();
    this.state = { items: null, error: null };
    this.providers = [];
    this.list = h('div', { 'aria-live': 'polite' });
    this.editor = h('div', { class: 'admin-editor' });
  }

  async load() {
    try {
      const [connectors, plugins] = await Promise.all([api.get('/api/v1/connectors'), api.get('/api/v1/plugins')]);
      this.providers = plugins.plugins.filter((p) => p.kind === 'provider');
      this.state = { items: connectors, error: null };
    } catch (error) {
      this.state = { items: this.state.items, error };
    }
    this.render();
  }

  render() {
    replace(this,
      heading(t('admin.section.connectors'),
        h('button', { type: 'button', class: 'btn btn-primary', onclick: () => this.edit(null) }, t('admin.connectors.new'))),
      h('p', { class: 'muted' }, t('admin.connectors.intro')),
      this.list,
      this.editor);
    replace(this.list, listState(this.state, () => this.drawTable(), () => this.load()));
  }

  drawTable() {
    return table(
      [t('common.name'), t('admin.connectors.plugin'), t('admin.numbers'), t('common.status'), t('admin.connectors.webhook'), t('common.actions')],
      this.state.items.map((c) => [
        c.name,
        c.plugin,
        c.numbers.length ? c.numbers.join(', ') : h('span', { class: 'muted' }, t('common.none')),
        status(c),
        h('div', { class: 'webhook' },
          h('code', { class: 'url', dataset: { testid: 'webhook-url' } }, c.webhook_url),
          smallButton(t('admin.copy'), () => copy(c.webhook_url), { 'aria-label': t('admin.connectors.copy_url', { name: c.name }) })),
        h('div', { class: 'btn-row' },
          smallButton(t('action.edit'), () => this.edit(c), { 'aria-label': `${t('action.edit')} ${c.name}` }),
          smallButton(t('admin.connectors.rotate'), () => this.rotate(c)),
          smallButton(t('action.delete'), () => this.remove(c), { class: 'btn-danger' })),
      ]),
      { caption: t('admin.section.connectors'), testid: 'connectors-table' });
  }

  edit(connector) {
    const isNew = !connector;
    const c = connector || { name: '', plugin: this.providers[0]?.name || '', config: {}, secrets_set: [], numbers: [], allow_ips: [], enabled: true };
    const [nameField, name] = textField(t('common.name'), c.name, { required: true, maxlength: 64, name: 'name' });
    const [pluginField, plugin] = selectField(t('admin.connectors.plugin'),
      this.providers.map((p) => ({ value: p.name, label: `${p.name} ${p.active_version || ''}`.trim() })), c.plugin, { name: 'plugin' });
    const [enabledField, enabled] = checkField(t('admin.enabled'), c.enabled);
    const [numbersField, numbers] = linesField(t('admin.numbers'), c.numbers, { name: 'numbers' }, t('admin.connectors.numbers_hint'));
    const [ipsField, ips] = linesField(t('admin.connectors.allow_ips'), c.allow_ips, { name: 'allow_ips' }, t('admin.connectors.allow_ips_hint'));
    const configBox = h('fieldset', { class: 'schema-box' });
    let config = null;
    const drawConfig = () => {
      const provider = this.providers.find((p) => p.name === plugin.value);
      // The stored config and secrets only mean something for the plugin they were made for.
      const same = plugin.value === c.plugin;
      config = schemaForm(provider?.config_schema, same ? c.config : {}, { secretsSet: same ? c.secrets_set : [] });
      replace(configBox, h('legend', {}, t('admin.connectors.config', { plugin: plugin.value })),
        provider?.description ? h('p', { class: 'muted small' }, provider.description) : null,
        config.element);
    };
    plugin.addEventListener('change', drawConfig);
    drawConfig();
    const webhook = isNew ? null : h('p', { class: 'small' }, t('admin.connectors.webhook'), ': ', h('code', { class: 'url' }, c.webhook_url));
    const node = form({
      title: isNew ? t('admin.connectors.new') : t('admin.connectors.edit', { name: c.name }),
      testid: 'connector-form',
      fields: [h('div', { class: 'grid grid-2' }, nameField, pluginField), enabledField, webhook,
        configBox, h('div', { class: 'grid grid-2' }, numbersField, ipsField)],
      save: () => {
        if (!name.value.trim()) throw invalid(t('admin.error.required', { field: t('common.name') }));
        const body = {
          name: name.value.trim(), plugin: plugin.value, config: config.read(),
          numbers: readLines(numbers), allow_ips: readLines(ips), enabled: enabled.checked,
        };
        return isNew ? api.post('/api/v1/connectors', body) : api.put(`/api/v1/connectors/${c.id}`, body);
      },
      done: () => { showEditor(this.editor, null); this.load(); },
      extraActions: [h('button', { type: 'button', class: 'btn', onclick: () => showEditor(this.editor, null) }, t('action.cancel'))],
    });
    showEditor(this.editor, node);
  }

  async rotate(c) {
    if (!await confirm(t('admin.connectors.rotate_confirm', { name: c.name }), t('admin.connectors.rotate'))) return;
    const view = await attempt(() => api.post(`/api/v1/connectors/${c.id}/rotate-secret`));
    if (view) {
      toast(t('admin.connectors.rotated'), 'success');
      this.load();
    }
  }

  async remove(c) {
    if (!await confirm(t('admin.connectors.delete_confirm', { name: c.name }), t('action.delete'))) return;
    if (await attempt(() => api.del(`/api/v1/connectors/${c.id}`)) !== undefined) this.load();
  }
}

function status(c) {
  if (!c.enabled) return h('span', { class: 'badge' }, t('admin.disabled'));
  if (c.paused_reason) return h('span', { class: 'badge badge-danger', title: c.paused_reason }, t('admin.connectors.paused', { reason: c.paused_reason }));
  return h('span', { class: 'badge badge-success' }, t('admin.enabled'));
}

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    toast(t('admin.copied'), 'success');
  } catch {
    toast(t('admin.copy_failed'), 'error');
  }
}

customElements.define('sb-admin-connectors', Connectors);
