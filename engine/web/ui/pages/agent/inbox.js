// The inbox: the agent's open conversations (and transfers made to or by it), newest activity
// first, each with its unread count; a search over customer name and number and a campaign
// filter; conversations offered to the agent (customer, campaign, time left) with accept and
// reject.

import { h, replace, every } from '../../lib/dom.js';
import { t, formatTime, formatDuration } from '../../lib/i18n.js';

export class Inbox {
  /** `desk` is the page: it knows campaigns, selection and the actions. */
  constructor(desk) {
    this.desk = desk;
    this.query = '';
    this.campaign = '';
    this.search = h('input', {
      type: 'search', 'aria-label': t('desk.inbox.search'), placeholder: t('desk.inbox.search'), 'data-testid': 'inbox-search',
      oninput: () => { this.query = this.search.value.trim().toLowerCase(); this.draw(); },
    });
    this.campaignSelect = h('select', {
      'aria-label': t('desk.inbox.campaign'), 'data-testid': 'inbox-campaign',
      onchange: () => { this.campaign = this.campaignSelect.value; this.draw(); },
    });
    this.offers = h('div', { class: 'offers', 'aria-live': 'polite' });
    this.list = h('ul', { class: 'inbox-list', 'aria-label': t('desk.inbox'), 'data-testid': 'inbox' });
    this.count = h('span', { class: 'badge' });
    this.el = h('aside', { class: 'inbox', 'aria-labelledby': 'inbox-title' },
      h('div', { class: 'inbox-head' },
        h('h2', { id: 'inbox-title' }, t('desk.inbox'), ' ', this.count),
        h('div', { class: 'inbox-filters' }, this.search, this.campaignSelect)),
      this.offers,
      this.list);
    this.stopTicking = every(1000, () => this.tick());
  }

  destroy() {
    this.stopTicking();
  }

  draw() {
    const d = this.desk.data;
    if (!d) {
      replace(this.list, h('li', { class: 'empty' }, t('common.loading')));
      return;
    }
    const campaigns = d.campaigns || [];
    replace(this.campaignSelect,
      h('option', { value: '' }, t('desk.inbox.all_campaigns')),
      campaigns.map((c) => h('option', { value: String(c.id), selected: String(c.id) === this.campaign }, c.name)));
    this.campaignSelect.hidden = campaigns.length < 2;
    this.drawOffers(d);
    const all = this.desk.inboxConversations();
    this.count.textContent = String(all.length);
    const shown = all.filter((c) => this.matches(c));
    if (!all.length) {
      replace(this.list, h('li', { class: 'empty' }, t('desk.inbox.empty')));
      return;
    }
    if (!shown.length) {
      replace(this.list, h('li', { class: 'empty' }, t('desk.inbox.no_match')));
      return;
    }
    replace(this.list, shown.map((c) => this.item(c)));
  }

  matches(c) {
    if (this.campaign && String(c.campaign_id) !== this.campaign) return false;
    if (!this.query) return true;
    const hay = [c.contact_name, c.contact_number, this.desk.campaignName(c.campaign_id), `#${c.id}`].filter(Boolean).join(' ').toLowerCase();
    return hay.includes(this.query);
  }

  item(c) {
    const unread = this.desk.unread.get(c.id) || 0;
    const role = this.desk.roleOf(c.id);
    const selected = this.desk.selected === c.id;
    const name = c.contact_name || c.contact_number || t('desk.customer_unknown');
    return h('li', {},
      h('a', {
        class: `inbox-item${selected ? ' selected' : ''}${unread ? ' unread' : ''}`,
        href: `#/desk/${c.id}`, 'aria-current': selected ? 'true' : null, 'data-testid': 'inbox-item', dataset: { id: String(c.id) },
      },
      h('span', { class: 'inbox-name' }, name),
      unread ? h('span', { class: 'unread-count', 'data-testid': 'unread-count', 'aria-label': t('desk.inbox.unread', { count: unread }) }, String(unread)) : null,
      h('span', { class: 'inbox-meta small muted' },
        [this.desk.campaignName(c.campaign_id), formatTime(c.last_message_at)].filter(Boolean).join(' · ')),
      role === 'transfer-in' ? h('span', { class: 'badge badge-info' }, t('desk.transfer.incoming')) : null,
      role === 'transfer-out' ? h('span', { class: 'badge badge-info' }, t('desk.transfer.pending')) : null));
  }

  drawOffers(d) {
    this.deadlines = [];
    replace(this.offers, (d.offered || []).map(({ conversation: c, expires_at }) => {
      const id = c.id;
      const name = c.contact_name || c.contact_number || t('desk.customer_unknown');
      const left = h('span', { class: 'small offer-left', 'data-testid': 'offer-left' });
      this.deadlines.push({ el: left, at: Date.parse(expires_at) });
      return h('div', { class: 'offer card', 'data-testid': 'offer', role: 'group', 'aria-label': t('desk.offer', { id }) },
        h('p', {}, h('strong', {}, t('desk.offer', { id }))),
        h('p', { class: 'small' }, [name, this.desk.campaignName(c.campaign_id)].filter(Boolean).join(' · ')),
        h('div', { class: 'btn-row' },
          h('button', { type: 'button', class: 'btn btn-primary btn-small', onclick: () => this.desk.acceptOffer(id) }, t('desk.offer.accept')),
          h('button', { type: 'button', class: 'btn btn-small', onclick: () => this.desk.rejectOffer(id) }, t('desk.offer.reject')),
          left));
    }));
    this.tick();
  }

  /** Counts each offer's time left down; the server takes it back when it lapses. */
  tick() {
    for (const { el, at } of this.deadlines || []) {
      el.textContent = t('desk.offer.left', { duration: formatDuration((at - Date.now()) / 1000) });
    }
  }
}
