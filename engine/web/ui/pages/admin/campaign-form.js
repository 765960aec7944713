// A campaign with every setting (`CampaignInput` + `CampaignSettings` in the engine): general,
// routing, queue limits and times, bots, opening hours, numbers, members, blacklists and pre-set
// replies. Optional times are empty when not set; the server checks ranges and plugin configs.

import { api } from '../../lib/api.js';
import { h, field } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { form, textField, numberField, readNumber, checkField, selectField, linesField, readLines, invalid } from './kit.js';
import { scheduleEditor } from './schedule-editor.js';
import { membersEditor, repliesEditor, bindingEditor } from './campaign-parts.js';

/** Defaults of a new campaign, as `CampaignSettings::default()`. */
const NEW_SETTINGS = {
  description: '', strategy: { plugin: 'least-busy', config: {} }, schedule: null, out_of_hours_message: null,
  service_level_secs: 60, abandonment_secs: null, chat_time_limit_secs: null, max_waiting: null,
  queue_full_message: 'All our agents are busy and the queue is full. Please write again later.',
  max_per_agent: 3, max_queue_secs: null, overflow_campaign: null, max_transfer_secs: 120,
  offer_timeout_secs: null, offline_agent_conversations: 'keep', bot_on_start: null, bot_after_wait: null,
  bot_on_end: null, skills: [], preset_replies: [], dialer_reply_window_secs: 86400,
};

/**
 * The form for `campaign` (null: a new one). `ctx` = `{plugins, users, campaigns, numbers}`;
 * `done(view)` after saving.
 */
