// Dialers (bulk sends) as an admin defines them: lines (connectors), the campaign replies land
// in, pace, channels, dialing window and the recipients' contact hours, DNC check, default
// message. Running them (lists, start, stop) is the supervisor's Dialers page.

import { Page } from '../../lib/page.js';
import { api } from '../../lib/api.js';
import { h, replace, attempt, confirm } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { form, textField, numberField, readNumber, selectField, checkField, table, listState, heading, smallButton, showEditor, invalid } from './kit.js';
import { scheduleEditor, scheduleSummary, weeklyEditor } from './schedule-editor.js';

class Dialers extends Page {
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
      const [items, connectors, campaigns] = await Promise.all([
        api.get('/api/v1/dialers'), api.get('/api/v1/connectors'), api.get('/api/v1/campaigns')]);
      this.connectors = connectors;
      this.campaigns = campaigns;
      this.state = { items, error: null };
    } catch (error) {
      this.state = { items: this.state.items, error };
    }
    this.render();
  }

  render() {
    replace(this,
      heading(t('admin.section.dialers'),
        h('a', { class: 'btn', href: '#/dialers' }, t('admin.dialers.monitor')),
        h('button', { type: 'button', class: 'btn btn-primary', disabled: !this.connectors.length, onclick: () => this.edit(null) }, t('admin.dialers.new'))),
      this.list,
      this.editor);
    replace(this.list, listState(this.state, () => this.drawTable(), () => this.load()));
  }

  drawTable() {
    const connectorNames = new Map(this.connectors.map((c) => [c.id, c.name]));
    const campaignNames = new Map(this.campaigns.map((c) => [c.id, c.name]));
    return table(
      [t('common.name'), t('common.status'), t('admin.dialers.lines'), t('common.campaign'), t('admin.dialers.pace'), t('admin.dialers.window'), t('common.actions')],
      this.state.items.map((d) => [
        h('strong', {}, d.name),
        d.running ? h('span', { class: 'badge badge-success' }, t('admin.dialers.running'))
          : h('span', { class: 'badge' }, d.settings.enabled ? t('admin.dialers.stopped') : t('admin.disabled')),
        d.settings.connectors.map((id) => connectorNames.get(id) || `#${id}`).join(', '),
        d.settings.campaign_id ? campaignNames.get(d.settings.campaign_id) || `#${d.settings.campaign_id}` : t('common.none'),
        t('admin.dialers.pace_value', { ms: d.settings.interval_ms, max: d.settings.max_per_second ?? '—' }),
        h('span', { class: 'small' }, scheduleSummary(d.settings.schedule)),
        h('div', { class: 'btn-row' },
          smallButton(t('action.edit'), () => this.edit(d), { 'aria-label': `${t('action.edit')} ${d.name}` }),
          smallButton(t('action.delete'), () => this.remove(d), { class: 'btn-danger', 'aria-label': `${t('action.delete')} ${d.name}`, disabled: d.running })),
      ]),
      { caption: t('admin.section.dialers'), testid: 'dialers-table' });
  }

  edit(dialer) {
    const isNew = !dialer;
    const s = dialer?.settings || {
      connectors: [this.connectors[0]?.id], campaign_id: null, schedule: null, contact_window: null, channels: '(0.0)',
      interval_ms: 1000, max_per_second: null, enabled: true, dnc_check: true, default_template: null,
      reply_window_secs: null, default_country: null, batch_size: 50,
    };
    const [nameField, name] = textField(t('common.name'), dialer?.name || '', { required: true, name: 'name' });
    const lines = this.connectors.map((c) => checkField(`${c.name} (${c.numbers.join(', ') || t('common.none')})`, s.connectors.includes(c.id), { value: c.id }));
    const [campaignField, campaign] = selectField(t('common.campaign'),
      [{ value: '', label: t('common.none') }, ...this.campaigns.map((c) => ({ value: c.id, label: c.name }))], s.campaign_id ?? '', {}, t('admin.dialers.campaign_hint'));
    const [channelsField, channels] = textField(t('admin.dialers.channels'), s.channels, { name: 'channels' }, t('admin.dialers.channels_hint'));
    const [intervalField, interval] = numberField(t('admin.dialers.interval'), s.interval_ms, { min: 0, name: 'interval_ms' }, t('admin.dialers.interval_hint'));
    const [maxField, max] = numberField(t('admin.dialers.max_per_second'), s.max_per_second, { min: 1 }, t('admin.dialers.max_per_second_hint'));
    const [batchField, batch] = numberField(t('admin.dialers.batch'), s.batch_size, { min: 1, max: 10000 });
    const [replyField, reply] = numberField(t('admin.dialers.reply_window'), s.reply_window_secs, { min: 1 }, t('admin.dialers.reply_window_hint'));
    const [templateField, template] = textField(t('admin.dialers.default_message'), s.default_template || '', {}, t('admin.dialers.default_message_hint'));
    const [countryField, country] = textField(t('admin.dialers.country'), s.default_country || '', { maxlength: 2, placeholder: 'AR' }, t('admin.dialers.country_hint'));
    const [enabledField, enabled] = checkField(t('admin.enabled'), s.enabled);
    const [dncField, dnc] = checkField(t('admin.dialers.dnc'), s.dnc_check);
    const schedule = scheduleEditor(s.schedule, { testid: 'dialer-schedule' });
    const [anyHourField, anyHour] = checkField(t('admin.dialers.any_hour'), !s.contact_window);
    const contact = weeklyEditor(s.contact_window || [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '09:00', end: '20:00' }], { testid: 'contact-window' });
    const sync = () => { contact.element.hidden = anyHour.checked; };
    anyHour.addEventListener('change', sync);
    sync();
    showEditor(this.editor, form({
      title: isNew ? t('admin.dialers.new') : t('admin.dialers.edit', { name: dialer.name }),
      testid: 'dialer-form',
      fields: [
        h('div', { class: 'grid grid-2' }, nameField, campaignField),
        h('fieldset', {}, h('legend', {}, t('admin.dialers.lines')), lines.map(([el]) => el)),
        h('div', { class: 'grid grid-3' }, channelsField, intervalField, maxField, batchField, replyField, countryField),
        templateField, enabledField, dncField,
        h('fieldset', {}, h('legend', {}, t('admin.dialers.window')), schedule.element),
        h('fieldset', {}, h('legend', {}, t('admin.dialers.contact_window')), h('p', { class: 'small muted' }, t('admin.dialers.contact_window_hint')),
          anyHourField, contact.element),
      ],
      save: () => {
        if (!name.value.trim()) throw invalid(t('admin.error.required', { field: t('common.name') }));
        const settings = {
          connectors: lines.filter(([, b]) => b.checked).map(([, b]) => Number(b.value)),
          campaign_id: campaign.value ? Number(campaign.value) : null,
          schedule: schedule.read(),
          contact_window: anyHour.checked ? null : contact.read(),
          channels: channels.value.trim() || '(0.0)',
          interval_ms: readNumber(interval, t('admin.dialers.interval')) ?? 0,
          max_per_second: readNumber(max, t('admin.dialers.max_per_second')),
          enabled: enabled.checked,
          dnc_check: dnc.checked,
          default_template: template.value.trim() || null,
          reply_window_secs: readNumber(reply, t('admin.dialers.reply_window')),
          default_country: country.value.trim().toUpperCase() || null,
          batch_size: readNumber(batch, t('admin.dialers.batch')) ?? 50,
        };
        const body = { name: name.value.trim(), settings };
        return isNew ? api.post('/api/v1/dialers', body) : api.put(`/api/v1/dialers/${dialer.id}`, body);
      },
      done: () => { showEditor(this.editor, null); this.load(); },
      extraActions: [h('button', { type: 'button', class: 'btn', onclick: () => showEditor(this.editor, null) }, t('action.cancel'))],
    }));
  }

  async remove(d) {
    if (!await confirm(t('admin.dialers.delete_confirm', { name: d.name }), t('action.delete'))) return;
    if (await attempt(() => api.del(`/api/v1/dialers/${d.id}`)) !== undefined) this.load();
  }
}

customElements.define('sb-admin-dialers', Dialers);
