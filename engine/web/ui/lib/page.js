// The base of every page element. A page renders in `render()`, loads in `load()`, and keeps
// what it subscribes to with `this.own(unsubscribe)`, so leaving the page (the router removes
// the element) unsubscribes everything. It re-renders when the language changes, and reloads
// after the live socket reconnects.

import { live } from './live.js';
import { session } from './session.js';

export class Page extends HTMLElement {
  constructor() {
    super();
    this.cleanups = [];
    /** Path segments after the page's own (`#/admin/users` → `['users']`). */
    this.params = [];
  }

  connectedCallback() {
    // Kept: a load still in flight when the user signs out finishes against this user, on a
    // page no longer shown, instead of failing on a null session.
    this.signedInUser = session.user;
    this.classList.add('page');
    this.own(listen(window, 'sb:language', () => this.render()));
    this.own(live.onResync(() => this.load()));
    this.render();
    this.load();
  }

  disconnectedCallback() {
    for (const fn of this.cleanups.splice(0)) fn();
  }

  /** Keeps `cleanup` to run when the page goes away; returns it. */
  own(cleanup) {
    this.cleanups.push(cleanup);
    return cleanup;
  }

  /** Draws the page from what it holds. */
  render() {}

  /** Fetches what the page shows (at start and after a reconnect), then renders. */
  async load() {}

  /** The signed-in user. */
  get user() {
    return this.signedInUser || session.user;
  }
}

/** `addEventListener` that returns its remover. */
export function listen(target, type, fn, options) {
  target.addEventListener(type, fn, options);
  return () => target.removeEventListener(type, fn, options);
}
