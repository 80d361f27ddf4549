import { z } from '@hono/zod-openapi';
import { isIsoDate } from './dates';

/** The shape of a calendar date; `isIsoDate` (server/lib/dates.ts) also checks that the day exists. */
export const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A calendar date `YYYY-MM-DD` that exists (2025-02-30 is refused here, as a 422 at the field,
 * instead of reaching PostgreSQL and failing there as a 500). The one date schema of the API:
 * use it rather than a regex of its own. A malformed string gets only the format message.
 */
export const isoDate = z
  .string()
  .regex(ISO_DATE_RE, { error: 'must be a date YYYY-MM-DD', abort: true })
  .refine(isIsoDate, { error: 'is not a calendar date' });
