// Schedules and holidays: each campaign's opening hours (weekly ranges, time zone, holidays,
// dated exceptions) and out-of-hours message.

import { h, field } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { table } from './kit.js';
import { definePart } from './campaign-part.js';
import { scheduleEditor, scheduleSummary } from './schedule-editor.js';

definePart('sb-admin-schedules', {
  section: 'schedules',
  intro: 'admin.schedules.intro',
  summary: (campaigns) => table([t('common.campaign'), t('admin.campaign.hours')],
    campaigns.map((c) => [c.name, scheduleSummary(c.settings.schedule)]), { caption: t('admin.section.schedules') }),
  editor(campaign) {
    const schedule = scheduleEditor(campaign.settings.schedule);
    const message = h('textarea', { rows: 2, name: 'out_of_hours_message' });
    message.value = campaign.settings.out_of_hours_message || '';
    return {
      element: h('div', {}, schedule.element, field(t('admin.campaign.out_of_hours'), message, t('admin.campaign.out_of_hours_hint'))),
      read: () => ({ schedule: schedule.read(), message: message.value.trim() || null }),
    };
  },
  apply(input, value) {
    input.settings = { ...input.settings, schedule: value.schedule, out_of_hours_message: value.message };
  },
});
