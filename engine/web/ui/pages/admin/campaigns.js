// Campaigns: the list, and the form with every setting (`campaign-form.js`).

import { Page } from '../../lib/page.js';
import { api } from '../../lib/api.js';
import { h, replace, attempt, confirm } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { table, listState, heading, smallButton, showEditor, seconds } from './kit.js';
import { campaignForm } from './campaign-form.js';
import { scheduleSummary } from './schedule-editor.js';

/** What a campaign form needs besides the campaign: plugins, users, campaigns, numbers. */
export async function campaignContext() {
  const [plugins, users, campaigns, connectors] = await Promise.all([
    api.get('/api/v1/plugins'), api.get('/api/v1/users'), api.get('/api/v1/campaigns'), api.get('/api/v1/connectors'),
  ]);
  return { plugins: plugins.plugins, users, campaigns, numbers: connectors.flatMap((c) => c.numbers) };
}

class Campaigns extends Page {
  constructor() {
    super();
    this.state = { items: null, error: null };
    this.ctx = null;
    this.list = h('div', { 'aria-live': 'polite' });
    this.editor = h('div', { class: 'admin-editor' });
  }

  async load() {
    try {
      this.ctx = await campaignContext();
      this.state = { items: this.ctx.campaigns, error: null };
    } catch (error) {
      this.state = { items: this.state.items, error };
    }
    this.render();
  }

  render() {
    replace(this,
      heading(t('admin.section.campaigns'),
        h('button', { type: 'button', class: 'btn btn-primary', disabled: !this.ctx, onclick: () => this.edit(null) }, t('admin.campaigns.new'))),
      this.list,
      this.editor);
    replace(this.list, listState(this.state, () => this.drawTable(), () => this.load()));
  }

  drawTable() {
    const users = new Map(this.ctx.users.map((u) => [u.id, u.display_name]));
    return table(
      [t('common.name'), t('common.status'), t('admin.numbers'), t('admin.section.members'), t('admin.campaign.strategy'),
        t('admin.campaign.service_level'), t('admin.campaign.hours'), t('common.actions')],
      this.state.items.map((c) => [
        h('strong', {}, c.name),
        h('span', { class: `badge ${c.enabled ? 'badge-success' : ''}` }, c.enabled ? t('admin.enabled') : t('admin.disabled')),
        c.numbers.join(', ') || h('span', { class: 'muted' }, t('common.none')),
        c.members.map((m) => users.get(m.user_id) || `#${m.user_id}`).join(', ') || h('span', { class: 'muted' }, t('common.none')),
        c.settings.strategy.plugin,
        seconds(c.settings.service_level_secs),
        h('span', { class: 'small' }, scheduleSummary(c.settings.schedule)),
        h('div', { class: 'btn-row' },
          smallButton(t('action.edit'), () => this.edit(c), { 'aria-label': `${t('action.edit')} ${c.name}`, dataset: { testid: `edit-campaign-${c.id}` } }),
          smallButton(t('action.delete'), () => this.remove(c), { class: 'btn-danger', 'aria-label': `${t('action.delete')} ${c.name}` })),
      ]),
      { caption: t('admin.section.campaigns'), testid: 'campaigns-table' });
  }

  edit(campaign) {
    showEditor(this.editor, campaignForm(campaign, this.ctx, {
      done: () => { showEditor(this.editor, null); this.load(); },
      cancel: () => showEditor(this.editor, null),
    }));
  }

  async remove(c) {
    if (!await confirm(t('admin.campaigns.delete_confirm', { name: c.name }), t('action.delete'))) return;
    if (await attempt(() => api.del(`/api/v1/campaigns/${c.id}`)) !== undefined) this.load();
  }
}

customElements.define('sb-admin-campaigns', Campaigns);
