// Shared fixtures of the browser tests: a fresh demo server per spec file, Debian's Chromium
// driven by playwright-core, pages that record what went wrong, and small helpers.
//
//   startServer()                        → { url, token, stop(), logs() }
//   launchBrowser()                      → Playwright Browser
//   useServerAndBrowser(ready)           → both for a spec file: before its tests, stopped after
//   openPage(browser, { viewport })      → Page (new context) that records errors
//   assertClean(page, { ignore })        → throws if the page threw, logged an error or got a 5xx
//   signIn(page, url, username, password)→ signed in, shell shown
//   screenshot(page, name)               → target/browser-screenshots/<name>.png
//   call(url, token, method, path, body) → parsed JSON (null when empty); throws on ≥ 400
//
// Environment: SWITCHBOARD_BIN (default target/debug/switchboard), BROWSER_EMBEDDED=1 (serve
// the web files built into the binary instead of engine/web on disk), CHROMIUM (default
// /usr/bin/chromium).

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { before, after } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const screenshotDir = join(repoRoot, 'target', 'browser-screenshots');

/** The demo admin's password, set by `startServer()`. */
export const ADMIN_PASSWORD = 'admin-demo-pass';

const READY_TIMEOUT_MS = 60_000;

// The server runs under a small bash wrapper that reads its stdin, a pipe from this process:
// when this process dies in any way (even SIGKILL), the pipe closes, `read` sees EOF and the
// wrapper kills the server. Without it a crashed or killed test run would leave servers behind.
// The loop also ends when the server exits by itself, so a failed start is seen at once.
const WRAPPER = `
"$@" </dev/null &
child=$!
stop_child() {
  kill -TERM "$child" 2>/dev/null
  for _ in $(seq 50); do kill -0 "$child" 2>/dev/null || return 0; sleep 0.2; done
  kill -KILL "$child" 2>/dev/null
}
# The temporary data dir goes too, even when the test process died without cleaning up.
trap 'stop_child; wait "$child" 2>/dev/null; rm -rf -- "$SB_TEST_DATA_DIR"' EXIT
trap 'exit 143' TERM INT HUP
while kill -0 "$child" 2>/dev/null; do
  read -r -t 1 _
  rc=$?
  if [ "$rc" -ne 0 ] && [ "$rc" -le 128 ]; then exit 0; fi
done
wait "$child"
`;

/** Servers still running, killed if this process exits without stopping them. */
const running = new Set();
process.on('exit', () => {
  // SIGTERM, not SIGKILL: the wrapper must live long enough to kill the server.
  for (const child of running) {
    try { child.kill('SIGTERM'); } catch { /* already gone */ }
  }
});

/** A free TCP port on 127.0.0.1 (the kernel picks; a tiny race with other processes remains). */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A fresh demo server: debug binary, temporary data dir, free port, cheap argon2, raised login
 * limits, a random admin token, and the admin's password set to `admin-demo-pass`. Resolves
 * once `/readyz` answers and the demo's users, connector and dialer exist.
 */
export async function startServer() {
  const bin = process.env.SWITCHBOARD_BIN || join(repoRoot, 'target', 'debug', 'switchboard');
  const token = randomBytes(24).toString('hex');
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-browser-'));
    // Every spec signs in many times from 127.0.0.1, several files at once: the defaults (5
    // a minute per username, 60 per address) would answer 429 to a correct password. The
    // per-username limit has no environment variable, hence the config file.
    const configFile = join(dataDir, 'browser-test.toml');
    writeFileSync(configFile, '[auth]\nlogin_attempts_per_account = 10000\nlogin_attempts_per_ip = 10000\n');
    const port = await freePort();
    try {
      return await launchServer({ bin, dataDir, token, port, configFile });
    } catch (error) {
      // Most likely the port was taken between `freePort()` and the bind: try another.
      lastError = error;
    }
  }
  throw lastError;
}

