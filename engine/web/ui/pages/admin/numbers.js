// Business numbers. A number lives on a connector (which carries it) and answers into at most
// one campaign (the campaign's `numbers`); this page shows both sides together and changes
// either: add or remove a number on a connector, move it to another campaign (or none).

import { Page } from '../../lib/page.js';
import { api } from '../../lib/api.js';
import { h, replace, attempt, confirm, toast } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { form, textField, selectField, table, listState, heading, smallButton, showEditor, invalid, campaignInput } from './kit.js';

class Numbers extends Page {
  constructor() {
    super();
    this.state = { items: null, error: null };
    this.connectors = [];
    this.campaigns = [];
    this.list = h('div', { 'aria-live': 'polite' });
    this.editor = h('div', { class: 'admin-editor' });
  }

  async load() {
    try {
      [this.connectors, this.campaigns] = await Promise.all([api.get('/api/v1/connectors'), api.get('/api/v1/campaigns')]);
      const items = [];
      for (const c of this.connectors) {
        for (const number of c.numbers) {
          items.push({ number, connector: c, campaign: this.campaigns.find((k) => k.numbers.includes(number)) || null });
        }
      }
      this.state = { items, error: null };
    } catch (error) {
      this.state = { items: this.state.items, error };
    }
    this.render();
  }

  render() {
    replace(this,
      heading(t('admin.section.numbers'),
        h('button', { type: 'button', class: 'btn btn-primary', onclick: () => this.add(), disabled: !this.connectors.length }, t('admin.numbers.add'))),
      h('p', { class: 'muted' }, t('admin.numbers.intro')),
      this.list,
      this.editor);
    replace(this.list, listState(this.state, () => this.drawTable(), () => this.load()));
  }

  drawTable() {
    return table([t('common.number'), t('admin.numbers.connector'), t('common.campaign'), t('common.actions')],
      this.state.items.map((item) => [
        h('span', { class: 'mono' }, item.number),
        item.connector.name,
        this.campaignSelect(item),
        smallButton(t('admin.numbers.remove'), () => this.remove(item), { class: 'btn-danger', 'aria-label': `${t('admin.numbers.remove')} ${item.number}` }),
      ]), { caption: t('admin.section.numbers'), testid: 'numbers-table' });
  }

  campaignSelect(item) {
    const select = h('select', { 'aria-label': t('admin.numbers.campaign_of', { number: item.number }) },
      h('option', { value: '' }, t('common.none')),
      this.campaigns.map((c) => h('option', { value: String(c.id), selected: item.campaign?.id === c.id }, c.name)));
    select.addEventListener('change', () => this.move(item, select.value ? Number(select.value) : null));
    return select;
  }

  /** Moves a number to another campaign: out of the old one first, as a number is in one at most. */
  async move(item, campaignId) {
    const ok = await attempt(async () => {
      if (item.campaign) {
        const old = campaignInput(item.campaign);
        old.numbers = old.numbers.filter((n) => n !== item.number);
        await api.put(`/api/v1/campaigns/${item.campaign.id}`, old);
      }
      if (campaignId) {
        const target = this.campaigns.find((c) => c.id === campaignId);
        const next = campaignInput(target);
        next.numbers = [...next.numbers, item.number];
        await api.put(`/api/v1/campaigns/${campaignId}`, next);
      }
      return true;
    });
    if (ok) toast(t('action.saved'), 'success');
    this.load();
  }

  add() {
    const [connectorField, connector] = selectField(t('admin.numbers.connector'),
      this.connectors.map((c) => ({ value: c.id, label: c.name })), this.connectors[0]?.id);
    const [numberField, number] = textField(t('common.number'), '', { required: true, inputmode: 'tel', placeholder: '+5491155550100' }, t('admin.numbers.e164'));
    showEditor(this.editor, form({
      title: t('admin.numbers.add'),
      fields: [h('div', { class: 'grid grid-2' }, connectorField, numberField)],
      save: () => {
        if (!number.value.trim()) throw invalid(t('admin.error.required', { field: t('common.number') }));
        const c = this.connectors.find((x) => x.id === Number(connector.value));
        return api.put(`/api/v1/connectors/${c.id}`, connectorInput(c, [...c.numbers, number.value.trim()]));
      },
      done: () => { showEditor(this.editor, null); this.load(); },
      extraActions: [h('button', { type: 'button', class: 'btn', onclick: () => showEditor(this.editor, null) }, t('action.cancel'))],
    }));
  }

  async remove(item) {
    if (!await confirm(t('admin.numbers.remove_confirm', { number: item.number, connector: item.connector.name }), t('admin.numbers.remove'))) return;
    const c = item.connector;
    const done = await attempt(() => api.put(`/api/v1/connectors/${c.id}`, connectorInput(c, c.numbers.filter((n) => n !== item.number))));
    if (done) this.load();
  }
}

/** A connector's PUT body with other numbers; secrets are left out, so the stored ones stay. */
function connectorInput(c, numbers) {
  return { name: c.name, plugin: c.plugin, config: c.config, numbers, allow_ips: c.allow_ips, enabled: c.enabled };
}

customElements.define('sb-admin-numbers', Numbers);
