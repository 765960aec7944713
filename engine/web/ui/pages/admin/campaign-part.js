// A section that edits one part of a campaign (its schedule, its members, its pre-set replies):
// pick the campaign, edit the part, save the whole campaign back (the API replaces campaigns
// whole). Schedules, Members and Pre-set replies are each one call of `definePart`.

import { Page } from '../../lib/page.js';
import { api } from '../../lib/api.js';
import { h, replace, field } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { form, listState, heading, campaignInput } from './kit.js';
import { campaignContext } from './campaigns.js';

/**
 * `definePart(tag, {section, intro, summary(campaign, ctx), editor(campaign, ctx), apply(input, value)})`.
 */
export function definePart(tag, part) {
  class Part extends Page {
    constructor() {
      super();
      this.state = { items: null, error: null };
      this.ctx = null;
      this.chosen = null;
      this.body = h('div', { 'aria-live': 'polite' });
    }

    async load() {
      try {
        this.ctx = await campaignContext();
        this.state = { items: this.ctx.campaigns, error: null };
        if (!this.ctx.campaigns.some((c) => c.id === this.chosen)) this.chosen = this.ctx.campaigns[0]?.id ?? null;
      } catch (error) {
        this.state = { items: this.state.items, error };
      }
      this.render();
    }

    render() {
      replace(this, heading(t(`admin.section.${part.section}`)), h('p', { class: 'muted' }, t(part.intro)), this.body);
      replace(this.body, listState(this.state, () => this.draw(), () => this.load()));
    }

    draw() {
      const select = h('select', { dataset: { testid: 'part-campaign' } }, this.state.items.map((c) =>
        h('option', { value: String(c.id), selected: c.id === this.chosen }, c.name)));
      select.addEventListener('change', () => { this.chosen = Number(select.value); this.render(); });
      const campaign = this.state.items.find((c) => c.id === this.chosen);
      const overview = h('div', { class: 'part-overview' }, part.summary ? part.summary(this.state.items, this.ctx) : null);
      if (!campaign) return h('div', {}, field(t('common.campaign'), select), overview);
      const editor = part.editor(campaign, this.ctx);
      return h('div', { class: 'stack' },
        overview,
        form({
          title: campaign.name,
          testid: `${part.section}-form`,
          fields: [field(t('common.campaign'), select), editor.element],
          save: () => {
            const input = campaignInput(campaign);
            part.apply(input, editor.read());
            return api.put(`/api/v1/campaigns/${campaign.id}`, input);
          },
          done: () => this.load(),
        }));
    }
  }
  customElements.define(tag, Part);
}
