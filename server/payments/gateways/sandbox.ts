/**
 * The sandbox gateway: the default provider, so the demo collects money with no account anywhere.
 * It plays the provider's side in-process, as a real one would: it tokenises test cards (the number
 * is read once and dropped; only a token, brand, last 4 and expiry come back), keeps its own ledger
 * of charges (`sandbox_charges`, idempotent on the caller's key), issues virtual accounts, and
 * tells us about outcomes through signed webhooks sent over HTTP to our own endpoint
 * (sandbox-webhooks.ts). Test cards choose the outcome, as Stripe's do (README.md here).
 */
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { sandboxCharges } from '../../db/schema';
import { Decimal } from '../../lib/money';
import { enqueueSandboxWebhook, verifySandboxSignature } from './sandbox-webhooks';
import { GatewayRejected, GatewayUnavailable, WebhookSignatureError, type DeclineCode, type Gateway, type GatewayCharge, type WebhookEvent } from './types';

/** Last 4 digits of a test card → what charging it does (Stripe's test numbers). */
export const SANDBOX_CARDS: Record<string, { number: string; outcome: 'succeeded' | DeclineCode | 'lost_answer' }> = {
  '4242': { number: '4242424242424242', outcome: 'succeeded' },
  '9995': { number: '4000000000009995', outcome: 'insufficient_funds' },
  '0069': { number: '4000000000000069', outcome: 'expired_card' },
  '0119': { number: '4000000000000119', outcome: 'processing_error' },
  '0002': { number: '4000000000000002', outcome: 'card_declined' },
  // Succeeds at the sandbox, but the answer never reaches us (a timeout): the payment stays pending
  // until the webhook or a status query says what happened.
  '0077': { number: '4000000000000077', outcome: 'lost_answer' },
};
const DECLINE_TEXT: Partial<Record<DeclineCode, string>> = {
  insufficient_funds: 'Your card has insufficient funds.', expired_card: 'Your card has expired.',
  processing_error: 'An error occurred while processing your card. Try again in a little bit.', card_declined: 'Your card was declined.',
};

/** Test switches (tests only): the next N calls fail as a 5xx would, before anything is recorded. */
export const sandboxFaults = { unavailable: 0 };

