/**
 * Toss Payments (토스페이먼츠) against its REST API (https://docs.tosspayments.com), version 2022-11-16:
 *   billing key from the card window's authKey  POST /v1/billing/authorizations/issue { authKey, customerKey }
 *   charge it                                   POST /v1/billing/{billingKey} { customerKey, amount, orderId, orderName }
 *   cancel / refund                             POST /v1/payments/{paymentKey}/cancel { cancelReason, cancelAmount }
 *   payment by key / by our order id            GET  /v1/payments/{paymentKey}, GET /v1/payments/orders/{orderId}
 *   virtual account                             POST /v1/virtual-accounts { amount, orderId, orderName, customerName, bank }
 * Authorization: Basic base64("<secretKey>:"). POSTs carry Idempotency-Key. Errors are
 * `{ code, message }` with the HTTP status; 5xx and timeouts are "unknown", never a decline.
 * Webhooks are not signed by Toss: a DEPOSIT_CALLBACK carries the virtual account's `secret`
 * (checked against the one stored at issue), and a PAYMENT_STATUS_CHANGED is believed only after
 * fetching the payment from the API with our secret key. TOSS_API_URL (tests) replaces the host.
 * Toss amounts are integer KRW: the decimal string is written into the JSON as is, never via a float.
 */
import { timingSafeEqual } from 'node:crypto';
import { Decimal } from '../../lib/money';
import type { Credentials } from './credentials';
import { GatewayRejected, GatewayUnavailable, WebhookSignatureError, type DeclineCode, type Gateway, type GatewayCharge, type WebhookEvent } from './types';

interface TossPayment {
  paymentKey: string; orderId: string; status: string; totalAmount: number; currency?: string; secret?: string | null;
  virtualAccount?: { accountNumber: string; bankCode?: string; customerName?: string } | null;
  failure?: { code: string; message: string } | null;
}
class TossError extends Error { constructor(readonly status: number, readonly code: string, message: string) { super(message); } }

const DECLINES: Record<string, DeclineCode> = {
  NOT_ENOUGH_BALANCE: 'insufficient_funds', INSUFFICIENT_BALANCE: 'insufficient_funds', EXCEED_MAX_AMOUNT: 'insufficient_funds',
  INVALID_CARD_EXPIRATION: 'expired_card', EXPIRED_CARD: 'expired_card', INVALID_CARD_NUMBER: 'incorrect_number',
  REJECT_CARD_PAYMENT: 'card_declined', REJECT_CARD_COMPANY: 'card_declined', INVALID_REJECT_CARD: 'card_declined', INVALID_STOPPED_CARD: 'card_declined',
};
/** Amount as a JSON number literal from the decimal string (integer KRW). */
const amountLiteral = (s: string) => new Decimal(s).toFixed(0);

