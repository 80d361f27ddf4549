/**
 * The wallet ledger's additions: granted credit that expires, the daily expiry job (registry
 * schedule at 00:05 in the tenant's zone, New York here) posting `expiry` for only the unused
 * part (FIFO), a retried job posting nothing twice, and a balance that never goes negative under
 * parallel debits. Frozen, movable clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app';
import { drainJobs } from '../../server/jobs/worker';
import { tickSchedules } from '../../server/jobs/schedules';
import { billingWorld } from '../scenarios/fixture';
import { EXPIRE_GRANTS_JOB } from '../../server/wallets/expire-grants';

let t: TestApp;
let one: { tenantId: string; key: string };
let c: string[];
let at = '2025-04-02T15:00:00Z';
const clock = () => new Date(at);
const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });
const prepaid = async (billTo: string) => ((await call('GET', `/payers/${billTo}/wallets`)).body.data as any[]).find((w) => w.kind === 'prepaid');
const entries = async (walletId: string) => (await call('GET', `/wallets/${walletId}/entries?limit=500`)).body.data as any[];
const runDay = async (iso: string) => {
  at = iso;
  await tickSchedules(t.handle.db, clock());
  await drainJobs(t.handle.db, { now: clock, filter: { kinds: [EXPIRE_GRANTS_JOB], tenantId: one.tenantId } });
};

beforeAll(async () => {
  t = await makeTestApp({ now: clock });
  one = await t.otherTenant('led');
  c = (await billingWorld(t.handle.db, one.tenantId, 2, { now: clock, start: '2025-03-01' })).customerIds;
}, 120_000);
afterAll(async () => { await t?.close(); });

describe('granted credit expires, only its unused part (FIFO)', () => {
  it('a grant expiring on 04-10, one never expiring, a debit that takes from the oldest first', async () => {
    expect((await call('POST', `/payers/${c[0]}/wallets/prepaid/grants`, { currency: 'USD', amount: '10.00', reason: 'promo', expiresOn: '2025-04-10' })).status).toBe(201);
    expect((await call('POST', `/payers/${c[0]}/wallets/prepaid/grants`, { currency: 'USD', amount: '5.00', reason: 'goodwill' })).status).toBe(201);
    const w = await prepaid(c[0]);
    // 4.00 spent: taken from the older grant, so 6.00 of it is left to expire.
    expect((await call('POST', `/wallets/${w.id}/adjustments`, { amount: '-4.00', reason: 'manual debit' })).status).toBe(201);
    expect((await prepaid(c[0])).balance).toBe('11.00');
    // The ledger answer says what will expire (the same FIFO as the job): 6.00 on 04-10, nothing of the 5.00.
    const page = (await call('GET', `/wallets/${w.id}/entries`)).body;
    expect(page.expiring).toEqual([{ entryId: page.data.find((e: any) => e.expiresAt).id, expiresOn: '2025-04-10', amount: '6.00' }]);
  });

  it('the job the day before (New York) expires nothing', async () => {
    // 2025-04-10T03:00Z is still 04-09 in New York.
    await runDay('2025-04-10T03:00:00Z');
    expect((await prepaid(c[0])).balance).toBe('11.00');
  });

  it('on 04-10 after 00:05 local it posts expiry for the 6.00 left; a retry posts nothing', async () => {
    await runDay('2025-04-10T04:10:00Z');
    const w = await prepaid(c[0]);
    expect(w.balance).toBe('5.00');
    const [latest] = await entries(w.id);
    expect(latest).toMatchObject({ type: 'expiry', amount: '-6.00', balanceAfter: '5.00' });
    expect((await call('GET', `/wallets/${w.id}/entries`)).body.expiring).toEqual([]);
    await runDay('2025-04-11T04:10:00Z');
    expect((await prepaid(c[0])).balance).toBe('5.00');
    expect((await entries(w.id)).filter((e) => e.type === 'expiry')).toHaveLength(1);
  });

  it('a grant fully used before it expires leaves nothing to expire', async () => {
    expect((await call('POST', `/payers/${c[1]}/wallets/prepaid/grants`, { currency: 'USD', amount: '3.00', reason: 'promo', expiresOn: '2025-04-20' })).status).toBe(201);
    const w = await prepaid(c[1]);
    expect((await call('POST', `/wallets/${w.id}/adjustments`, { amount: '-3.00', reason: 'used' })).status).toBe(201);
    await runDay('2025-04-21T04:10:00Z');
    expect((await entries(w.id)).map((e) => e.type)).toEqual(['adjustment', 'top_up_granted']);
  });
});

describe('never negative under concurrency', () => {
  it('ten parallel debits of 1.00 on 5.00: five succeed, five are 422 at amount, balance 0.00', async () => {
    const w = await prepaid(c[0]);
    const results = await Promise.all(Array.from({ length: 10 }, () => call('POST', `/wallets/${w.id}/adjustments`, { amount: '-1.00', reason: 'race' })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    const refused = results.filter((r) => r.status === 422);
    expect(refused).toHaveLength(5);
    expect(refused[0].body.issues[0].path).toBe('amount');
    expect((await prepaid(c[0])).balance).toBe('0.00');
  });
});
