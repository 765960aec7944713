// Who is signed in: `session.user` (id, username, display_name, role, language…), set by the
// app after sign-in or `/auth/me`.

export const session = { user: null };

const ranks = { agent: 1, supervisor: 2, admin: 3 };

/** Whether the signed-in user has `role` or a higher one. */
export function hasRole(role) {
  return (ranks[session.user?.role] || 0) >= ranks[role];
}
