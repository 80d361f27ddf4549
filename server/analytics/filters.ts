/**
 * The filters every analytics endpoint takes (README.md "Breakdowns") and the month range they
 * resolve to in the tenant's calendar. One schema, so each endpoint names bad input the same way.
 */
import { z } from '@hono/zod-openapi';
import { isoMonth } from '../lib/schemas';
import { addInterval } from '../lib/dates';
import { invalid } from '../lib/errors';
import { tenantSettings, tenantToday } from '../tenants/tenant-settings';
import { q, type Ctx } from '../lib/context';
import { CUSTOMER_TYPES } from '../rules/facts';

export const AnalyticsQuery = z.object({
  from: isoMonth.optional().openapi({ description: 'First month (default: 11 months before `to`)' }),
  to: isoMonth.optional().openapi({ description: 'Last month (default: this month in the tenant time zone)' }),
  currency: z.string().regex(/^[A-Z]{3}$/, { error: 'must be a 3-letter currency code' }).optional(),
  planCode: z.string().min(1).max(100).optional(),
  customerType: z.enum(CUSTOMER_TYPES).optional(),
  segment: z.string().min(1).max(100).optional(),
});
export type AnalyticsFilter = z.infer<typeof AnalyticsQuery>;

export interface MonthRange {
  from: string; to: string; months: string[];
  /** First day of `from`, and the day after the last counted day: tomorrow in the current month. */
  start: string; end: string;
  today: string; currency: string;
}

export async function monthRange(ctx: Ctx, f: AnalyticsFilter, maxMonths = 60): Promise<MonthRange> {
  const today = await tenantToday(q(ctx), ctx);
  const { currency } = await tenantSettings(q(ctx), ctx.tenantId);
  const to = f.to ?? today.slice(0, 7);
  const from = f.from ?? addInterval(`${to}-01`, 'month', -11).slice(0, 7);
  if (from > to) throw invalid([{ path: 'query.from', message: 'must not be after `to`' }]);
  const months: string[] = [];
  for (let m = `${from}-01`; m <= `${to}-01`; m = addInterval(m, 'month', 1)) months.push(m.slice(0, 7));
  if (months.length > maxMonths) throw invalid([{ path: 'query.from', message: `at most ${maxMonths} months at a time` }]);
  const monthEnd = addInterval(`${to}-01`, 'month', 1);
  const tomorrow = addInterval(today, 'day', 1);
  return { from, to, months, start: `${from}-01`, end: monthEnd < tomorrow ? monthEnd : tomorrow, today, currency };
}

export const nextMonth = (m: string) => addInterval(`${m}-01`, 'month', 1);
