/**
 * End-to-end for the products area, against the real server in headless Chromium:
 * 1. a business manager builds a graduated (Tier 요율) plan through the form (components, tier
 *    table), sees the server's inline validation on the tier cell, sees the live preview total and
 *    publishes it with an effective date;
 * 2. a marketer creates a coupon rule through the condition builder and tests it against a
 *    customer, seeing it fire in the trace.
 * Screenshots go to test-results/products-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, hasChromium, pickOption, pickRemote, signIn, startHarness, type Harness } from './harness';

if (!hasChromium) console.warn('[e2e] SKIPPED: /usr/bin/chromium not found.');

describe.skipIf(!hasChromium)('products: plan builder and rule builder (headless Chromium)', () => {
  let h: Harness;
  const shot = async (page: Page, name: string) => {
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.waitForTimeout(400);
    await page.screenshot({ path: join(ROOT, 'test-results', `products-${name}.png`) });
  };

  beforeAll(async () => {
    h = await startHarness();
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('a business manager builds a graduated plan, previews it and publishes it', async () => {
    const page = await h.newPage();
    await signIn(page, h.baseUrl, 'billing@demo.billwise.dev');
    await page.click('[data-testid=top-menu] >> text=상품');
    await page.click('[data-testid=menu-products-plans]');
    await page.locator('[data-testid=plans-table]', { hasText: 'enterprise' }).waitFor();
    await page.click('[data-testid=plan-create]');
    await page.waitForURL('**/products/plans/new');

    await page.fill('[data-testid=plan-code]', 'e2e-api');
    await page.fill('[data-testid=plan-name]', 'E2E API 요금제');
    await page.fill('[data-testid=comp-0-amount]', '10000');
    // A usage component with graduated tiers: 0–1000 free, then 2 per call.
    await page.click('[data-testid=comp-add]');
    await page.fill('[data-testid=comp-1-code]', 'api');
    await page.fill('[data-testid=comp-1-name]', 'API 호출');
    await pickOption(page, 'comp-1-meter', '(api_calls)'); // the tenant's meters (issue 9: it was free text)
    await pickOption(page, 'comp-1-model', 'Tier 요율');
    await page.locator('[data-testid=comp-1-tier-table]').waitFor();
    await page.fill('[data-testid=comp-1-tier-0-upTo]', 'abc'); // invalid on purpose
    await page.fill('[data-testid=comp-1-tier-0-unit]', '0');
    await page.fill('[data-testid=comp-1-tier-1-unit]', '2');

    // Saving shows the server's 422 on the tier cell (document.components[1].pricing.tiers[0].upTo).
    await page.click('[data-testid=save-draft]');
    const cellError = page.locator('[data-testid=comp-1-tier-0-upTo-error]');
    await cellError.waitFor();
    expect((await cellError.innerText()).length).toBeGreaterThan(0);
    await shot(page, 'plan-validation');

    await page.fill('[data-testid=comp-1-tier-0-upTo]', '1000');
    // Live preview (rated by the server, debounced): 10,000 base + 500 × 2 = 11,000.
    await page.fill('[data-testid=preview-q-api_calls]', '1500');
    await page.locator('[data-testid=preview-total]', { hasText: '11,000' }).waitFor({ timeout: 15_000 });
    await page.locator('[data-testid=tier-chart] canvas').first().waitFor();

    await page.click('[data-testid=save-draft]');
    await page.waitForURL('**/products/plans/e2e-api');
    await page.locator('[data-testid=draft-badge]').waitFor();
    await page.click('[data-testid=publish-open]');
    await page.click('[data-testid=publish-confirm]');
    await page.locator('[data-testid=plan-status]', { hasText: '게시' }).waitFor();
    await shot(page, 'plan-published');

    // The list shows it published.
    await page.goto(`${h.baseUrl}/products/plans`);
    const row = page.locator('[data-testid=plans-table] tr', { hasText: 'e2e-api' }).first();
    await row.waitFor();
    expect(await row.innerText()).toContain('게시');
    await page.context().close();
  }, 120_000);

  it('a marketer creates a coupon rule with the condition builder and sees it fire for a customer', async () => {
    const page = await h.newPage();
    await signIn(page, h.baseUrl, 'marketer@demo.billwise.dev');
    await page.goto(`${h.baseUrl}/products/rules`);
    await page.locator('[data-testid=rules-table]', { hasText: 'welcome10' }).waitFor();
    await page.click('[data-testid=rule-create]');
    await page.waitForURL('**/products/rules/new');

    await pickOption(page, 'rule-kind', '쿠폰');
    await page.fill('[data-testid=rule-id]', 'spring-corp');
    await page.fill('[data-testid=rule-name]', '봄맞이 법인 쿠폰 20%');
    await page.fill('[data-testid=rule-coupon-code]', 'SPRING20');
    await page.fill('[data-testid=rule-value]', '20');
    // Condition: 고객 유형 = 법인
    await page.click('[data-testid=cond-add]');
    await pickOption(page, 'cond-fact', '고객 유형');
    await pickOption(page, 'cond-value', '법인');

    await page.click('[data-testid=save-draft]');
    await page.waitForURL('**/products/rules/spring-corp');

    // Test against a corporate customer on the Basic plan with the code presented.
    await pickRemote(page, 'customer-picker', '바른회계', '바른회계');
    await pickOption(page, 'test-plan', 'Basic (basic)');
    await page.click('[data-testid=test-run]');
    const verdict = page.locator('[data-testid=test-verdict]');
    await verdict.waitFor({ timeout: 15_000 });
    expect(await verdict.innerText()).toContain('조건 충족');
    const tree = page.locator('[data-testid=test-conditions]');
    expect(await tree.innerText()).toContain('고객 유형');
    const lines = await page.locator('[data-testid=rule-test] [data-testid=preview-lines]').innerText();
    expect(lines).toContain('spring-corp');
    await shot(page, 'rule-test');
    await page.context().close();
  }, 120_000);
});
