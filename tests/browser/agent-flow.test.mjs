// The agent desk, as the main flow: a customer writes in the simulator, passes the
// demo's menu bot to Support, agent ana gets the conversation live, answers with an emoji from
// the picker and a pre-set reply, transfers it to bruno, who accepts and closes it with a
// disposition; the customer sees the answers. Also: a draft survives a reload, the template
// picker is the only way to write once the 24 h window is closed, supervisors' messages reach
// the agent, and the desk at phone and laptop sizes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, assertClean, signIn, screenshot, call, useServerAndBrowser } from './harness.mjs';
import * as demo from './demo.mjs';

let server;
let browser;
const pages = [];

useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

const { WAIT } = demo;

async function deskOf(username, password, viewport) {
  const page = await demo.openDesk(browser, server, username, password, viewport);
  pages.push(page);
  return page;
}

const waitSent = (to, needle) => demo.waitSent(server, to, needle);
const customerToSupport = (from) => demo.customerToSupport(server, from);

async function openConversation(page, id) {
  await page.locator(`[data-testid="inbox-item"][data-id="${id}"]`).click();
  await page.locator('[data-testid="conversation"] [data-testid="messages"]').waitFor(WAIT);
}

test('a customer reaches ana live; she answers with an emoji and a pre-set reply, transfers to bruno, who closes', async () => {
  const customer = '+5491166661001';
  const bruno = await deskOf('bruno', 'bruno-demo-pass');
  // Bruno takes a break from the state switch, so the new conversation goes to ana. The
  // demo names its breaks; the switch lists them once the desk has read them.
  await bruno.locator('[data-testid="state-select"] optgroup option').first().waitFor({ state: 'attached', ...WAIT });
  const breaks = await bruno.locator('[data-testid="state-select"] optgroup option').allTextContents();
  assert.ok(breaks.length > 0, 'the demo has named breaks');
  await bruno.locator('[data-testid="state-select"]').selectOption({ label: breaks[0] });
  await bruno.locator('[data-testid="agent-state"]', { hasText: breaks[0] }).waitFor(WAIT);

  const ana = await deskOf('ana', 'ana-demo-pass');
  await ana.locator('[data-testid="agent-state"]').waitFor(WAIT);

  // The customer writes from the simulator (a supervisor's page) and picks Support in the menu.
  const simulator = await openPage(browser);
  pages.push(simulator);
  await signIn(simulator, server.url, 'sofia', 'sofia-demo-pass');
  await simulator.goto(`${server.url}/#/simulator`);
  await simulator.getByLabel('Customer number').fill(customer);
  await simulator.getByRole('button', { name: 'Open chat' }).click();
  const phone = simulator.getByRole('textbox', { name: 'Type a message' });
  await phone.fill('hola');
  await phone.press('Enter');
  await simulator.locator('[data-testid="sim-business-message"]', { hasText: 'Support' }).waitFor(WAIT);
  await phone.fill('2');
  await phone.press('Enter');

  // Live: the conversation shows with its unread messages, a toast, and a count in the title.
  const item = ana.locator('[data-testid="inbox-item"]', { hasText: customer });
  await item.waitFor(WAIT);
  const id = Number(await item.getAttribute('data-id'));
  await item.locator('[data-testid="unread-count"]').waitFor(WAIT);
  await ana.locator('#toasts .toast', { hasText: customer }).waitFor(WAIT);
  await ana.waitForFunction(() => /^\(\d+\)/.test(document.title), null, WAIT);
  await screenshot(ana, 'desk-inbox-1280');

  await openConversation(ana, id);
  const conversation = ana.locator('[data-testid="conversation"]');
  await conversation.locator('[data-testid="message"]', { hasText: 'hola' }).first().waitFor(WAIT);
  await conversation.locator('[data-testid="window-countdown"]', { hasText: /\d/ }).waitFor(WAIT);
  await item.locator('[data-testid="unread-count"]').waitFor({ state: 'detached', ...WAIT });

  // An emoji from the picker, by keyboard: open, move right, pick with Enter.
  await conversation.locator('[data-testid="emoji-button"]').click();
  await ana.keyboard.press('ArrowRight');
  const emoji = await ana.evaluate(() => document.activeElement?.dataset.emoji);
  assert.ok(emoji, 'focus moved to an emoji');
  await ana.keyboard.press('Enter');
  const text = conversation.locator('[data-testid="composer-text"]');
  assert.equal(await text.inputValue(), emoji);
  await text.press('Enter');
  await conversation.locator('[data-testid="message"].msg-out', { hasText: emoji }).waitFor(WAIT);
  assert.equal(await text.inputValue(), '');

  // The campaign's pre-set reply.
  await conversation.locator('[data-testid="preset-select"]').selectOption('hello');
  assert.match(await text.inputValue(), /How can I help you/);
  await conversation.locator('[data-testid="composer-send"]').click();
  const preset = conversation.locator('[data-testid="message"].msg-out', { hasText: 'How can I help you' });
  await preset.waitFor(WAIT);
  // Its status follows live (the sandbox reports delivery).
  await preset.locator('[data-testid="message-status"][data-status="delivered"], [data-testid="message-status"][data-status="read"]').waitFor(WAIT);

  // The customer got both, in the simulator.
  await simulator.locator('[data-testid="sim-business-message"]', { hasText: emoji }).waitFor(WAIT);
  await simulator.locator('[data-testid="sim-business-message"]', { hasText: 'How can I help you' }).waitFor(WAIT);
  await waitSent(customer, 'How can I help you');

  // A note and a tag, on the way.
  await conversation.locator('[data-testid="note-text"]').fill('Wants a refund');
  await conversation.getByRole('button', { name: 'Add note' }).click();
  await conversation.locator('[data-testid="notes"]', { hasText: 'Wants a refund' }).waitFor(WAIT);
  await conversation.locator('[data-testid="tag-input"]').fill('refund');
  await conversation.locator('[data-testid="tag-input"]').press('Enter');
  await conversation.locator('.tags', { hasText: 'refund' }).waitFor(WAIT);
  await screenshot(ana, 'desk-conversation-1280');

  // Transfer to bruno.
  await conversation.locator('[data-testid="transfer-button"]').click();
  const dialog = ana.locator('[data-testid="transfer-dialog"]');
  const brunoId = (await call(server.url, server.token, 'GET', '/api/v1/users')).find((u) => u.username === 'bruno').id;
  const option = dialog.locator(`[data-testid="transfer-agent"] option[value="${brunoId}"]`);
  assert.match(await option.textContent(), /Bruno Agent/);
  await dialog.locator('[data-testid="transfer-agent"]').selectOption(String(brunoId));
  await dialog.getByRole('button', { name: 'Transfer' }).click();
  await dialog.waitFor({ state: 'detached', ...WAIT });
  await ana.locator('[data-testid="transfer-pending"]').waitFor(WAIT);

  // Bruno gets it live, accepts and closes with a disposition.
  const incoming = bruno.locator(`[data-testid="inbox-item"][data-id="${id}"]`);
  await incoming.waitFor(WAIT);
  await bruno.locator('#toasts .toast', { hasText: customer }).waitFor(WAIT);
  await openConversation(bruno, id);
  const theirs = bruno.locator('[data-testid="conversation"]');
  await theirs.locator('[data-testid="message"]', { hasText: 'How can I help you' }).waitFor(WAIT);
  await theirs.locator('[data-testid="notes"]', { hasText: 'Wants a refund' }).waitFor(WAIT);
  await theirs.locator('[data-testid="accept-transfer"]').click();
  await theirs.locator('[data-testid="close-button"]').waitFor(WAIT);
  await theirs.locator('[data-testid="close-button"]').click();
  const close = bruno.locator('[data-testid="close-dialog"]');
  await close.locator('[data-testid="close-disposition"]').selectOption('resolved');
  await close.getByRole('button', { name: 'Close' }).click();
  await close.waitFor({ state: 'detached', ...WAIT });

  // Closed conversations leave both inboxes.
  await incoming.waitFor({ state: 'detached', ...WAIT });
  await item.waitFor({ state: 'detached', ...WAIT });
  const closed = await call(server.url, server.token, 'GET', `/api/v1/conversations/${id}`);
  assert.equal(closed.disposition, 'resolved');
  assert.equal(closed.agent_id, brunoId);

});

