/**
 * Sending the reminders a chunk claimed (`queued`), a small group of invoices at a time, after the
 * claims committed: an SMTP call is never inside a transaction.
 *
 * At most once per e-mail: the group's rows go queued → sending in one committed update before any
 * call, so a run that dies during the calls leaves `sending` (a later day marks it `unknown`, never
 * resent) and one that dies before leaves `queued` (the next run sends it). The group bounds what
 * a crash can leave unknown (MAIL_GROUP invoices). A group's recipients are read with two queries
 * (recipients.ts); the PDF is a link to the pay page, not rendered here; the messages go over the
 * mailer's pooled connections; the outcomes, timeline and audit rows of a group are one transaction.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../db/client';
import { dunningActions, dunningTimeline } from '../db/schema';
import { toMoneyString } from '../lib/money';
import { recordAudits, type AuditEntry } from '../audit/record';
import { sendReminderEmail, type Mailer } from '../mail';
import { writeOutcomes, type Outcome } from './apply';
import type { InvoiceDecision, TimelineRow } from './decide';
import type { Fired } from './policy';
import type { ActionRow } from './load';
import type { StepEnv } from './steps';
import { payLink, payPdfLink } from './pay-link';
import { reminderRecipients, type Recipient, type Sender } from './recipients';

/** Invoices per group: at most this many can be left `unknown` by a crash while sending. */
export const MAIL_GROUP = 100;
/** SMTP calls in flight at once (the mailer pool's connections). */
const PARALLEL = 4;

export interface SendEnv { db: Db; holdLease?: (tx: Tx) => Promise<void>; env: StepEnv; mailer: Mailer | null; sender: Sender }
type Queued = { d: InvoiceDecision; row: ActionRow; f: Fired };

export async function sendReminders(s: SendEnv, queued: Queued[]): Promise<{ acted: number; failed: number }> {
  if (!queued.length) return { acted: 0, failed: 0 };
  const { ctx, today } = s.env;
  const taken = new Set((await s.db.transaction(async (tx) => {
    await s.holdLease?.(tx);
    return tx.update(dunningActions).set({ status: 'sending', lastAttemptOn: today, updatedAt: ctx.now() })
      .where(and(inArray(dunningActions.id, queued.map((q) => q.row.id)), eq(dunningActions.status, 'queued'))).returning({ id: dunningActions.id });
  })).map((r) => r.id));
  const mine = queued.filter((q) => taken.has(q.row.id));
  const to = mine.length && s.mailer ? await reminderRecipients(s.db, ctx.tenantId, mine.map((q) => q.d.od.inv)) : new Map<string, Recipient>();
  const outcomes: Outcome[] = new Array(mine.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(PARALLEL, mine.length) }, async () => {
    for (let k = next++; k < mine.length; k = next++) outcomes[k] = await sendOne(s, mine[k], to.get(mine[k].d.od.inv.id));
  }));
  const timeline: TimelineRow[] = [];
  const audits: AuditEntry[] = [];
  mine.forEach(({ d, row, f }, k) => {
    const o = outcomes[k];
    const result = 'error' in o ? {} : o.result;
    timeline.push({ tenantId: ctx.tenantId, invoiceId: d.od.inv.id, runDate: today, ruleCode: f.rule.id, ruleVersion: f.rule.version, action: 'remind',
      decision: 'error' in o ? 'failed' : 'acted', reason: 'error' in o ? `${o.error}; retried on the next run day` : null, facts: { ...f.facts, result }, trace: f.trace, createdAt: ctx.now() });
    if (!('error' in o)) audits.push({ action: 'dunning.remind', entityType: 'invoice', entityId: d.od.inv.id, after: { rule: f.rule.id, step: row.step, ...result } });
  });
  if (mine.length) {
    await s.db.transaction(async (tx) => {
      await s.holdLease?.(tx);
      await writeOutcomes(tx, mine.map((q, k) => ({ id: q.row.id, o: outcomes[k] })), ctx.now());
      await tx.insert(dunningTimeline).values(timeline);
      await recordAudits(tx, ctx, audits);
    });
  }
  return { acted: audits.length, failed: mine.length - audits.length };
}

async function sendOne(s: SendEnv, { d, f }: Queued, r: Recipient | undefined): Promise<Outcome> {
  const { inv, owed } = d.od;
  try {
    if (!s.mailer) throw new Error('e-mail is not configured (SMTP_HOST, MAIL_FROM)');
    if (!r?.email) throw new Error('the payer has no e-mail address');
    const now = s.env.ctx.now();
    const doc = { number: inv.number ?? inv.id, currency: inv.currency, dueDate: inv.dueDate, buyer: { name: r.name }, seller: { name: s.sender.name } };
    const sent = await sendReminderEmail(s.mailer, { to: r.email, doc, locale: s.sender.locale, amountOwed: toMoneyString(owed, inv.currency), daysOverdue: d.daysOverdue,
      payLink: payLink(inv, now), pdfLink: payPdfLink(inv, now), template: f.rule.params.template ?? 'overdue' });
    if (!sent.accepted.length) throw new Error(`the mail server refused ${sent.rejected.join(', ')}`);
    return { status: 'done', result: { to: r.email, messageId: sent.messageId, locale: s.sender.locale } };
  } catch (e) {
    return { error: (e as Error).message };
  }
}
