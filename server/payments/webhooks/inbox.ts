/**
 * The inbound-webhook inbox: how a verified gateway event is stored, fast.
 *
 * Receiving is one `INSERT … ON CONFLICT DO NOTHING` into webhook_receipts (outcome `queued`),
 * and in the same statement a `payments.webhook_inbox` job per tenant of the batch unless one is
 * already waiting to start (INBOX_WAITING_KEY), so a stored
 * event always has a job that will apply it (apply-inbox.ts), even if the process dies right after.
 * A redelivered event conflicts with its receipt on the unique (tenant, provider, event id) index:
 * it is answered `duplicate` and writes nothing.
 *
 * Group commit (a micro-batcher): a request that finds the inbox idle does not write at once but
 * on the next turn of the event loop (setImmediate, well under a millisecond), so every request
 * whose body was read in the same tick shares its statement; requests that arrive while
 * MAX_IN_FLIGHT batches are being written wait and go together in the next, up to MAX_BATCH rows.
 * Each request awaits its own row's outcome (queued or duplicate). A batch that fails fails only
 * its own requests, with a 503 (WEBHOOK_NOT_STORED) so the gateway delivers them again; nothing of
 * that batch was stored (one statement). A database round trip per webhook was the limit (see
 * test/bench/payments.bench.ts); this is one per batch.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { ServiceError } from '../../lib/errors';
import type { WebhookEvent } from '../gateways/types';

export const WEBHOOK_INBOX_KIND = 'payments.webhook_inbox';
/**
 * The key of a tenant's inbox job that has not started yet: while one waits, new receipts need no
 * other (it will see them). The job renames its key when it starts (apply-inbox.ts), in a
 * transaction that commits before it reads any receipt, so a receipt stored after that enqueues a
 * new job: none is left without one.
 */
export const INBOX_WAITING_KEY = 'webhook-inbox:waiting:';
const MAX_BATCH = 500;
/**
 * Two batches may be on the wire at once: while one waits for its commit the next one fills, so
 * the database connection's round trip is overlapped instead of idling the receiver. More would
 * only split the same requests into smaller statements.
 */
const MAX_IN_FLIGHT = 2;

export interface InboxEntry { tenantId: string; provider: string; event: WebhookEvent; eventType: string; receivedAt: Date }
interface Waiting { entry: InboxEntry; resolve: (queued: boolean) => void; reject: (e: unknown) => void }
interface Inbox { waiting: Waiting[]; inFlight: number; scheduled: boolean }

const inboxes = new WeakMap<Db, Inbox>();
const keyOf = (e: InboxEntry) => `${e.tenantId}\u0000${e.provider}\u0000${e.event.id}`;
const rows = <T>(r: unknown) => ((r as { rows?: T[] }).rows ?? (r as T[]));

/** Test seam: throw here to fail the next batch's statement (the 503 path). */
export const inboxWriteHooks: { beforeWrite?: (entries: InboxEntry[]) => void } = {};

/** Stores a verified event; true when it is new (queued), false when it was received before. */
export function putInInbox(db: Db, entry: InboxEntry): Promise<boolean> {
  let inbox = inboxes.get(db);
  if (!inbox) inboxes.set(db, inbox = { waiting: [], inFlight: 0, scheduled: false });
  const box = inbox;
  return new Promise<boolean>((resolve, reject) => {
    box.waiting.push({ entry, resolve, reject });
    schedule(db, box);
  });
}

function schedule(db: Db, box: Inbox) {
  if (box.scheduled || box.inFlight >= MAX_IN_FLIGHT || !box.waiting.length) return;
  box.scheduled = true;
  setImmediate(() => {
    box.scheduled = false;
    void flush(db, box);
  });
}

async function flush(db: Db, box: Inbox) {
  if (box.inFlight >= MAX_IN_FLIGHT || !box.waiting.length) return;
  const batch = box.waiting.splice(0, MAX_BATCH);
  box.inFlight++;
  try {
    inboxWriteHooks.beforeWrite?.(batch.map((w) => w.entry));
    const fresh = await writeBatch(db, batch.map((w) => w.entry));
    // Two deliveries of one event in one batch: the first is the new one, the other a duplicate.
    const seen = new Set<string>();
    for (const w of batch) {
      const k = keyOf(w.entry);
      w.resolve(fresh.has(k) && !seen.has(k));
      seen.add(k);
    }
  } catch (e) {
    console.error(`webhook inbox: a batch of ${batch.length} could not be stored (answered 503):`, e instanceof Error ? e.message : e);
    const err = new ServiceError('WEBHOOK_NOT_STORED', 'The webhook could not be stored; deliver it again');
    for (const w of batch) w.reject(err);
  } finally {
    box.inFlight--;
    schedule(db, box);
  }
}

async function writeBatch(db: Db, entries: InboxEntry[]): Promise<Set<string>> {
  const unique = [...new Map(entries.map((e) => [keyOf(e), e])).values()];
  // One jsonb parameter for the whole batch: the statement's text is the same for every batch
  // size (planned once per connection) and one parameter instead of six per row keeps it small.
  const batch = JSON.stringify(unique.map((e) => ({ tenant_id: e.tenantId, provider: e.provider, event_id: e.event.id, event_type: e.eventType, event: e.event, received_at: e.receivedAt.toISOString() })));
  const r = await db.execute(sql`
    with v as (
      select * from jsonb_to_recordset(${batch}::jsonb)
        as v (tenant_id uuid, provider text, event_id text, event_type text, event jsonb, received_at timestamptz)),
    ins as (
      insert into webhook_receipts (tenant_id, provider, event_id, event_type, outcome, detail, event, received_at)
      select tenant_id, provider, event_id, event_type, 'queued', 'waiting to be applied', event, received_at from v
      on conflict (tenant_id, provider, event_id) where event_id is not null and outcome in ('queued', 'applied', 'ignored') do nothing
      returning id, tenant_id, provider, event_id),
    j as (
      insert into jobs (tenant_id, kind, payload, dedupe_key, max_attempts)
      select distinct on (tenant_id) tenant_id, ${WEBHOOK_INBOX_KIND}, jsonb_build_object('tenantId', tenant_id), ${INBOX_WAITING_KEY} || tenant_id, 10
      from ins order by tenant_id
      on conflict (dedupe_key) do nothing)
    select tenant_id, provider, event_id from ins`);
  return new Set(rows<{ tenant_id: string; provider: string; event_id: string }>(r).map((x) => `${x.tenant_id}\u0000${x.provider}\u0000${x.event_id}`));
}
