/**
 * Bill-run totals are money: written with the currency's minor units ("51.70", not "51.7"), per
 * currency and per payer, for a dry run and for a stored run alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb } from '../support/db';
import type { DbHandle } from '../../server/db/client';
import { onboardTenant } from '../../server/tenants/onboard';
import { systemCtx, type Ctx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { getBillRun, listBillRuns, runBillRunNow } from '../../server/billing/bill-runs';
import { billingWorld } from '../scenarios/fixture';

let h: DbHandle;
let ctx: Ctx;

beforeAll(async () => {
  h = await freshDb();
  const boot = systemCtx(h.db, '', PERMISSION_CODES);
  const r = await onboardTenant({ ctx: boot, input: { code: 'cents', name: 'Cents Inc.', currency: 'USD', timezone: 'UTC', locale: 'en', roundingMode: 'half_up', admin: { email: 'admin@cents.test', name: 'A', password: 'cents-pass-1' } } });
  // Two customers from Mar 1: Basic 31.00 + VAT 3.10 = 34.10; Seats 10.00 + 2 × 3.00 + VAT 1.60 = 17.60.
  ({ ctx } = await billingWorld(h.db, r.tenant.id, 2, { start: '2025-03-01' }));
});
afterAll(() => h.close());

describe('bill-run totals', () => {
  it('keep the cents of USD amounts, per currency and per payer', async () => {
    for (const dryRun of [true, false]) {
      // The fixture's clock is on 2025-03-01: March has not ended, so the real run says so explicitly.
      const run = await runBillRunNow({ ctx, input: { periodStart: '2025-03-01', dryRun, allowOpenPeriod: true } });
      expect(run.status).toBe('completed');
      expect(run.totals).toEqual({ USD: { invoices: 2, total: '51.70' } });
      expect(run.payers!.map((p) => p.total).sort()).toEqual(['17.60', '34.10']);
    }
    const again = await getBillRun({ ctx, id: (await listBillRuns({ ctx, query: { limit: 1, offset: 0 } })).data[0].id });
    expect(again.totals.USD.total).toBe('51.70');
  });
});