export function tossGateway(creds: Credentials): Gateway {
  const auth = `Basic ${Buffer.from(`${creds.secretKey}:`).toString('base64')}`;

  async function api<T>(method: 'GET' | 'POST', path: string, body?: Record<string, unknown>, opts: { idempotencyKey?: string; amount?: string } = {}): Promise<T> {
    let text = body ? JSON.stringify(body) : undefined;
    if (text && opts.amount !== undefined) text = text.replace('"__AMOUNT__"', amountLiteral(opts.amount));
    let res: Response;
    try {
      res = await fetch(`${process.env.TOSS_API_URL ?? 'https://api.tosspayments.com'}${path}`, { method, body: text, signal: AbortSignal.timeout(20_000),
        headers: { authorization: auth, 'content-type': 'application/json', ...(opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {}) } });
    } catch (e) {
      throw new GatewayUnavailable('toss', (e as Error).message);
    }
    const json = await res.json().catch(() => null) as any;
    if (res.status >= 500) throw new GatewayUnavailable('toss', `${res.status} ${json?.code ?? ''}`);
    if (!res.ok) throw new TossError(res.status, json?.code ?? 'UNKNOWN', json?.message ?? `HTTP ${res.status}`);
    return json as T;
  }

  function statusOf(p: TossPayment): GatewayCharge {
    if (p.status === 'DONE' || p.status === 'CANCELED' || p.status === 'PARTIAL_CANCELED') return { ref: p.paymentKey, status: 'succeeded' };
    if (p.status === 'ABORTED' || p.status === 'EXPIRED') return { ref: p.paymentKey, status: 'failed', declineCode: DECLINES[p.failure?.code ?? ''] ?? 'card_declined', declineMessage: p.failure?.message ?? p.status };
    return { ref: p.paymentKey, status: 'pending' };
  }
  const declined = (e: unknown): GatewayCharge => {
    if (!(e instanceof TossError)) throw e;
    if (DECLINES[e.code] || e.code.startsWith('REJECT_')) return { ref: null, status: 'failed', declineCode: DECLINES[e.code] ?? 'card_declined', declineMessage: `${e.code}: ${e.message}` };
    throw new GatewayRejected('toss', e.code, e.message);
  };
  const fetchPayment = async (paymentKey: string) => api<TossPayment>('GET', `/v1/payments/${encodeURIComponent(paymentKey)}`);

  return {
    name: 'toss',
    async saveMethod(input) {
      if (!input.providerToken) throw new GatewayRejected('toss', 'INVALID_REQUEST', 'authKey from the card registration window is required');
      try {
        const b = await api<{ billingKey: string; customerKey: string; cardCompany?: string; cardNumber?: string; card?: { number?: string } }>(
          'POST', '/v1/billing/authorizations/issue', { authKey: input.providerToken, customerKey: input.customerKey });
        const masked = b.cardNumber ?? b.card?.number ?? '';
        return { token: b.billingKey, providerCustomerRef: b.customerKey, brand: b.cardCompany ?? null, last4: masked ? masked.slice(-4) : null, expMonth: null, expYear: null };
      } catch (e) {
        if (e instanceof TossError) throw new GatewayRejected('toss', e.code, e.message);
        throw e;
      }
    },
    async charge(req) {
      try {
        const p = await api<TossPayment>('POST', `/v1/billing/${encodeURIComponent(req.token)}`,
          { customerKey: req.providerCustomerRef, amount: '__AMOUNT__', orderId: req.orderId, orderName: req.orderName.slice(0, 100) }, { idempotencyKey: req.idempotencyKey, amount: req.amount });
        return statusOf(p);
      } catch (e) {
        return declined(e);
      }
    },
    async refund(req) {
      try {
        const p = await api<TossPayment & { cancels?: { transactionKey: string }[] }>('POST', `/v1/payments/${encodeURIComponent(req.ref)}/cancel`,
          { cancelReason: req.reason.slice(0, 200), cancelAmount: '__AMOUNT__' }, { idempotencyKey: req.idempotencyKey, amount: req.amount });
        return { ref: p.cancels?.at(-1)?.transactionKey ?? p.paymentKey, status: 'succeeded' };
      } catch (e) {
        if (e instanceof TossError) throw new GatewayRejected('toss', e.code, e.message);
        throw e;
      }
    },
    async getPaymentStatus(q) {
      try {
        return statusOf(q.ref ? await fetchPayment(q.ref) : await api<TossPayment>('GET', `/v1/payments/orders/${encodeURIComponent(q.orderId)}`));
      } catch (e) {
        if (e instanceof TossError && e.status === 404) return null;
        throw e;
      }
    },
    async issueVirtualAccount(req) {
      if (!req.amount) throw new GatewayRejected('toss', 'INVALID_REQUEST', 'Toss issues a virtual account per order: an amount is required');
      try {
        const p = await api<TossPayment>('POST', '/v1/virtual-accounts', { amount: '__AMOUNT__', orderId: req.orderId, orderName: 'Billwise invoice', customerName: req.customerName, bank: process.env.TOSS_VA_BANK ?? '88' }, { amount: req.amount, idempotencyKey: `va-${req.orderId}` });
        return { accountNumber: p.virtualAccount!.accountNumber, bankName: p.virtualAccount!.bankCode ?? 'toss', accountHolder: p.virtualAccount!.customerName ?? null, secret: p.secret ?? null };
      } catch (e) {
        if (e instanceof TossError) throw new GatewayRejected('toss', e.code, e.message);
        throw e;
      }
    },
    async checkConnection() {
      // Toss has no ping: look up an order that cannot exist. 404 NOT_FOUND_PAYMENT means the key
      // was accepted; a bad key is 401 UNAUTHORIZED_KEY (or 403) before the lookup.
      try {
        await api('GET', `/v1/payments/orders/${encodeURIComponent(`bw-connection-check-${Date.now()}`)}`);
      } catch (e) {
        if (e instanceof TossError && e.status === 404) return;
        if (e instanceof TossError) throw new GatewayRejected('toss', e.code, e.message);
        throw e;
      }
    },
    async verifyWebhook(_headers, rawBody, ctx): Promise<WebhookEvent> {
      const body = JSON.parse(rawBody) as Record<string, any>;
      try {
        if (body.secret && body.orderId && !body.eventType) {
          // DEPOSIT_CALLBACK { createdAt, secret, status, transactionKey, orderId }: the secret must be the account's.
          const p = await api<TossPayment>('GET', `/v1/payments/orders/${encodeURIComponent(body.orderId)}`);
          const account = p.virtualAccount?.accountNumber;
          const stored = account ? await ctx.findVaSecret?.(account) : null;
          const given = Buffer.from(String(body.secret));
          if (!stored || given.length !== Buffer.byteLength(stored) || !timingSafeEqual(given, Buffer.from(stored))) throw new WebhookSignatureError('deposit callback secret does not match the virtual account');
          const status = body.status === 'DONE' ? 'succeeded' : body.status === 'CANCELED' ? 'failed' : 'pending';
          return { id: `deposit:${body.orderId}:${body.transactionKey ?? body.createdAt}:${body.status}`, type: 'deposit', ref: p.paymentKey, accountNumber: account!,
            amount: String(p.totalAmount), currency: p.currency ?? 'KRW', depositorName: null, secret: body.secret, status };
        }
        if (body.eventType === 'PAYMENT_STATUS_CHANGED' && body.data?.paymentKey) {
          // Unsigned: believed only as the API tells it to us with our own secret key.
          const p = await fetchPayment(body.data.paymentKey);
          const s = statusOf(p);
          return { id: `${body.eventType}:${p.paymentKey}:${p.status}`, type: 'payment', ref: p.paymentKey, orderId: p.orderId, status: s.status, declineCode: s.declineCode, declineMessage: s.declineMessage };
        }
      } catch (e) {
        if (e instanceof TossError) throw new WebhookSignatureError(`Toss does not know this payment (${e.code})`);
        throw e;
      }
      if (typeof body.eventType === 'string') return { id: `${body.eventType}:${body.createdAt}`, type: 'other', providerType: body.eventType };
      throw new WebhookSignatureError('not a Toss webhook');
    },
  };
}
