/**
 * Declarative schedules: "run kind K every day at 03:00 in each tenant's time zone", or "every
 * Monday at 08:00" (`everyWeek`, ISO day of week in the tenant's zone). A tick (the
 * worker runs one every 30 s) enqueues each schedule's job for every tenant whose local time has
 * reached `at` today, with the dedupe key schedule:<kind>:<tenant>:<local date>. Any number of
 * processes may tick: the unique key makes the day's job exist once, however often or wherever.
 * A tick after `at` (a process that was down at 03:00) still enqueues that day's run; days on
 * which no process ticked at all are not caught up.
 */
import type { DbOrTx } from '../db/client';
import { activeTenantZones } from '../tenants/tenant-settings';
import { enqueue, type NewJob } from './queue';

interface ScheduleBase {
  kind: string;
  perTenant: true;
  /** The job's payload; default `{ tenantId, localDate }`. */
  payload?: (p: { tenantId: string; localDate: string }) => unknown;
}
export interface DailySchedule extends ScheduleBase {
  /** Local wall-clock time HH:MM in the tenant's zone (tenant settings). */
  everyDay: { at: string };
}
export interface WeeklySchedule extends ScheduleBase {
  /**
   * ISO day of week in the tenant's zone (1 = Monday … 7 = Sunday) and local time HH:MM. The job
   * is enqueued on that local day once its time has come (dedupe key with that local date, so
   * once a week); a week whose day no process ticked on is not caught up, as with daily ones.
   */
  everyWeek: { day: 1 | 2 | 3 | 4 | 5 | 6 | 7; at: string };
}
export type Schedule = DailySchedule | WeeklySchedule;

const schedules = new Map<string, Schedule>();
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const atOf = (s: Schedule) => ('everyDay' in s ? s.everyDay.at : s.everyWeek.at);

/** Registers a schedule (idempotent for the same definition, like job kinds). */
export function registerSchedule(s: Schedule): void {
  if (!HHMM.test(atOf(s))) throw new Error(`schedule "${s.kind}": the time must be HH:MM, got "${atOf(s)}"`);
  if ('everyWeek' in s && !(Number.isInteger(s.everyWeek.day) && s.everyWeek.day >= 1 && s.everyWeek.day <= 7)) {
    throw new Error(`schedule "${s.kind}": everyWeek.day must be 1 (Monday) to 7 (Sunday), got ${s.everyWeek.day}`);
  }
  const had = schedules.get(s.kind);
  if (had && had !== s) throw new Error(`schedule for job kind "${s.kind}" is registered twice`);
  schedules.set(s.kind, s);
}

/** The kinds with a (daily or weekly) schedule in this process. */
export const scheduledKinds = (): string[] => [...schedules.keys()];
/** Every schedule registered in this process (tests put back what they removed). */
export const registeredSchedules = (): Schedule[] => [...schedules.values()];

/** Removes a schedule (tests register throw-away schedules). */
export function unregisterSchedule(kind: string): void {
  schedules.delete(kind);
}

/** The local date, HH:MM and ISO day of week (1 = Monday … 7 = Sunday) at `now` in `timeZone`. */
export function localClock(timeZone: string, now: Date): { date: string; time: string; weekday: number } {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const p = Object.fromEntries(fmt.formatToParts(now).map((x) => [x.type, x.value]));
  const date = `${p.year}-${p.month}-${p.day}`;
  return { date, time: `${p.hour}:${p.minute}`, weekday: ((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7) + 1 };
}

/** Enqueues every schedule's job that is due at `now` and not enqueued yet; returns how many were new. */
export async function tickSchedules(db: DbOrTx, now: Date): Promise<number> {
  if (!schedules.size) return 0;
  const zones = await activeTenantZones(db);
  const due: NewJob[] = [];
  for (const s of schedules.values()) {
    for (const { tenantId, timezone } of zones) {
      const local = localClock(timezone, now);
      // Same-width HH:MM strings compare as times; a DST gap that skips `at` is passed, so it runs.
      if (local.time < atOf(s)) continue;
      if ('everyWeek' in s && local.weekday !== s.everyWeek.day) continue;
      due.push({
        tenantId, kind: s.kind, payload: s.payload ? s.payload({ tenantId, localDate: local.date }) : { tenantId, localDate: local.date },
        dedupeKey: `schedule:${s.kind}:${tenantId}:${local.date}`,
      });
    }
  }
  return due.length ? enqueue(db, due) : 0;
}