async function launchServer({ bin, dataDir, token, port, configFile }) {
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    SWITCHBOARD_ARGON2_MEMORY_KIB: '64',
    SWITCHBOARD_ARGON2_ITERATIONS: '1',
    SWITCHBOARD_ADMIN_TOKEN: token,
    SWITCHBOARD_LOGIN_ATTEMPTS_PER_IP: '10000',
    SWITCHBOARD_LOG: process.env.SWITCHBOARD_LOG || 'warn',
    SB_TEST_DATA_DIR: dataDir,
  };
  delete env.SWITCHBOARD_CONFIG;
  if (process.env.BROWSER_EMBEDDED === '1') delete env.SWITCHBOARD_WEB_DIR;
  else env.SWITCHBOARD_WEB_DIR = join(repoRoot, 'engine', 'web');

  const args = ['serve', '--demo', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--config', configFile];
  const child = spawn('bash', ['-c', WRAPPER, 'switchboard-wrapper', bin, ...args], {
    cwd: repoRoot, env, stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  const keep = (chunk) => {
    output += chunk;
    if (output.length > 200_000) output = output.slice(-100_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  const exit = new Promise((r) => child.on('exit', (code, signal) => {
    exited = { code, signal };
    running.delete(child);
    r();
  }));

  const stop = async () => {
    if (!exited) {
      // The wrapper stops the server (SIGTERM, then SIGKILL after 10 s) and exits after it.
      child.stdin.end();
      child.kill('SIGTERM');
      await exit;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const fail = async (why) => {
    await stop();
    running.delete(child);
    throw new Error(`${why}\n--- server output (${bin}) ---\n${output.slice(-4000)}`);
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  // 1. Listening and ready.
  for (;;) {
    if (exited) return fail(`the server exited (${JSON.stringify(exited)}) before it was ready`);
    if (Date.now() > deadline) return fail(`the server was not ready within ${READY_TIMEOUT_MS} ms`);
    try {
      const response = await fetch(`${url}/readyz`);
      if (response.ok) break;
    } catch { /* not listening yet */ }
    await sleep(100);
  }
  // 2. The demo seeded: users, the sandbox connector, the dialer (seeded last).
  let admin;
  for (;;) {
    if (exited) return fail(`the server exited (${JSON.stringify(exited)}) while seeding`);
    if (Date.now() > deadline) return fail('the demo seed did not finish in time');
    try {
      const users = await call(url, token, 'GET', '/api/v1/users');
      const names = new Set(users.map((u) => u.username));
      admin = users.find((u) => u.username === 'admin');
      if (admin && ['ana', 'bruno', 'sofia'].every((n) => names.has(n))) {
        const connectors = await call(url, token, 'GET', '/api/v1/connectors');
        const dialers = await call(url, token, 'GET', '/api/v1/dialers');
        if (connectors.some((c) => c.plugin === 'sandbox') && dialers.length > 0) break;
      }
    } catch { /* not seeded yet */ }
    await sleep(100);
  }
  try {
    await call(url, token, 'POST', `/api/v1/users/${admin.id}/password`, { password: ADMIN_PASSWORD });
  } catch (error) {
    return fail(`could not set the admin's password: ${error.message}`);
  }
  return { url, token, stop, logs: () => output, dataDir };
}

/** Debian's Chromium, headless, with flags that work as root and keep it off the network. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A spec file's usual fixture: a demo server and a browser, started before its first test and
 * stopped after its last (even when a test failed). `ready(server, browser)` hands them over.
 */
export function useServerAndBrowser(ready) {
  let server;
  let browser;
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    ready(server, browser);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
}

const problemsOf = new WeakMap();

/**
 * A page in a new browser context (own cookies) that records page errors, the app's console
 * errors and bad responses for `assertClean`. `options` go to `browser.newContext` (e.g.
 * `{ viewport: { width: 390, height: 844 } }`).
 */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...options });
  const page = await context.newPage();
  const problems = [];
  problemsOf.set(page, problems);
  page.on('pageerror', (error) => problems.push(`page error: ${error.stack || error.message}`));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    // Chrome itself logs every HTTP error response as "Failed to load resource: the server
    // responded with a status of 4xx". For the API these are expected answers the app handles
    // (the 401 of GET /api/v1/auth/me before sign-in, a wrong password, a 404/409/422 shown
    // as a message), not app errors, so they are ignored here. 4xx on anything else (a
    // missing /ui/ module or stylesheet) is caught by the response listener below, and 5xx
    // by both.
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return;
    const where = message.location()?.url;
    problems.push(`console error: ${text}${where ? ` (${where})` : ''}`);
  });
  page.on('response', (response) => {
    const status = response.status();
    const path = new URL(response.url()).pathname;
    if (status >= 500) problems.push(`HTTP ${status} from ${response.request().method()} ${path}`);
    else if (status >= 400 && !path.startsWith('/api/')) problems.push(`HTTP ${status} for ${path}`);
  });
  return page;
}

/**
 * Throws if `page` threw, logged a console error or got a 5xx (or a 4xx for a non-API file)
 * since it was opened or last checked. `ignore`: regexps of problems expected by the test.
 * The list is cleared after each check.
 */
export function assertClean(page, { ignore = [] } = {}) {
  const problems = problemsOf.get(page);
  if (!problems) throw new Error('assertClean: the page was not opened with openPage()');
  const found = problems.filter((p) => !ignore.some((re) => re.test(p)));
  problems.length = 0;
  if (found.length) throw new Error(`the page was not clean:\n  ${found.join('\n  ')}`);
}

/** Signs in through the login form at `url`; resolves once the shell (header, nav) shows. */
export async function signIn(page, url, username, password) {
  await page.goto(`${url}/`);
  const form = page.locator('sb-login form');
  await form.locator('input[name="username"]').fill(username);
  await form.locator('input[name="password"]').fill(password);
  await form.locator('button[type="submit"]').click();
  // The nav is attached but folded behind the menu button on a phone-sized viewport.
  await page.locator('header.topbar').waitFor();
  await page.locator('header.topbar nav#nav').waitFor({ state: 'attached' });
  await page.locator('main#main').waitFor({ state: 'attached' });
}

/** Saves a full-page screenshot as target/browser-screenshots/<name>.png; returns the path. */
export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  // From the top: a full-page capture of a scrolled page draws the sticky header mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * A REST call with the admin token (or any bearer token): parsed JSON, `null` for an empty
 * body. Throws an Error with `status`, `code` and the server's message on ≥ 400.
 */
export async function call(url, token, method, path, body) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${url}${path}`, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!response.ok) {
    const error = new Error(`${method} ${path} → ${response.status} ${data?.code ?? ''}: ${data?.message ?? text}`);
    error.status = response.status;
    error.code = data?.code;
    error.body = data;
    throw error;
  }
  return data;
}
