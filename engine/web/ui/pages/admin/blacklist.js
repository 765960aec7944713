// The blacklist: numbers refused in, never written to, or both; everywhere or for one campaign.
// Opt-outs (a customer wrote STOP) land here by themselves and are shown as such.

import { Page } from '../../lib/page.js';
import { api } from '../../lib/api.js';
import { h, replace, attempt, confirm } from '../../lib/dom.js';
import { t, formatTime } from '../../lib/i18n.js';
import { form, textField, selectField, table, listState, heading, smallButton, invalid } from './kit.js';

class Blacklist extends Page {
  constructor() {
    super();
    this.state = { items: null, error: null };
    this.campaigns = [];
    this.filter = '';
    this.list = h('div', { 'aria-live': 'polite' });
  }

  async load() {
    try {
      const [items, campaigns] = await Promise.all([api.get('/api/v1/blacklist'), api.get('/api/v1/campaigns')]);
      this.campaigns = campaigns;
      this.state = { items, error: null };
    } catch (error) {
      this.state = { items: this.state.items, error };
    }
    this.render();
  }

  render() {
    const [addressField, address] = textField(t('admin.blacklist.address'), '', { inputmode: 'tel', placeholder: '+5491166660001', name: 'address' });
    const directions = ['both', 'in', 'out'].map((d) => ({ value: d, label: t(`admin.blacklist.dir_${d}`) }));
    const [directionField, direction] = selectField(t('admin.blacklist.direction'), directions, 'both');
    const [campaignField, campaign] = selectField(t('common.campaign'),
      [{ value: '', label: t('admin.blacklist.everywhere') }, ...this.campaigns.map((c) => ({ value: c.id, label: c.name }))], '');
    const adder = form({
      title: t('admin.blacklist.add'),
      submitLabel: t('action.add'),
      fields: [addressField, directionField, campaignField],
      save: () => {
        if (!address.value.trim()) throw invalid(t('admin.error.required', { field: t('admin.blacklist.address') }));
        return api.post('/api/v1/blacklist', {
          address: address.value.trim(), direction: direction.value, campaign_id: campaign.value ? Number(campaign.value) : null,
        });
      },
      done: () => this.load(),
    });
    const search = h('input', { type: 'search', value: this.filter, placeholder: t('admin.blacklist.search'), 'aria-label': t('admin.blacklist.search') });
    search.addEventListener('input', () => { this.filter = search.value; this.drawList(); });
    replace(this, heading(t('admin.section.blacklist')), h('p', { class: 'muted' }, t('admin.blacklist.intro')),
      h('div', { class: 'grid grid-2 admin-split' }, h('div', { class: 'stack' }, search, this.list), adder));
    this.drawList();
  }

  drawList() {
    const names = new Map(this.campaigns.map((c) => [c.id, c.name]));
    const wanted = this.filter.trim().toLowerCase();
    const items = this.state.items?.filter((b) => !wanted || b.address.toLowerCase().includes(wanted));
    replace(this.list, listState({ ...this.state, items }, () => table(
      [t('admin.blacklist.address'), t('admin.blacklist.direction'), t('common.campaign'), t('admin.blacklist.reason'), t('common.created'), t('common.actions')],
      items.map((b) => [
        h('span', { class: 'mono' }, b.address),
        t(`admin.blacklist.dir_${b.direction}`),
        b.campaign_id ? names.get(b.campaign_id) || `#${b.campaign_id}` : t('admin.blacklist.everywhere'),
        h('span', { class: `badge ${b.reason === 'opt-out' ? 'badge-warning' : ''}` }, t(`admin.blacklist.reason_${b.reason === 'opt-out' ? 'optout' : 'manual'}`)),
        formatTime(b.created_at),
        smallButton(t('action.delete'), () => this.remove(b), { class: 'btn-danger', 'aria-label': `${t('action.delete')} ${b.address}` }),
      ]), { caption: t('admin.section.blacklist'), testid: 'blacklist-table' }), () => this.load()));
  }

  async remove(b) {
    if (!await confirm(t('admin.blacklist.delete_confirm', { address: b.address }), t('action.delete'))) return;
    if (await attempt(() => api.del(`/api/v1/blacklist/${b.id}`)) !== undefined) this.load();
  }
}

customElements.define('sb-admin-blacklist', Blacklist);
