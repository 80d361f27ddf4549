/**
 * End-to-end for the executive dashboard: with a little billing history created through the API
 * (two orders completed last month, a bill run for that month, invoices finalized), the executive
 * signs in, lands on the dashboard and sees the KPI cards filled and the charts drawn (ECharts
 * canvases), in Korean and in English; then a payment made through the API moves the "collected"
 * KPI on the open page without a reload (LISTEN/NOTIFY → SSE); a click on a revenue-mix bar lands
 * on the invoice list filtered to that month's issue dates (URL, filter chip, and every listed
 * invoice issued in the month). Screenshots: test-results/dashboard-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, hasChromium, signIn, startHarness, type Harness } from './harness';

if (!hasChromium) console.warn('[e2e] SKIPPED: /usr/bin/chromium not found.');

function monthStart(offset: number): string {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1)).toISOString().slice(0, 10);
}

/** A tiny API client with the admin's session cookie (test data setup only). */
async function adminApi(baseUrl: string) {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'admin@demo.billwise.dev', password: 'demo1234' }),
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method, headers: { Cookie: cookie, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return { get: <T>(p: string) => call<T>('GET', p), post: <T>(p: string, b: unknown = {}) => call<T>('POST', p, b) };
}

describe.skipIf(!hasChromium)('statistics: executive dashboard (headless Chromium)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ healthTimeoutMs: 480_000 }); // a loaded machine (8 sessions on 2 cores) took over 240 s
    // Billing history: two KRW customers without a group subscribe from last month's first day.
    const api = await adminApi(h.baseUrl);
    const start = monthStart(-1);
    const end = monthStart(0);
    const { data } = await api.get<{ data: { id: string; currency: string; billingGroup: string | null }[] }>('/customers?limit=200');
    const picks = data.filter((c) => c.currency === 'KRW' && !c.billingGroup).slice(0, 2);
    expect(picks.length).toBe(2);
    for (const [i, c] of picks.entries()) {
      const o = await api.post<{ id: string }>('/orders', { customerId: c.id, items: [{ planCode: i ? 'basic' : 'standard', quantities: { seats: String(i + 2) } }] });
      await api.post(`/orders/${o.id}/status`, { status: 'completed', billingStartDate: start });
    }
    const run = await api.post<{ id: string }>('/bill-runs', { periodStart: start, periodEnd: end });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await api.get<{ status: string }>(`/bill-runs/${run.id}`);
      if (r.status === 'completed') break;
      if (r.status === 'failed' || Date.now() > deadline) throw new Error(`bill run ${r.status}`);
      await new Promise((res) => setTimeout(res, 300));
    }
    const inv = await api.get<{ data: { id: string }[] }>('/invoices?status=draft&limit=50');
    expect(inv.data.length).toBeGreaterThan(0);
    const finalized: { id: string; status: string }[] = [];
    for (const i of inv.data) finalized.push(await api.post(`/invoices/${i.id}/finalize`));
    // The demo's prepaid top-up may pay an invoice in full at finalize, and a payer with a card is
    // auto-collected by the server's worker meanwhile: mark one still open paid; a 409 means it was paid.
    const open = finalized.find((i) => i.status === 'finalized');
    expect(open).toBeDefined();
    await api.post(`/invoices/${open!.id}/mark-paid`).catch((e: Error) => { if (!/→ 409 /.test(e.message)) throw e; });
  }, 600_000); // server start, demo seed and console build on a loaded machine
  afterAll(async () => {
    await h?.stop();
  });

  it('an executive lands on the dashboard and sees KPIs and charts with data', async () => {
    const page = await h.newPage();
    await page.setViewportSize({ width: 1366, height: 768 });
    await signIn(page, h.baseUrl, 'exec@demo.billwise.dev');
    await page.waitForURL('**/statistics/dashboard');
    expect(await page.locator('[data-testid=page-title]').innerText()).toBe('경영 대시보드');

    await page.locator('[data-testid=kpis]').waitFor();
    // MRR comes from subscription state: the two new subscriptions make it positive
    await page.locator('[data-testid=kpi-mrr]', { hasText: /₩[1-9]/ }).waitFor();
    for (const id of ['kpi-arr', 'kpi-customers', 'kpi-churn', 'kpi-nrr', 'kpi-collected', 'kpi-overdue']) {
      expect((await page.locator(`[data-testid=${id}]`).innerText()).trim()).not.toBe('');
    }
    await page.locator('[data-testid=live-ok]').waitFor();

    for (const id of ['chart-waterfall', 'chart-trend', 'chart-cohorts', 'chart-aging']) {
      const canvas = page.locator(`[data-testid=${id}] canvas`).first();
      await canvas.waitFor();
      const box = await canvas.boundingBox();
      expect(box && box.width > 100 && box.height > 100, `${id} canvas size`).toBe(true);
    }
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(ROOT, 'test-results', 'dashboard-ko.png'), fullPage: true });

    // a payment made through the API moves "collected" on the open page, without a reload
    const before = (await page.locator('[data-testid=kpi-collected]').innerText()).trim();
    const api = await adminApi(h.baseUrl);
    const inv = await api.get<{ data: { id: string; billTo: string; currency: string; amountDue: string; amountPaid: string }[] }>('/invoices?status=finalized&limit=50');
    expect(inv.data.length).toBeGreaterThan(0);
    // A payment is in one of its payer's currencies, and the demo bills a few payers in another
    // currency than their customers': try KRW invoices first (the KPI reports in KRW), skip a 422.
    const candidates = [...inv.data.filter((i) => i.currency === 'KRW'), ...inv.data.filter((i) => i.currency !== 'KRW')];
    let paid = false;
    for (const target of candidates) {
      try {
        await api.post('/payments', { billTo: target.billTo, method: 'card', amount: '1000', currency: target.currency });
        paid = true;
        break;
      } catch (e) {
        if (!/→ 422 /.test((e as Error).message)) throw e;
      }
    }
    expect(paid, 'a payment was accepted').toBe(true);
    await page.locator('[data-testid=kpi-collected]', { hasText: /\d/ }).filter({ hasNotText: before }).waitFor({ timeout: 10_000 });
    expect((await page.locator('[data-testid=kpi-collected]').innerText()).trim()).not.toBe(before);

    // English
    await page.click('[data-testid=lang-en]');
    await page.locator('[data-testid=page-title]', { hasText: 'Executive dashboard' }).waitFor();
    expect(await page.locator('[data-testid=dashboard]').innerText()).toContain('MRR by movement');
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(ROOT, 'test-results', 'dashboard-en.png'), fullPage: true });
  }, 180_000);

  it('a click on a revenue-mix bar lands on the invoice list of that month', async () => {
    const page = await h.newPage();
    await page.setViewportSize({ width: 1366, height: 768 });
    await signIn(page, h.baseUrl, 'exec@demo.billwise.dev');
    await page.waitForURL('**/statistics/dashboard');
    const canvas = page.locator('[data-testid=chart-revenue-mix] canvas').first();
    await canvas.waitFor();
    await canvas.scrollIntoViewIfNeeded();
    await page.waitForTimeout(800); // the bars' entry animation
    const box = (await canvas.boundingBox())!;
    // The bars stand on the x axis at the bottom of the plot: walk along just above it and
    // click until one is hit (a click beside the bars does nothing).
    let hit = false;
    for (const dy of [34, 44, 60]) {
      for (let x = box.x + 40; x < box.x + box.width - 16 && !hit; x += 6) {
        await page.mouse.click(x, box.y + box.height - dy);
        hit = page.url().includes('/billing/invoices');
        if (!hit) await page.waitForTimeout(15);
      }
      if (hit) break;
    }
    expect(hit, 'a revenue-mix bar was clicked').toBe(true);
    await page.waitForURL('**/billing/invoices?**');
    const url = new URL(page.url());
    const from = url.searchParams.get('issuedFrom')!;
    const to = url.searchParams.get('issuedTo')!;
    expect(from).toMatch(/^\d{4}-\d{2}-01$/);
    const month = from.slice(0, 7);
    const [y, mo] = month.split('-').map(Number);
    expect(to).toBe(new Date(Date.UTC(y, mo, 0)).toISOString().slice(0, 10)); // the month's last day
    expect((await page.locator('[data-testid=invoice-issued-chip]').innerText()).trim()).toBe(`발행일 ${from} ~ ${to}`);
    // every invoice listed was issued in that month, and there are some (the bar had revenue)
    const table = page.locator('[data-testid=invoices-table]');
    await table.locator('.el-table__body tr').first().waitFor();
    const headers = await table.locator('.el-table__header th').allInnerTexts();
    const col = headers.map((x) => x.trim()).indexOf('발행일');
    expect(col).toBeGreaterThanOrEqual(0);
    const issued = await table.locator('.el-table__body tr').evaluateAll((trs, i) => trs.map((tr) => (tr.children[i] as HTMLElement)?.innerText.trim()), col);
    expect(issued.length).toBeGreaterThan(0);
    for (const d of issued.filter((x) => x !== '-')) expect(d.slice(0, 7), `issue date ${d}`).toBe(month);
    expect(issued.some((d) => d.startsWith(month))).toBe(true);
    await page.screenshot({ path: join(ROOT, 'test-results', 'dashboard-drill-invoices.png') });
    // the chip removes the filter
    await page.locator('[data-testid=invoice-issued-chip] .el-tag__close').click();
    await page.waitForURL((u) => !u.searchParams.has('issuedFrom'));
    await page.locator('[data-testid=invoice-issued-chip]').waitFor({ state: 'detached' }); // after its fade-out
  }, 180_000);
});
