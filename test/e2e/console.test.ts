/**
 * End-to-end: the built console served by the real server, driven in headless Chromium.
 * Proves that the demo admin can sign in, sees the console (top menu, tree menu, users table
 * with the demo users), and that the language switch changes the UI to English and back and is
 * remembered across a reload. Saves a screenshot to test-results/console.png.
 *
 * The server and browser come from ./harness.ts (a child `tsx server/main.ts` on a free port with
 * its own embedded database; web/dist is built first when stale).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { hasChromium, ROOT, startHarness, type Harness } from './harness';

const ADMIN = { email: 'admin@demo.billwise.dev', password: 'demo1234' };

describe.skipIf(!hasChromium)('admin console (headless Chromium)', () => {
  let h: Harness;
  let baseUrl: string;
  let page: Page;

  // The server sends a Content-Security-Policy (server/lib/security-headers.ts); Chromium reports
  // what it blocks as console errors mentioning it. Collected for the whole session.
  const cspViolations: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    baseUrl = h.baseUrl;
    page = await h.newPage();
    page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${m.type()}: ${m.text()}`); });
    // Chromium does not always pass its own CSP reports to the page console: the DOM event is certain.
    await page.exposeFunction('reportCspViolation', (v: string) => { cspViolations.push(v); });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { reportCspViolation: (v: string) => void }).reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} in ${e.documentURI}`));
    });
    page.on('pageerror', (e) => { if (/Content Security Policy|unsafe-eval/i.test(e.message)) cspViolations.push(`pageerror: ${e.message}`); });
  }, 300_000); // the server can take minutes to start on a loaded machine

  afterAll(async () => { await h?.stop(); });

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

  it('applies the console\'s density rules over Element Plus\'s own CSS, which loads per page after them', async () => {
    const table = page.locator('[data-testid=users-table]');
    expect(await table.locator('td .cell').first().evaluate((el) => getComputedStyle(el).whiteSpace)).toBe('nowrap');
    expect(await table.locator('th.el-table__cell:not(.el-table-fixed-column--left)').first().evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(245, 247, 250)');
  });

  it('runs under the Content-Security-Policy: charts, plan editor and API docs without a violation', async () => {
    const res = await page.goto(`${baseUrl}/statistics/dashboard`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.locator('canvas').first().waitFor(); // ECharts drew
    await page.goto(`${baseUrl}/products/plans`);
    await page.waitForLoadState('networkidle');
    await page.goto(`${baseUrl}/api/docs`);
    await page.locator('.swagger-ui .info').first().waitFor(); // Swagger UI started (its script is not inline)
    expect(cspViolations).toEqual([]);
    // The check sees violations: an inline script, which the policy forbids, is blocked and reported.
    await page.evaluate(() => { const s = document.createElement('script'); s.textContent = 'window.cspProbe = 1'; document.body.append(s); });
    await expect.poll(() => cspViolations.length).toBeGreaterThan(0);
    expect(cspViolations.join('\n')).toMatch(/script-src/);
    expect(await page.evaluate(() => (window as unknown as { cspProbe?: number }).cspProbe)).toBeUndefined();
  });
});
