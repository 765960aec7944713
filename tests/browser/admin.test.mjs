// The admin console: an admin uploads a new version of a routing strategy (the test plugin
// `least-busy` 9.0.0 over the bundled 1.0.0), sees it active and counting calls, and rolls it
// back; creates a user who then signs in; edits campaign settings that survive a reload; and
// opens a connector whose config form is drawn from the plugin's schema without ever showing
// a secret. Every section is photographed at laptop and phone sizes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, openPage, assertClean, signIn, screenshot, call, repoRoot, ADMIN_PASSWORD } from './harness.mjs';

const WAIT = { timeout: 30_000 };
const STRATEGY_WASM = join(repoRoot, 'target', 'plugins', 'wasm32-wasip2', 'release', 'least_busy_override.wasm');
const SECRET = 'tw-secret-token-never-shown-4821';
const SECTIONS = ['connectors', 'numbers', 'campaigns', 'schedules', 'members', 'replies', 'breaks',
  'templates', 'blacklist', 'users', 'dialers', 'plugins'];

let server;
let browser;
let admin;
let twilio;

before(async () => {
  assert.ok(existsSync(STRATEGY_WASM), `${STRATEGY_WASM} is built by engine/build.rs (cargo build -p switchboard)`);
  server = await startServer();
  browser = await launchBrowser();
  // A connector with a secret, made over REST: the form must never show it.
  twilio = await call(server.url, server.token, 'POST', '/api/v1/connectors', {
    name: 'twilio-sms', plugin: 'twilio', numbers: ['+5491155550199'],
    config: { account_sid: 'AC0123456789', auth_token: SECRET, channel: 'sms' },
  });
  admin = await openPage(browser);
  await signIn(admin, server.url, 'admin', ADMIN_PASSWORD);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function section(page, name) {
  await page.goto(`${server.url}/#/admin/${name}`);
  await page.locator(`sb-admin-${name} h2`).first().waitFor(WAIT);
}

/** Waits until `read()` resolves truthy (a REST condition); fails after the usual wait. */
async function until(read, what) {
  const deadline = Date.now() + WAIT.timeout;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('an admin uploads a new strategy version, sees it routing, and rolls it back', async () => {
  const plugin = () => call(server.url, server.token, 'GET', '/api/v1/plugins/least-busy');
  const bundled = await plugin();
  assert.equal(bundled.active_version, '1.0.0');

  await section(admin, 'plugins');
  const active = admin.locator('[data-testid="plugin-active-least-busy"]');
  await active.filter({ hasText: '1.0.0' }).waitFor(WAIT);
  await admin.locator('[data-testid="plugin-file"]').setInputFiles(STRATEGY_WASM);
  await admin.locator('[data-testid="plugin-upload"] button[type="submit"]').click();
  await admin.locator('[data-testid="upload-status"]', { hasText: 'least-busy 9.0.0' }).waitFor(WAIT);
  assert.equal(await admin.locator('[data-testid="upload-progress"]').evaluate((bar) => bar.value), 100);
  await active.filter({ hasText: '9.0.0' }).waitFor(WAIT);
  // The upload opens the inspector on the new version: versions with hashes and sizes.
  const inspector = admin.locator('[data-testid="plugin-inspector"]');
  await inspector.locator('[data-testid="inspect-active"]', { hasText: '9.0.0' }).waitFor(WAIT);
  assert.equal(await inspector.locator('tbody tr').count(), 2, 'bundled 1.0.0 and uploaded 9.0.0');
  const installed = await plugin();
  assert.equal(installed.active_version, '9.0.0');
  assert.equal(installed.previous_version, '1.0.0');
  assert.notEqual(installed.sha256, bundled.sha256);
  assert.ok(await inspector.getByText(installed.sha256).count() > 0, 'the inspector shows the active hash');

  // The new version routes: an agent online, a customer through the menu to Support.
  const ana = await openPage(browser);
  await signIn(ana, server.url, 'ana', 'ana-demo-pass');
  await ana.locator('.live-status.live-open').waitFor(WAIT);
  const customer = '+5491166660042';
  await call(server.url, server.token, 'POST', '/api/v1/sandbox/1/inbound', { from: customer, text: 'hola' });
  await until(async () => (await call(server.url, server.token, 'GET', '/api/v1/sandbox/1/outbox'))
    .some((m) => m.to?.number === customer), 'the menu');
  await call(server.url, server.token, 'POST', '/api/v1/sandbox/1/inbound', { from: customer, text: '2' });
  const counted = await until(async () => { const p = await plugin(); return p.calls > 0 && p; }, 'a call of least-busy 9.0.0');
  // The page refreshes the counts by itself.
  await admin.locator('[data-testid="plugin-calls-least-busy"]').filter({ hasText: new RegExp(`^[1-9]`) }).waitFor(WAIT);
  const shownErrors = await admin.locator('[data-testid="plugin-errors-least-busy"]').textContent();
  assert.equal(Number(shownErrors), counted.errors);
  await screenshot(admin, 'admin-plugins-uploaded-1280');
  await ana.context().close();

  await admin.locator('[data-testid="rollback-least-busy"]').click();
  const confirm = admin.locator('dialog.dialog');
  await confirm.waitFor(WAIT);
  await confirm.locator('.btn-primary').click();
  await active.filter({ hasText: '1.0.0' }).waitFor(WAIT);
  const back = await plugin();
  assert.equal(back.active_version, '1.0.0');
  assert.equal(back.previous_version, '9.0.0');
  assert.equal(back.sha256, bundled.sha256);
  assertClean(admin);
});

test('an admin creates a user who can then sign in', async () => {
  await section(admin, 'users');
  await admin.getByRole('button', { name: 'New user' }).click();
  const form = admin.locator('[data-testid="user-form"]');
  await form.waitFor(WAIT);
  // The server's refusal shows next to the form.
  await form.locator('[data-testid="user-username"]').fill('no spaces allowed');
  await form.locator('[data-testid="user-password"]').fill('carla-pass-123');
  await form.locator('button[type="submit"]').click();
  await form.locator('[data-testid="form-error"]', { hasText: 'username' }).waitFor(WAIT);
  await form.locator('[data-testid="user-username"]').fill('carla');
  await form.locator('[data-testid="user-display-name"]').fill('Carla Agent');
  await form.locator('[data-testid="user-role"]').selectOption('agent');
  await form.locator('button[type="submit"]').click();
  await admin.locator('.toast-success').first().waitFor(WAIT);
  await admin.locator('[data-testid="users-table"]').getByText('Carla Agent').waitFor(WAIT);
  const users = await call(server.url, server.token, 'GET', '/api/v1/users');
  assert.ok(users.some((u) => u.username === 'carla' && u.role === 'agent' && u.has_password));

  const carla = await openPage(browser, { viewport: { width: 390, height: 844 } });
  await signIn(carla, server.url, 'carla', 'carla-pass-123');
  assert.equal(await carla.locator('.whoami').textContent(), 'Carla Agent');
  await carla.context().close();
  assertClean(admin);
});

test('campaign settings are saved and survive a reload', async () => {
  await section(admin, 'campaigns');
  const sales = (await call(server.url, server.token, 'GET', '/api/v1/campaigns')).find((c) => c.name === 'Sales');
  const open = async () => {
    await admin.locator(`[data-testid="edit-campaign-${sales.id}"]`).click();
    const form = admin.locator('[data-testid="campaign-form"]');
    await form.waitFor(WAIT);
    return form;
  };
  let form = await open();
  await form.locator('[data-testid="campaign-max_waiting"]').fill('7');
  await form.locator('[data-testid="campaign-service_level_secs"]').fill('45');
  const schedule = form.locator('[data-testid="schedule"]');
  await schedule.getByLabel('Always open').uncheck();
  await schedule.locator('input[name="time_zone"]').fill('America/Argentina/Buenos_Aires');
  await schedule.locator('textarea[name="holidays"]').fill('2026-12-25');
  await form.locator('textarea[name="out_of_hours_message"]').fill('We open at 9.');
  // A bad value is refused by the server and explained beside the form.
  await form.locator('[data-testid="campaign-max_per_agent"]').fill('0');
  await form.locator('button[type="submit"]').click();
  await form.locator('[data-testid="form-error"]', { hasText: 'max_per_agent' }).waitFor(WAIT);
  await form.locator('[data-testid="campaign-max_per_agent"]').fill('2');
  await form.locator('button[type="submit"]').click();
  await admin.locator('.toast-success').first().waitFor(WAIT);
  await form.waitFor({ state: 'detached', ...WAIT });

  await admin.reload();
  await admin.locator('[data-testid="campaigns-table"]').waitFor(WAIT);
  form = await open();
  assert.equal(await form.locator('[data-testid="campaign-max_waiting"]').inputValue(), '7');
  assert.equal(await form.locator('[data-testid="campaign-service_level_secs"]').inputValue(), '45');
  assert.equal(await form.locator('[data-testid="campaign-max_per_agent"]').inputValue(), '2');
  assert.equal(await form.locator('[data-testid="schedule"] input[name="time_zone"]').inputValue(), 'America/Argentina/Buenos_Aires');
  await screenshot(admin, 'admin-campaign-form-1280');
  const saved = await call(server.url, server.token, 'GET', `/api/v1/campaigns/${sales.id}`);
  assert.equal(saved.settings.max_waiting, 7);
  assert.deepEqual(saved.settings.schedule.holidays, ['2026-12-25']);
  assert.equal(saved.settings.out_of_hours_message, 'We open at 9.');
  assert.equal(saved.members.length, sales.members.length, 'members kept');
  assertClean(admin);
});

test('the connector form is drawn from the plugin schema and never shows a secret', async () => {
  const bodies = [];
  const record = async (response) => {
    if (response.url().includes('/api/v1/connectors')) bodies.push(await response.text().catch(() => ''));
  };
  admin.on('response', record);
  await section(admin, 'connectors');
  await admin.getByRole('button', { name: `Edit ${twilio.name}` }).click();
  const form = admin.locator('[data-testid="connector-form"]');
  await form.waitFor(WAIT);
  assert.equal(await form.locator('[data-testid="cfg-account_sid"]').inputValue(), 'AC0123456789');
  assert.equal(await form.locator('[data-testid="cfg-channel"] option:checked').textContent(), 'sms');
  const secret = form.locator('[data-testid="cfg-auth_token"]');
  assert.equal(await secret.getAttribute('type'), 'password');
  assert.equal(await secret.inputValue(), '');
  await form.getByText('set', { exact: true }).first().waitFor(WAIT);
  assert.ok(await form.locator('[data-testid="cfg-api_key_secret"]').count(), 'every secret of the schema has a field');
  // Saved untouched: the stored secret is kept.
  await form.locator('[data-testid="cfg-max_per_second"]').fill('5');
  await form.locator('button[type="submit"]').click();
  await admin.locator('.toast-success').first().waitFor(WAIT);
  const after = await call(server.url, server.token, 'GET', `/api/v1/connectors/${twilio.id}`);
  assert.ok(after.secrets_set.includes('auth_token'), JSON.stringify(after));
  assert.equal(after.config.max_per_second, 5);

  // A new connector's form follows the chosen plugin's schema.
  await admin.getByRole('button', { name: 'New connector' }).click();
  const fresh = admin.locator('[data-testid="connector-form"]');
  await fresh.locator('select[name="plugin"]').selectOption('sandbox');
  await fresh.locator('[data-testid="cfg-outbox_url"]').waitFor(WAIT);
  await fresh.locator('select[name="plugin"]').selectOption('sinch');
  await fresh.locator('[data-testid="cfg-api"]').waitFor(WAIT);
  await fresh.locator('[data-testid="cfg-key_secret"]').waitFor(WAIT);

  await screenshot(admin, 'admin-connector-form-1280');
  const html = await admin.content();
  assert.ok(!html.includes(SECRET), 'the page never holds the secret');
  admin.off('response', record);
  assert.ok(bodies.length > 0);
  assert.ok(bodies.every((b) => !b.includes(SECRET)), 'no connector answer carries the secret');
  assertClean(admin);
});

test('every admin section at laptop and phone sizes', async () => {
  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    await admin.setViewportSize(viewport);
    for (const name of SECTIONS) {
      await section(admin, name);
      await admin.locator(`sb-admin-${name} [aria-live="polite"] :is(table, .empty, form), sb-admin-${name} form`).first().waitFor(WAIT);
      const overflow = await admin.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${name} at ${viewport.width}px scrolls sideways by ${overflow}px`);
      await screenshot(admin, `admin-${name}-${viewport.width}`);
    }
  }
  assertClean(admin);
});
