/**
 * The training set: feature rows (features.ts, the same SQL scoring uses) at several snapshot
 * dates, each with its label "cancelled within the next `horizonDays` days". Snapshots are the
 * first days of the months before `end` whose horizon has passed by `end`, so every label is
 * known; the notebook splits them by time (the latest snapshots are the holdout).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { churnLabels, featureNames, featureRows, tenantFeatureSpec, type FeatureSpec } from './features';

export interface TrainingSetOptions { end: string; snapshots: number; horizonDays: number; excludeAttributes?: string[] }

export interface TrainingSet {
  spec: FeatureSpec;
  features: string[];
  snapshots: string[];
  /** One row per customer and snapshot: [snapshot, customerId, label, ...features]. */
  rows: Array<[string, string, number, ...Array<number | null>]>;
}

const addDays = (d: string, n: number) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** First-of-month dates before `end` with `date + horizon <= end`, oldest first. */
export function snapshotDates(end: string, count: number, horizonDays: number): string[] {
  const out: string[] = [];
  let y = Number(end.slice(0, 4));
  let m = Number(end.slice(5, 7));
  for (let guard = 0; out.length < count && guard < count + 24; guard++) {
    const d = `${y}-${String(m).padStart(2, '0')}-01`;
    if (addDays(d, horizonDays) <= end && d < end) out.push(d);
    m -= 1;
    if (m === 0) { m = 12; y -= 1; }
  }
  return out.reverse();
}

export async function buildTrainingSet(db: Db, tenantId: string, opts: TrainingSetOptions): Promise<TrainingSet> {
  // Planner statistics first: embedded PGlite has no autovacuum, so after a bulk load its estimates are of empty tables.
  await db.execute(sql`analyze`);
  const spec = await tenantFeatureSpec(db, tenantId, { excludeAttributes: opts.excludeAttributes });
  const snapshots = snapshotDates(opts.end, opts.snapshots, opts.horizonDays);
  const rows: TrainingSet['rows'] = [];
  for (const s of snapshots) {
    const labels = await churnLabels(db, tenantId, s, opts.horizonDays);
    for (const r of await featureRows(db, tenantId, s, spec)) {
      rows.push([s, r.customerId, labels.get(r.customerId) ?? 0, ...r.values]);
    }
  }
  return { spec, features: featureNames(spec), snapshots, rows };
}
