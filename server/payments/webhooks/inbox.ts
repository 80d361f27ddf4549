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
 * Group commit: requests that arrive while a batch is being written wait for the next one, which
 * takes all of them in one statement (no timer: a lone request is written at once). A database
 * round trip per webhook was the limit (see test/bench/payments.bench.ts); this is one per batch.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
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

export interface InboxEntry { tenantId: string; provider: string; event: WebhookEvent; eventType: string; receivedAt: Date }
interface Waiting { entry: InboxEntry; resolve: (queued: boolean) => void; reject: (e: unknown) => void }
interface Inbox { waiting: Waiting[]; writing: boolean }

const inboxes = new WeakMap<Db, Inbox>();
const keyOf = (e: InboxEntry) => `${e.tenantId}\u0000${e.provider}\u0000${e.event.id}`;
const rows = <T>(r: unknown) => ((r as { rows?: T[] }).rows ?? (r as T[]));

/** Stores a verified event; true when it is new (queued), false when it was received before. */
export function putInInbox(db: Db, entry: InboxEntry): Promise<boolean> {
  let inbox = inboxes.get(db);
  if (!inbox) inboxes.set(db, inbox = { waiting: [], writing: false });
  const box = inbox;
  return new Promise<boolean>((resolve, reject) => {
    box.waiting.push({ entry, resolve, reject });
    if (!box.writing) void writeAll(db, box);
  });
}

async function writeAll(db: Db, box: Inbox) {
  box.writing = true;
  try {
    while (box.waiting.length) {
      const batch = box.waiting.splice(0, MAX_BATCH);
      try {
        const fresh = await writeBatch(db, batch.map((w) => w.entry));
        // Two deliveries of one event in one batch: the first is the new one, the other a duplicate.
        const seen = new Set<string>();
        for (const w of batch) {
          const k = keyOf(w.entry);
          w.resolve(fresh.has(k) && !seen.has(k));
          seen.add(k);
        }
      } catch (e) {
        for (const w of batch) w.reject(e);
      }
    }
  } finally {
    box.writing = false;
  }
}

async function writeBatch(db: Db, entries: InboxEntry[]): Promise<Set<string>> {
  const unique = [...new Map(entries.map((e) => [keyOf(e), e])).values()];
  const values = sql.join(unique.map((e) => sql`(${e.tenantId}::uuid, ${e.provider}, ${e.event.id}, ${e.eventType}, ${JSON.stringify(e.event)}::jsonb, ${e.receivedAt.toISOString()}::timestamptz)`), sql`, `);
  const r = await db.execute(sql`
    with v (tenant_id, provider, event_id, event_type, event, received_at) as (values ${values}),
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
