import { z } from '@hono/zod-openapi';
import { DATE_RANGE_MSG, inDateRange, isIsoDate } from './dates';

/** The shape of a calendar date; `isIsoDate` (server/lib/dates.ts) also checks that the day exists. */
export const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A calendar date `YYYY-MM-DD` that exists (2025-02-30 is refused here, as a 422 at the field,
 * instead of reaching PostgreSQL and failing there as a 500), from 1900-01-01 to 9999-12-31
 * (PostgreSQL refuses year 0000). The one date schema of the API: use it rather than a regex of
 * its own. A malformed string gets only the format message.
 */
export const isoDate = z
  .string()
  .regex(ISO_DATE_RE, { error: 'must be a date YYYY-MM-DD', abort: true })
  .refine(inDateRange, { error: DATE_RANGE_MSG, abort: true })
  .refine(isIsoDate, { error: 'is not a calendar date' })
  .openapi({ format: 'date', description: 'A calendar date YYYY-MM-DD from 1900-01-01 to 9999-12-31' });

/** A calendar month `YYYY-MM`, in the same range as dates (1900-01 to 9999-12). */
export const isoMonth = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be a month YYYY-MM', abort: true })
  .refine((s) => inDateRange(`${s}-01`), { error: 'must be between 1900-01 and 9999-12' });

/** The largest PostgreSQL `integer`: 2147483648 in a path reached the database as a 500. */
export const MAX_INT = 2_147_483_647;

/**
 * A positive integer in the path or query (a version number), 1..MAX_INT. Path and query
 * parameters are text, hence the coercion; "1.5", "-1", "NaN" and 2^31 are a 422 at the field.
 */
export const positiveIntParam = z.coerce.number().int({ abort: true }).min(1).max(MAX_INT);

/** `limit` (1..max, default 50) and `offset` (0..MAX_INT) of every list endpoint. */
export const paging = (max = 500) => ({
  limit: z.coerce.number().int({ abort: true }).min(1).max(max).default(50),
  offset: z.coerce.number().int({ abort: true }).min(0).max(MAX_INT).default(0),
});
