// The shell: sign-in, the header with role-aware navigation, the live socket's status and the
// language switch, and a hash router (`#/desk`, `#/admin/users`…) that mounts one page element
// at a time. Pages load on first visit (dynamic import), so an agent never downloads the admin.

import { api, setCsrf } from './lib/api.js';
import { live } from './lib/live.js';
import { session, hasRole } from './lib/session.js';
import { h, replace, attempt } from './lib/dom.js';
import { t, setLanguage, language, languages } from './lib/i18n.js';
import './pages/login.js';

/** Every page: hash path, element, module, least role, label key. */
export const routes = [
  { path: 'desk', tag: 'sb-desk', module: './pages/agent/desk.js', role: 'agent', label: 'nav.desk' },
  { path: 'board', tag: 'sb-board', module: './pages/supervisor/board.js', role: 'supervisor', label: 'nav.board' },
  { path: 'dashboard', tag: 'sb-dashboard', module: './pages/supervisor/dashboard.js', role: 'supervisor', label: 'nav.dashboard' },
  { path: 'conversations', tag: 'sb-conversation-search', module: './pages/supervisor/search.js', role: 'supervisor', label: 'nav.conversations' },
  { path: 'dialers', tag: 'sb-dialers', module: './pages/supervisor/dialers.js', role: 'supervisor', label: 'nav.dialers' },
  { path: 'simulator', tag: 'sb-simulator', module: './pages/simulator.js', role: 'supervisor', label: 'nav.simulator' },
  { path: 'admin', tag: 'sb-admin', module: './pages/admin/admin.js', role: 'admin', label: 'nav.admin' },
];

const homes = { agent: 'desk', supervisor: 'board', admin: 'board' };

const root = document.getElementById('app');
let main = null;
let nav = null;
let currentPage = null;

async function boot() {
  window.addEventListener('sb:signed-out', signedOut);
  window.addEventListener('hashchange', () => route());
  window.addEventListener('sb:language', () => { if (session.user) renderShell(); });
  try {
    const me = await api.get('/api/v1/auth/me');
    signedIn(me);
  } catch {
    showLogin();
  }
}

function signedIn(me) {
  session.user = me.user;
  setCsrf(me.csrf_token);
  setLanguage(me.user.language || 'en');
  live.start();
  renderShell();
}

function signedOut() {
  if (!session.user) return;
  session.user = null;
  setCsrf(null);
  live.stop();
  showLogin();
}

function showLogin() {
  currentPage = null;
  root.removeAttribute('aria-busy');
  const login = document.createElement('sb-login');
  login.addEventListener('sb:signed-in', (event) => signedIn(event.detail));
  replace(root, login);
}

function renderShell() {
  root.removeAttribute('aria-busy');
  const status = h('span', { class: 'live-status', role: 'status' });
  const menuButton = h('button', {
    class: 'btn btn-ghost nav-toggle', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'nav',
    onclick: () => {
      const open = nav.classList.toggle('open');
      menuButton.setAttribute('aria-expanded', String(open));
    },
  }, h('span', { 'aria-hidden': 'true' }, '☰'), h('span', { class: 'sr-only' }, t('nav.menu')));
  nav = h('nav', { id: 'nav', class: 'nav', 'aria-label': t('nav.label') },
    routes.filter((r) => hasRole(r.role)).map((r) =>
      h('a', { href: `#/${r.path}`, dataset: { path: r.path } }, t(r.label))));
  const languageSelect = h('select', {
    class: 'language', 'aria-label': t('nav.language'),
    onchange: (event) => changeLanguage(event.target.value),
  }, languages.map((l) => h('option', { value: l.code, selected: l.code === language() }, l.name)));
  const header = h('header', { class: 'topbar' },
    menuButton,
    h('a', { class: 'brand', href: `#/${homes[session.user.role]}` }, 'Switchboard'),
    nav,
    h('div', { class: 'topbar-end' },
      status,
      languageSelect,
      h('span', { class: 'whoami', title: session.user.username }, session.user.display_name || session.user.username),
      h('button', { class: 'btn btn-ghost', type: 'button', onclick: logout }, t('nav.logout'))));
  main = h('main', { id: 'main', tabindex: '-1' });
  replace(root, header, main);
  const showStatus = (state) => {
    status.className = `live-status live-${state}`;
    status.textContent = t(`live.${state}`);
  };
  live.onStatus(showStatus);
  currentPage = null;
  route();
}

async function changeLanguage(code) {
  const me = await attempt(() => api.patch('/api/v1/auth/me', { language: code }));
  if (me) {
    session.user = me.user;
    setLanguage(code);
  }
}

async function logout() {
  await attempt(() => api.post('/api/v1/auth/logout'));
  session.user = null;
  setCsrf(null);
  live.stop();
  location.hash = '';
  showLogin();
}

let routeSeq = 0;

async function route() {
  if (!session.user || !main) return;
  const seq = ++routeSeq;
  const [path, ...params] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const found = routes.find((r) => r.path === path && hasRole(r.role));
  if (!found) {
    location.replace(`#/${homes[session.user.role]}`);
    return;
  }
  nav.classList.remove('open');
  for (const link of nav.querySelectorAll('a')) {
    if (link.dataset.path === found.path) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${t(found.label)} · Switchboard`;
  if (currentPage && currentPage.localName === found.tag) {
    // Same page, other sub-path (`#/admin/users` → `#/admin/plugins`).
    currentPage.params = params;
    currentPage.routeChanged?.();
    return;
  }
  await import(found.module);
  // Another route began while the module loaded (a slow first page, then a click): the
  // latest wins, or the earlier page would replace it when its import finishes.
  if (seq !== routeSeq) return;
  const page = document.createElement(found.tag);
  page.params = params;
  currentPage = page;
  replace(main, page);
  main.focus({ preventScroll: true });
}

boot();
