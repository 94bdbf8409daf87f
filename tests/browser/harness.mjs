// harness.mjs - browser tests: a real `kehu serve` on a fresh SQLite file, or
// a new PostgreSQL database with KEHU_TEST_DB=postgres (the binary serves the
// embedded web app itself) and Debian's chromium
// driven by playwright-core. `npx playwright install` is not possible here,
// so the browser is /usr/bin/chromium (KEHU_CHROMIUM overrides).
//
// Like the API harness, this one guards the run in one place: every server
// and browser started here is ended after the file's tests even when setup
// or a test failed, a server that does not exit 0 on SIGTERM (or prints a
// sanitizer report) fails the file, and a file running longer than
// KEHU_TEST_FILE_TIMEOUT seconds (default 600) is stopped with a failure.
import { after } from 'node:test';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { newDatabase } from '../api/harness.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const KEHU_BIN = process.env.KEHU_BIN || resolve(here, '../../build/kehu');
export const CHROMIUM = process.env.KEHU_CHROMIUM || '/usr/bin/chromium';
export const ADMIN_PASSWORD = 'Admin#2026pass';
// KEHU_SCREENSHOTS puts them elsewhere (a directory under /tmp).
export const SCREENSHOTS = process.env.KEHU_SCREENSHOTS || join(here, 'screenshots');

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
    s.on('error', fail);
  });
}

const SANITIZER_REPORT =
  /ERROR: (AddressSanitizer|LeakSanitizer)|UndefinedBehaviorSanitizer|runtime error:|SUMMARY: \w+Sanitizer/;
const servers = new Set();  // every server this file started
const browsers = new Set(); // every browser still open

after(async () => {
  const problems = [];
  for (const b of browsers) await b.close().catch(e => problems.push(`browser close: ${e.message}`));
  for (const srv of servers) {
    const problem = await srv.stop();
    if (problem) problems.push(`kehu on ${srv.base}: ${problem}\n${srv.log().slice(-6000)}`);
  }
  if (problems.length) throw new Error(`server or browser ended badly:\n${problems.join('\n')}`);
}, { timeout: 60_000 });

const FILE_TIMEOUT_S = Number(process.env.KEHU_TEST_FILE_TIMEOUT || 600);
setTimeout(() => {
  console.error(`test file ran longer than ${FILE_TIMEOUT_S} s (KEHU_TEST_FILE_TIMEOUT): stopped`);
  process.exit(1);
}, FILE_TIMEOUT_S * 1000).unref();

