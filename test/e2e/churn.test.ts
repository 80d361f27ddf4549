/**
 * End-to-end for churn prediction in the console: the demo tenant has an active model with scores
 * (the demo seed registers the committed model and scores the demo customers; if it did not, the
 * test registers it through the API), the admin sees the churn widget on the dashboard, opens the
 * top at-risk customer, reads the risk, band and main reasons in Korean words (no raw feature
 * names) and in English, and the "retention offer" shortcut creates a discount rule draft on the
 * churn facts for that customer and opens it in the rule editor. An executive sees realised against
 * predicted churn by month on the model page (or its empty state). Screenshots: test-results/churn-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, hasChromium, signIn, startHarness, type Harness } from './harness';

if (!hasChromium) console.warn('[e2e] SKIPPED: /usr/bin/chromium not found.');

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

describe.skipIf(!hasChromium)('churn in the console (headless Chromium)', () => {
  let h: Harness;
  let top: { customerId: string; name: string; externalId: string };

  beforeAll(async () => {
    h = await startHarness();
    const api = await adminApi(h.baseUrl);
    const models = await api.get<{ data: unknown[] }>('/churn/models');
    if (!models.data.length) {
      const dir = join(ROOT, 'server/churn/models/telco/');
      await api.post('/churn/models', {
        onnx: readFileSync(dir + 'churn.onnx').toString('base64'), segmentsOnnx: readFileSync(dir + 'segments.onnx').toString('base64'),
        trees: JSON.parse(readFileSync(dir + 'trees.json', 'utf8')), card: JSON.parse(readFileSync(dir + 'model-card.json', 'utf8')), activate: true,
      });
    }
    await api.post('/analytics/churn/score', {});
    const list = await api.get<{ total: number; data: { customerId: string; name: string; externalId: string }[] }>('/analytics/churn?limit=1');
    expect(list.total).toBeGreaterThan(0);
    top = list.data[0];
  }, 600_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('dashboard widget → at-risk customer (ko/en) → retention offer draft in the rule editor', async () => {
    const page = await h.newPage();
    await signIn(page, h.baseUrl, 'admin@demo.billwise.dev');
    await page.goto(`${h.baseUrl}/statistics/dashboard`);
    const widget = page.locator('[data-testid=churn-widget]');
    await widget.locator('[data-testid=churn-top] a', { hasText: top.name }).first().waitFor();
    expect(await widget.locator('[data-testid=churn-at-risk-mrr]').count()).toBeGreaterThan(0);
    expect(await widget.innerText()).toContain('이탈 위험');
    // segment names (English phrases in the model card) are worded in Korean
    expect(await widget.locator('[data-testid=churn-segments]').innerText()).not.toMatch(/[a-z]{3,}/);
    await widget.locator('canvas').first().waitFor();
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await widget.screenshot({ path: join(ROOT, 'test-results', 'churn-widget-ko.png') });

    await widget.locator('[data-testid=churn-top] a', { hasText: top.name }).first().click();
    await page.waitForURL(`**/customers/detail/${top.customerId}**`);
    const panel = page.locator('[data-testid=customer-churn]');
    await panel.locator('[data-testid=churn-band]').waitFor();
    expect(await panel.locator('[data-testid=churn-probability]').innerText()).toMatch(/^\d+(\.\d)?%$/);
    expect(['낮음', '보통', '높음']).toContain((await panel.locator('[data-testid=churn-band]').innerText()).trim());
    const drivers = (await panel.locator('[data-testid=churn-drivers]').innerText().catch(() => '')).trim();
    // reasons are worded, never column names such as tenure_days or method_card
    expect(drivers).not.toMatch(/[a-z]+_[a-z_0-9]+/);
    await page.screenshot({ path: join(ROOT, 'test-results', 'churn-customer-ko.png') });

    await page.click('[data-testid=lang-en]');
    await panel.locator('[data-testid=churn-band]', { hasText: /^(Low|Medium|High)$/ }).waitFor();
    expect(await panel.innerText()).toContain('Main reasons');
    await page.click('[data-testid=lang-ko]');

    await panel.locator('[data-testid=retention-offer]').click();
    const dialog = page.locator('[data-testid=retention-dialog]');
    await dialog.waitFor();
    await dialog.locator('[data-testid=offer-create]').click();
    await page.waitForURL('**/products/rules/retain-*');
    const code = decodeURIComponent(page.url().split('/products/rules/')[1].split(/[?#]/)[0]);
    const api = await adminApi(h.baseUrl);
    const rule = await api.get<{ status: string; draftVersion: number | null; document: { conditions: { all: { fact: string; value: unknown }[] }; event: { params: { percent: string } } } }>(`/rules/${code}`);
    expect(rule.draftVersion).toBe(1); // a draft: nothing applies until a marketer publishes it
    const conds = rule.document.conditions.all;
    expect(conds).toContainEqual({ fact: 'customer.id', operator: 'equal', value: top.externalId });
    expect(conds).toContainEqual({ fact: 'customer.churnBand', operator: 'in', value: ['medium', 'high'] });
    expect(rule.document.event.params.percent).toBe('10');
  }, 240_000);

  it('model page, as an executive (read-only): realised against predicted churn by month, or why there is none yet', async () => {
    const api = await adminApi(h.baseUrl);
    const realised = await api.get<{ months: { month: string; scored: number }[] }>('/analytics/churn/realised');
    expect(realised.months).toHaveLength(12); // the last 12 months by default
    const page = await h.newPage();
    await signIn(page, h.baseUrl, 'exec@demo.billwise.dev');
    await page.goto(`${h.baseUrl}/statistics/churn-models`);
    await page.locator('[data-testid=churn-model-card]').waitFor();
    const card = page.locator('[data-testid=chart-churn-realised]');
    await card.waitFor();
    expect(await card.innerText()).toContain('월별 실제 이탈 대 예측 이탈');
    expect(await page.locator('[data-testid^=activate-]').count()).toBe(0); // no activation for a read-only role
    if (realised.months.some((m) => m.scored > 0)) {
      await card.locator('canvas').first().waitFor();
      const bands = page.locator('[data-testid=churn-realised-bands]');
      expect(await bands.innerText()).toContain('이탈률 (정밀도)');
      expect(await page.locator('[data-testid=chart-churn-realised-csv]').isDisabled()).toBe(false);
    } else {
      // the demo's scores are all dated today, newer than the start of any month shown: say so, draw no zeros
      await card.locator('.el-empty', { hasText: '아직 이 기간의 월초 시점 점수가 없습니다' }).waitFor();
      expect(await card.locator('canvas').count()).toBe(0);
      expect(await page.locator('[data-testid=chart-churn-realised-csv]').isDisabled()).toBe(true);
    }
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await card.screenshot({ path: join(ROOT, 'test-results', 'churn-realised-ko.png') });
    await page.click('[data-testid=lang-en]');
    await card.locator('h3', { hasText: 'Realised against predicted churn by month' }).waitFor();
  }, 120_000);
});
