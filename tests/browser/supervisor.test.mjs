// The supervisor pages in Chromium: the live board follows a customer from the menu bot to the
// queue to an agent without a reload; the supervisor spies on the conversation and sees the
// customer's next message arrive, pauses the agent, chats with her; the dashboard draws the
// day; the conversation search finds, opens and downloads.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  openPage, assertClean, signIn, screenshot, call, useServerAndBrowser,
} from './harness.mjs';

const CUSTOMER = '+5491166660001';
const TIMEOUT = 15_000;

let server;
let browser;

useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

/** The customer writes to the demo number. */
function customerSays(text) {
  return call(server.url, server.token, 'POST', '/api/v1/sandbox/1/inbound', { from: CUSTOMER, text });
}

/** Waits until `locator`'s text is `expected` (trimmed). */
async function textIs(locator, expected) {
  await locator.filter({ hasText: expected }).first().waitFor({ timeout: TIMEOUT });
  assert.equal((await locator.textContent()).trim(), expected);
}

async function shots(page, name) {
  await screenshot(page, `${name}-1280`);
  await page.setViewportSize({ width: 390, height: 844 });
  // Nothing may scroll the page sideways at phone width.
  const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(wide, false, `${name} scrolls sideways at 390 px`);
  await screenshot(page, `${name}-390`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

test('the board is live; spy, pause, chat; dashboard and search', async () => {
  const users = await call(server.url, server.token, 'GET', '/api/v1/users');
  const ana = users.find((u) => u.username === 'ana');
  const campaigns = await call(server.url, server.token, 'GET', '/api/v1/campaigns');
  const support = campaigns.find((c) => c.name === 'Support');

  const sofia = await openPage(browser);
  await signIn(sofia, server.url, 'sofia', 'sofia-demo-pass');
  await sofia.goto(`${server.url}/#/board`);
  const card = sofia.getByTestId(`campaign-${support.id}`);
  await card.waitFor({ timeout: TIMEOUT });
  const waiting = sofia.getByTestId(`campaign-waiting-${support.id}`);
  await textIs(waiting, '0');
  await sofia.getByText('Ana Agent').waitFor();

  // The customer writes; the menu bot has them (live: conversation events refetch the board).
  const first = await customerSays('hola');
  await textIs(sofia.getByTestId(`campaign-bot-${support.id}`), '1');
  // They pick support and wait: the waiting count and the waiting list change, no reload.
  await customerSays('2');
  await textIs(waiting, '1');
  await sofia.getByTestId(`waiting-${first.conversation_id}`).waitFor({ timeout: TIMEOUT });
  await textIs(sofia.getByTestId('waiting-total'), '1');

  // Ana signs in (her socket is her presence) and gets the conversation.
  const anaPage = await openPage(browser);
  await signIn(anaPage, server.url, 'ana', 'ana-demo-pass');
  await anaPage.goto(`${server.url}/#/desk`);
  const anaRow = sofia.getByTestId(`agent-${ana.id}`);
  await textIs(anaRow.getByTestId('agent-active'), '1 / 4');
  await textIs(waiting, '0');
  await textIs(sofia.getByTestId(`campaign-active-${support.id}`), '1');

  // Spy: the transcript shows, and the customer's next message arrives live.
  await anaRow.getByTestId(`spy-${first.conversation_id}`).click();
  const spy = sofia.getByTestId('spy-panel');
  await spy.getByText('hola').waitFor({ timeout: TIMEOUT });
  await customerSays('my order never arrived');
  await spy.getByText('my order never arrived').waitFor({ timeout: TIMEOUT });

  // Pause: the board shows it (the agent.state event, and the refetch).
  await anaRow.getByRole('button', { name: 'Pause Ana Agent' }).click();
  await anaRow.getByTestId('agent-paused').waitFor({ timeout: TIMEOUT });
  await anaRow.getByRole('button', { name: 'Resume Ana Agent' }).waitFor();
  await sofia.getByText('Ana Agent is paused: no new conversations.').waitFor();

  // Chat with the agent.
  await anaRow.getByRole('button', { name: 'Chat with Ana Agent' }).click();
  const chat = sofia.getByTestId('chat-panel');
  await chat.getByLabel('Message to the agent').fill('Please check conversation ' + first.conversation_id);
  await chat.getByLabel('Message to the agent').press('Enter');
  await chat.getByText(`Please check conversation ${first.conversation_id}`).waitFor({ timeout: TIMEOUT });
  const sofiaUser = users.find((u) => u.username === 'sofia');
  const anaView = await anaPage.evaluate(async (id) => (await fetch(`/api/v1/chat/${id}`)).json(), sofiaUser.id);
  assert.ok(anaView.some((m) => m.text.startsWith('Please check conversation')), 'ana can read the chat');
  await shots(sofia, 'supervisor-board');

  // The dashboard: today's hours of Support, with the conversation queued.
  await sofia.goto(`${server.url}/#/dashboard`);
  await sofia.getByLabel('Campaign').selectOption({ label: 'Support' });
  await textIs(sofia.getByTestId('dash-queued'), '1');
  await sofia.getByTestId('chart-volume').locator('svg rect.bar').first().waitFor();
  await sofia.getByTestId('chart-wait').waitFor();
  await shots(sofia, 'supervisor-dashboard');

  // Search: by text, open it, download one transcript and the list.
  await sofia.goto(`${server.url}/#/conversations`);
  await sofia.getByTestId(`conversation-${first.conversation_id}`).waitFor({ timeout: TIMEOUT });
  await sofia.getByLabel('Text in a message').fill('never arrived');
  await sofia.getByLabel('Text in a message').press('Enter');
  await textIs(sofia.getByTestId('result-count'), '1');
  await sofia.getByLabel('Text in a message').fill('no such words anywhere');
  await sofia.getByRole('button', { name: 'Search' }).click();
  await textIs(sofia.getByTestId('result-count'), '0');
  await sofia.getByLabel('Text in a message').fill('');
  await sofia.getByLabel('Customer number').fill(CUSTOMER);
  await sofia.getByRole('button', { name: 'Search' }).click();
  await textIs(sofia.getByTestId('result-count'), '1');
  const row = sofia.getByTestId(`conversation-${first.conversation_id}`);
  await row.getByRole('button', { name: `Read conversation ${first.conversation_id}` }).click();
  const reading = sofia.getByRole('dialog');
  await reading.getByText('my order never arrived').waitFor();
  await shots(sofia, 'supervisor-conversation');
  await reading.getByRole('button', { name: 'Close' }).click();

  const [transcript] = await Promise.all([
    sofia.waitForEvent('download'),
    row.getByRole('link', { name: `Download the transcript of conversation ${first.conversation_id}` }).click(),
  ]);
  assert.equal(transcript.suggestedFilename(), `conversation-${first.conversation_id}.txt`);
  assert.match(readFileSync(await transcript.path(), 'utf8'), /my order never arrived/);
  const [list] = await Promise.all([
    sofia.waitForEvent('download'),
    sofia.getByRole('button', { name: 'Download list (CSV)' }).click(),
  ]);
  assert.match(list.suggestedFilename(), /^conversations-.*\.csv$/);
  const csv = readFileSync(await list.path(), 'utf8');
  assert.match(csv, /^id,created_at,/);
  assert.ok(csv.includes(`${first.conversation_id},`) && csv.includes('Support'), csv);
  await shots(sofia, 'supervisor-search');

  // In Spanish, the board still works.
  await sofia.goto(`${server.url}/#/board`);
  await sofia.getByLabel('Language').selectOption('es');
  await sofia.getByRole('heading', { name: 'Tablero en vivo' }).waitFor();
  await sofia.getByLabel('Idioma').selectOption('en');
  await sofia.getByRole('heading', { name: 'Live board' }).waitFor();

  assertClean(sofia);
  await anaPage.context().close();
  await sofia.context().close();
});

test('a supervisor limited to one campaign sees only that one', async () => {
  const campaigns = await call(server.url, server.token, 'GET', '/api/v1/campaigns');
  const sales = campaigns.find((c) => c.name === 'Sales');
  const support = campaigns.find((c) => c.name === 'Support');
  await call(server.url, server.token, 'POST', '/api/v1/users', {
    username: 'lucia', display_name: 'Lucía Sales', role: 'supervisor', password: 'lucia-demo-pass', campaign_scope: [sales.id],
  });
  const page = await openPage(browser);
  await signIn(page, server.url, 'lucia', 'lucia-demo-pass');
  await page.goto(`${server.url}/#/board`);
  await page.getByTestId(`campaign-${sales.id}`).waitFor({ timeout: TIMEOUT });
  assert.equal(await page.getByTestId(`campaign-${support.id}`).count(), 0);
  // Support's conversations are not hers: the search finds none of them.
  await page.goto(`${server.url}/#/conversations`);
  await page.getByText('No conversation matches.').waitFor({ timeout: TIMEOUT });
  const options = await page.getByLabel('Campaign').locator('option').allTextContents();
  assert.deepEqual(options, ['All', 'Sales']);
  // The dialer replies to Sales: she sees it.
  await page.goto(`${server.url}/#/dialers`);
  await page.getByRole('link', { name: /^Open dialer / }).first().waitFor({ timeout: TIMEOUT });
  assertClean(page);
  await page.context().close();
});
