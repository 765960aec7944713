// Plugins: every strategy, bot and provider with its active version and its call and error
// counts (since the engine started); upload a new version (the raw `.wasm`, with progress),
// inspect one (versions, hashes, sizes, exports, imports, config schema), activate a version,
// roll back to the previous one. Counts are refetched every few seconds while the page is open:
// the registry counts in memory and sends no events.

import { Page } from '../../lib/page.js';
import { api, upload } from '../../lib/api.js';
import { h, replace, attempt, confirm, toast, every } from '../../lib/dom.js';
import { t, formatNumber, formatTime } from '../../lib/i18n.js';
import { table, listState, heading, smallButton, checkField, formErrorText } from './kit.js';

const REFRESH_MS = 5000;

class Plugins extends Page {
  constructor() {
    super();
    this.state = { items: null, error: null };
    this.inspected = null;
    this.list = h('div', { 'aria-live': 'polite' });
    this.inspector = h('div', { class: 'admin-editor', 'aria-live': 'polite' });
    this.uploader = this.uploadCard();
  }

  connectedCallback() {
    super.connectedCallback();
    // Not while the keyboard is in the lists: redrawing them would drop the focus.
    this.own(every(REFRESH_MS, () => {
      const busy = this.list.contains(document.activeElement) || this.inspector.contains(document.activeElement);
      if (!document.hidden && !busy) this.load();
    }));
  }

  async load() {
    try {
      const { plugins } = await api.get('/api/v1/plugins');
      this.state = { items: plugins, error: null };
    } catch (error) {
      this.state = { items: this.state.items, error };
    }
    this.drawList();
    this.drawInspector();
  }

  render() {
    this.uploader = this.uploadCard();
    replace(this, heading(t('admin.section.plugins')), h('p', { class: 'muted' }, t('admin.plugins.intro')),
      this.uploader, this.list, this.inspector);
    this.drawList();
    this.drawInspector();
  }

  drawList() {
    replace(this.list, listState(this.state, () => table(
      [t('common.name'), t('admin.plugins.kind'), t('admin.plugins.active'), t('admin.plugins.previous'),
        t('admin.plugins.calls'), t('admin.plugins.errors'), t('admin.plugins.fallbacks'), t('common.actions')],
      this.state.items.map((p) => [
        h('strong', { dataset: { testid: `plugin-name-${p.name}` } }, p.name),
        t(`admin.plugins.kind_${p.kind}`),
        h('span', { dataset: { testid: `plugin-active-${p.name}` } }, p.active_version || t('common.none')),
        p.previous_version || h('span', { class: 'muted' }, '—'),
        h('span', { dataset: { testid: `plugin-calls-${p.name}` } }, formatNumber(p.calls)),
        h('span', { class: p.errors ? 'badge badge-danger' : '', dataset: { testid: `plugin-errors-${p.name}` } }, formatNumber(p.errors)),
        formatNumber(p.fallbacks),
        h('div', { class: 'btn-row' },
          smallButton(t('admin.plugins.inspect'), () => { this.inspected = p.name; this.drawInspector(true); },
            { 'aria-label': t('admin.plugins.inspect_name', { name: p.name }), dataset: { testid: `inspect-${p.name}` } }),
          smallButton(t('admin.plugins.rollback'), () => this.rollback(p), {
            disabled: !p.previous_version, dataset: { testid: `rollback-${p.name}` },
            'aria-label': t('admin.plugins.rollback_name', { name: p.name }),
          })),
      ]), { caption: t('admin.section.plugins'), testid: 'plugins-table' }), () => this.load()));
  }

