// The admin console: a section nav (`#/admin/<section>`) over one section element at a time.
// Each section is its own module and element (`sb-admin-users`…), loaded on first visit, so
// the console stays a set of small pages that share only `kit.js`.

import { Page } from '../../lib/page.js';
import { h, replace, loadStyle } from '../../lib/dom.js';
import { t } from '../../lib/i18n.js';

loadStyle('/ui/pages/admin/admin.css');

/** Every section: path part, element, module. */
export const sections = [
  { path: 'connectors', tag: 'sb-admin-connectors', module: './connectors.js' },
  { path: 'numbers', tag: 'sb-admin-numbers', module: './numbers.js' },
  { path: 'campaigns', tag: 'sb-admin-campaigns', module: './campaigns.js' },
  { path: 'schedules', tag: 'sb-admin-schedules', module: './schedules.js' },
  { path: 'members', tag: 'sb-admin-members', module: './members.js' },
  { path: 'replies', tag: 'sb-admin-replies', module: './replies.js' },
  { path: 'breaks', tag: 'sb-admin-breaks', module: './breaks.js' },
  { path: 'templates', tag: 'sb-admin-templates', module: './templates.js' },
  { path: 'blacklist', tag: 'sb-admin-blacklist', module: './blacklist.js' },
  { path: 'users', tag: 'sb-admin-users', module: './users.js' },
  { path: 'dialers', tag: 'sb-admin-dialers', module: './dialers.js' },
  { path: 'plugins', tag: 'sb-admin-plugins', module: './plugins.js' },
];

class AdminPage extends Page {
  constructor() {
    super();
    this.section = null;
    this.nav = null;
    this.body = null;
  }

  connectedCallback() {
    this.nav = h('nav', { class: 'tabs admin-tabs', 'aria-label': t('admin.sections') });
    this.body = h('div', { class: 'admin-body' });
    replace(this, h('h1', { class: 'sr-only' }, t('nav.admin')), this.nav, this.body);
    super.connectedCallback();
  }

  /** Only the nav is drawn here: the section element keeps its own state across languages. */
  render() {
    const current = this.current();
    this.nav.setAttribute('aria-label', t('admin.sections'));
    replace(this.nav, sections.map((s) =>
      h('a', {
        href: `#/admin/${s.path}`,
        'aria-current': s.path === current.path ? 'page' : null,
        dataset: { testid: `admin-tab-${s.path}` },
      }, t(`admin.section.${s.path}`))));
    // On a phone the tabs scroll sideways: keep the current one in view.
    const here = this.nav.querySelector('[aria-current="page"]');
    if (here) this.nav.scrollLeft = Math.max(0, here.offsetLeft - (this.nav.clientWidth - here.offsetWidth) / 2);
  }

  load() {
    return this.show();
  }

  routeChanged() {
    this.render();
    this.show();
  }

  current() {
    return sections.find((s) => s.path === this.params?.[0]) || sections[0];
  }

  async show() {
    const wanted = this.current();
    if (!this.params?.[0]) {
      // `#/admin` alone: show the first section under its own address.
      location.replace(`#/admin/${wanted.path}`);
      return;
    }
    if (this.section?.localName === wanted.tag) return;
    await import(wanted.module);
    if (this.current() !== wanted) return;
    this.section = document.createElement(wanted.tag);
    this.section.params = this.params.slice(1);
    replace(this.body, this.section);
    document.title = `${t(`admin.section.${wanted.path}`)} · ${t('nav.admin')} · Switchboard`;
  }
}

customElements.define('sb-admin', AdminPage);
