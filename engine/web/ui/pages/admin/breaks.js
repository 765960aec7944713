// Named breaks agents may take (lunch, training…).

import { Page } from '../../lib/page.js';
import { api } from '../../lib/api.js';
import { h, replace, attempt, confirm } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { form, textField, table, listState, heading, smallButton, invalid } from './kit.js';

class Breaks extends Page {
  constructor() {
    super();
    this.state = { items: null, error: null };
    this.list = h('div', { 'aria-live': 'polite' });
    this.adder = null;
  }

  async load() {
    try {
      this.state = { items: await api.get('/api/v1/breaks'), error: null };
    } catch (error) {
      this.state = { items: this.state.items, error };
    }
    this.render();
  }

  render() {
    const [nameField, name] = textField(t('admin.breaks.name'), '', { maxlength: 60, name: 'break', placeholder: t('admin.breaks.placeholder') });
    this.adder = form({
      title: t('admin.breaks.add'),
      submitLabel: t('action.add'),
      fields: [nameField],
      save: () => {
        if (!name.value.trim()) throw invalid(t('admin.error.required', { field: t('admin.breaks.name') }));
        return api.post('/api/v1/breaks', { name: name.value.trim() });
      },
      done: () => this.load(),
    });
    replace(this, heading(t('admin.section.breaks')), h('p', { class: 'muted' }, t('admin.breaks.intro')),
      h('div', { class: 'grid grid-2 admin-split' }, this.list, this.adder));
    replace(this.list, listState(this.state, () => table([t('common.name'), t('common.actions')],
      this.state.items.map((b) => [b.name, smallButton(t('action.delete'), () => this.remove(b), { class: 'btn-danger', 'aria-label': `${t('action.delete')} ${b.name}` })]),
      { caption: t('admin.section.breaks'), testid: 'breaks-table' }), () => this.load()));
  }

  async remove(b) {
    if (!await confirm(t('admin.breaks.delete_confirm', { name: b.name }), t('action.delete'))) return;
    if (await attempt(() => api.del(`/api/v1/breaks/${b.id}`)) !== undefined) this.load();
  }
}

customElements.define('sb-admin-breaks', Breaks);
