/**
 * Bank-statement import and the unmatched-deposit queue (server/payments/deposits): a Korean bank
 * export (title lines above the header, "1,234" amounts, withdrawals) is planned by a dry run that
 * stores nothing, then imported as a job: deposits match by virtual account, by an invoice number
 * in the memo, or by exact amount and depositor name, and are recorded as payments allocated like
 * POST /payments; the rest wait in the queue. Re-importing the file (or an overlapping one) never
 * pays twice; a bad line stores nothing; the queue is worked by matching or dismissing, audited,
 * and another tenant sees none of it.
 * Amounts (USD, VAT 10%): fx-basic 34.10 a month; fx-seats with 2 seats 17.60, with 4 seats 24.20.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { auditLog, bankDeposits } from '../../server/db/schema';
import { billingWorld } from '../scenarios/fixture';
import { signSandbox } from '../../server/payments/gateways/sandbox-webhooks';
import { WEBHOOK_INBOX_KIND } from '../../server/payments/webhooks/inbox';

let t: TestApp;
let one: { tenantId: string; key: string };
let other: { tenantId: string; key: string };
let c: string[];
let vaNumber: string;
const inv: Record<number, any> = {};
const clock = () => new Date('2025-05-02T15:00:00Z');
const call = (method: string, path: string, body?: unknown, key = one.key) => t.call(method, `/api/v1${path}`, { key, body });
const invoice = async (i: number) => (await call('GET', `/invoices/${inv[i].id}`)).body;
const payments = async () => (await call('GET', '/payments?limit=100')).body.data as any[];
const runImports = () => drainJobs(t.handle.db, { now: clock, filter: { kinds: ['payments.bank_import'] } });

async function importFile(csv: string, extra: Record<string, unknown> = {}) {
  const r = await call('POST', '/payments/bank-imports', { csv, currency: 'USD', fileName: 'statement.csv', ...extra });
  expect(r.status).toBe(202);
  expect(r.body.status).toBe('queued');
  await runImports();
  return (await call('GET', `/payments/bank-imports/${r.body.id}`)).body;
}

/** A 신한-style export: title lines, then the header, 출금/입금 columns, amounts with commas. */
const statement = (lines: string[]) => [
  '거래내역조회,,,,,,',
  '계좌번호,110-123-456789,,,,,',
  '거래일자,적요,출금(원),입금(원),내용,가상계좌번호,잔액(원)',
  ...lines,
].join('\r\n') + '\r\n';

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('bank');
  other = await t.otherTenant('bank-other');
  const world = await billingWorld(t.handle.db, one.tenantId, 5, { now: clock, start: '2025-04-01' });
  c = world.customerIds;
  expect((await call('POST', '/bill-runs', { periodStart: '2025-04-01' })).status).toBe(202);
  await drainJobs(t.handle.db, { now: clock });
  for (const i of (await call('GET', '/invoices?limit=50')).body.data as any[]) inv[c.indexOf(i.customerId)] = i;
  for (const k of [0, 1, 2, 3, 4]) inv[k] = (await call('POST', `/invoices/${inv[k].id}/finalize`)).body;
  expect([inv[0].total, inv[1].total, inv[2].total, inv[3].total]).toEqual(['34.10', '17.60', '34.10', '24.20']);
  const va = await call('POST', `/payers/${c[0]}/payment-methods`, { type: 'virtual_account' });
  expect(va.status).toBe(201);
  vaNumber = va.body.accountNumber;
}, 120_000);
afterAll(async () => { await t?.close(); });

const LINES = () => [
  `2025.04.30 14:02:11,타행이체,,34.10,홍길동,${vaNumber.slice(0, 3)}-${vaNumber.slice(3)},1034.10`,
  `2025.04.30 15:10:00,모바일,,10.00,${inv[1]?.number} 결제,,1044.10`,
  '2025.05.01,인터넷,,"24.20",CUSTOMER 3,,1068.30',
  '2025.05.01,카드대금,20.00,,삼성카드,,1048.30',
  '20250501,타행이체,,50.00,김철수,,1098.30',
  '20250502,타행이체,,5.00,모르는회사,,1103.30',
];

describe('a dry run', () => {
  it('shows every line with what would happen to it, and stores nothing', async () => {
    const before = (await payments()).length;
    const imp = await importFile(statement(LINES()), { dryRun: true });
    expect(imp).toMatchObject({ status: 'done', dryRun: true, rows: 5, skipped: 1, matched: 3, unmatched: 2, duplicates: 0, errors: [] });
    expect(imp.plan.map((p: any) => [p.line, p.outcome, p.rule ?? p.reason])).toEqual([
      [4, 'matched', 'virtual_account'], [5, 'matched', 'invoice_number'], [6, 'matched', 'amount_and_name'], [8, 'unmatched', 'no_match'], [9, 'unmatched', 'no_match'],
    ]);
    expect(imp.plan[1]).toMatchObject({ amount: '10.00', invoiceNumber: inv[1].number, billTo: c[1], bookedOn: '2025-04-30' });
    expect((await payments()).length).toBe(before);
    expect(await t.handle.db.select().from(bankDeposits).where(eq(bankDeposits.tenantId, one.tenantId))).toEqual([]);
    expect((await invoice(0)).status).toBe('finalized');
  });
});