test('the draft an agent typed survives a reload and goes once sent', async () => {
  const customer = '+5491166661002';
  const ana = pages[1] ?? await deskOf('ana', 'ana-demo-pass');
  const id = await customerToSupport(customer);
  await ana.locator(`[data-testid="inbox-item"][data-id="${id}"]`).waitFor(WAIT);
  await openConversation(ana, id);
  const text = ana.locator('[data-testid="composer-text"]');
  await text.fill('Half-written answer 🙂');
  await ana.reload();
  await ana.locator('[data-testid="conversation"] [data-testid="messages"]').waitFor(WAIT);
  assert.equal(await ana.locator('[data-testid="composer-text"]').inputValue(), 'Half-written answer 🙂');
  await ana.locator('[data-testid="composer-text"]').press('Enter');
  await ana.locator('[data-testid="message"].msg-out', { hasText: 'Half-written answer' }).waitFor(WAIT);
  await ana.reload();
  await ana.locator('[data-testid="conversation"] [data-testid="messages"]').waitFor(WAIT);
  assert.equal(await ana.locator('[data-testid="composer-text"]').inputValue(), '');
  await waitSent(customer, 'Half-written answer');
});

test('once the window is closed the template picker is the only way to write', async () => {
  const ana = pages[1] ?? await deskOf('ana', 'ana-demo-pass');
  const number = '+5491166661003';
  // A new customer has no window: the outbound start goes with a template.
  await ana.locator('[data-testid="start-button"]').click();
  const start = ana.locator('[data-testid="start-dialog"]');
  await start.locator('[data-testid="start-to"]').fill(number);
  await start.locator('[data-testid="start-text"]').fill('plain text first');
  await start.getByRole('button', { name: 'Start' }).click();
  // Refused by the server: the dialog says why and stays open.
  await start.locator('.form-error', { hasText: /window|template/i }).waitFor(WAIT);
  await start.locator('[data-testid="start-mode-template"]').check();
  await start.locator('[data-testid="start-param-1"]').fill('Carla');
  await start.locator('[data-testid="start-param-2"]').fill('10:00');
  await start.locator('.template-preview', { hasText: 'Hola Carla, tu turno es mañana a las 10:00' }).waitFor(WAIT);
  await start.getByRole('button', { name: 'Start' }).click();
  await start.waitFor({ state: 'detached', ...WAIT });
  // The sandbox shows a template as WhatsApp's API carries it: name and parameters.
  await waitSent(number, '"body_params":["Carla","10:00"]');

  const conversation = ana.locator('[data-testid="conversation"]');
  await conversation.locator('[data-testid="window-closed-notice"]').waitFor(WAIT);
  await conversation.locator('[data-testid="window-countdown"]', { hasText: 'Window closed' }).waitFor(WAIT);
  assert.equal(await conversation.locator('[data-testid="composer-text"]').count(), 0, 'no free text');
  assert.equal(await conversation.locator('[data-testid="emoji-button"]').count(), 0, 'no emojis');
  await screenshot(ana, 'desk-window-closed-1280');

  await conversation.locator('[data-testid="template-button"]').click();
  const picker = ana.locator('[data-testid="template-dialog"]');
  await picker.locator('[data-testid="template-param-1"]').fill('Carla');
  await picker.locator('[data-testid="template-param-2"]').fill('11:30');
  await picker.locator('.template-preview', { hasText: 'Hola Carla, tu turno es mañana a las 11:30' }).waitFor(WAIT);
  await picker.getByRole('button', { name: 'Send' }).click();
  await picker.waitFor({ state: 'detached', ...WAIT });
  await waitSent(number, '"body_params":["Carla","11:30"]');
  await conversation.locator('[data-testid="message"]', { hasText: '11:30' }).waitFor(WAIT);
});

