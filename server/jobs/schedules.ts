/**
 * Declarative schedules: "run kind K every day at 03:00 in each tenant's time zone". A tick (the
 * worker runs one every 30 s) enqueues each schedule's job for every tenant whose local time has
 * reached `at` today, with the dedupe key schedule:<kind>:<tenant>:<local date>. Any number of
 * processes may tick: the unique key makes the day's job exist once, however often or wherever.
 * A tick after `at` (a process that was down at 03:00) still enqueues that day's run; days on
 * which no process ticked at all are not caught up.
 */
import type { DbOrTx } from '../db/client';
import { activeTenantZones } from '../tenants/tenant-settings';
import { enqueue, type NewJob } from './queue';

export interface DailySchedule {
  kind: string;
  /** Local wall-clock time HH:MM in the tenant's zone (tenant settings). */
  everyDay: { at: string };
  perTenant: true;
  /** The job's payload; default `{ tenantId, localDate }`. */
  payload?: (p: { tenantId: string; localDate: string }) => unknown;
}

const schedules = new Map<string, DailySchedule>();
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Registers a schedule (idempotent for the same definition, like job kinds). */
export function registerSchedule(s: DailySchedule): void {
  if (!HHMM.test(s.everyDay.at)) throw new Error(`schedule "${s.kind}": everyDay.at must be HH:MM, got "${s.everyDay.at}"`);
  const had = schedules.get(s.kind);
  if (had && had !== s) throw new Error(`schedule for job kind "${s.kind}" is registered twice`);
  schedules.set(s.kind, s);
}

/** Removes a schedule (tests register throw-away schedules). */
/** The kinds with a daily schedule in this process. */
export const scheduledKinds = (): string[] => [...schedules.keys()];

export function unregisterSchedule(kind: string): void {
  schedules.delete(kind);
}

/** The local date and HH:MM at `now` in `timeZone`. */
export function localClock(timeZone: string, now: Date): { date: string; time: string } {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const p = Object.fromEntries(fmt.formatToParts(now).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
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
      if (local.time < s.everyDay.at) continue;
      due.push({
        tenantId, kind: s.kind, payload: s.payload ? s.payload({ tenantId, localDate: local.date }) : { tenantId, localDate: local.date },
        dedupeKey: `schedule:${s.kind}:${tenantId}:${local.date}`,
      });
    }
  }
  return due.length ? enqueue(db, due) : 0;
}
