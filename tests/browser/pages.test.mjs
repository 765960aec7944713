// Every page an admin can reach — each nav route and each admin section linked from the admin
// page — at 1280×800 and 390×844: it renders without errors, does not scroll sideways, names
// every form control, and leaves a screenshot (`<page>-<width>.png`) to look at.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_PASSWORD, assertClean, openPage, screenshot, signIn, useServerAndBrowser } from './harness.mjs';

const VIEWPORTS = [{ width: 1280, height: 800 }, { width: 390, height: 844 }];

let server;
let browser;

useServerAndBrowser((s, b) => {
  server = s;
  browser = b;
});

/**
 * Counts the page's HTTP requests in flight, so a visit can wait until the page has fetched
 * what it shows (no request for `quietMs`), rather than for a fixed time.
 */
function trackRequests(page) {
  let inFlight = 0;
  let lastChange = Date.now();
  const change = (delta) => { inFlight += delta; lastChange = Date.now(); };
  page.on('request', () => change(1));
  page.on('requestfinished', () => change(-1));
  page.on('requestfailed', () => change(-1));
  return async function settled(quietMs = 400, timeoutMs = 15_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (inFlight <= 0 && Date.now() - lastChange >= quietMs) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`requests still in flight after ${timeoutMs} ms`);
  };
}

/** Visible form controls without an accessible name (label, aria-label(ledby), title, text). */
function unnamedControls(page) {
  return page.evaluate(() => {
    const describe = (el) => {
      const id = el.id ? `#${el.id}` : '';
      const name = el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : '';
      const cls = el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      return `<${el.localName}${id}${name}${cls}> in ${el.closest('[class*="page"], main > *')?.localName || 'page'}`;
    };
    const named = (el) => {
      if (el.getAttribute('aria-label')?.trim()) return true;
      const labelledby = el.getAttribute('aria-labelledby');
      if (labelledby && labelledby.split(/\s+/).some((id) => document.getElementById(id)?.textContent.trim())) return true;
      if (el.labels && [...el.labels].some((label) => label.textContent.trim())) return true;
      if (el.getAttribute('title')?.trim()) return true;
      if (el.localName === 'button' || (el.localName === 'input' && ['submit', 'button', 'reset'].includes(el.type))) {
        return Boolean((el.textContent || el.value || '').trim()) || Boolean(el.querySelector('img[alt]:not([alt=""])'));
      }
      return false;
    };
    const controls = [...document.querySelectorAll('input:not([type="hidden"]), select, textarea, button')];
    return controls.filter((el) => el.checkVisibility() && !named(el)).map(describe);
  });
}

async function checkPage(page, settled, label, width) {
  await page.locator('main#main > *').first().waitFor({ state: 'attached' });
  await page.waitForFunction(() => document.querySelector('main#main > *')?.childElementCount > 0);
  await settled();
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
  }));
  await screenshot(page, `${label}-${width}`);
  const problems = [];
  if (scrollWidth > innerWidth) problems.push(`scrolls sideways: ${scrollWidth} px wide in ${innerWidth} px`);
  for (const control of await unnamedControls(page)) problems.push(`control without a name: ${control}`);
  try {
    assertClean(page);
  } catch (error) {
    problems.push(error.message);
  }
  assert.deepEqual(problems, [], `${label} at ${width}px`);
}

for (const viewport of VIEWPORTS) {
  test(`every admin page at ${viewport.width}×${viewport.height}`, async (t) => {
    const page = await openPage(browser, { viewport });
    const settled = trackRequests(page);
    await signIn(page, server.url, 'admin', ADMIN_PASSWORD);
    assertClean(page);
    const routes = await page.locator('nav#nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    assert.ok(routes.length >= 7, `the admin's nav: ${routes}`);
    const visited = new Set();
    const visit = async (href) => {
      if (visited.has(href)) return;
      visited.add(href);
      const label = href.replace(/^#\//, '').replace(/\//g, '-');
      await t.test(label, async () => {
        await page.goto(`${server.url}/${href}`);
        await checkPage(page, settled, label, viewport.width);
      });
    };
    for (const href of routes) {
      await visit(href);
      if (href === '#/admin') {
        // Its sections, as linked from the admin page itself.
        const sections = await page.locator('main a[href^="#/admin/"]')
          .evaluateAll((links) => [...new Set(links.map((a) => a.getAttribute('href')))]);
        for (const section of sections) await visit(section);
      }
    }
    await page.context().close();
  });
}
