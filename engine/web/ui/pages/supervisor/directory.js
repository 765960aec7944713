// Names of the campaigns and agents this supervisor sees. There is no campaign or user list
// for supervisors (those are admin routes); the board carries both, already limited to the
// supervisor's campaign scope, so pages read names from it.

import { api } from '../../lib/api.js';

let cached = null;

/** `{campaigns: [{id, name}], agents: [{id, name}]}`, fetched once per page load. */
export async function directory(fresh = false) {
  if (!cached || fresh) {
    cached = api.get('/api/v1/board').then((board) => ({
      campaigns: board.campaigns.map((c) => ({ id: c.campaign_id, name: c.name })),
      agents: board.agents.map((a) => ({ id: a.agent_id, name: a.name })),
    }));
    cached.catch(() => { cached = null; });
  }
  return cached;
}

/** The name of `id` in `list`, or `#id`. */
export function nameOf(list, id) {
  if (id === null || id === undefined) return '';
  return list.find((item) => item.id === id)?.name || `#${id}`;
}