describe('importing a statement', () => {
  it('records matched deposits as payments allocated like POST /payments, and queues the rest', async () => {
    const imp = await importFile(statement(LINES()));
    expect(imp).toMatchObject({ status: 'done', dryRun: false, rows: 5, processed: 5, matched: 3, unmatched: 2, duplicates: 0, skipped: 1 });
    expect((await invoice(0))).toMatchObject({ status: 'paid', amountDue: '0.00' });
    expect((await invoice(1))).toMatchObject({ status: 'partially_paid', amountDue: '7.60', amountPaid: '10.00' });
    expect((await invoice(3))).toMatchObject({ status: 'paid', amountDue: '0.00' });
    const pays = (await payments()).filter((p) => p.provider === 'bank');
    expect(pays.map((p) => [p.method, p.amount, p.receivedOn, p.billTo]).sort()).toEqual([
      ['bank_transfer', '10.00', '2025-04-30', c[1]], ['bank_transfer', '24.20', '2025-05-01', c[3]], ['virtual_account', '34.10', '2025-04-30', c[0]],
    ].sort());
    const queue = (await call('GET', '/payments/unmatched')).body;
    expect(queue.data.map((d: any) => [d.line, d.amount, d.depositorName, d.unmatchedReason])).toEqual([[9, '5.00', '모르는회사', 'no_match'], [8, '50.00', '김철수', 'no_match']]);
    const audit = await t.handle.db.select().from(auditLog).where(and(eq(auditLog.tenantId, one.tenantId), eq(auditLog.action, 'bank_import.apply')));
    expect(audit).toHaveLength(1);
  });

  it('imported again, or overlapping with a later statement, pays nothing twice', async () => {
    const before = await payments();
    const again = await importFile(statement(LINES()));
    expect(again).toMatchObject({ status: 'done', rows: 5, matched: 0, unmatched: 0, duplicates: 5 });
    const later = await importFile(statement([...LINES(), '20250502,타행이체,,7.60,Customer 1,,1110.90']));
    expect(later).toMatchObject({ status: 'done', rows: 6, matched: 1, duplicates: 5 });
    expect((await payments()).length).toBe(before.length + 1);
    expect((await invoice(1))).toMatchObject({ status: 'paid', amountDue: '0.00' });
  });

  it('with a bad line stores nothing and names every bad line and column', async () => {
    const before = (await payments()).length;
    const imp = await importFile(statement(['2025.13.01,이체,,5.00,누구,,1', '2025.05.01,이체,,5.001,누구,,2', '2025.05.01,이체,,abc,누구,,3', '2025.05.01,이체,,9.00,Customer 4,,4']));
    expect(imp.status).toBe('invalid');
    expect(imp.errors.map((e: any) => [e.line, e.field])).toEqual([[4, 'date'], [5, 'amount'], [6, 'amount']]);
    expect((await payments()).length).toBe(before);
    const noHeader = await importFile('a,b\n1,2\n');
    expect(noHeader.status).toBe('invalid');
    expect(noHeader.errors[0].message).toMatch(/header/);
  });

  it('takes a column mapping for other exports, and refuses a bad request at the field', async () => {
    const csv = 'When,Paid in,From,Ref\n2025-05-02,1.00,Nobody Ltd,x\n';
    const imp = await importFile(csv, { mapping: { date: 'When', amount: 'Paid in', depositorName: 'From', memo: 'Ref' }, dryRun: true });
    expect(imp).toMatchObject({ status: 'done', rows: 1, unmatched: 1 });
    const bad = await call('POST', '/payments/bank-imports', { csv, currency: 'usd', mapping: { nonsense: 'x' } });
    expect(bad.status).toBe(422);
    expect(bad.body.issues.map((i: any) => i.path).sort()).toEqual(['currency', 'mapping']);
  });
});

