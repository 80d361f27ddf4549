/**
 * The five roles' main tasks in English (issue 9), next to the Korean walk of ./roles.test.ts:
 * one browser, per role: sign in, switch to English, land on the home page, open every menu page
 * the role may open and the detail page of its main task (billing manager and support agent: an
 * invoice; marketer: a rule; executive: the dashboard; admin: a customer). On every page: no 403
 * from the API, no 403 page, no raw i18n key, and no Korean in the console's own chrome (menu,
 * buttons, labels, table headers, tabs). Seed data (customer names, page titles) may be Korean.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, startHarness, type Harness } from './harness';

if (!hasChromium) console.warn('[e2e] SKIPPED: /usr/bin/chromium not found.');

const PAGES: Array<{ path: string; perm: string }> = [
  { path: '/common/overview', perm: 'tenant:read' },
  { path: '/common/users', perm: 'users:read' },
  { path: '/common/audit-log', perm: 'audit:read' },
  { path: '/products/plans', perm: 'catalog:read' },
  { path: '/products/rules', perm: 'rules:read' },
  { path: '/customers/list', perm: 'customers:read' },
  { path: '/customers/subscriptions', perm: 'billing:read' },
  { path: '/billing/bill-runs', perm: 'billing:read' },
  { path: '/billing/invoices', perm: 'invoices:read' },
  { path: '/statistics/dashboard', perm: 'analytics:read' },
];

type Task = (page: Page, base: string) => Promise<string>;
const firstId = async (page: Page, base: string, path: string, field = 'id'): Promise<string> => {
  const body = (await (await page.request.get(`${base}/api/v1${path}`)).json()) as { data: Array<Record<string, string>> };
  expect(body.data.length, path).toBeGreaterThan(0);
  return body.data[0][field];
};
const openInvoice: Task = async (page, base) => `/billing/invoices/${await firstId(page, base, '/invoices?limit=1')}`;
const ROLES: Array<{ email: string; home: string; task: Task }> = [
  { email: 'admin@demo.billwise.dev', home: '/common/overview', task: async (page, base) => `/customers/detail/${await firstId(page, base, '/customers?limit=1')}` },
  { email: 'billing@demo.billwise.dev', home: '/common/overview', task: openInvoice },
  { email: 'marketer@demo.billwise.dev', home: '/common/overview', task: async (page, base) => `/products/rules/${await firstId(page, base, '/rules?limit=1', 'code')}` },
  { email: 'exec@demo.billwise.dev', home: '/statistics/dashboard', task: async () => '/statistics/dashboard' },
  { email: 'support@demo.billwise.dev', home: '/common/overview', task: openInvoice },
];

const HANGUL = /[\uac00-\ud7a3]/;
/** What the console itself words (not data, so not headings: a customer's page is titled by its name): menu, buttons, form labels, table headers, tabs. */
const CHROME = '[data-testid=tree-menu], button, .el-form-item__label, .el-table__header th, .el-tabs__item, .el-descriptions__label';
/** A vue-i18n key shown as is: "ops.invoices.total", "billingOps.run.payers". */
const RAW_KEY = /(?<![@\w./:-])[a-z][A-Za-z]+\.[a-z][A-Za-z]+\.[a-z][A-Za-z.]+\b(?![@\w/-])/;

describe.skipIf(!hasChromium)('the five roles in English (headless Chromium)', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness({ healthTimeoutMs: 540_000 }); }, 600_000);
  afterAll(async () => { await h?.stop(); });

  async function check(page: Page, where: string): Promise<void> {
    await page.locator('[data-testid=tree-menu]').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.locator('[data-testid=status-forbidden]').count(), `403 page at ${where}`).toBe(0);
    const chrome = await page.locator(CHROME).allInnerTexts();
    expect(chrome.filter((s) => HANGUL.test(s)), `Korean in the English console at ${where}`).toEqual([]);
    const body = await page.locator('body').innerText();
    expect(RAW_KEY.exec(body)?.[0] ?? null, `raw i18n key at ${where}`).toBeNull();
  }

  it('each role signs in, works in English and is never refused where it should not be', async () => {
    const ctx = await h.browser.newContext({ viewport: { width: 1366, height: 768 } });
    try {
      for (const role of ROLES) {
        await ctx.clearCookies();
        const page = await ctx.newPage();
        const denied: string[] = [];
        page.on('response', (r) => {
          if (r.status() === 403 && r.url().includes('/api/v1/')) denied.push(`${r.request().method()} ${new URL(r.url()).pathname}`);
        });
        await page.goto(`${h.baseUrl}/login`);
        await page.waitForSelector('[data-testid=login-form]');
        await page.fill('input[name=email]', role.email);
        await page.fill('input[name=password]', 'demo1234');
        await page.click('[data-testid=login-submit]');
        await page.locator('[data-testid=tree-menu]').waitFor();
        expect(new URL(page.url()).pathname, role.email).toBe(role.home);
        // English from here on (kept in localStorage for the context's next pages and roles).
        if (await page.locator('[data-testid=lang-en]').count()) await page.locator('[data-testid=lang-en]').click();
        await check(page, `${role.email} home`);
        const me = (await (await page.request.get(`${h.baseUrl}/api/v1/auth/me`)).json()) as { permissions: string[] };
        const perms = new Set(me.permissions);
        for (const p of PAGES.filter((x) => perms.has(x.perm))) {
          await page.goto(`${h.baseUrl}${p.path}`);
          await check(page, `${role.email} ${p.path}`);
          expect(new URL(page.url()).pathname, `${role.email} ${p.path}`).toBe(p.path);
        }
        const task = await role.task(page, h.baseUrl);
        await page.goto(`${h.baseUrl}${task}`);
        await check(page, `${role.email} ${task}`);
        expect(new URL(page.url()).pathname).toBe(task);
        expect(denied, role.email).toEqual([]);
        await page.close();
      }
    } finally {
      await ctx.close();
    }
  }, 300_000);
});
