/**
 * Daily and weekly schedules in each tenant's time zone, with a frozen clock: a Seoul tenant's 03:00 comes
 * nine hours before a UTC tenant's, across the UTC date boundary, and every (tenant, local date)
 * gets its job exactly once however many processes tick.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, like } from 'drizzle-orm';
import { freshDb } from '../support/db';
import { jobs, tenants } from '../../server/db/schema';
import type { DbHandle } from '../../server/db/client';
import { onboardTenant } from '../../server/tenants/onboard';
import { systemCtx } from '../../server/lib/context';
import { PERMISSION_CODES } from '../../server/access/permissions';
import { registerJobKind } from '../../server/jobs/registry';
import { localClock, registerSchedule, scheduledKinds, tickSchedules, unregisterSchedule } from '../../server/jobs/schedules';
import { drainJobs } from '../../server/jobs/worker';

let h: DbHandle;
let seoul: string;
let utc: string;
const runs: unknown[] = [];

beforeAll(async () => {
  h = await freshDb();
  const boot = systemCtx(h.db, '', PERMISSION_CODES);
  const mk = async (code: string, timezone: string) => (await onboardTenant({ ctx: boot, input: { code, name: code, currency: 'USD', timezone, locale: 'en', roundingMode: 'half_up', admin: { email: `admin@${code}.test`, name: 'A', password: 'sched-pass-1' } } })).tenant.id;
  seoul = await mk('seoul', 'Asia/Seoul');
  utc = await mk('utc', 'UTC');
  registerJobKind({ kind: 'test.nightly', run: async (job) => { runs.push(job.payload); } });
  registerSchedule({ kind: 'test.nightly', everyDay: { at: '03:00' }, perTenant: true });
  // The counts below are this schedule's alone: the product's own daily kinds (dunning, churn scoring, expiry ...) are left out.
  for (const kind of scheduledKinds()) if (kind !== 'test.nightly') unregisterSchedule(kind);
});
afterAll(async () => {
  unregisterSchedule('test.nightly');
  await h.close();
});

const scheduled = async () => (await h.db.select({ tenantId: jobs.tenantId, key: jobs.dedupeKey, payload: jobs.payload }).from(jobs)
  .where(like(jobs.dedupeKey, 'schedule:test.nightly:%')).orderBy(asc(jobs.createdAt), asc(jobs.dedupeKey)))
  .map((j) => `${j.tenantId === seoul ? 'seoul' : 'utc'} ${(j.payload as { localDate: string }).localDate}`);

describe('a daily schedule at 03:00 tenant time', () => {
  it('reads the local clock of a zone', () => {
    expect(localClock('Asia/Seoul', new Date('2025-03-01T18:00:00Z'))).toEqual({ date: '2025-03-02', time: '03:00', weekday: 7 }); // a Sunday
    expect(localClock('UTC', new Date('2025-03-01T18:00:00Z'))).toEqual({ date: '2025-03-01', time: '18:00', weekday: 6 });
  });

  it('enqueues each tenant once its own 03:00 has come, keyed by its local date', async () => {
    // Seoul is UTC+9: its 03:00 on Mar 2 is 18:00 UTC on Mar 1.
    expect(await tickSchedules(h.db, new Date('2025-03-01T02:59:00Z'))).toBe(1); // Seoul 11:59 Mar 1; UTC not yet
    expect(await scheduled()).toEqual(['seoul 2025-03-01']);
    expect(await tickSchedules(h.db, new Date('2025-03-01T03:00:00Z'))).toBe(1); // UTC's 03:00
    expect(await tickSchedules(h.db, new Date('2025-03-01T17:59:00Z'))).toBe(0); // Seoul 02:59 Mar 2: not yet
    expect(await tickSchedules(h.db, new Date('2025-03-01T18:00:00Z'))).toBe(1); // Seoul 03:00 Mar 2
    expect(await tickSchedules(h.db, new Date('2025-03-01T23:59:00Z'))).toBe(0); // UTC still Mar 1
    expect(await scheduled()).toEqual(['seoul 2025-03-01', 'utc 2025-03-01', 'seoul 2025-03-02']);
  });

  it('never enqueues one day twice, however many processes tick at once', async () => {
    const at = new Date('2025-03-02T03:30:00Z');
    const news = await Promise.all([tickSchedules(h.db, at), tickSchedules(h.db, at), tickSchedules(h.db, at)]);
    expect(news.reduce((a, b) => a + b, 0)).toBe(1); // UTC Mar 2; Seoul Mar 2 was already there
    const keys = await h.db.select({ key: jobs.dedupeKey }).from(jobs).where(and(like(jobs.dedupeKey, 'schedule:test.nightly:%'), eq(jobs.tenantId, utc)));
    expect(keys.map((k) => k.key).sort()).toEqual([`schedule:test.nightly:${utc}:2025-03-01`, `schedule:test.nightly:${utc}:2025-03-02`]);
  });

  it('follows a change of the tenant time zone, and the jobs run with their tenant and local date', async () => {
    await h.db.update(tenants).set({ timezone: 'Asia/Seoul' }).where(eq(tenants.id, utc));
    expect(await tickSchedules(h.db, new Date('2025-03-02T18:30:00Z'))).toBe(2); // both on Seoul's Mar 3
    expect((await scheduled()).slice(-2).sort()).toEqual(['seoul 2025-03-03', 'utc 2025-03-03']);
    expect(await drainJobs(h.db, { filter: { kinds: ['test.nightly'] } })).toBe(6);
    expect(runs).toContainEqual({ tenantId: utc, localDate: '2025-03-03' });
  });

  it('refuses a time that is not HH:MM', () => {
    expect(() => registerSchedule({ kind: 'test.bad', everyDay: { at: '3am' }, perTenant: true })).toThrow(/HH:MM/);
  });
});

describe('a weekly schedule: Mondays at 08:00 tenant time', () => {
  const weekly = async () => (await h.db.select({ tenantId: jobs.tenantId, payload: jobs.payload }).from(jobs)
    .where(like(jobs.dedupeKey, 'schedule:test.weekly:%')).orderBy(asc(jobs.createdAt), asc(jobs.dedupeKey)))
    .map((j) => `${j.tenantId === seoul ? 'seoul' : 'utc'} ${(j.payload as { localDate: string }).localDate}`);
  beforeAll(async () => {
    unregisterSchedule('test.nightly');
    await h.db.update(tenants).set({ timezone: 'UTC' }).where(eq(tenants.id, utc));
    registerJobKind({ kind: 'test.weekly', run: async () => {} });
    registerSchedule({ kind: 'test.weekly', everyWeek: { day: 1, at: '08:00' }, perTenant: true });
  });
  afterAll(() => unregisterSchedule('test.weekly'));

  it('enqueues each tenant on its own Monday once 08:00 has come, once a week', async () => {
    expect(await tickSchedules(h.db, new Date('2025-03-09T22:59:00Z'))).toBe(0); // Seoul Mon 07:59; UTC Sunday
    expect(await tickSchedules(h.db, new Date('2025-03-09T23:00:00Z'))).toBe(1); // Seoul Mon 08:00
    expect(await tickSchedules(h.db, new Date('2025-03-10T07:59:00Z'))).toBe(0); // UTC Mon 07:59
    expect(await tickSchedules(h.db, new Date('2025-03-10T08:00:00Z'))).toBe(1); // UTC Mon 08:00
    expect(await tickSchedules(h.db, new Date('2025-03-10T14:00:00Z'))).toBe(0); // later on Monday: already there
    expect(await tickSchedules(h.db, new Date('2025-03-11T09:00:00Z'))).toBe(0); // Tuesday
    expect(await tickSchedules(h.db, new Date('2025-03-16T23:30:00Z'))).toBe(1); // next Monday in Seoul
    expect(await weekly()).toEqual(['seoul 2025-03-10', 'utc 2025-03-10', 'seoul 2025-03-17']);
  });

  it('refuses a day of week outside 1-7', () => {
    expect(() => registerSchedule({ kind: 'test.badweek', everyWeek: { day: 0 as never, at: '08:00' }, perTenant: true })).toThrow(/Monday/);
  });
});