describe('the unmatched queue', () => {
  it('matches a deposit to a payer by hand: recorded, allocated, the rest to prepaid, audited, once', async () => {
    const [d] = (await call('GET', '/payments/unmatched')).body.data.filter((x: any) => x.depositorName === '김철수');
    expect((await call('POST', `/payments/unmatched/${d.id}/match`, {})).body.issues[0].path).toBe('billTo');
    expect((await call('POST', `/payments/unmatched/${d.id}/match`, { invoiceId: inv[1].id, billTo: c[4] })).body.issues[0].path).toBe('invoiceId');
    const m = await call('POST', `/payments/unmatched/${d.id}/match`, { billTo: c[4] });
    expect(m.status).toBe(200);
    expect(m.body).toMatchObject({ status: 'matched', matchRule: 'manual', billTo: c[4], billToName: 'Customer 4', resolvedBy: expect.any(String) });
    const p = (await call('GET', `/payments/${m.body.paymentId}`)).body;
    expect(p).toMatchObject({ amount: '50.00', allocatedAmount: '34.10', walletCredited: '15.90', receivedOn: '2025-05-01', method: 'bank_transfer' });
    expect((await invoice(4)).status).toBe('paid');
    expect((await call('POST', `/payments/unmatched/${d.id}/match`, { billTo: c[4] })).status).toBe(409);
    const audit = await t.handle.db.select().from(auditLog).where(and(eq(auditLog.tenantId, one.tenantId), eq(auditLog.action, 'deposit.match')));
    expect(audit.map((a) => a.entityId)).toEqual([d.id]);
  });

  it('dismisses a deposit with a reason; the reason is required', async () => {
    const [d] = (await call('GET', '/payments/unmatched')).body.data;
    expect(d.depositorName).toBe('모르는회사');
    expect((await call('POST', `/payments/unmatched/${d.id}/dismiss`, { reason: ' ' })).body.issues[0].path).toBe('reason');
    const r = await call('POST', `/payments/unmatched/${d.id}/dismiss`, { reason: 'returned to sender' });
    expect(r.body).toMatchObject({ status: 'dismissed', dismissReason: 'returned to sender' });
    expect((await call('GET', '/payments/unmatched')).body.total).toBe(0);
    expect((await call('GET', '/payments/unmatched?status=dismissed')).body.data.map((x: any) => x.id)).toEqual([d.id]);
    expect((await call('POST', `/payments/unmatched/${d.id}/match`, { billTo: c[4] })).status).toBe(409);
  });

  it('another tenant sees none of it and cannot touch it', async () => {
    const [d] = (await call('GET', '/payments/unmatched?status=dismissed')).body.data;
    expect((await call('GET', '/payments/unmatched?status=dismissed', undefined, other.key)).body.total).toBe(0);
    expect((await call('GET', '/payments/bank-imports', undefined, other.key)).body.total).toBe(0);
    expect((await call('POST', `/payments/unmatched/${d.id}/dismiss`, { reason: 'x' }, other.key)).status).toBe(404);
  });
});

describe('gateway virtual-account deposits', () => {
  /** Delivers a signed sandbox webhook, then runs the inbox job that applies it. */
  const hook = async (event: unknown) => {
    const body = JSON.stringify(event);
    const res = await t.app.request(`/api/v1/webhooks/payments/sandbox?tenant=${one.tenantId}`, {
      method: 'POST', body, headers: { 'content-type': 'application/json', 'billwise-sandbox-signature': signSandbox(one.tenantId, body) },
    });
    await drainJobs(t.handle.db, { now: clock, filter: { kinds: [WEBHOOK_INBOX_KIND] } });
    return res;
  };
  const deposit = (id: string, accountNumber: string, amount: string) =>
    ({ id, type: 'deposit.succeeded', data: { id: `sbx_dep_${id}`, accountNumber, amount, currency: 'USD', depositorName: '이영희' } });

  it('into an account nobody has: queued as unmatched (not dropped), once', async () => {
    expect((await hook(deposit('evt_unknown_1', '990999999999999', '12.00'))).status).toBe(200);
    expect((await hook(deposit('evt_unknown_1', '990999999999999', '12.00'))).status).toBe(200);
    const queue = (await call('GET', '/payments/unmatched')).body.data;
    expect(queue.map((d: any) => [d.source, d.amount, d.accountNumber, d.depositorName])).toEqual([['sandbox', '12.00', '990999999999999', '이영희']]);
  });

  it("into a payer's virtual account: matched by the account, a sandbox payment", async () => {
    expect((await hook(deposit('evt_known_1', vaNumber, '3.00'))).status).toBe(200);
    const matched = (await call('GET', '/payments/unmatched?status=matched')).body.data.find((d: any) => d.source === 'sandbox');
    expect(matched).toMatchObject({ matchRule: 'virtual_account', billTo: c[0], amount: '3.00' });
    expect((await call('GET', `/payments/${matched.paymentId}`)).body).toMatchObject({ provider: 'sandbox', providerRef: 'sbx_dep_evt_known_1', method: 'virtual_account', walletCredited: '3.00' });
  });
});
