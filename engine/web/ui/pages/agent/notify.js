// Telling the agent something new came: a toast (the page's polite live region), a counter in
// the tab's title, and a system notification only when the browser already allows them —
// the desk never asks for the permission by itself.

import { toast } from '../../lib/dom.js';

let base = null;

/** Shows `count` in the document title (`(2) Desk · Switchboard`); 0 clears it. */
export function titleCount(count) {
  const plain = document.title.replace(/^\(\d+\)\s*/, '');
  base = plain;
  document.title = count > 0 ? `(${count}) ${plain}` : plain;
}

export function restoreTitle() {
  if (base) document.title = base;
}

/** A new assignment, offer or transfer. */
export function announce(text) {
  toast(text, 'info');
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  if (document.visibilityState === 'visible' && document.hasFocus()) return;
  try {
    new Notification(text, { tag: 'switchboard-desk', icon: '/ui/icon.svg' });
  } catch { /* some browsers allow notifications only from a service worker */ }
}
