/**
 * Storing churn scores: one row per customer, model and scoring date (`churn_scores_day_uq`); a
 * re-run of the same date replaces that date's rows for the customers it scores (a run over all
 * subscribers: all the date's rows), never adds.
 *
 * Two writers, same rows:
 * - PostgreSQL (postgres.js): one `COPY … FROM STDIN` stream for the whole run, fed batch by batch
 *   while the next batch is still being scored (the backend parses and indexes on the second core).
 *   COPY cannot `on conflict`, so the date's earlier rows are deleted first
 *   (one statement, before the COPY: a connection in COPY mode runs nothing else), in the same
 *   transaction, under a transaction-level advisory lock per tenant, model and date (two
 *   runs of one date wait for each other instead of one failing on the unique index).
 * - PGlite (and any other driver): multi-row `insert … on conflict do update`, 5,000 per statement.
 * `test/api/churn-store.test.ts` checks that both give the same rows and that a re-run replaces.
 */
import { sql } from 'drizzle-orm';
import type { Writable } from 'node:stream';
import type { DbOrTx } from '../db/client';
import { postgresJsClient, type PgJsClient } from '../db/driver';
import type { ChurnModelRow } from './models';
import { anyUuid } from '../db/bulk';

/** One customer's score as stored (score.ts computes it). */
export interface Score {
  customerId: string;
  probability: number;
  band: 'low' | 'medium' | 'high';
  drivers: Array<{ feature: string; value: number | null; contribution: number }>;
  segment: number | null;
  segmentName: string | null;
}

/** Scores per INSERT statement (PGlite path). */
const STORE_BATCH = 5_000;

export interface ScoreSink {
  /**
   * Before any write: every customer this run will write (their earlier rows of the date are
   * replaced), or 'all' for a run over all the tenant's subscribers (it replaces the date's rows).
   */
  start(customerIds: string[] | 'all'): Promise<void>;
  /** Adds a batch; resolves once the batch is handed over (COPY: buffered, not yet committed). */
  write(scores: Score[]): Promise<void>;
  /** Finishes the writing; the rows are in once this resolves (and the enclosing transaction commits). */
  end(): Promise<void>;
}


/** COPY text format: backslash, tab, newline and carriage return escaped; null is \N. */
const copyText = (v: string | number | null): string =>
  v === null ? '\\N' : typeof v === 'number' ? String(v) : v.replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));

const COLUMNS = 'tenant_id, customer_id, model_id, model_version, as_of, probability, band, drivers, segment, segment_name, scored_at';

