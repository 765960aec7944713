// One clock for every "time since" on a page: elements carrying `data-since` (a server time in
// ms) show how long ago that was, updated each second without re-rendering the page. The server
// clock is what counts (board figures are stamped with it), so `skew` aligns the browser's.

import { formatDuration } from '../../lib/i18n.js';

/** Starts ticking the `[data-since]` elements under `root`; returns the stopper. */
export function startTicker(root, clock) {
  tick(root, clock);
  const id = setInterval(() => tick(root, clock), 1000);
  return () => clearInterval(id);
}

/** Updates the `[data-since]` elements now (after a redraw). */
export function tick(root, clock) {
  const now = clock.now();
  for (const el of root.querySelectorAll('[data-since]')) {
    el.textContent = formatDuration((now - Number(el.dataset.since)) / 1000);
  }
}

/** The server's "now": set from a snapshot's `at_ms`, then advanced by the browser's clock. */
export function serverClock() {
  let skew = 0;
  return {
    sync(serverMs) { if (Number.isFinite(serverMs)) skew = serverMs - Date.now(); },
    now() { return Date.now() + skew; },
  };
}