export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), 'kehu-browser-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // KEHU_TEST_DB=postgres: a new PostgreSQL database, as the API tests take
  // (dropped when the file ends); SQLite otherwise.
  const proc = spawn(KEHU_BIN, ['serve', '--db', newDatabase(dir, { migrated: true }), '--listen', `127.0.0.1:${port}`,
    '--admin-password', ADMIN_PASSWORD, '--no-access-log'], {
    env: { ...process.env, KEHU_PWHASH_FAST: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  proc.stdout.on('data', d => { log += d; });
  proc.stderr.on('data', d => { log += d; });
  const exited = new Promise(ok => proc.on('exit', (code, signal) => ok({ code, signal })));
  process.on('exit', () => { if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL'); });
  let ended = null; // the problem with how it ended, once stopped
  const srv = {
    base, dir, log: () => log,
    // Stops (once) and answers why the end was wrong, or null.
    async stop() {
      if (ended === null) {
        if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
        const { code, signal } = await exited;
        const report = log.match(SANITIZER_REPORT);
        ended = report ? `sanitizer report (${report[0]})` : code !== 0 ? `exit code ${code}, signal ${signal}` : '';
        rmSync(dir, { recursive: true, force: true });
      }
      return ended || null;
    },
  };
  servers.add(srv);
  const deadline = Date.now() + Number(process.env.KEHU_TEST_START_TIMEOUT || 90) * 1000;
  while (Date.now() < deadline) {
    try { if ((await fetch(base + '/')).ok) return srv; } catch { /* not up yet */ }
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`kehu exited:\n${log}`);
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error(`kehu did not start in time:\n${log}`);
}

// A fresh browser profile per run; the flags keep chromium off the network
// and quiet in a container.
export async function startBrowser({ width = 1366, height = 768 } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'kehu-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width, height },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  context.on('page', p => watch(p, problems));
  for (const p of context.pages()) watch(p, problems);
  const browser = {
    context, problems,
    async close() {
      if (!browsers.delete(browser)) return;
      await context.close(); rmSync(profile, { recursive: true, force: true });
    },
  };
  browsers.add(browser);
  return browser;
}

// Console errors and Vue warnings fail the run: a component Element Plus
// does not know, or an exception in a view, is a bug even when the page
// still looks right.
function watch(page, problems) {
  page.on('pageerror', e => problems.push(`pageerror: ${e.message}`));
  page.on('console', m => {
    const text = m.text();
    // Answers the app expects and handles: 401 (session over), 403 (no
    // right), 404, 409,
    // 422 (validation), 405 (POST mass-update on a server without it: the
    // app falls back to one PATCH per record).
    if (m.type() === 'error' && /Failed to load resource: the server responded with a status of (401|403|404|405|409|422)/.test(text)) return;
    if (m.type() === 'error' || (m.type() === 'warning' && text.includes('[Vue warn]'))) problems.push(`${m.type()}: ${text}`);
  });
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: false });
}

// Picks `text` in the select of field `field` (data-field) of a form. The
// opening click is repeated while no dropdown shows: on a loaded machine a
// click during a dialog's opening animation can land before the select
// listens (seen once in CI on finance_walk). An open dropdown is waited on.
export async function choose(page, field, text) {
  const option = page.locator('.el-select-dropdown__item:visible', { hasText: text }).first();
  for (let attempt = 1; ; attempt++) {
    if (!(await page.locator('.el-select-dropdown:visible').count()))
      await page.locator(`[data-field=${field}] .el-select__wrapper`).click();
    try {
      await option.waitFor({ timeout: 5000 });
      break;
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
  await option.click();
}

// Drags source onto target and lets go only once the page shows it takes
// the drop (`accepting`, e.g. the target's highlight). A drag that begins
// while a loading mask still fades out over the page never starts, and
// under load Chromium may deliver the mouse-up before the target's dragover
// was answered, so that nothing is dropped (locator.dragTo waits for
// neither): a gesture the page never took is made again, up to three times.
// What the drop does is the test's to check.
export async function dragOnto(page, source, target, accepting) {
  for (let attempt = 1; ; attempt++) {
    await source.hover();
    await page.mouse.down();
    await target.hover({ position: { x: 5, y: 5 } });
    await target.hover();
    try {
      await accepting.waitFor({ timeout: 3000 });
      break;
    } catch (e) {
      await page.mouse.up();
      if (attempt === 3) throw e;
      console.error(`dragOnto: ${target} took no drag at attempt ${attempt}, trying again`);
    }
  }
  await page.mouse.up();
}

export async function signIn(page, base, username = 'admin', password = ADMIN_PASSWORD) {
  await page.goto(base + '/login');
  await page.getByLabel(/用户名|Username/).fill(username);
  await page.getByLabel(/密码|Password/).fill(password);
  await page.locator('[data-test=login-submit]').click();
  await signedIn(page);
}

// The main menu after a sign-in. Signing in is slow on purpose (argon2id)
// and in CI it shares two cores with the sanitizer tests, so it gets more
// time than a click's 8 seconds.
export async function signedIn(page, selector = '[data-test=main-menu]') {
  await page.locator(selector).waitFor({ timeout: 30000 });
}

// The API from inside the page, with the session's cookie and CSRF token.
export async function apiInPage(page, method, path, body) {
  return page.evaluate(async ([m, p, b]) => {
    const { csrf_token: token } = await (await fetch('/api/v1/session')).json();
    const r = await fetch('/api/v1' + p, { method: m, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token }, body: b ? JSON.stringify(b) : undefined });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, [method, path, body]);
}

// A test step that also fails on a component Element Plus never registered
// (production Vue renders it as a bare <el-...> tag without a warning) and,
// with checkConsole, on console errors so far; a failed step leaves a
// picture of where it stopped. state() gives { page, browser }.
export function checkedIt(nodeIt, assert, prefix, state, { checkConsole = true } = {}) {
  let failures = 0;
  return (name, fn) => nodeIt(name, async () => {
    const { page, browser } = state();
    try {
      await fn();
      const unknown = await page.evaluate(() => [...new Set([...document.querySelectorAll('*')]
        .map(e => e.tagName.toLowerCase()).filter(t => t.startsWith('el-')))]);
      assert.deepEqual(unknown, [], 'unregistered components');
      if (checkConsole) assert.deepEqual(browser.problems, [], 'console errors');
    } catch (e) {
      if (page) await screenshot(page, `${prefix}failed-${++failures}`).catch(() => {});
      throw e;
    }
  });
}

// A server, a browser and a page for one test file; closeApp ends them.
// 15 s per wait: make check runs the three-node API stage on the other core
// meanwhile, and a passing test never waits the limit out.
export async function openApp() {
  const srv = await startServer();
  const browser = await startBrowser();
  const page = await browser.context.newPage();
  page.setDefaultTimeout(15000);
  return { srv, browser, page };
}

export async function closeApp({ srv, browser }) {
  if (browser) await browser.close();
  if (srv) await srv.stop();
}