function copySink(db: DbOrTx, client: PgJsClient, tenantId: string, model: ChurnModelRow, asOf: string, scoredAt: string): ScoreSink {
  let stream: Writable | null = null;
  let failed: Error | null = null;
  let finished: Promise<void> | null = null;
  const prefix = `${copyText(tenantId)}\t`;
  const middle = `\t${copyText(model.id)}\t${model.version}\t${copyText(asOf)}\t`;
  const open = async () => {
    const s = await client.unsafe(`copy churn_scores (${COLUMNS}) from stdin`).writable();
    s.on('error', (e: Error) => { failed = e; });
    finished = new Promise<void>((resolve, reject) => { s.on('finish', resolve); s.on('error', reject); });
    finished.catch(() => {}); // observed in end()
    return s;
  };
  return {
    async start(customerIds) {
      await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`churn_scores:${tenantId}:${model.id}:${asOf}`}))`);
      // The date's earlier rows of these customers go first (what `on conflict do update` does on PGlite);
      // a run over all subscribers replaces the date's rows (a range of the unique index, no list to match).
      if (customerIds === 'all') await db.execute(sql`delete from churn_scores where tenant_id = ${tenantId} and model_id = ${model.id} and as_of = ${asOf}::date`);
      else if (customerIds.length) await db.execute(sql`delete from churn_scores where tenant_id = ${tenantId} and model_id = ${model.id} and as_of = ${asOf}::date
        and ${anyUuid(sql.raw('customer_id'), customerIds)}`);
    },
    async write(scores) {
      if (!scores.length) return;
      stream ??= await open();
      let text = '';
      for (const x of scores) {
        text += prefix + x.customerId + middle + x.probability + '\t' + x.band + '\t' + copyText(JSON.stringify(x.drivers)) + '\t'
          + (x.segment === null ? '\\N' : x.segment) + '\t' + copyText(x.segmentName) + '\t' + scoredAt + '\n';
      }
      if (failed) throw failed;
      if (!stream.write(text)) await new Promise<void>((resolve) => stream!.once('drain', resolve));
    },
    async end() {
      if (!stream) return;
      stream.end();
      await finished;
      if (failed) throw failed;
    },
  };
}

function insertSink(db: DbOrTx, tenantId: string, model: ChurnModelRow, asOf: string, scoredAt: string): ScoreSink {
  return {
    async start(customerIds) {
      // as on PostgreSQL: a run over all subscribers replaces the date's rows (given customers' rows are upserted)
      if (customerIds === 'all') await db.execute(sql`delete from churn_scores where tenant_id = ${tenantId} and model_id = ${model.id} and as_of = ${asOf}::date`);
    },
    async write(scores) {
      for (let s = 0; s < scores.length; s += STORE_BATCH) {
        const json = JSON.stringify(scores.slice(s, s + STORE_BATCH).map((x) => ({
          customer_id: x.customerId, probability: x.probability, band: x.band, drivers: x.drivers, segment: x.segment, segment_name: x.segmentName,
        })));
        await db.execute(sql`insert into churn_scores (${sql.raw(COLUMNS)})
          select ${tenantId}::uuid, r.customer_id, ${model.id}::uuid, ${model.version}::int, ${asOf}::date, r.probability, r.band, r.drivers, r.segment, r.segment_name, ${scoredAt}::timestamptz
          from json_to_recordset(${json}::json) as r(customer_id uuid, probability float8, band text, drivers jsonb, segment int, segment_name text)
          on conflict (tenant_id, customer_id, model_id, as_of) do update set probability = excluded.probability, band = excluded.band,
            drivers = excluded.drivers, segment = excluded.segment, segment_name = excluded.segment_name, scored_at = excluded.scored_at`);
      }
    },
    async end() {},
  };
}

/**
 * A writer of one scoring run's scores. `db` must be a transaction for the COPY path (the delete,
 * the lock and the COPY commit together); `storeScores` and `scoreCustomers` open one when needed.
 * `via: 'insert'` forces the multi-row INSERT path (tests compare the two).
 */
export function scoreSink(db: DbOrTx, tenantId: string, model: ChurnModelRow, asOf: string, now: Date, opts: { via?: 'copy' | 'insert' } = {}): ScoreSink {
  const scoredAt = now.toISOString();
  const client = opts.via === 'insert' ? null : postgresJsClient(db);
  return client ? copySink(db, client, tenantId, model, asOf, scoredAt) : insertSink(db, tenantId, model, asOf, scoredAt);
}

/** In a transaction: `db` itself when it is one, else a new one. */
export const inTransaction = <T>(db: DbOrTx, fn: (tx: DbOrTx) => Promise<T>): Promise<T> =>
  'rollback' in db ? fn(db) : (db as Exclude<DbOrTx, { rollback: unknown }>).transaction(fn);

/** Stores scores (one row per customer, model and day; a re-run of the day replaces them). */
export async function storeScores(db: DbOrTx, tenantId: string, model: ChurnModelRow, asOf: string, scores: Score[], now: Date, opts: { via?: 'copy' | 'insert' } = {}): Promise<void> {
  await inTransaction(db, async (tx) => {
    const sink = scoreSink(tx, tenantId, model, asOf, now, opts);
    await sink.start(scores.map((x) => x.customerId));
    await sink.write(scores);
    await sink.end();
  });
}
