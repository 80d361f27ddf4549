/**
 * End-to-end for the operations screens, against the real server in headless Chromium:
 * an operator (billing manager) takes an order for a customer on the customer's page, moves it
 * to in-progress and completes it with a billing start date, runs the periodic rating for the
 * period and watches the progress bar (fed by the bill run's server-sent events) reach 100%,
 * opens the resulting invoice from the per-payer results and checks its total against the
 * rating preview of the same plan, quantities and period (the plan's documented prices and the
 * tenant's published rules). Screenshots go to test-results/operations-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, hasChromium, pickOption, signIn, startHarness, type Harness } from './harness';

if (!hasChromium) console.warn('[e2e] SKIPPED: /usr/bin/chromium not found.');

/** First day of the month `offset` months from now, YYYY-MM-DD (UTC calendar). */
function monthStart(offset: number): string {
  const d = new Date();
  const x = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
  return x.toISOString().slice(0, 10);
}

/** An el-input by test id (Element Plus puts extra attributes on the inner <input>). */
const inp = (id: string) => `input[data-testid=${id}], [data-testid=${id}] input`;

interface CustomerRow { id: string; externalId: string; name: string; type: string; segment: string | null; country: string; tags: string[]; currency: string; billingGroup: string | null }

describe.skipIf(!hasChromium)('operations: order → bill run → invoice (headless Chromium)', () => {
  let h: Harness;
  let page: Page;
  const shot = async (name: string) => {
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(ROOT, 'test-results', `operations-${name}.png`) });
  };
  /** API calls with the browser's session cookie. */
  const apiGet = async <T>(path: string): Promise<T> => (await page.request.get(`${h.baseUrl}/api/v1${path}`)).json() as Promise<T>;
  const apiPost = async <T>(path: string, body: unknown): Promise<T> =>
    (await page.request.post(`${h.baseUrl}/api/v1${path}`, { data: body })).json() as Promise<T>;

  beforeAll(async () => {
    h = await startHarness();
    page = await h.newPage();
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('takes an order, completes it, runs the bill run to 100% and finds the plan total on the invoice', async () => {
    await signIn(page, h.baseUrl, 'billing@demo.billwise.dev');
    const periodStart = monthStart(-1);
    const periodEnd = monthStart(0);
    const lastDay = new Date(Date.parse(`${periodEnd}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

    // A new KRW customer (with its own payer, no bill-run group): nothing is invoiced for it yet,
    // and the run for "no group" picks it up.
    const stamp = Date.now().toString(36).toUpperCase();
    const c = await apiPost<CustomerRow>('/customers', {
      externalId: `E2E-${stamp}`, type: 'individual', name: `이투이 ${stamp}`, country: 'KR', currency: 'KRW',
      email: `e2e-${stamp.toLowerCase()}@mail.example`, payer: { name: `이투이 ${stamp} 납부`, paymentMethodType: 'card' },
    });
    expect(c.id, JSON.stringify(c)).toBeTruthy();

    // 1. Customer page → 오더 신청: base plan Standard, 3 seats.
    await page.goto(`${h.baseUrl}/customers/list`);
    await page.fill(inp('customer-search'), c.externalId);
    await page.press(inp('customer-search'), 'Enter');
    const table = page.locator('[data-testid=customers-table]');
    await table.locator(`text=${c.name}`).first().click();
    await page.waitForURL('**/customers/detail/**');
    await page.locator('[data-testid=customer-name]', { hasText: c.name }).waitFor();
    await page.click('[data-testid=customer-new-order]');
    await page.locator('[data-testid=order-form]').waitFor();
    await pickOption(page, 'order-base-plan', 'standard · KRW');
    await page.fill(inp('order-qty-seats'), '3');
    await shot('order-form');
    await page.click('[data-testid=order-save]');

    // 2. 오더 관리: requested → in progress → completed with the billing start date.
    await page.waitForURL('**/customers/orders');
    const row = page.locator('[data-testid=orders-table] tbody tr', { hasText: c.name }).first();
    await row.waitFor();
    expect(await row.innerText()).toContain('신청');
    await row.locator('[data-testid=order-start]').click();
    await row.locator('text=처리 중').waitFor();
    await row.locator('[data-testid=order-complete]').click();
    const dlg = page.locator('.el-dialog:visible');
    const dateInput = dlg.locator('input').first();
    // The start date defaults to a date the plan accepts (today or later), not the 1st of the month.
    await expect.poll(() => dateInput.inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(await dateInput.inputValue() >= new Date().toISOString().slice(0, 10) || (await dateInput.inputValue()) >= periodEnd).toBe(true);
    await dateInput.fill(periodStart);
    await dateInput.press('Enter');
    await page.click('[data-testid=order-complete-confirm]');
    // Wait for the row to show the completed order (its "완료 처리" button also contains 완료, so
    // waiting for that text alone would not wait at all).
    await expect.poll(() => row.innerText(), { timeout: 15_000 }).toContain(periodStart);
    await row.locator('[data-testid=order-complete]').waitFor({ state: 'detached' });
    await shot('orders');

    // 3. 정기 요금 계산: no group, the month of the billing start; progress bar to 100%.
    await page.click('[data-testid=top-menu] >> text=빌링');
    await page.click('[data-testid=menu-billing-bill-runs]');
    await page.locator('[data-testid=billrun-form]').waitFor();
    const range = page.locator('[data-testid=billrun-form] .el-date-editor input');
    await range.nth(0).fill(periodStart);
    await range.nth(0).press('Enter');
    // Periods are picked inclusive: the last day of the month, not the 1st of the next one.
    await range.nth(1).fill(lastDay);
    await range.nth(1).press('Enter');
    await page.locator('[data-testid=billrun-form] .el-form-item__label', { hasText: '배치 그룹' }).click(); // close the picker
    // A dry run is the default; a real run is confirmed with the scope of a dry run first.
    expect(await page.locator('[data-testid=billrun-dry] input').isChecked()).toBe(true);
    await page.click('[data-testid=billrun-dry]');
    await page.click('[data-testid=billrun-start]');
    const confirm = page.locator('[data-testid=billrun-confirm]');
    await confirm.locator('[data-testid=confirm-period]').waitFor({ timeout: 60_000 });
    expect(await confirm.locator('[data-testid=confirm-period]').innerText()).toBe(`${periodStart} ~ ${lastDay}`);
    expect(Number(await confirm.locator('[data-testid=confirm-payers]').innerText())).toBeGreaterThan(0);
    expect(await confirm.locator('[data-testid=confirm-total]').count()).toBeGreaterThan(0);
    expect(await confirm.locator('[data-testid=confirm-open-warning]').count()).toBe(0); // last month has ended
    await shot('bill-run-confirm');
    await confirm.locator('[data-testid=confirm-run]').click();
    const progress = page.locator('[data-testid=billrun-progress]');
    await progress.waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-testid=billrun-progress]')?.getAttribute('data-status') === 'completed',
      undefined,
      { timeout: 60_000 },
    );
    expect(await progress.getAttribute('data-percent')).toBe('100');
    expect(await progress.innerText()).toContain('100%');
    const results = page.locator('[data-testid=billrun-payers]');
    await results.waitFor();
    await shot('bill-run');

    // 4. The invoice of this customer's payer: its total equals the rating preview of the plan.
    const preview = await apiPost<{ total: string; currency: string }>('/rating/preview', {
      customer: { id: c.id, type: c.type, segment: c.segment, country: c.country, tags: c.tags },
      period: { start: periodStart, end: periodEnd },
      subscriptions: [{ planCode: 'standard', quantities: { seats: '3' }, startDate: periodStart }],
    });
    expect(preview.currency).toBe('KRW');
    const cust = await apiGet<{ payerId: string }>(`/customers/${c.id}`);
    const invs = await apiGet<{ data: { id: string }[] }>(`/invoices?payerId=${cust.payerId}&periodStart=${periodStart}`);
    expect(invs.data.length).toBe(1);
    await results.locator(`a[href$="${invs.data[0].id}"]`).click();
    await page.waitForURL('**/billing/invoices/**');
    const total = page.locator('[data-testid=invoice-total]');
    await total.waitFor();
    expect(await total.getAttribute('data-amount')).toBe(preview.total);
    // shown formatted per currency: ₩ and thousands separators, no decimals for KRW
    const shown = (await total.innerText()).trim();
    expect(shown).toBe(`₩${BigInt(preview.total).toLocaleString('en-US')}`);
    // each discount/tax line names the rule that produced it (the VAT rule at least)
    await page.locator('[data-testid=invoice-lines] [data-testid=line-rule]').first().waitFor();
    expect(await page.locator('[data-testid=invoice-lines]').innerText()).toContain('kr-vat');
    // One inclusive period format in the header and on the lines; a draft has no issue date yet.
    expect(await page.locator('.el-descriptions').first().innerText()).toContain(`${periodStart} ~ ${lastDay}`);
    expect(await page.locator('[data-testid=invoice-lines]').innerText()).toContain(`${periodStart} ~ ${lastDay}`);
    expect(await page.locator('[data-testid=invoice-issue-date]').innerText()).toBe('확정 시 결정');
    await shot('invoice');

    // 5. Void it and bill the payer's period again: a new draft of the same total.
    await page.click('[data-testid=invoice-void]');
    await page.locator('.el-message-box .el-button--primary').click();
    await page.locator('[data-testid=invoice-rebill]').click();
    await page.locator('.el-message-box .el-button--primary').click();
    await page.waitForURL((u) => !u.pathname.endsWith(invs.data[0].id) && u.pathname.includes('/billing/invoices/'));
    await page.locator('[data-testid=invoice-finalize]').waitFor();
    expect(await page.locator('[data-testid=invoice-total]').getAttribute('data-amount')).toBe(preview.total);

    // 6. Invoices list from ?status=draft: bulk finalize the new draft, with a result summary.
    await page.goto(`${h.baseUrl}/billing/invoices?status=draft`);
    const listRow = page.locator('[data-testid=invoices-table] .el-table__body-wrapper tr', { hasText: `이투이 ${stamp}` }).first();
    await listRow.waitFor();
    expect(await page.locator('[data-testid=invoice-status-filter] .is-active').innerText()).toContain('작성 중');
    await listRow.locator('.el-checkbox').click();
    await page.click('[data-testid=invoices-bulk-finalize]');
    await page.locator('.el-message-box .el-button--primary').click();
    await page.locator('[data-testid=bulk-summary]').waitFor();
    expect(await page.locator('[data-testid=bulk-summary]').innerText()).toContain('1건 확정, 0건 실패');
    await shot('bulk-finalize');
  }, 180_000);
});