  uploadCard() {
    const file = h('input', { type: 'file', accept: '.wasm,application/wasm', id: 'plugin-file', dataset: { testid: 'plugin-file' } });
    const [activateField, activate] = checkField(t('admin.plugins.activate_now'), true);
    const bar = h('progress', { max: 100, value: 0, hidden: true, dataset: { testid: 'upload-progress' }, 'aria-label': t('admin.plugins.progress') });
    const status = h('p', { class: 'small', role: 'status', dataset: { testid: 'upload-status' } });
    const error = h('p', { class: 'form-error', role: 'alert', dataset: { testid: 'form-error' } });
    const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('action.upload'));
    const el = h('form', { class: 'card admin-form upload-card', dataset: { testid: 'plugin-upload' } },
      h('h2', {}, t('admin.plugins.upload')),
      h('div', { class: 'field' }, h('label', { for: 'plugin-file' }, t('admin.plugins.file')), file,
        h('small', { class: 'hint' }, t('admin.plugins.file_hint'))),
      activateField, bar, status, error, h('div', { class: 'btn-row' }, button));
    el.addEventListener('submit', async (event) => {
      event.preventDefault();
      error.textContent = '';
      const chosen = file.files[0];
      if (!chosen) {
        error.textContent = t('admin.plugins.choose_file');
        return;
      }
      button.disabled = true;
      bar.hidden = false;
      bar.value = 0;
      status.textContent = t('admin.plugins.uploading', { name: chosen.name });
      try {
        const version = await upload(`/api/v1/plugins?activate=${activate.checked}`, chosen, {
          contentType: 'application/wasm',
          onProgress: (sent, total) => { bar.value = total ? Math.round((sent / total) * 100) : 0; },
        });
        bar.value = 100;
        status.textContent = t('admin.plugins.uploaded', { name: version.name, version: version.version });
        toast(status.textContent, 'success');
        file.value = '';
        this.inspected = version.name;
        await this.load();
      } catch (e) {
        status.textContent = '';
        error.textContent = formErrorText(e);
      } finally {
        button.disabled = false;
      }
    });
    return el;
  }

  drawInspector(focus = false) {
    const p = this.state.items?.find((x) => x.name === this.inspected);
    if (!p) { replace(this.inspector); return; }
    const versions = table(
      [t('admin.plugins.version'), t('admin.plugins.source'), t('admin.plugins.size'), 'SHA-256', t('admin.plugins.installed'),
        t('admin.plugins.calls'), t('admin.plugins.errors'), t('common.actions')],
      p.versions.map((v) => [
        h('span', {}, v.version, ' ', v.active ? h('span', { class: 'badge badge-success' }, t('admin.plugins.active')) : null),
        t(`admin.plugins.source_${v.source}`),
        t('admin.plugins.bytes', { n: formatNumber(v.size) }),
        h('code', { class: 'hash', title: v.sha256 }, v.sha256.slice(0, 16), '…'),
        v.installed_at ? formatTime(v.installed_at) : t('admin.plugins.bundled'),
        formatNumber(v.calls),
        formatNumber(v.errors),
        v.active ? '' : smallButton(t('admin.plugins.activate'), () => this.activate(p, v.version),
          { 'aria-label': t('admin.plugins.activate_version', { version: v.version }), dataset: { testid: `activate-${p.name}-${v.version}` } }),
      ]), { caption: t('admin.plugins.versions') });
    const title = h('h2', { tabindex: '-1' }, t('admin.plugins.inspect_name', { name: p.name }));
    replace(this.inspector, h('section', { class: 'card stack', dataset: { testid: 'plugin-inspector' } },
      h('div', { class: 'admin-heading' }, title,
        smallButton(t('action.close'), () => { this.inspected = null; this.drawInspector(); })),
      p.description ? h('p', {}, p.description) : null,
      h('dl', { class: 'facts' },
        h('dt', {}, t('admin.plugins.kind')), h('dd', {}, t(`admin.plugins.kind_${p.kind}`)),
        h('dt', {}, t('admin.plugins.active')), h('dd', { dataset: { testid: 'inspect-active' } }, p.active_version || t('common.none')),
        h('dt', {}, t('admin.plugins.previous')), h('dd', {}, p.previous_version || '—'),
        h('dt', {}, t('admin.plugins.activated')), h('dd', {}, p.activated_at ? formatTime(p.activated_at) : t('admin.plugins.bundled_default')),
        h('dt', {}, 'SHA-256'), h('dd', {}, h('code', { class: 'hash' }, p.sha256 || '—')),
        h('dt', {}, t('admin.plugins.calls')), h('dd', {}, formatNumber(p.calls)),
        h('dt', {}, t('admin.plugins.errors')), h('dd', {}, formatNumber(p.errors))),
      h('h3', {}, t('admin.plugins.versions')), versions,
      h('div', { class: 'grid grid-2' },
        h('div', {}, h('h3', {}, t('admin.plugins.exports')), h('ul', { class: 'mono small' }, p.exports.map((e) => h('li', {}, e)))),
        h('div', {}, h('h3', {}, t('admin.plugins.imports')), h('ul', { class: 'mono small' }, p.imports.map((e) => h('li', {}, e))))),
      h('details', {}, h('summary', {}, t('admin.plugins.schema')),
        h('pre', { class: 'schema' }, JSON.stringify(p.config_schema, null, 2)))));
    if (focus) title.focus();
  }

  async activate(p, version) {
    const done = await attempt(() => api.post(`/api/v1/plugins/${encodeURIComponent(p.name)}/activate`, { version }));
    if (done) {
      toast(t('admin.plugins.activated_version', { name: p.name, version }), 'success');
      this.load();
    }
  }

  async rollback(p) {
    if (!await confirm(t('admin.plugins.rollback_confirm', { name: p.name, version: p.previous_version }), t('admin.plugins.rollback'))) return;
    const done = await attempt(() => api.post(`/api/v1/plugins/${encodeURIComponent(p.name)}/rollback`));
    if (done) {
      toast(t('admin.plugins.rolled_back', { name: p.name, version: done.version }), 'success');
      this.load();
    }
  }
}

customElements.define('sb-admin-plugins', Plugins);
