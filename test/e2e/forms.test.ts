/**
 * Forms validate in the form (headless Chromium, 1366×768, Korean, the demo admin):
 * - a new plan: no preview call while the plan is incomplete, one message next to each missing
 *   field (no JSON paths, no English), and the preview once the plan is complete;
 * - a bill-run group with an empty code never sends "PUT /bill-run-groups/" (it said "No route");
 *   a code with a space gets a human message;
 * - a payer's bad country shows under Country, not under the address line;
 * - the customer form offers country/currency/time-zone pickers, generates an id, and says that
 *   no bill-run group is set.
 * Screenshots go to test-results/forms-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, hasChromium, signIn, startHarness, type Harness } from './harness';

if (!hasChromium) console.warn('[e2e] SKIPPED: /usr/bin/chromium not found.');

describe.skipIf(!hasChromium)('forms validate in the form (headless Chromium)', () => {
  let h: Harness;
  let page: Page;
  const requests: string[] = [];
  const shot = async (name: string) => {
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(ROOT, 'test-results', `forms-${name}.png`) });
  };
  const dialog = () => page.locator('.el-dialog:visible');
  const saveDialog = () => dialog().locator('.el-dialog__footer button.el-button--primary').click();

  beforeAll(async () => {
    h = await startHarness({ healthTimeoutMs: 540_000 });
    page = await h.newPage();
    page.on('request', (r) => { if (r.url().includes('/api/v1/')) requests.push(`${r.method()} ${new URL(r.url()).pathname}`); });
    await signIn(page, h.baseUrl, 'admin@demo.billwise.dev');
  }, 600_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('plan form: no preview while incomplete, one message per field, the preview once complete', async () => {
    await page.goto(`${h.baseUrl}/products/plans/new`);
    await page.locator('[data-testid=plan-editor]').waitFor();
    await page.fill('[data-testid=plan-code]', 'e2e-form-plan');
    await page.locator('[data-testid=preview-incomplete]').waitFor();
    await page.waitForTimeout(900); // past the preview's 500 ms debounce
    expect(requests.filter((r) => r.includes('/rating/preview'))).toEqual([]);
    const errors = await page.locator('[data-testid=plan-editor] .el-form-item__error').allTextContents();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.trim() === '필수 항목입니다')).toBe(true);
    const text = await page.locator('[data-testid=plan-editor]').innerText();
    expect(text).not.toMatch(/components\[\d+\]|subscriptions\[|Invalid input|expected/);
    await shot('plan-incomplete');

    await page.fill('[data-testid=plan-name]', 'E2E 요금제');
    await page.fill('[data-testid=comp-0-amount]', '-5');
    await page.waitForTimeout(300);
    // an error element whose message is fading out (the required-field ones above) is empty: only shown messages count
    const shown = (await page.locator('[data-testid=plan-editor] .el-form-item__error').allTextContents()).filter((s) => s.trim());
    expect(shown).toEqual(['0 이상의 금액을 입력하세요 (예: 1200, 9.90)']);
    await page.fill('[data-testid=comp-0-amount]', '10000');
    await page.locator('[data-testid=preview-total]').waitFor();
    expect(requests.some((r) => r.includes('/rating/preview'))).toBe(true);
    expect(await page.locator('[data-testid=plan-editor] .el-form-item__error').count()).toBe(0);
    await shot('plan-complete');
  }, 180_000);

  it('bill-run group: an empty code is caught in the form; a bad code gets a human message', async () => {
    await page.goto(`${h.baseUrl}/billing/bill-run-groups`);
    await page.locator('[data-testid=groups-table]').waitFor();
    await page.locator('.bw-toolbar button.el-button--primary').click();
    await dialog().waitFor();
    const before = requests.length;
    await saveDialog();
    await page.waitForTimeout(400);
    expect(requests.slice(before).filter((r) => r.startsWith('PUT'))).toEqual([]);
    expect(await dialog().locator('.el-form-item__error').first().textContent()).toContain('필수 항목입니다');
    await page.fill('[data-testid=group-code]', 'bad code');
    await page.fill('[data-testid=group-name]', '잘못된 코드');
    await saveDialog();
    await page.waitForTimeout(300);
    const msg = await dialog().locator('.el-form-item__error').first().textContent();
    expect(msg).toContain('영문, 숫자, _, -만 쓸 수 있습니다');
    expect(msg).not.toMatch(/\^|\$|pattern/);
    await shot('group-code');
    await dialog().locator('.el-dialog__headerbtn').click();
  }, 120_000);

  it('payer: a bad country shows under Country', async () => {
    await page.goto(`${h.baseUrl}/customers/payers`);
    await page.click('[data-testid=payer-create]');
    await dialog().waitFor();
    const inputs = dialog().locator('.el-form-item input');
    await inputs.nth(0).fill('E2E 납부자');
    await page.fill('input[data-testid=payer-country]', 'K1'); // el-input puts data-* on its <input>
    await inputs.nth(6).fill('서울시 중구 세종대로 1');
    await saveDialog();
    const countryErr = page.locator('[data-testid=payer-country-item] .el-form-item__error');
    await countryErr.waitFor();
    expect((await countryErr.textContent())?.trim().length).toBeGreaterThan(0);
    expect(await dialog().locator('.el-form-item__error').count()).toBe(1);
    await shot('payer-country');
    await dialog().locator('.el-dialog__headerbtn').click();
  }, 120_000);

  it('customer form: ISO pickers named in Korean, a generated id, and "unset" bill-run group', async () => {
    await page.goto(`${h.baseUrl}/customers/list`);
    await page.click('[data-testid=customer-create]');
    await dialog().waitFor();
    await page.click('[data-testid=customer-generate-id]');
    expect(await page.inputValue('input[name=externalId]')).toMatch(/^C-\d{8}-[0-9A-Z]{6}$/);
    await page.click('[data-testid=customer-country]');
    await page.keyboard.type('일본');
    await page.locator('.el-select-dropdown__item:visible', { hasText: '일본 (JP)' }).first().click();
    expect(await page.locator('[data-testid=customer-country]').innerText()).toContain('일본 (JP)');
    await page.click('[data-testid=customer-currency]');
    // The dropdown opens with a transition (and the country one is still closing): wait for it.
    await expect.poll(() => page.locator('.el-select-dropdown__item:visible').count(), { timeout: 10_000 }).toBeGreaterThan(100);
    await page.keyboard.press('Escape');
    expect(await page.locator('[data-testid=customer-billing-group]').innerText()).toContain('미지정');
    await shot('customer-form');
  }, 120_000);
});
