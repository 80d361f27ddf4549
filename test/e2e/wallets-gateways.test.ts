/**
 * End-to-end for the collections console added for issue 10: a billing manager tops up a payer's
 * prepaid balance and grants expiring credit on the customer's wallet tab, and sees the ledger's
 * running balance and the amount about to expire, as the API answers them; an admin sees the PG사
 * settings page with the inbound webhook URL (with ?tenant=) and runs the sandbox's connection
 * test. Screenshots go to test-results/wallets-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, hasChromium, signIn, startHarness, type Harness } from './harness';

const inp = (id: string) => `input[data-testid=${id}], [data-testid=${id}] input`;

describe.skipIf(!hasChromium)('wallet top-up and grant, PG사 settings (headless Chromium)', () => {
  let h: Harness;
  let page: Page;
  const shot = async (name: string) => {
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-results', `wallets-${name}.png`) });
  };

  beforeAll(async () => {
    h = await startHarness({ healthTimeoutMs: 540_000 });
    page = await h.newPage();
  }, 600_000); // a server start (and a console build when stale) on a loaded machine
  afterAll(async () => { await h?.stop(); });

  it('tops up 50,000 and grants 3,000 expiring: ledger balance 53,000, 3,000 to expire', async () => {
    await signIn(page, h.baseUrl, 'billing@demo.billwise.dev');
    const stamp = Date.now().toString(36).toUpperCase();
    const c = await (await page.request.post(`${h.baseUrl}/api/v1/customers`, { data: {
      externalId: `WAL-${stamp}`, type: 'individual', name: `지갑 ${stamp}`, country: 'KR', currency: 'KRW', payer: { name: `지갑 ${stamp} 납부` } } })).json();
    expect(c.payerId, JSON.stringify(c)).toBeTruthy();

    await page.goto(`${h.baseUrl}/customers/detail/${c.id}`);
    await page.click('#tab-wallets');
    const panel = page.locator('[data-testid=wallets-panel]');
    await panel.locator('[data-testid=wallet-top-up]').click();
    await page.fill(inp('wallet-action-amount'), '50000');
    await page.click('[data-testid=wallet-action-save]');
    await panel.locator('[data-testid=wallet-ledger]', { hasText: '50,000' }).waitFor();

    await panel.locator('[data-testid=wallet-grant]').click();
    await page.fill(inp('wallet-action-amount'), '3000');
    await page.fill(inp('wallet-action-reason'), '가입 축하 크레딧');
    // Element Plus keeps the date picker's test id off its <input>: found by its placeholder.
    const expires = page.locator('.el-dialog:visible input[placeholder="소멸 없음"]');
    await expires.fill('2099-12-31');
    await expires.press('Enter');
    await page.click('[data-testid=wallet-action-save]');
    const expiring = panel.locator('[data-testid=wallet-expiring]');
    await expiring.waitFor();
    expect(await expiring.innerText()).toContain('2099-12-31');
    expect(await expiring.innerText()).toContain('3,000');
    const ledger = await panel.locator('[data-testid=wallet-ledger]').innerText();
    expect(ledger).toContain('53,000');
    expect(ledger).toContain('가입 축하 크레딧');

    // What the screen shows is what the server holds.
    const wallets = await (await page.request.get(`${h.baseUrl}/api/v1/payers/${c.payerId}/wallets`)).json();
    expect(wallets.data.map((w: any) => [w.kind, w.balance])).toEqual([['prepaid', '53000']]);
    await shot('ledger');

    // A deduction beyond the balance is refused at the amount field, in Korean.
    await panel.locator('[data-testid=wallet-adjust]').click();
    await page.click('label:has-text("차감")');
    await page.fill(inp('wallet-action-amount'), '60000');
    await page.fill(inp('wallet-action-reason'), '테스트');
    await page.click('[data-testid=wallet-action-save]');
    await page.locator('[data-testid=wallet-action-form] .el-form-item__error', { hasText: '0 미만' }).waitFor();
  });

  it('an admin sees the webhook URL with ?tenant= and a passing sandbox connection test', async () => {
    await page.context().clearCookies();
    await signIn(page, h.baseUrl, 'admin@demo.billwise.dev');
    await page.goto(`${h.baseUrl}/common/gateways`);
    const sandbox = page.locator('[data-testid=gateway-sandbox]');
    await sandbox.waitFor();
    expect(await page.locator('[data-testid=gateway-toss-webhook]').innerText()).toMatch(new RegExp(`^${h.baseUrl}/api/v1/webhooks/payments/toss\\?tenant=[0-9a-f-]{36}$`));
    await page.click('[data-testid=gateway-sandbox-test]');
    expect(await page.locator('[data-testid=gateway-sandbox-result]').innerText()).toContain('연결됨');
    await shot('gateways');
  });
});
