// The live socket (`/api/v1/ws`): one per page, reconnecting with backoff. Events are
// `{seq, type, data}`. After a reconnect the server does not replay what was missed, so
// `onResync` listeners refetch their snapshot over REST: a dropped socket never leaves the
// page wrong.

const listeners = new Map(); // type or '*' → Set of functions
const resyncs = new Set();
const statuses = new Set();
let socket = null;
let wanted = false;
let attempt = 0;
let timer = null;
let everOpened = false;
let state = 'closed';

function setState(next) {
  state = next;
  for (const fn of statuses) fn(next);
}

function connect() {
  clearTimeout(timer);
  if (!wanted) return;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/ws`;
  setState(everOpened ? 'reconnecting' : 'connecting');
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    attempt = 0;
    const resync = everOpened;
    everOpened = true;
    setState('open');
    if (resync) for (const fn of resyncs) safely(fn);
  };
  ws.onmessage = (message) => {
    let frame;
    try { frame = JSON.parse(message.data); } catch { return; }
    emit(frame.type, frame.data, frame);
  };
  ws.onclose = () => {
    if (socket !== ws) return;
    socket = null;
    if (!wanted) { setState('closed'); return; }
    setState('reconnecting');
    // 0.5 s, 1 s, 2 s … up to 10 s, with jitter so a restarted server is not stampeded.
    const delay = Math.min(10000, 500 * 2 ** attempt) * (0.75 + Math.random() / 2);
    attempt += 1;
    timer = setTimeout(connect, delay);
  };
}

function emit(type, data, frame) {
  for (const key of [type, '*']) {
    const set = listeners.get(key);
    if (set) for (const fn of [...set]) safely(() => fn(data, frame));
  }
}

function safely(fn) {
  try { fn(); } catch (error) { console.warn('live listener failed', error); }
}

export const live = {
  /** Opens the socket (after sign-in). */
  start() {
    wanted = true;
    if (!socket) connect();
  },
  /** Closes it (sign-out). */
  stop() {
    wanted = false;
    everOpened = false;
    clearTimeout(timer);
    const ws = socket;
    socket = null;
    ws?.close();
    setState('closed');
  },
  /** Calls `fn(data, frame)` for each event of `type` (`'*'`: all). Returns the unsubscriber. */
  on(type, fn) {
    if (!listeners.has(type)) listeners.set(type, new Set());
    listeners.get(type).add(fn);
    return () => listeners.get(type)?.delete(fn);
  },
  /** Calls `fn()` after every reconnect: refetch what the page shows. */
  onResync(fn) {
    resyncs.add(fn);
    return () => resyncs.delete(fn);
  },
  /** Calls `fn(state)` now and on each change: connecting, open, reconnecting, closed. */
  onStatus(fn) {
    statuses.add(fn);
    fn(state);
    return () => statuses.delete(fn);
  },
  /** Sends a command (`{type: 'spy', conversation_id}`); false while disconnected. */
  send(command) {
    if (socket?.readyState !== WebSocket.OPEN) return false;
    socket.send(JSON.stringify(command));
    return true;
  },
  get state() { return state; },
};