test('a supervisor writes to ana, who answers from the desk', async () => {
  const ana = pages[1] ?? await deskOf('ana', 'ana-demo-pass');
  const users = await call(server.url, server.token, 'GET', '/api/v1/users');
  const anaId = users.find((u) => u.username === 'ana').id;
  const admin = users.find((u) => u.username === 'admin').id;
  await call(server.url, server.token, 'POST', `/api/v1/chat/${anaId}`, { text: 'Ana, how is the queue?' });
  await ana.locator('#toasts .toast', { hasText: 'how is the queue' }).waitFor(WAIT);
  await ana.locator('[data-testid="chat-unread"]', { hasText: '1' }).waitFor(WAIT);
  await ana.locator('[data-testid="chat-button"]').click();
  const panel = ana.locator('[data-testid="chat-panel"]');
  await panel.locator('[data-testid="chat-thread"]', { hasText: 'how is the queue' }).waitFor(WAIT);
  await panel.locator('[data-testid="chat-text"]').fill('All under control');
  await panel.locator('[data-testid="chat-text"]').press('Enter');
  await panel.locator('[data-testid="chat-thread"]', { hasText: 'All under control' }).waitFor(WAIT);
  const thread = await call(server.url, server.token, 'GET', `/api/v1/chat/${anaId}`);
  assert.ok(thread.some((m) => m.from_user === anaId && m.to_user === admin && m.text === 'All under control'));
  assert.equal(await ana.locator('[data-testid="chat-unread"]').isHidden(), true);
  await panel.getByRole('button', { name: 'Close' }).click();
  await panel.waitFor({ state: 'hidden', ...WAIT });
});

test('the desk at phone size: inbox, then one conversation with a way back', async () => {
  const customer = '+5491166661004';
  const phone = await deskOf('ana', 'ana-demo-pass', { width: 390, height: 844 });
  const id = await customerToSupport(customer);
  await phone.locator(`[data-testid="inbox-item"][data-id="${id}"]`).waitFor(WAIT);
  await screenshot(phone, 'desk-inbox-390');
  await openConversation(phone, id);
  assert.equal(await phone.locator('[data-testid="inbox"]').isVisible(), false, 'the inbox gives way');
  await phone.locator('[data-testid="composer-text"]').waitFor(WAIT);
  await phone.locator('[data-testid="emoji-button"]').click();
  await screenshot(phone, 'desk-conversation-390');
  await phone.keyboard.press('Escape');
  const wide = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(wide <= 0, `no horizontal scroll (${wide}px too wide)`);
  await phone.getByRole('button', { name: 'Inbox' }).click();
  await phone.locator('[data-testid="inbox"]').waitFor(WAIT);

  // Bruno comes back from his break (he stayed on it so that every customer went to ana).
  const bruno = pages[0];
  await bruno.locator('[data-testid="state-select"]').selectOption('available');
  await bruno.locator('[data-testid="agent-state"]', { hasText: 'Available' }).waitFor(WAIT);
});

test('no page logged an error', () => {
  for (const page of pages) assertClean(page);
});