function luhnOk(n: string) {
  let sum = 0;
  for (let i = 0; i < n.length; i++) {
    let d = Number(n[n.length - 1 - i]);
    if (i % 2) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}
const brandOf = (n: string) => (n.startsWith('4') ? 'visa' : /^5[1-5]/.test(n) ? 'mastercard' : /^3[47]/.test(n) ? 'amex' : 'unknown');
const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

function outcomeOfToken(token: string) {
  const m = /^sbx_tok_(\d{4})_/.exec(token);
  if (!m) throw new GatewayRejected('sandbox', 'invalid_token', 'no such sandbox card token');
  return SANDBOX_CARDS[m[1]]?.outcome ?? 'succeeded';
}

function chargeOut(row: typeof sandboxCharges.$inferSelect): GatewayCharge {
  if (row.status === 'succeeded' || row.status === 'pending') return { ref: row.id, status: row.status };
  const code = (row.declineCode ?? 'card_declined') as DeclineCode;
  return { ref: row.id, status: 'failed', declineCode: code, declineMessage: DECLINE_TEXT[code] ?? 'The card was declined.' };
}

function unavailableFault() {
  if (sandboxFaults.unavailable > 0) {
    sandboxFaults.unavailable--;
    throw new GatewayUnavailable('sandbox', '503 Service Unavailable (simulated)');
  }
}

export function sandboxGateway(db: DbOrTx): Gateway & { simulateDeposit: typeof simulateDeposit } {
  async function simulateDeposit(input: { tenantId: string; accountNumber: string; amount: string; currency: string; depositorName: string | null }) {
    const [row] = await db.insert(sandboxCharges).values({ id: id('sbx_dep'), tenantId: input.tenantId, kind: 'deposit', accountNumber: input.accountNumber,
      amount: new Decimal(input.amount).toString(), currency: input.currency, status: 'succeeded' }).returning();
    await enqueueSandboxWebhook(db, input.tenantId, { id: id('evt_sbx'), type: 'deposit.succeeded',
      data: { id: row.id, accountNumber: input.accountNumber, amount: row.amount, currency: row.currency, depositorName: input.depositorName } });
    return { ref: row.id };
  }

  return {
    name: 'sandbox',
    simulateDeposit,
    async saveMethod(input) {
      const card = input.card;
      if (!card) throw new GatewayRejected('sandbox', 'card_required', 'the sandbox takes a test card number');
      const number = card.number.replace(/[\s-]/g, '');
      if (!/^\d{12,19}$/.test(number) || !luhnOk(number)) throw new GatewayRejected('sandbox', 'incorrect_number', 'The card number is incorrect.');
      // The number goes no further than this line: only what a provider would hand back is kept.
      return { token: `sbx_tok_${number.slice(-4)}_${randomBytes(8).toString('hex')}`, providerCustomerRef: `sbx_cus_${input.customerKey}`,
        brand: brandOf(number), last4: number.slice(-4), expMonth: card.expMonth, expYear: card.expYear };
    },
    async charge(req) {
      unavailableFault();
      const outcome = outcomeOfToken(req.token);
      const status = outcome === 'succeeded' || outcome === 'lost_answer' ? 'succeeded' : 'failed';
      const [row] = await db.insert(sandboxCharges).values({ id: id('sbx_pay'), tenantId: req.tenantId, idempotencyKey: req.idempotencyKey, kind: 'charge',
        token: req.token, orderId: req.orderId, amount: new Decimal(req.amount).toString(), currency: req.currency, status,
        declineCode: status === 'failed' ? outcome : null }).onConflictDoNothing().returning();
      const charged = row ?? (await db.select().from(sandboxCharges).where(and(eq(sandboxCharges.tenantId, req.tenantId), eq(sandboxCharges.idempotencyKey, req.idempotencyKey))))[0];
      if (row) {
        const out = chargeOut(row);
        await enqueueSandboxWebhook(db, req.tenantId, { id: id('evt_sbx'), type: `payment.${out.status}`,
          data: { id: row.id, orderId: req.orderId, amount: row.amount, currency: row.currency, status: out.status, declineCode: out.declineCode ?? null, declineMessage: out.declineMessage ?? null } });
        if (outcome === 'lost_answer') throw new GatewayUnavailable('sandbox', 'timed out waiting for the answer (simulated)');
      }
      return chargeOut(charged);
    },
    async refund(req) {
      unavailableFault();
      const [row] = await db.select().from(sandboxCharges).where(and(eq(sandboxCharges.tenantId, req.tenantId), eq(sandboxCharges.id, req.ref)));
      if (!row || row.status !== 'succeeded') throw new GatewayRejected('sandbox', 'charge_not_refundable', 'no succeeded sandbox charge with this id');
      const after = new Decimal(row.refundedAmount).plus(req.amount);
      if (after.greaterThan(row.amount)) throw new GatewayRejected('sandbox', 'amount_too_large', 'refund exceeds the charge');
      await db.update(sandboxCharges).set({ refundedAmount: after.toString() }).where(eq(sandboxCharges.id, row.id));
      return { ref: id('sbx_re'), status: 'succeeded' };
    },
    async getPaymentStatus(q) {
      unavailableFault();
      const [row] = await db.select().from(sandboxCharges).where(and(eq(sandboxCharges.tenantId, q.tenantId),
        q.ref ? eq(sandboxCharges.id, q.ref) : eq(sandboxCharges.idempotencyKey, q.idempotencyKey)));
      return row ? chargeOut(row) : null;
    },
    async issueVirtualAccount() {
      const digits = Array.from(randomBytes(12), (b) => String(b % 10)).join('');
      return { accountNumber: `990${digits}`, bankName: 'Sandbox Bank', accountHolder: 'Billwise Sandbox' };
    },
    async verifyWebhook(headers, rawBody, ctx): Promise<WebhookEvent> {
      if (!verifySandboxSignature(ctx.tenantId, headers.get('billwise-sandbox-signature'), rawBody)) throw new WebhookSignatureError('bad or missing Billwise-Sandbox-Signature');
      const e = JSON.parse(rawBody) as { id: string; type: string; data: Record<string, any> };
      const d = e.data ?? {};
      if (e.type === 'deposit.succeeded') {
        return { id: e.id, type: 'deposit', ref: d.id, accountNumber: d.accountNumber, amount: String(d.amount), currency: d.currency, depositorName: d.depositorName ?? null, status: 'succeeded' };
      }
      if (e.type.startsWith('payment.')) {
        return { id: e.id, type: 'payment', ref: d.id ?? null, orderId: d.orderId ?? null, status: d.status,
          ...(d.declineCode ? { declineCode: d.declineCode, declineMessage: d.declineMessage ?? undefined } : {}) };
      }
      return { id: e.id, type: 'other', providerType: e.type };
    },
  };
}
