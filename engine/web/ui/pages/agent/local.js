// What the desk keeps in this browser, per signed-in user: drafts (so a reload or a crash
// never loses what the agent typed) and the last message seen in each conversation (the API
// has no read marker for agents, so unread counts are counted from it here).

const prefix = (user) => `sb.desk.${user}.`;

function read(key, fallback) {
  try {
    const text = localStorage.getItem(key);
    return text === null ? fallback : JSON.parse(text);
  } catch {
    return fallback;
  }
}

function write(key, value) {
  try {
    if (value === null || value === undefined || value === '') localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch { /* storage full or blocked: the draft lives only in the page */ }
}

/** The draft of a conversation (`'start'` for the outbound form). */
export function draft(user, conversation) {
  return read(`${prefix(user)}draft.${conversation}`, '');
}

export function saveDraft(user, conversation, text) {
  write(`${prefix(user)}draft.${conversation}`, text || null);
}

/** The id of the last message the agent saw in a conversation (0: none). */
export function seen(user, conversation) {
  return Number(read(`${prefix(user)}seen.${conversation}`, 0)) || 0;
}

export function markSeen(user, conversation, messageId) {
  if (messageId > seen(user, conversation)) write(`${prefix(user)}seen.${conversation}`, messageId);
}

/** The last chat message seen from each supervisor: `{userId: messageId}`. */
export function chatSeen(user) {
  return read(`${prefix(user)}chat-seen`, {});
}

export function markChatSeen(user, partner, messageId) {
  const all = chatSeen(user);
  if ((all[partner] || 0) >= messageId) return;
  all[partner] = messageId;
  write(`${prefix(user)}chat-seen`, all);
}

/** Forgets what belongs to conversations that are gone from the desk. */
export function forget(user, keep) {
  const start = prefix(user);
  const wanted = new Set(keep.map(String));
  try {
    for (let i = localStorage.length - 1; i >= 0; i -= 1) {
      const key = localStorage.key(i);
      if (!key?.startsWith(`${start}seen.`)) continue;
      if (!wanted.has(key.slice(`${start}seen.`.length))) localStorage.removeItem(key);
    }
  } catch { /* nothing to tidy */ }
}
