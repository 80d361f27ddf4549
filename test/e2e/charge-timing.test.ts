/**
 * End-to-end for the plan builder's charge timing (headless Chromium, Korean console): a business
 * manager turns a flat fee into 24 installments without JSON and reads the schedule the server
 * rated side by side: cycle 1, cycle 2 and the last installment (which carries the remainder).
 * The fixed term's "move to plan" is a list of the plans the server accepts at publish.
 * Screenshots: test-results/charge-timing-schedule.png, charge-timing-move-plan.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, hasChromium, pickOption, signIn, startHarness, type Harness } from './harness';

describe.skipIf(!hasChromium)('plan builder: installments and the schedule preview (headless Chromium)', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); }, 600_000); // builds web/dist when stale
  afterAll(async () => { await h?.stop(); });

  it('a flat fee of 1,000,000 in 24 installments previews 41,667 / 41,667 / 41,659', async () => {
    const page = await h.newPage();
    await signIn(page, h.baseUrl, 'billing@demo.billwise.dev');
    await page.goto(`${h.baseUrl}/products/plans/new`);
    await page.fill('[data-testid=plan-code]', 'e2e-phone');
    await page.fill('[data-testid=plan-name]', 'E2E 단말 할부');
    await pickOption(page, 'plan-currency', 'KRW');
    await page.fill('[data-testid=comp-0-amount]', '1000000');
    await pickOption(page, 'comp-0-charge', '할부');
    await page.fill('[data-testid=comp-0-installments] input', '24');
    const strip = page.locator('[data-testid=schedule-strip]');
    await strip.locator('[data-testid=schedule-cycle-24]', { hasText: '마지막 할부' }).waitFor({ timeout: 20_000 });
    await strip.locator('td', { hasText: '41,659' }).first().waitFor({ timeout: 20_000 });
    const text = await strip.innerText();
    expect(text).toContain('1회차');
    expect(text).toContain('2회차');
    expect(text).toContain('할부 24/24회차');
    // A cancellation in cycle 2 (the preview's cancelledOn): installment 2, then 3-24 at once, 1,000,000 − 2 × 41,667 = 916,666.
    await strip.locator('[data-testid=schedule-cancelled-2]', { hasText: '2회차에 해지하면' }).waitFor({ timeout: 20_000 });
    await strip.locator('td', { hasText: '916,666' }).first().waitFor({ timeout: 20_000 });
    expect(text).not.toMatch(/installment|one-time/);
    // What happens to installments left when the subscription ends, said under the fee.
    expect(await page.locator('[data-testid=installments-on-cancel]').innerText()).toContain('남은 할부금');
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results', 'charge-timing-schedule.png') });
    // A 24-month term that moves to another plan: a list of published KRW plans billed by months or
    // years (not the USD ones), no code to type.
    await page.click('[data-testid=plan-term-toggle]');
    await pickOption(page, 'plan-term-then', '다른 상품으로 전환');
    await page.click('[data-testid=plan-term-move]');
    const options = page.locator('.el-select-dropdown__item:visible');
    await options.filter({ hasText: 'standard-annual' }).first().waitFor({ timeout: 20_000 });
    const labels = await options.allInnerTexts();
    expect(labels).toEqual(expect.arrayContaining(['Basic (basic)', 'Standard (standard)', 'Standard (연간) (standard-annual)']));
    expect(labels.some((l) => /eureka|aws-passthrough/.test(l))).toBe(false);
    await options.filter({ hasText: '(standard)' }).first().click();
    // A valid choice: no field error left on the term.
    await expect.poll(() => page.locator('.el-form-item__error', { hasText: 'planCode' }).count(), { timeout: 10_000 }).toBe(0);
    await page.screenshot({ path: join(ROOT, 'test-results', 'charge-timing-move-plan.png') });
    await page.context().close();
  }, 120_000);
});
