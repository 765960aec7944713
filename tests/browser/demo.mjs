// What the demo's people and customers do, shared by the specs that drive the desk: an agent
// opens the desk, live; a customer writes through the sandbox number and passes the menu bot
// to Support; what the sandbox sent to a customer.

import assert from 'node:assert/strict';
import { openPage, signIn, call } from './harness.mjs';

export const WAIT = { timeout: 30_000 };

/** Signs `username` in and opens the desk, live. Signed in at laptop size (the sign-in
 *  helper waits for the full navigation), then resized to `viewport` if given. */
export async function openDesk(browser, server, username, password, viewport) {
  const page = await openPage(browser);
  await signIn(page, server.url, username, password);
  if (viewport) await page.setViewportSize(viewport);
  await page.goto(`${server.url}/#/desk`);
  await page.locator('sb-desk [data-testid="inbox"]').waitFor(WAIT);
  await page.locator('.live-status.live-open').waitFor(WAIT);
  return page;
}

/** What the sandbox sent to `to`, as text (a template as its JSON). */
export async function sentTo(server, to) {
  const outbox = await call(server.url, server.token, 'GET', `/api/v1/sandbox/1/outbox?to=${encodeURIComponent(to)}`);
  return outbox.map((m) => m.content?.text ?? m.content?.rendered ?? JSON.stringify(m.content));
}

/** Waits until something containing `needle` was sent to `to`; resolves with all sent. */
export async function waitSent(server, to, needle) {
  const deadline = Date.now() + WAIT.timeout;
  for (;;) {
    const texts = await sentTo(server, to);
    if (texts.some((text) => text.includes(needle))) return texts;
    if (Date.now() > deadline) assert.fail(`nothing with ${JSON.stringify(needle)} sent to ${to}: ${JSON.stringify(texts)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The customer `from` writes `text` to the sandbox number. */
export async function customerSays(server, from, text) {
  return call(server.url, server.token, 'POST', '/api/v1/sandbox/1/inbound', { from, text });
}

/** The customer passes the demo's menu bot to Support; resolves with the conversation id. */
export async function customerToSupport(server, from) {
  await customerSays(server, from, 'hola');
  await waitSent(server, from, 'Support');
  const answer = await customerSays(server, from, '2');
  return answer.conversation_id;
}
