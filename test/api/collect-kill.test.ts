/**
 * Auto-collection survives a real kill: a worker process charges an invoice at the (sandbox)
 * gateway and is SIGKILLed before it writes the answer down (test/support/collect-killer.ts).
 * A second worker takes the job over when the lease passes, asks the gateway by the attempt's
 * idempotency key, and settles: one charge at the gateway per invoice, one succeeded payment,
 * the invoice paid. On PGlite the data directory is single-writer, so the parent closes its handle
 * while a child runs (as test/api/billing-kill.test.ts does).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { processDb, type ProcessDb } from '../support/process-db';
import { onboardTenant } from '../../server/tenants/onboard';
import { systemCtx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { invoices, payments, sandboxCharges } from '../../server/db/schema';
import { runBillRunNow } from '../../server/billing/bill-runs';
import { finalizeInvoice } from '../../server/invoices/invoices';
import { addPaymentMethod } from '../../server/payments/methods/add-payment-method';
import { PaymentMethodIn } from '../../server/payments/methods/schemas';
import { billingWorld } from '../scenarios/fixture';

const PG = process.env.TEST_DATABASE_URL;
let shared: ProcessDb | null = null;
let env: Record<string, string>;
const open = () => shared!.open();

function run(script: string): Promise<{ out: string; signal: NodeJS.Signals | null; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['tsx', script], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { out += b.toString(); });
    child.on('exit', (code, signal) => resolve({ out, code, signal }));
  });
}

afterAll(async () => {
  await shared?.drop();
});

describe('a worker killed between the gateway charge and our write', () => {
  it('is reconciled by the next worker: charged once, paid once', async () => {
    // The sandbox's webhooks go to a receiver that only says 200: this test is about the status query.
    const sink = createServer((req, res) => { req.resume(); req.on('end', () => res.end('{}')); });
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
    const common = { JOB_LEASE_MS: '1500', WORKER_EXIT_WHEN_IDLE: '1', SANDBOX_WEBHOOK_BASE: `http://127.0.0.1:${(sink.address() as AddressInfo).port}` };
    shared = await processDb('ckill');
    env = { ...common, ...shared.env };
    let h = await open();
    await h.migrate();
    const boot = systemCtx(h.db, '', PERMISSION_CODES);
    const r = await onboardTenant({ ctx: boot, input: { code: 'ckill', name: 'Kill Inc.', currency: 'USD', timezone: 'UTC', locale: 'en', roundingMode: 'half_up', admin: { email: 'admin@ckill.test', name: 'A', password: 'kill-pass-1' } } });
    const tenantId = r.tenant.id;
    const { ctx, customerIds } = await billingWorld(h.db, tenantId, 2, { start: '2025-03-01' });
    await runBillRunNow({ ctx, input: { periodStart: '2025-03-01', allowOpenPeriod: true } });
    for (const id of customerIds) {
      await addPaymentMethod({ ctx, billTo: id, input: PaymentMethodIn.parse({ type: 'card', card: { number: '4242424242424242', expMonth: 12, expYear: 2099 }, autoCollect: true }) });
    }
    const drafts = await h.db.select().from(invoices).where(eq(invoices.tenantId, tenantId));
    expect(drafts).toHaveLength(2);
    for (const i of drafts) await finalizeInvoice({ ctx, id: i.id });
    if (!PG) await h.close();

    const first = await run('test/support/collect-killer.ts');
    expect(first.out).toContain('[kill] charged at the gateway');
    expect(first.code).not.toBe(0);
    if (!PG) h = await open();
    const charged = await h.db.select().from(sandboxCharges).where(and(eq(sandboxCharges.tenantId, tenantId), eq(sandboxCharges.kind, 'charge')));
    expect(charged).toHaveLength(1); // the gateway charged; we never wrote it down
    const pendingPays = await h.db.select().from(payments).where(eq(payments.tenantId, tenantId));
    expect(pendingPays.map((p) => p.status)).toEqual(['pending']);
    if (!PG) await h.close();

    const second = await run('server/jobs/worker-main.ts');
    sink.close();
    expect(second.code, second.out.slice(-2000)).toBe(0);
    if (!PG) h = await open();
    const charges = await h.db.select().from(sandboxCharges).where(and(eq(sandboxCharges.tenantId, tenantId), eq(sandboxCharges.kind, 'charge')));
    expect(charges.map((c) => c.idempotencyKey).sort()).toEqual(drafts.map((i) => `bw-${i.id}-1`).sort()); // one charge per invoice, never two
    const pays = await h.db.select().from(payments).where(eq(payments.tenantId, tenantId));
    expect(pays.map((p) => p.status)).toEqual(['succeeded', 'succeeded']);
    expect(pays.find((p) => p.providerRef === charged[0].id)).toBeTruthy();
    const after = await h.db.select().from(invoices).where(eq(invoices.tenantId, tenantId));
    expect(after.map((i) => i.status)).toEqual(['paid', 'paid']);
    await h.close();
  }, 180_000);
});
