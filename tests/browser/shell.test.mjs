// The shell around the pages: sign-in errors, the nav each role sees, the language switch
// (kept per user), sign-out, and the live socket reconnecting and the page resyncing.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, assertClean, openPage, screenshot, signIn, useServerAndBrowser } from './harness.mjs';

let server;
let browser;

useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const navLinks = (page) => page.locator('nav#nav a').allTextContents();

test('a wrong password is refused with a clear message', async () => {
  const page = await openPage(browser);
  await page.goto(`${server.url}/`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();
  // An unknown user gets the same words (nothing tells which part was wrong).
  await page.getByLabel('Username').fill('nobody');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Wrong username or password.' }).waitFor();
  assert.equal(await page.locator('header.topbar').count(), 0, 'not signed in');
  await screenshot(page, 'login-error-1280');
  assertClean(page);
  await page.context().close();
});

test('each role sees only its pages in the nav', async () => {
  const expected = {
    ana: ['Desk'],
    sofia: ['Desk', 'Live board', 'Dashboard', 'Conversations', 'Dialers', 'Simulator'],
    admin: ['Desk', 'Live board', 'Dashboard', 'Conversations', 'Dialers', 'Simulator', 'Admin'],
  };
  const passwords = { ana: 'ana-demo-pass', sofia: 'sofia-demo-pass', admin: ADMIN_PASSWORD };
  for (const [user, links] of Object.entries(expected)) {
    const page = await openPage(browser);
    await signIn(page, server.url, user, passwords[user]);
    assert.deepEqual(await navLinks(page), links, `${user}'s nav`);
    if (user === 'ana') {
      // A page above the role is not reachable by its address either: the agent lands on the desk.
      await page.goto(`${server.url}/#/admin`);
      await page.waitForURL(/#\/desk$/);
    }
    await page.context().close();
  }
});

test('the language switch is kept for the user, across reloads and sign-ins', async () => {
  const page = await openPage(browser);
  await signIn(page, server.url, 'sofia', 'sofia-demo-pass');
  await page.getByLabel('Language').selectOption('es');
  await page.locator('nav#nav a', { hasText: 'Tablero en vivo' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'es');

  await page.reload();
  await page.locator('nav#nav a', { hasText: 'Tablero en vivo' }).waitFor();
  assert.deepEqual(await navLinks(page),
    ['Escritorio', 'Tablero en vivo', 'Panel', 'Conversaciones', 'Discadores', 'Simulador']);

  // Signing out and in again, in a browser that never saw the choice: still Spanish.
  await page.getByRole('button', { name: 'Salir' }).click();
  await page.locator('sb-login form').waitFor();
  const fresh = await openPage(browser);
  await signIn(fresh, server.url, 'sofia', 'sofia-demo-pass');
  await fresh.locator('nav#nav a', { hasText: 'Tablero en vivo' }).waitFor();
  await screenshot(fresh, 'shell-es-1280');

  // Back to English, for the user's sake.
  await fresh.getByLabel('Idioma').selectOption('en');
  await fresh.locator('nav#nav a', { hasText: 'Live board' }).waitFor();
  assertClean(page);
  assertClean(fresh);
  await page.context().close();
  await fresh.context().close();
});

test('signing out ends the session', async () => {
  const page = await openPage(browser);
  await signIn(page, server.url, 'ana', 'ana-demo-pass');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.locator('sb-login form').waitFor();
  // The cookie no longer opens a session: a reload shows the sign-in again.
  await page.reload();
  await page.locator('sb-login form').waitFor();
  assert.equal(await page.locator('header.topbar').count(), 0);
  const status = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
  assert.equal(status, 401);
  assertClean(page);
  await page.context().close();
});

test('the live socket reconnects after a drop and the page resyncs', async () => {
  const page = await openPage(browser);
  // Keep a handle on the page's sockets (the client keeps its own private), and record every
  // status the header shows, so a short "reconnecting" is not missed between two polls.
  await page.context().addInitScript(() => {
    const Native = window.WebSocket;
    window.__sockets = [];
    window.WebSocket = class extends Native {
      constructor(...args) {
        super(...args);
        window.__sockets.push(this);
      }
    };
  });
  await signIn(page, server.url, 'sofia', 'sofia-demo-pass');
  await page.goto(`${server.url}/#/simulator`);
  await page.getByRole('heading', { name: 'Customer simulator' }).waitFor();
  const status = page.locator('.live-status');
  await status.filter({ hasText: 'Live' }).waitFor();
  await page.evaluate(() => {
    const el = document.querySelector('.live-status');
    window.__statuses = [];
    new MutationObserver(() => window.__statuses.push(el.textContent))
      .observe(el, { childList: true, characterData: true, subtree: true });
  });

  // Offline, so the reconnection cannot succeed at once; then the socket drops.
  await page.context().setOffline(true);
  await page.evaluate(() => window.__sockets.at(-1).close());
  await status.filter({ hasText: 'Reconnecting…' }).waitFor();

  // Back online: the socket comes back and the page fetches its data again.
  const resync = page.waitForRequest((r) => r.url().endsWith('/api/v1/sandbox'), { timeout: 30_000 });
  await page.context().setOffline(false);
  await status.filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
  await resync;
  const seen = await page.evaluate(() => window.__statuses);
  assert.ok(seen.indexOf('Reconnecting…') >= 0 && seen.lastIndexOf('Live') > seen.indexOf('Reconnecting…'),
    `statuses: ${seen.join(' → ')}`);
  // Failed reconnection attempts while offline are Chrome's own network errors, expected here.
  assertClean(page, { ignore: [/WebSocket connection to .* failed/, /net::ERR_INTERNET_DISCONNECTED/] });
  await page.context().close();
});
