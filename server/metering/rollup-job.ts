/**
 * The nightly daily-usage rollup (일별 사용 내역): at 01:00 in the tenant's zone, the two days before
 * the tenant's today are rebuilt from the raw events (yesterday, and the day before for events that
 * arrived late). rollupRange is idempotent, so a retried or repeated run changes nothing.
 */
import { PERMISSION_CODES } from '../access/permissions';
import { registerJobKind } from '../jobs/registry';
import { registerSchedule } from '../jobs/schedules';
import { addDays } from '../lib/dates';
import { systemCtx } from '../lib/context';
import { rollupRange } from './rollup';

export const USAGE_ROLLUP_JOB = 'usage.rollup_daily';
/** Days rebuilt each night, ending yesterday. */
export const ROLLUP_DAYS_BACK = 2;

export function registerUsageRollupJobs() {
  registerJobKind({
    kind: USAGE_ROLLUP_JOB,
    run: async (job, { db, now }) => {
      const { tenantId, localDate } = job.payload as { tenantId: string; localDate: string };
      await rollupRange({ ctx: systemCtx(db, tenantId, PERMISSION_CODES, now), from: addDays(localDate, -ROLLUP_DAYS_BACK), to: localDate });
    },
  });
  registerSchedule({ kind: USAGE_ROLLUP_JOB, everyDay: { at: '01:00' }, perTenant: true });
}
