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
import type { Browser, Page } from 'playwright-core';
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
 * `healthTimeoutMs`: how long the server may take to start, waiting for the run's demo template
 * included (or seeding the demo data itself, without one, on a busy machine).
 */
export async function startHarness(opts: { healthTimeoutMs?: number } = {}): Promise<Harness> {
  const started = Date.now();
  const timeoutMs = opts.healthTimeoutMs ?? 240_000;
  ensureWebBuilt();
  const dataDir = mkdtempSync(join(tmpdir(), 'bw-e2e-'));
  const template = inject('demoTemplate');
  if (template && template.hash === sourceHash()) {
    await waitForTemplate(template, started + timeoutMs);
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
  await waitForHealth(baseUrl, server, () => log, Math.max(timeoutMs - (Date.now() - started), 60_000));
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

/** Picks an option of an Element Plus select (its dropdown is teleported to body). */
export async function pickOption(page: Page, selectTestId: string, optionText: string): Promise<void> {
  await page.click(`[data-testid=${selectTestId}]`);
  await page.locator('.el-select-dropdown__item:visible', { hasText: optionText }).first().click();
}
