// Pre-set replies: each campaign's canned answers agents pick instead of typing.

import { definePart } from './campaign-part.js';
import { repliesEditor } from './campaign-parts.js';

definePart('sb-admin-replies', {
  section: 'replies',
  intro: 'admin.replies.intro',
  editor: (campaign) => repliesEditor(campaign.settings.preset_replies),
  apply(input, replies) {
    input.settings = { ...input.settings, preset_replies: replies };
  },
});
