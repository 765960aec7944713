// The dialer monitor in Chromium: a list of a few thousand rows (some invalid, some repeated)
// uploads with a progress bar that moves and ends, the server's answer shows; starting the
// dialer moves its counters live; stop works; a do-not-call upload shows its answer.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  openPage, assertClean, signIn, screenshot, call, useServerAndBrowser,
} from './harness.mjs';

const TIMEOUT = 20_000;
const VALID = 3000;
const REPEATED = 8;

let server;
let browser;

useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

/** `name;destination;message;extra` rows: valid ones, broken numbers, repeated numbers. */
function listCsv() {
  const lines = ['name;destination;message;extra'];
  const number = (i) => `+549117${String(i).padStart(7, '0')}`;
  for (let i = 0; i < VALID; i++) {
    lines.push(`Customer ${i};${number(i)};hsm:turno:Customer ${i}:10\\:00;ref-${i}`);
    // 25 rows whose number is not one, spread through the file.
    if (i % 120 === 7) lines.push(`Broken ${i};not-a-number-${i};hello;`);
  }
  for (let i = 0; i < REPEATED; i++) lines.push(`Again ${i};${number(i)};hsm:turno:Again:10\\:00;`);
  return `${lines.join('\n')}\n`;
}

async function numberOf(locator) {
  return Number((await locator.textContent()).replace(/[^\d]/g, ''));
}

async function shots(page, name) {
  await screenshot(page, `${name}-1280`);
  await page.setViewportSize({ width: 390, height: 844 });
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(wide, false, `${name} scrolls sideways at 390 px`);
  await screenshot(page, `${name}-390`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

test('upload with progress, live counters, start and stop, do-not-call', async () => {
  const [dialer] = await call(server.url, server.token, 'GET', '/api/v1/dialers');
  const page = await openPage(browser);
  await signIn(page, server.url, 'sofia', 'sofia-demo-pass');
  await page.goto(`${server.url}/#/dialers`);
  await page.getByRole('link', { name: `Open dialer ${dialer.name}` }).click();
  await page.getByRole('heading', { name: dialer.name }).waitFor();
  await page.getByTestId('dialer-running').filter({ hasText: 'Stopped' }).waitFor({ timeout: TIMEOUT });
  await shots(page, 'supervisor-dialer');

  // Slow the upload down so the bar has somewhere to go, and record every value it shows.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 96 * 1024,
  });
  await page.evaluate(() => {
    window.seenProgress = [];
    const bar = document.querySelector('[data-testid="upload-progress"]');
    new MutationObserver(() => window.seenProgress.push(Number(bar.value)))
      .observe(bar, { attributes: true, attributeFilter: ['value'] });
  });
  const csv = listCsv();
  const broken = csv.split('\n').filter((l) => l.startsWith('Broken')).length;
  assert.equal(broken, 25);
  await page.getByLabel('File').first().setInputFiles({ name: 'reminders.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByLabel('List name').fill('November reminders');
  await page.getByRole('button', { name: 'Upload' }).first().click();
  const result = page.getByTestId('upload-result');
  await result.getByTestId('upload-accepted').waitFor({ timeout: 60_000 });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1,
  });
  const seen = await page.evaluate(() => window.seenProgress);
  assert.ok(seen.some((v) => v > 0 && v < 100), `the bar moved through the upload: ${seen}`);
  assert.equal(seen[seen.length - 1], 100, `the bar ended full: ${seen}`);
  assert.equal(await numberOf(result.getByTestId('upload-accepted')), VALID);
  assert.equal(await numberOf(result.getByTestId('upload-invalid')), broken);
  assert.equal(await numberOf(result.getByTestId('upload-duplicates')), REPEATED);
  await result.getByText('Invalid rows').click();
  await result.getByText(/^Line 10: .*not-a-number-7/).waitFor();
  // The counters count the new records (the demo's five were there already).
  await page.getByTestId('dialer-pending').filter({ hasText: /3,005/ }).waitFor({ timeout: TIMEOUT });

  // Start: the counters move live; stop.
  const processed = page.getByTestId('dialer-processed');
  const before = await numberOf(processed);
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByTestId('dialer-running').filter({ hasText: 'Running' }).waitFor({ timeout: TIMEOUT });
  await page.waitForFunction((start) => {
    const el = document.querySelector('[data-testid="dialer-processed"]');
    return Number(el.textContent.replace(/[^\d]/g, '')) >= start + 2;
  }, before, { timeout: TIMEOUT });
  await page.getByTestId('count-sent').or(page.getByTestId('count-delivered')).first().waitFor({ timeout: TIMEOUT });
  await shots(page, 'supervisor-dialer-running');
  await page.getByRole('button', { name: 'Stop' }).click();
  await page.getByTestId('dialer-running').filter({ hasText: 'Stopped' }).waitFor({ timeout: TIMEOUT });
  const status = await call(server.url, server.token, 'GET', `/api/v1/dialers/${dialer.id}/status`);
  assert.equal(status.running, false);

  // Do-not-call: two numbers, one line that is not one.
  const dnc = page.locator('form', { has: page.getByRole('heading', { name: 'Do-not-call list' }) });
  await dnc.getByLabel('File').setInputFiles({
    name: 'dnc.csv', mimeType: 'text/csv', buffer: Buffer.from('number\n+5491170009001\nnobody\n+5491170009002\n'),
  });
  await dnc.getByRole('button', { name: 'Upload' }).click();
  const answer = page.getByTestId('dnc-result');
  await answer.getByTestId('dnc-added').waitFor({ timeout: TIMEOUT });
  assert.equal(await numberOf(answer.getByTestId('dnc-added')), 2);
  assert.equal(await numberOf(answer.getByTestId('dnc-invalid')), 1);
  await answer.getByText(/Line 3: /).waitFor();

  // The records table pages and links the export.
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByText('Page 2').waitFor();
  const exportHref = await page.getByTestId('records-export').getAttribute('href');
  assert.equal(exportHref, `/api/v1/dialers/${dialer.id}/records.csv`);
  await shots(page, 'supervisor-dialer-uploaded');
  assertClean(page);
  await page.context().close();
});
