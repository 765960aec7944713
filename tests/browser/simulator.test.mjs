// The customer simulator: a supervisor chats as a customer through the demo's menu bot, sees
// the bot's reply as WhatsApp would show it, marks it read; a template the business sends is
// shown filled in; a bad number gets a clear error. At 1280×800 and 390×844.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, call, openPage, screenshot, signIn, useServerAndBrowser } from './harness.mjs';

const DEMO_NUMBER = '+5491155550100';
const CUSTOMER = '+5491166661234';
const TEMPLATE_CUSTOMER = '+5491166665678';

let server;
let browser;

useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

async function openSimulator(page) {
  await signIn(page, server.url, 'sofia', 'sofia-demo-pass');
  await page.goto(`${server.url}/#/simulator`);
  await page.getByRole('heading', { name: 'Customer simulator' }).waitFor();
}

async function openCustomer(page, number) {
  await page.getByLabel('Customer number').fill(number);
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.getByText(`You write as ${number}`).waitFor();
}

async function noHorizontalOverflow(page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
  }));
  assert.ok(scrollWidth <= innerWidth, `the page scrolls sideways: ${scrollWidth} > ${innerWidth}`);
}

test('a customer chats through the menu bot and marks its reply read (1280×800)', async () => {
  const page = await openPage(browser, { viewport: { width: 1280, height: 800 } });
  await openSimulator(page);

  // A bad number is refused with a message, not sent.
  await page.getByLabel('Customer number').fill('12ab');
  await page.getByRole('button', { name: 'Open chat' }).click();
  await page.getByText('Write the number in international format').waitFor();
  assert.equal(await page.getByLabel('Customer number').getAttribute('aria-invalid'), 'true');

  await openCustomer(page, CUSTOMER);
  const composer = page.getByRole('textbox', { name: 'Type a message' });
  await composer.fill('hola');
  await composer.press('Enter');
  await page.getByTestId('sim-customer-message').filter({ hasText: 'hola' }).waitFor();

  // The demo's menu bot greets with its options, as a green business bubble.
  const greeting = page.getByTestId('sim-business-message').filter({ hasText: '1. Sales' });
  await greeting.waitFor({ timeout: 20_000 });
  assert.match(await greeting.innerText(), /Hi! Thanks for writing/);
  // The sandbox reports it delivered by itself: two grey ticks.
  await page.locator('[data-testid="sim-business-message"][data-status="delivered"]').first().waitFor({ timeout: 15_000 });
  await greeting.getByRole('img', { name: 'Delivered' }).waitFor();

  // The customer reads it: the engine's status becomes read, shown as blue ticks.
  await greeting.getByRole('button', { name: /as read$/ }).click();
  await greeting.getByRole('img', { name: 'Read' }).waitFor({ timeout: 15_000 });
  assert.equal(await greeting.getAttribute('data-status'), 'read');
  await screenshot(page, 'simulator-chat-1280');

  // The customer picks support; the customer list remembers who was played.
  await composer.fill('2');
  await composer.press('Enter');
  await page.getByTestId('sim-customer-message').filter({ hasText: /^2/ }).waitFor();
  await page.getByRole('list', { name: 'Customers' }).getByRole('button', { name: new RegExp(`\\${CUSTOMER}`) }).waitFor();

  // Buttons and lists the business sends can be tapped: the tap is the customer's reply.
  await call(server.url, server.token, 'POST', '/api/v1/messages', {
    from: DEMO_NUMBER, to: CUSTOMER,
    content: { type: 'interactive', header: 'Survey', body: 'How did we do?', footer: 'One tap',
      choices: [{ id: 'good', title: 'Good' }, { id: 'bad', title: 'Bad' }] },
  });
  const buttons = page.getByTestId('sim-interactive').filter({ hasText: 'How did we do?' });
  await buttons.waitFor({ timeout: 15_000 });
  await buttons.getByRole('button', { name: 'Good' }).click();
  await page.getByTestId('sim-customer-message').filter({ hasText: 'Good' }).waitFor();
  await call(server.url, server.token, 'POST', '/api/v1/messages', {
    from: DEMO_NUMBER, to: CUSTOMER,
    content: { type: 'interactive', body: 'Pick a branch', list_button: 'Branches',
      choices: [{ id: 'north', title: 'North', description: 'Open till 8 pm' }, { id: 'south', title: 'South' }] },
  });
  const list = page.getByTestId('sim-interactive').filter({ hasText: 'Pick a branch' });
  await list.waitFor({ timeout: 15_000 });
  await list.getByRole('button', { name: 'Branches' }).click();
  await list.getByRole('button', { name: /North/ }).click();
  await page.getByTestId('sim-customer-message').filter({ hasText: 'North' }).waitFor();
  await screenshot(page, 'simulator-interactive-1280');

  // A template the business sends to another customer appears filled in, and that customer
  // shows up on the side; opening them shows the template with its parameters.
  await call(server.url, server.token, 'POST', '/api/v1/messages',
    { from: DEMO_NUMBER, to: TEMPLATE_CUSTOMER, text: 'hsm:turno:Carla:10\\:00' });
  const other = page.getByRole('list', { name: 'Customers' }).getByRole('button', { name: new RegExp(`\\${TEMPLATE_CUSTOMER}`) });
  await other.waitFor({ timeout: 20_000 });
  await other.click();
  const template = page.getByTestId('sim-template');
  await template.waitFor({ timeout: 15_000 });
  assert.match(await template.innerText(), /Hola Carla, tu turno es mañana a las 10:00\./);

  await noHorizontalOverflow(page);
  await screenshot(page, 'simulator-1280');
  assertClean(page);
  await page.context().close();
});

test('the simulator works on a phone (390×844)', async () => {
  const page = await openPage(browser, { viewport: { width: 390, height: 844 } });
  await openSimulator(page);
  await openCustomer(page, CUSTOMER);
  // The business's replies come from the engine, so a fresh browser sees them too.
  await page.getByTestId('sim-business-message').filter({ hasText: '1. Sales' }).waitFor({ timeout: 15_000 });
  const composer = page.getByRole('textbox', { name: 'Type a message' });
  await composer.fill('¿Siguen ahí?');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.getByTestId('sim-customer-message').filter({ hasText: '¿Siguen ahí?' }).waitFor();
  await noHorizontalOverflow(page);
  await screenshot(page, 'simulator-390');
  assertClean(page);
  await page.context().close();
});
