// Offer mode: with the campaign's `offer_timeout_secs` set, a conversation is offered, not
// assigned. Ana sees the offer live (customer, campaign, time left, toast) and rejects it; it
// is never offered to her again, and waits until bruno comes online, is offered it and
// accepts: it opens on his desk and the offer is gone from both.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertClean, screenshot, call, useServerAndBrowser } from './harness.mjs';
import { WAIT, openDesk, customerToSupport } from './demo.mjs';

let server;
let browser;
const pages = [];

useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

async function deskOf(username, password) {
  const page = await openDesk(browser, server, username, password);
  pages.push(page);
  return page;
}

/** Turns offer mode on for the demo's Support campaign, through the admin API. */
async function offerModeOnSupport() {
  const campaigns = await call(server.url, server.token, 'GET', '/api/v1/campaigns');
  const support = campaigns.find((c) => c.name === 'Support');
  assert.ok(support, 'the demo has a Support campaign');
  const { name, enabled, incoming_blacklist, outgoing_blacklist, numbers, members, settings } = support;
  await call(server.url, server.token, 'PUT', `/api/v1/campaigns/${support.id}`, {
    name, enabled, incoming_blacklist, outgoing_blacklist, numbers, members,
    settings: { ...settings, offer_timeout_secs: 300 },
  });
}

test('an offer is rejected by one agent and accepted by another, live on both desks', async () => {
  await offerModeOnSupport();
  const ana = await deskOf('ana', 'ana-demo-pass');
  const customer = '+5491166663001';
  const id = await customerToSupport(server, customer);

  // Offered to ana, the only agent online: a card naming the customer and campaign, with the
  // time left to answer counting down, accept and reject, and a toast. Not in her inbox yet.
  const offer = ana.locator(`[data-testid="offer"][aria-label*="#${id}"]`);
  await offer.waitFor(WAIT);
  await offer.getByText(`${customer} · Support`).waitFor(WAIT);
  const left = offer.locator('[data-testid="offer-left"]');
  const seconds = async () => {
    const [m, s] = (await left.textContent()).match(/(\d+):(\d\d) left/).slice(1).map(Number);
    return m * 60 + s;
  };
  const first = await seconds();
  assert.ok(first > 200 && first <= 300, `about 5 min to answer: ${first} s`);
  await ana.waitForFunction(
    ([el, before]) => { const m = el.textContent.match(/(\d+):(\d\d)/); return m && Number(m[1]) * 60 + Number(m[2]) < before; },
    [await left.elementHandle(), first], WAIT);
  await ana.locator('#toasts .toast', { hasText: `#${id}` }).filter({ hasText: customer }).waitFor(WAIT);
  assert.equal(await ana.locator(`[data-testid="inbox-item"][data-id="${id}"]`).count(), 0);
  await screenshot(ana, 'desk-offer-1280');

  await offer.getByRole('button', { name: 'Reject' }).click();
  await offer.waitFor({ state: 'detached', ...WAIT });
  const board = await call(server.url, server.token, 'GET', '/api/v1/board');
  const entry = board.campaigns.flatMap((c) => c.waiting_list).find((w) => w.conversation_id === id);
  assert.ok(entry, `the rejected conversation waits: ${JSON.stringify(board.campaigns)}`);
  assert.equal(entry.offered_to, null, 'offered to nobody while no other agent is online');

  // Bruno comes online and is offered it; ana, who declined it, is not again.
  const bruno = await deskOf('bruno', 'bruno-demo-pass');
  const brunoOffer = bruno.locator(`[data-testid="offer"][aria-label*="#${id}"]`);
  await brunoOffer.waitFor(WAIT);
  await brunoOffer.getByRole('button', { name: 'Accept' }).click();
  await brunoOffer.waitFor({ state: 'detached', ...WAIT });
  await bruno.locator(`[data-testid="inbox-item"][data-id="${id}"]`).waitFor(WAIT);

  const conversation = await call(server.url, server.token, 'GET', `/api/v1/conversations/${id}`);
  const users = await call(server.url, server.token, 'GET', '/api/v1/users');
  const brunoId = users.find((u) => u.username === 'bruno').id;
  assert.equal(conversation.agent_id, brunoId, JSON.stringify(conversation));
  assert.equal(await ana.locator(`[data-testid="offer"]`).count(), 0);
  assert.equal(await ana.locator(`[data-testid="inbox-item"][data-id="${id}"]`).count(), 0);

  for (const page of pages) assertClean(page);
});
