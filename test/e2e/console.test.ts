/**
 * End-to-end: the built console served by the real server, driven in headless Chromium.
 * Proves that the demo admin can sign in, sees the console (top menu, tree menu, users table
 * with the demo users), and that the language switch changes the UI to English and back and is
 * remembered across a reload. Saves a screenshot to test-results/console.png.
 *
 * The server runs as a child process (`tsx server/main.ts`) on a free port with its own
 * embedded database in a temp DATA_DIR. The web console is built first when web/dist is
 * missing or older than the sources under web/ (CI builds it before `npm test`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const WEB = join(ROOT, 'web');
const DIST_INDEX = join(WEB, 'dist', 'index.html');
const ADMIN = { email: 'admin@demo.billwise.dev', password: 'demo1234' };

const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  console.warn(`[e2e] SKIPPED: ${CHROMIUM} not found. Install Chromium (apt-get install chromium) to run the console e2e test.`);
}

/** Newest modification time of the web sources (everything under web/ except dist/). */
function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

function ensureWebBuilt(): void {
  const stale =
    !existsSync(DIST_INDEX) ||
    statSync(DIST_INDEX).mtimeMs < Math.max(newestSourceMtime(WEB), statSync(join(ROOT, 'vite.config.ts')).mtimeMs);
  if (!stale) return;
  const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`vite build failed with exit code ${r.status}`);
}

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

async function waitForHealth(url: string, server: ChildProcess, log: () => string, timeoutMs = 90_000): Promise<void> {
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

describe.skipIf(!hasChromium)('admin console (headless Chromium)', () => {
  let server: ChildProcess;
  let dataDir: string;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  let serverLog = '';

  beforeAll(async () => {
    ensureWebBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'bw-e2e-'));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DATA_DIR: dataDir };
    delete env.DATABASE_URL; // always a fresh embedded database, never a shared one
    delete env.DEMO_API_KEY;
    server = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    server.stdout?.on('data', (d: Buffer) => (serverLog += d.toString()));
    server.stderr?.on('data', (d: Buffer) => (serverLog += d.toString()));
    await waitForHealth(baseUrl, server, () => serverLog);

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('rejects a wrong password with an inline error', async () => {
    await page.goto(`${baseUrl}/`);
    // Not signed in: the router sends every page to the login form.
    await page.waitForSelector('[data-testid=login-form]');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('input[name=email]', ADMIN.email);
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('[data-testid=login-submit]');
    const err = page.locator('[data-testid=login-error]');
    await err.waitFor();
    expect(await err.textContent()).toContain('이메일 또는 비밀번호가 올바르지 않습니다');
  });

  it('signs in, shows the console with the users table, and switches language', async () => {
    await page.fill('input[name=password]', ADMIN.password);
    await page.click('[data-testid=login-submit]');

    // Console shell: top menu (only areas with pages), tree menu from the route table, tenant name.
    const tree = page.locator('[data-testid=tree-menu]');
    await tree.waitFor();
    expect(await page.locator('[data-testid=top-menu]').innerText()).toContain('공통');
    const treeText = await tree.innerText();
    for (const label of ['사업자 정보', '사업자 관리', '사용자 관리', '그룹/권한 관리', 'API 키 관리', '감사 로그']) {
      expect(treeText).toContain(label);
    }
    expect(await page.locator('[data-testid=tenant-name]').innerText()).toContain('Billwise Demo');

    // Users page through the tree menu: the table lists the demo users from the API.
    await page.click('[data-testid=menu-common-users]');
    await page.waitForURL('**/common/users');
    const table = page.locator('[data-testid=users-table]');
    await table.locator('text=billing@demo.billwise.dev').first().waitFor();
    const tableText = await table.innerText();
    for (const email of ['admin@demo.billwise.dev', 'billing@demo.billwise.dev', 'marketer@demo.billwise.dev', 'exec@demo.billwise.dev', 'support@demo.billwise.dev']) {
      expect(tableText).toContain(email);
    }
    expect(await page.locator('[data-testid=page-title]').innerText()).toBe('사용자 관리');

    // English: menu, page title and table headers change; the choice is stored.
    await page.click('[data-testid=lang-en]');
    await page.locator('[data-testid=page-title]', { hasText: 'Users' }).waitFor();
    expect(await tree.innerText()).toContain('Groups & permissions');
    expect(await table.locator('thead').innerText()).toContain('E-mail');
    expect(await page.evaluate(() => localStorage.getItem('bw.locale'))).toBe('en');

    // The choice survives a reload (session cookie + localStorage).
    await page.reload();
    await page.locator('[data-testid=page-title]', { hasText: 'Users' }).waitFor();

    // And back to Korean.
    await page.click('[data-testid=lang-ko]');
    await page.locator('[data-testid=page-title]', { hasText: '사용자 관리' }).waitFor();
    expect(await tree.innerText()).toContain('감사 로그');
    expect(await table.locator('thead').innerText()).toContain('이메일');

    await page.waitForLoadState('networkidle');
    await page.waitForTimeout(600); // let Element Plus transitions (tags, radio buttons) finish
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results', 'console.png') });
  });
});