export function campaignForm(campaign, ctx, { done, cancel }) {
  const isNew = !campaign;
  const c = campaign || { name: '', enabled: true, incoming_blacklist: true, outgoing_blacklist: true, numbers: [], members: [], settings: NEW_SETTINGS };
  const s = { ...NEW_SETTINGS, ...c.settings };
  const num = (key, label, hint, props = {}) => {
    const [el, input] = numberField(label, s[key], { min: props.min ?? 1, name: key, dataset: { testid: `campaign-${key}` }, ...props }, hint);
    return { key, el, input, label };
  };

  // General.
  const [nameField, name] = textField(t('common.name'), c.name, { required: true, maxlength: 100, name: 'name', dataset: { testid: 'campaign-name' } });
  const description = h('textarea', { rows: 2, name: 'description' });
  description.value = s.description || '';
  const [enabledField, enabled] = checkField(t('admin.enabled'), c.enabled);

  // Routing.
  const strategy = bindingEditor(t('admin.campaign.strategy'), s.strategy, ctx.plugins, 'strategy', { testid: 'campaign-strategy' });
  const maxPerAgent = num('max_per_agent', t('admin.campaign.max_per_agent'), t('admin.campaign.max_per_agent_hint'));
  const offer = num('offer_timeout_secs', t('admin.campaign.offer_timeout'), t('admin.campaign.offer_timeout_hint'));
  const [offlineField, offline] = selectField(t('admin.campaign.offline'),
    [{ value: 'keep', label: t('admin.campaign.offline_keep') }, { value: 'requeue', label: t('admin.campaign.offline_requeue') }],
    s.offline_agent_conversations);
  const [skillsField, skills] = linesField(t('admin.campaign.skills'), s.skills, { name: 'skills' }, t('admin.campaign.skills_hint'));

  // Queue and times.
  const serviceLevel = num('service_level_secs', t('admin.campaign.service_level'), t('admin.campaign.service_level_hint'), { min: 0 });
  const maxWaiting = num('max_waiting', t('admin.campaign.max_waiting'), t('admin.campaign.max_waiting_hint'), { min: 0 });
  const queueFull = h('textarea', { rows: 2, name: 'queue_full_message' });
  queueFull.value = s.queue_full_message || '';
  const maxQueue = num('max_queue_secs', t('admin.campaign.max_queue'), t('admin.campaign.max_queue_hint'));
  const [overflowField, overflow] = selectField(t('admin.campaign.overflow'),
    [{ value: '', label: t('common.none') }, ...ctx.campaigns.filter((k) => k.id !== c.id).map((k) => ({ value: k.name, label: k.name }))],
    s.overflow_campaign || '', {}, t('admin.campaign.overflow_hint'));
  const abandonment = num('abandonment_secs', t('admin.campaign.abandonment'), t('admin.campaign.abandonment_hint'));
  const maxTransfer = num('max_transfer_secs', t('admin.campaign.max_transfer'), t('admin.campaign.max_transfer_hint'));
  const chatLimit = num('chat_time_limit_secs', t('admin.campaign.chat_limit'), t('admin.campaign.chat_limit_hint'));
  const replyWindow = num('dialer_reply_window_secs', t('admin.campaign.reply_window'), t('admin.campaign.reply_window_hint'), { min: 0 });

  // Bots.
  const onStart = bindingEditor(t('admin.campaign.bot_on_start'), s.bot_on_start, ctx.plugins, 'bot', { optional: true, testid: 'bot-on-start' });
  const afterWait = bindingEditor(t('admin.campaign.bot_after_wait'), s.bot_after_wait, ctx.plugins, 'bot', { optional: true, testid: 'bot-after-wait' });
  const onEnd = bindingEditor(t('admin.campaign.bot_on_end'), s.bot_on_end, ctx.plugins, 'bot', { optional: true, testid: 'bot-on-end' });

  // Hours.
  const schedule = scheduleEditor(s.schedule);
  const outOfHours = h('textarea', { rows: 2, name: 'out_of_hours_message' });
  outOfHours.value = s.out_of_hours_message || '';

  // Numbers: those on a connector that no other campaign answers.
  const taken = new Map(ctx.campaigns.filter((k) => k.id !== c.id).flatMap((k) => k.numbers.map((n) => [n, k.name])));
  const numberBoxes = ctx.numbers.map((n) => {
    const [el, box] = checkField(taken.has(n) ? `${n} (${taken.get(n)})` : n, c.numbers.includes(n), { value: n, disabled: taken.has(n) });
    return { el, box };
  });

  const members = membersEditor(c.members, ctx.users);
  const [inField, inBl] = checkField(t('admin.campaign.incoming_blacklist'), c.incoming_blacklist);
  const [outField, outBl] = checkField(t('admin.campaign.outgoing_blacklist'), c.outgoing_blacklist);
  const replies = repliesEditor(s.preset_replies);

  const numbers = [maxPerAgent, offer, serviceLevel, maxWaiting, maxQueue, abandonment, maxTransfer, chatLimit, replyWindow];
  const section = (title, ...children) => h('fieldset', { class: 'campaign-part' }, h('legend', {}, title), children);
  return form({
    title: isNew ? t('admin.campaigns.new') : t('admin.campaigns.edit', { name: c.name }),
    testid: 'campaign-form',
    fields: [
      section(t('admin.campaign.general'), h('div', { class: 'grid grid-2' }, nameField, enabledField),
        field(t('admin.campaign.description'), description)),
      h('div', { class: 'grid grid-2' },
        section(t('admin.campaign.routing'), strategy.element, maxPerAgent.el, offer.el, offlineField, skillsField),
        section(t('admin.campaign.queue'), serviceLevel.el, maxWaiting.el,
          field(t('admin.campaign.queue_full_message'), queueFull), maxQueue.el, overflowField)),
      section(t('admin.campaign.times'), h('div', { class: 'grid grid-3' }, abandonment.el, maxTransfer.el, chatLimit.el, replyWindow.el)),
      section(t('admin.campaign.bots'), h('div', { class: 'grid grid-3' }, onStart.element, afterWait.element, onEnd.element)),
      section(t('admin.campaign.hours'), schedule.element, field(t('admin.campaign.out_of_hours'), outOfHours, t('admin.campaign.out_of_hours_hint'))),
      h('div', { class: 'grid grid-2' },
        section(t('admin.numbers'), numberBoxes.length ? numberBoxes.map((n) => n.el) : h('p', { class: 'muted' }, t('admin.campaign.no_numbers'))),
        section(t('admin.campaign.blacklists'), inField, outField, h('p', { class: 'small' }, h('a', { href: '#/admin/blacklist' }, t('admin.campaign.edit_blacklist'))))),
      section(t('admin.section.members'), members.element),
      section(t('admin.section.replies'), replies.element),
    ],
    save: () => {
      if (!name.value.trim()) throw invalid(t('admin.error.required', { field: t('common.name') }));
      const settings = {
        description: description.value,
        strategy: strategy.read(),
        schedule: schedule.read(),
        out_of_hours_message: outOfHours.value.trim() || null,
        queue_full_message: queueFull.value,
        offline_agent_conversations: offline.value,
        overflow_campaign: overflow.value || null,
        bot_on_start: onStart.read(),
        bot_after_wait: afterWait.read(),
        bot_on_end: onEnd.read(),
        skills: readLines(skills),
        preset_replies: replies.read(),
      };
      for (const n of numbers) settings[n.key] = readNumber(n.input, n.label);
      // These have no "not set": an empty box keeps the default.
      for (const key of ['max_per_agent', 'service_level_secs', 'max_transfer_secs', 'dialer_reply_window_secs']) {
        if (settings[key] === null) settings[key] = NEW_SETTINGS[key];
      }
      const body = {
        name: name.value.trim(),
        enabled: enabled.checked,
        incoming_blacklist: inBl.checked,
        outgoing_blacklist: outBl.checked,
        numbers: numberBoxes.filter((n) => n.box.checked).map((n) => n.box.value),
        members: members.read(),
        settings,
      };
      return isNew ? api.post('/api/v1/campaigns', body) : api.put(`/api/v1/campaigns/${c.id}`, body);
    },
    done,
    extraActions: [h('button', { type: 'button', class: 'btn', onclick: cancel }, t('action.cancel'))],
  });
}
