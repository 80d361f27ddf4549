/**
 * QA flows against the real server in headless Chromium (1366×768), Korean UI:
 * - customers CSV import: a dry run with row errors marks step 2 as failed (never a green check)
 *   and keeps the import button disabled; an export → import round trip passes the dry run;
 * - subscription detail: change plan (upgrade) adds a phase to the timeline, pause/resume update
 *   the status; the side menu keeps the parent list highlighted on detail pages;
 * - invoice detail: credit-note validation errors land on the offending line's input; sending by
 *   e-mail without SMTP shows the EMAIL_NOT_CONFIGURED explanation;
 * - meters: a meter with property filters is created and its filters are listed;
 * - roles: the executive (read-only) sees no write actions on subscription and invoice pages.
 * Screenshots go to test-results/qa-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Decimal from 'decimal.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, hasChromium, signIn, startHarness, type Harness } from './harness';

if (!hasChromium) console.warn('[e2e] SKIPPED: /usr/bin/chromium not found.');

interface Paged<T> { data: T[]; total: number }
interface SubRow { id: string; planCode: string; status: string; phases: unknown[] }
interface InvRow { id: string; status: string; currency: string; total: string }

describe.skipIf(!hasChromium)('QA flows (headless Chromium)', () => {
  let h: Harness;
  let page: Page;
  const shot = async (name: string) => {
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ROOT, 'test-results', `qa-${name}.png`) });
  };
  const apiGet = async <T>(path: string): Promise<T> => (await page.request.get(`${h.baseUrl}/api/v1${path}`)).json() as Promise<T>;
  const dialog = () => page.locator('.el-dialog:visible');
  const confirmBox = () => page.locator('.el-message-box__btns button.el-button--primary').click();

  beforeAll(async () => {
    h = await startHarness();
    page = await h.newPage();
    await signIn(page, h.baseUrl, 'admin@demo.billwise.dev');
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('CSV import: dry-run errors are shown as a failed step; export → import round trip is clean', async () => {
    await page.goto(`${h.baseUrl}/customers/list`);
    await page.locator('[data-testid=tree-menu] .el-menu-item.is-active').waitFor();
    const exported = await page.request.get(`${h.baseUrl}/api/v1/customers/export`);
    expect(exported.ok()).toBe(true);
    const csv = await exported.text();
    const [header, first] = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
    const dir = join(ROOT, 'test-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'qa-bad.csv'), `${header}\n${first.replace(/,(individual|corporate|public|foreigner),/, ',alien,')}\n`);
    writeFileSync(join(dir, 'qa-roundtrip.csv'), csv);

    await page.locator('.bw-toolbar button', { hasText: 'CSV 가져오기' }).click();
    await page.setInputFiles('[data-testid=import-file]', join(dir, 'qa-bad.csv'));
    await page.locator('[data-testid=import-errors]').waitFor();
    const steps = page.locator('[data-testid=import-steps] .el-step');
    expect(await steps.nth(1).locator('.el-step__head').getAttribute('class')).toContain('is-error');
    expect(await steps.nth(1).locator('.el-step__head').getAttribute('class')).not.toContain('is-success');
    expect(await page.locator('[data-testid=import-run]').isDisabled()).toBe(true);
    await shot('import-errors');

    await page.setInputFiles('[data-testid=import-file]', join(dir, 'qa-roundtrip.csv'));
    await page.locator('[data-testid=import-ok]').waitFor();
    expect(await steps.nth(1).locator('.el-step__head').getAttribute('class')).toContain('is-success');
    expect(await page.locator('[data-testid=import-run]').isEnabled()).toBe(true);
    await dialog().locator('.el-dialog__headerbtn').click();
  });

  it('subscription: upgrade adds a phase, pause and resume; the side menu highlights the list', async () => {
    const subs = await apiGet<Paged<SubRow>>('/subscriptions?planCode=standard&status=active&limit=5');
    const sub = subs.data[0];
    await page.goto(`${h.baseUrl}/customers/subscriptions/${sub.id}`);
    await page.locator('[data-testid=sub-phases]').waitFor();
    await expect.poll(() => page.locator('[data-testid=menu-customers-subscriptions]').getAttribute('class')).toContain('is-active');
    const phasesBefore = await page.locator('[data-testid=sub-phases] .el-timeline-item').count();

    await page.click('[data-testid=sub-change-plan]');
    await page.click('[data-testid=sub-new-plan]');
    await page.locator('.el-select-dropdown__item:visible', { hasText: '(enterprise)' }).click();
    await page.click('[data-testid=sub-action-confirm]');
    await expect.poll(() => page.locator('[data-testid=sub-phases] .el-timeline-item').count()).toBe(phasesBefore + 1);
    await expect.poll(() => page.locator('.bw-toolbar h2').textContent()).toContain('enterprise');
    await shot('sub-upgraded');

    await page.click('[data-testid=sub-pause]');
    await page.click('[data-testid=sub-action-confirm]');
    await page.locator('[data-testid=sub-resume]').waitFor();
    await page.click('[data-testid=sub-resume]');
    await confirmBox();
    await page.locator('[data-testid=sub-pause]').waitFor();
    expect((await apiGet<SubRow>(`/subscriptions/${sub.id}`)).status).toBe('active');
  });

  it('invoice: credit-note errors sit on the line input; e-mail without SMTP explains itself', async () => {
    // a KRW invoice of at least 1,000: which invoice of the demo run comes first is up to the bill run's numbering
    const invs = await apiGet<Paged<InvRow>>('/invoices?status=finalized&limit=100');
    const inv = invs.data.find((i) => i.currency === 'KRW' && new Decimal(i.total).gte(1000));
    expect(inv, 'a finalized KRW invoice of at least 1,000 in the demo data').toBeTruthy();
    await page.goto(`${h.baseUrl}/billing/invoices/${inv!.id}`);
    await page.locator('[data-testid=invoice-totals]').waitFor();
    await expect.poll(() => page.locator('[data-testid=menu-billing-invoices]').getAttribute('class')).toContain('is-active');

    await page.click('[data-testid=invoice-adjust]');
    const form = dialog();
    await form.locator('input').first().fill('QA 조정');
    await form.locator('[data-testid=cn-line-0] input').nth(0).fill('보정');
    await form.locator('[data-testid=cn-line-0] input').nth(1).fill('-5');
    await page.click('[data-testid=cn-save]');
    const amountItem = form.locator('[data-testid=cn-line-0] .el-form-item').nth(1);
    await expect.poll(() => amountItem.getAttribute('class')).toContain('is-error');
    expect(await form.locator('[data-testid=cn-line-0] .el-form-item').nth(0).getAttribute('class')).not.toContain('is-error');
    await shot('credit-note-error');
    await form.locator('[data-testid=cn-line-0] input').nth(1).fill('1000');
    await page.click('[data-testid=cn-save]');
    await page.locator('[data-testid=invoice-credited]').waitFor();

    await page.click('[data-testid=invoice-send]');
    await page.click('[data-testid=invoice-send-confirm]');
    const err = page.locator('[data-testid=invoice-send-error]');
    await err.waitFor();
    expect(await err.textContent()).toContain('SMTP');
    await shot('send-no-smtp');
    await page.keyboard.press('Escape');
  });

  it('meters: creates a meter with property filters', async () => {
    await page.goto(`${h.baseUrl}/billing/meters`);
    await page.locator('[data-testid=meters-table]').waitFor();
    await page.locator('.bw-toolbar button.el-button--primary').click();
    const form = dialog();
    await form.locator('input').nth(0).fill('qa_kr_calls');
    await form.locator('input').nth(1).fill('QA 국내 호출');
    await page.click('[data-testid=meter-filter-add]');
    await form.locator('.filter input').nth(0).fill('region');
    await form.locator('.filter input').nth(1).fill('kr, jp');
    await form.locator('.el-dialog__footer button.el-button--primary').click();
    await expect.poll(() => page.locator('[data-testid=meters-table] .el-table__body tr', { hasText: 'qa_kr_calls' }).count()).toBeGreaterThan(0);
    const meters = await apiGet<Paged<{ code: string; filters: Record<string, unknown> }>>('/meters');
    expect(meters.data.find((m) => m.code === 'qa_kr_calls')?.filters).toEqual({ region: ['kr', 'jp'] });
  });

  it('executive (read-only) gets no write actions on subscription and invoice pages', async () => {
    const subs = await apiGet<Paged<SubRow>>('/subscriptions?status=active&limit=1');
    const invs = await apiGet<Paged<InvRow>>('/invoices?status=finalized&limit=1');
    const ctx = page.context();
    await ctx.clearCookies();
    await signIn(page, h.baseUrl, 'exec@demo.billwise.dev');
    await page.goto(`${h.baseUrl}/customers/subscriptions/${subs.data[0].id}`);
    await page.locator('[data-testid=sub-phases]').waitFor();
    for (const id of ['sub-change-plan', 'sub-change-qty', 'sub-pause', 'sub-cancel']) expect(await page.locator(`[data-testid=${id}]`).count()).toBe(0);
    await page.goto(`${h.baseUrl}/billing/invoices/${invs.data[0].id}`);
    await page.locator('[data-testid=invoice-totals]').waitFor();
    for (const id of ['invoice-paid', 'invoice-failed', 'invoice-void', 'invoice-adjust', 'invoice-send']) expect(await page.locator(`[data-testid=${id}]`).count()).toBe(0);
    expect(await page.locator('[data-testid=invoice-pdf]').count()).toBe(1);
    await shot('exec-invoice');
  });
});
