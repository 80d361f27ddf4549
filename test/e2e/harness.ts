/**
 * Shared e2e harness: builds web/dist when stale, starts the real server (`server/main.ts`) on a
 * free port with its own embedded database, launches headless Chromium, signs in.
 * The database is a copy of the run's seeded demo template (./demo-template.ts); without one
 * (the harness used outside the e2e project, or server/seeds changed since the run started) the
 * server seeds a fresh database itself, as it does on a first start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page, Request } from 'playwright-core';
import { inject } from 'vitest';
import { ensureWebBuilt, ROOT } from '../../server/web-build';
import { e2eServerEnv, sourceHash, templateData, waitForTemplate } from './demo-template';

export { ROOT };

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

async function waitForHealth(url: string, server: ChildProcess, log: () => string, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`server exited with ${server.exitCode}:\n${log()}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`server did not answer /health within ${timeoutMs} ms:\n${log()}`);
}

export interface Harness {
  baseUrl: string;
  browser: Browser;
  newPage: () => Promise<Page>;
  stop: () => Promise<void>;
}

/**
 * `healthTimeoutMs`: how long the server may take to start (seeding the demo data itself, when
 * there is no template, on a busy machine). The run's demo template may take longer: every e2e
 * file started at once waits for the one seed, so that wait is bounded by the test's hook timeout.
 */
export async function startHarness(opts: { healthTimeoutMs?: number } = {}): Promise<Harness> {
  ensureWebBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'bw-e2e-'));
  const template = inject('demoTemplate');
  if (template && template.hash === sourceHash()) {
    await waitForTemplate(template, Date.now() + 900_000);
    cpSync(templateData(template), dataDir, { recursive: true });
  }
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env = e2eServerEnv({ PORT: String(port), DATA_DIR: dataDir });
  let log = '';
  // The server's own node process (not the tsx CLI, which would run it as a child of its own):
  // stop()'s SIGTERM then reaches server/main.ts, which closes the database.
  const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  server.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  await waitForHealth(baseUrl, server, () => log, opts.healthTimeoutMs);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return {
    baseUrl,
    browser,
    newPage: async () => (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage(),
    stop: async () => {
      await browser.close().catch(() => undefined);
      if (server.exitCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        server.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (server.exitCode === null) server.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function signIn(page: Page, baseUrl: string, email: string, password = 'demo1234'): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.waitForSelector('[data-testid=login-form]');
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('[data-testid=login-submit]');
  await page.locator('[data-testid=tree-menu]').waitFor();
}

/**
 * Closes a select's dropdown still open over the page (a remote search that answers after the
 * pick opens its list again), which would take the next click: Escape, as a user would.
 */
export async function closeOpenDropdown(page: Page): Promise<void> {
  const open = page.locator('.el-select__popper:visible');
  if (!(await open.count())) return;
  await page.keyboard.press('Escape');
  await open.first().waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
}

/** Picks an option of an Element Plus select (its dropdown is teleported to body). */
export async function pickOption(page: Page, selectTestId: string, optionText: string): Promise<void> {
  await closeOpenDropdown(page);
  await page.click(`[data-testid=${selectTestId}]`);
  await page.locator('.el-select-dropdown__item:visible', { hasText: optionText }).first().click();
}

/**
 * Picks an option of a remote-search select (CustomerPicker ...): types `query`, waits for the
 * server's answer to exactly that query (not the list it showed before), then picks.
 */
export async function pickRemote(page: Page, selectTestId: string, query: string, optionText: string): Promise<void> {
  await closeOpenDropdown(page);
  await page.click(`[data-testid=${selectTestId}]`);
  const answered = page.waitForResponse((r) => new URL(r.url()).searchParams.get('q') === query);
  await page.keyboard.type(query);
  await answered;
  await page.locator('.el-select-dropdown__item:visible', { hasText: optionText }).first().click();
  await closeOpenDropdown(page);
}

/**
 * Opens `path` inside the running console the way its own menu and links do (vue-router's push;
 * Vue keeps the app on its mount element), then waits until the page's requests (API calls, lazy
 * chunks) have all answered and none started for `quietMs`: what Playwright's 'networkidle' means,
 * which only applies to a page load. A `page.goto` per page booted the whole console again each time:
 * most of the role walk's time (test/e2e/roles.test.ts).
 */
export async function openInApp(page: Page, path: string, quietMs = 500, timeoutMs = 60_000): Promise<void> {
  const inflight = new Set<Request>();
  let last = Date.now();
  // The live KPI stream (an EventSource) stays open by design, as for 'networkidle'.
  const started = (r: Request) => { if (r.resourceType() !== 'eventsource') { inflight.add(r); last = Date.now(); } };
  const ended = (r: Request) => { if (inflight.delete(r)) last = Date.now(); };
  page.on('request', started);
  page.on('requestfinished', ended);
  page.on('requestfailed', ended);
  try {
    await page.evaluate(async (to) => {
      const root = document.querySelector('#app') as unknown as { __vue_app__: { config: { globalProperties: { $router: { push: (p: string) => Promise<unknown> } } } } };
      await root.__vue_app__.config.globalProperties.$router.push(to);
    }, path);
    const deadline = Date.now() + timeoutMs;
    while (inflight.size > 0 || Date.now() - last < quietMs) {
      if (Date.now() > deadline) throw new Error(`${path}: ${inflight.size} request(s) still open after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    page.off('request', started);
    page.off('requestfinished', ended);
    page.off('requestfailed', ended);
  }
}
