// What the customer simulator remembers in this browser (localStorage): the chosen sandbox
// connector, its recent customers (number and name), the one being played, and what each
// customer wrote — the sandbox outbox only keeps the business's side of a chat.

const PREFIX = 'sb.sim.';
/** Recent customers kept per connector. */
const MAX_CUSTOMERS = 30;
/** Messages kept per customer. */
const MAX_SENT = 200;

function read(key, fallback) {
  try {
    const value = JSON.parse(localStorage.getItem(PREFIX + key));
    return value ?? fallback;
  } catch {
    return fallback; // unreadable (or storage disabled): start afresh
  }
}

function write(key, value) {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(value));
  } catch { /* full or disabled: the simulator still works for this visit */ }
}

/** The connector chosen last, or null. */
export function connector() {
  return read('connector', null);
}

export function setConnector(id) {
  write('connector', id);
}

/** The customers of connector `id`, most recent first: `[{number, name}]`. */
export function customers(id) {
  const list = read(`customers.${id}`, []);
  return Array.isArray(list) ? list.filter((c) => c && typeof c.number === 'string') : [];
}

/** Adds `number` to the recent customers (at the end if new, so an open chat keeps its place). */
export function remember(id, number) {
  const list = customers(id);
  if (list.some((c) => c.number === number)) return;
  list.push({ number, name: '' });
  write(`customers.${id}`, list.slice(-MAX_CUSTOMERS));
}

/** Makes `number` the customer being played, first in the list. */
export function open(id, number) {
  const list = customers(id);
  const found = list.find((c) => c.number === number) || { number, name: '' };
  write(`customers.${id}`, [found, ...list.filter((c) => c.number !== number)].slice(0, MAX_CUSTOMERS));
  write(`current.${id}`, number);
}

/** The customer being played on connector `id`. */
export function current(id) {
  return read(`current.${id}`, null);
}

export function name(id, number) {
  return customers(id).find((c) => c.number === number)?.name || '';
}

export function setName(id, number, value) {
  write(`customers.${id}`, customers(id).map((c) => (c.number === number ? { ...c, name: value } : c)));
}

/** What `number` wrote on connector `id`: `[{key, content, at_ms, state, message_id, error}]`. */
export function sent(id, number) {
  const list = read(`sent.${id}.${number}`, []);
  return Array.isArray(list) ? list : [];
}

/** Keeps a new customer message; returns it (with its `key`). */
export function addSent(id, number, entry) {
  const kept = { key: `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, ...entry };
  write(`sent.${id}.${number}`, [...sent(id, number), kept].slice(-MAX_SENT));
  return kept;
}

export function updateSent(id, number, key, changes) {
  write(`sent.${id}.${number}`, sent(id, number).map((m) => (m.key === key ? { ...m, ...changes } : m)));
}

/** A demo customer number that is unlikely to be taken: +54 9 11 6666 plus four digits. */
export function randomNumber() {
  return `+54911666${String(Math.floor(Math.random() * 100000)).padStart(5, '0')}`;
}
