/**
 * End-to-end for the executive dashboard: with a little billing history created through the API
 * (two orders completed last month, a bill run for that month, invoices finalized), the executive
 * signs in, lands on the dashboard and sees the KPI cards filled and every chart drawn (ECharts
 * canvases), in Korean and in English. Screenshots go to test-results/dashboard-*.png.
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
    h = await startHarness();
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
    for (const i of inv.data) await api.post(`/invoices/${i.id}/finalize`);
    await api.post(`/invoices/${inv.data[0].id}/mark-paid`);
  }, 240_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('an executive lands on the dashboard and sees KPIs and charts with data', async () => {
    const page = await h.newPage();
    await signIn(page, h.baseUrl, 'exec@demo.billwise.dev');
    await page.waitForURL('**/statistics/dashboard');
    expect(await page.locator('[data-testid=page-title]').innerText()).toBe('경영 대시보드');

    const kpis = page.locator('[data-testid=kpis]');
    await kpis.waitFor();
    for (const id of ['kpi-revenue', 'kpi-mrr', 'kpi-active', 'kpi-new-churned']) {
      expect((await page.locator(`[data-testid=${id}]`).innerText()).trim()).not.toBe('');
    }
    expect((await page.locator('[data-testid=kpi-revenue]').innerText()).trim()).toMatch(/^₩[\d,]+$/);
    // both subscriptions are active at the end of this month
    expect(Number((await page.locator('[data-testid=kpi-active]').innerText()).replace(/\D/g, ''))).toBeGreaterThanOrEqual(2);

    // every chart is drawn on a canvas of real size
    for (const id of ['chart-revenue', 'chart-mrr', 'chart-subscribers', 'chart-invoices', 'chart-top-plans']) {
      const canvas = page.locator(`[data-testid=${id}] canvas`).first();
      await canvas.waitFor();
      const box = await canvas.boundingBox();
      expect(box && box.width > 100 && box.height > 100, `${id} canvas size`).toBe(true);
    }
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(ROOT, 'test-results', 'dashboard-ko.png') });

    // English
    await page.click('[data-testid=lang-en]');
    await page.locator('[data-testid=page-title]', { hasText: 'Executive dashboard' }).waitFor();
    expect(await page.locator('[data-testid=dashboard]').innerText()).toContain('Revenue by month');
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(ROOT, 'test-results', 'dashboard-en.png') });
  }, 120_000);
});
