// Members: who takes each campaign's conversations, with a penalty (0 asked first … 100 last
// resort) and skills from the campaign's skill list.

import { h } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';
import { definePart } from './campaign-part.js';
import { membersEditor } from './campaign-parts.js';

definePart('sb-admin-members', {
  section: 'members',
  intro: 'admin.members.intro',
  editor(campaign, ctx) {
    const skills = campaign.settings.skills;
    const members = membersEditor(campaign.members, ctx.users);
    return {
      element: h('div', {},
        h('p', { class: 'small muted' }, skills.length ? t('admin.members.campaign_skills', { skills: skills.join(', ') }) : t('admin.members.no_skills')),
        members.element),
      read: members.read,
    };
  },
  apply(input, members) {
    input.members = members;
  },
});
