/**
 * The `webhook.deliver` job: POSTs one event to one endpoint, signed (./sign.ts), and logs the
 * attempt (status code, duration) whatever happens. A non-2xx answer or no answer fails the job,
 * so the queue retries with back-off (1 min doubling to 6 h, 12 attempts: about a day). When the
 * last attempt has failed the endpoint is disabled and its owner told: the audit log, and an
 * e-mail when SMTP is configured. A replay (a person pressing the button) is one attempt and never
 * disables anything.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { users, webhookDeliveries, webhookEndpoints, webhookEvents } from '../db/schema';
import { systemCtx } from '../lib/context';
import { recordAudit } from '../audit/record';
import { mailerFromEnv } from '../mail';
import { registerJobKind, type Job, type JobRunEnv } from '../jobs/registry';
import { WEBHOOK_BACKOFF, WEBHOOK_DELIVER_JOB, WEBHOOK_MAX_ATTEMPTS } from './emit';
import { sign } from './sign';
import { guardedPost } from './url-guard';

const TIMEOUT_MS = 10_000;
interface Payload { eventId: string; endpointId: string; replay?: boolean }

/** The body every endpoint receives for an event. */
export function eventBody(ev: typeof webhookEvents.$inferSelect): string {
  return JSON.stringify({ id: ev.id, type: ev.type, timestamp: ev.createdAt.toISOString(), data: ev.data });
}

async function deliver(job: Job, env: JobRunEnv) {
  const { eventId, endpointId } = job.payload as Payload;
  const tenantId = job.tenantId!;
  const [ep] = await env.db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, endpointId)));
  const [ev] = await env.db.select().from(webhookEvents).where(and(eq(webhookEvents.tenantId, tenantId), eq(webhookEvents.id, eventId)));
  if (!ep || !ev || (ep.status !== 'active' && !(job.payload as Payload).replay)) return;
  const body = eventBody(ev);
  const timestamp = Math.floor(env.now().getTime() / 1000);
  const started = performance.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const res = await guardedPost(ep.url, {
      method: 'POST', body, redirect: 'manual', signal: AbortSignal.any([env.signal, AbortSignal.timeout(TIMEOUT_MS)]),
      headers: { 'content-type': 'application/json', 'user-agent': 'Billwise-Webhooks/1', 'webhook-id': ev.id, 'webhook-timestamp': String(timestamp), 'webhook-signature': sign(ep.secret, ev.id, timestamp, body) },
    });
    statusCode = res.status;
    await res.body?.cancel();
    if (res.status < 200 || res.status >= 300) error = `HTTP ${res.status}`;
  } catch (err) {
    error = err instanceof Error ? (err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message) : String(err);
  }
  const durationMs = Math.round(performance.now() - started);
  await env.db.transaction(async (tx) => {
    await env.holdLease(tx);
    // Wall clock, like the queue's leases: the log says when the request really went out.
    await tx.insert(webhookDeliveries).values({ tenantId, endpointId, eventId, attempt: job.attempts, statusCode, durationMs, error, createdAt: new Date() });
  });
  if (error) throw new Error(`webhook delivery to endpoint ${endpointId} failed: ${error}`);
}

async function disableAfterFailures(db: Db, job: Job, err: unknown) {
  const { endpointId, replay } = job.payload as Payload;
  if (replay || !job.tenantId) return;
  const tenantId = job.tenantId;
  const reason = `deliveries kept failing for a day (${err instanceof Error ? err.message : String(err)})`;
  const ep = await db.transaction(async (tx) => {
    const [before] = await tx.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, endpointId))).for('update');
    if (!before || before.status !== 'active') return null;
    const [after] = await tx.update(webhookEndpoints).set({ status: 'disabled', disabledReason: reason, updatedAt: new Date() }).where(eq(webhookEndpoints.id, endpointId)).returning();
    await recordAudit(tx, systemCtx(db, tenantId, []), { action: 'webhook_endpoint.disabled', entityType: 'webhook_endpoint', entityId: endpointId,
      before: { status: before.status, url: before.url }, after: { status: after.status, url: after.url, reason } });
    return after;
  });
  if (!ep?.ownerUserId) return;
  const [owner] = await db.select({ email: users.email }).from(users).where(eq(users.id, ep.ownerUserId));
  const mailer = mailerFromEnv();
  if (!owner || !mailer) return;
  try {
    await mailer.transporter.sendMail({
      from: mailer.from, to: owner.email,
      subject: '[Billwise] 웹훅 엔드포인트가 비활성화되었습니다 / Webhook endpoint disabled',
      text: `웹훅 엔드포인트 ${ep.url} 로의 전송이 하루 동안 계속 실패하여 비활성화되었습니다.\n\nDeliveries to your webhook endpoint ${ep.url} kept failing for a day, so it was disabled. Fix the receiver, then enable it again in the console.\n\n${reason}`,
    });
  } catch { /* the audit log has it; a dead relay must not fail the job's final-failure handling */ } finally { mailer.close(); }
}

export function registerWebhookJobs() {
  registerJobKind({ kind: WEBHOOK_DELIVER_JOB, run: deliver, onFinalFailure: disableAfterFailures, retry: { maxAttempts: WEBHOOK_MAX_ATTEMPTS, backoff: WEBHOOK_BACKOFF } });
}
