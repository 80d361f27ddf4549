/**
 * Local HTTP servers that answer as Stripe's and Toss Payments' documented REST APIs do (paths,
 * bodies, status codes, error shapes, Idempotency-Key replay), so the real adapters, and for
 * Stripe the official SDK, are tested end to end over HTTP. They are the providers' side, not a
 * mock of our Gateway interface: they know nothing of Billwise.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface ProviderServer { url: string; requests: { method: string; path: string; headers: IncomingMessage['headers']; body: string }[]; close(): Promise<void>; state: Record<string, any> }

async function listen(handler: (req: IncomingMessage, body: string) => { status: number; json: unknown }, state: Record<string, any>): Promise<ProviderServer> {
  const requests: ProviderServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      requests.push({ method: req.method!, path: req.url!, headers: req.headers, body });
      const out = handler(req, body);
      res.writeHead(out.status, { 'content-type': 'application/json', 'request-id': `req_${randomBytes(4).toString('hex')}` });
      res.end(JSON.stringify(out.json));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, state, close: () => new Promise((r) => server.close(() => r())) };
}

const id = (p: string) => `${p}_${randomBytes(8).toString('hex')}`;

/**
 * Stripe: form-encoded bodies, Bearer auth, `Idempotency-Key` replays the first answer, card
 * errors are 402 `{ error: { type: 'card_error', code, decline_code, message, payment_intent } }`.
 * Test PaymentMethods as Stripe names them: pm_card_visa succeeds,
 * pm_card_chargeDeclinedInsufficientFunds and pm_card_chargeDeclinedExpiredCard decline;
 * pm_card_serverError answers 500 (for the "unknown outcome" path).
 */
export function stripeServer(secretKey: string) {
  const intents = new Map<string, any>();
  const byKey = new Map<string, { status: number; json: unknown }>();
  return listen((req, body) => {
    if (req.headers.authorization !== `Bearer ${secretKey}`) return { status: 401, json: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } } };
    const form = new URLSearchParams(body);
    const key = req.headers['idempotency-key'] as string | undefined;
    if (key && byKey.has(key)) return byKey.get(key)!;
    const remember = (r: { status: number; json: unknown }) => { if (key && r.status < 500) byKey.set(key, r); return r; };
    const url = new URL(req.url!, 'http://x');
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && url.pathname === '/v1/balance') return { status: 200, json: { object: 'balance', available: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }], pending: [{ amount: 0, currency: 'usd', source_types: { card: 0 } }], livemode: false } };
    if (req.method === 'POST' && url.pathname === '/v1/customers') return remember({ status: 200, json: { id: id('cus'), object: 'customer', metadata: {} } });
    if (req.method === 'POST' && (m = /^\/v1\/payment_methods\/([^/]+)\/attach$/.exec(url.pathname))) {
      return remember({ status: 200, json: { id: m[1], object: 'payment_method', type: 'card', customer: form.get('customer'), card: { brand: 'visa', last4: m[1].includes('Insufficient') ? '9995' : '4242', exp_month: 12, exp_year: 2034 } } });
    }
    if (req.method === 'POST' && url.pathname === '/v1/payment_intents') {
      const pm = form.get('payment_method')!;
      if (pm === 'pm_card_serverError') return { status: 500, json: { error: { type: 'api_error', message: 'An unknown error occurred' } } };
      const metadata = { billwiseTenant: form.get('metadata[billwiseTenant]'), billwisePayment: form.get('metadata[billwisePayment]') };
      const pi: any = { id: id('pi'), object: 'payment_intent', amount: Number(form.get('amount')), currency: form.get('currency'), customer: form.get('customer'), payment_method: pm, metadata, status: 'succeeded', last_payment_error: null };
      const decline = pm === 'pm_card_chargeDeclinedInsufficientFunds' ? 'insufficient_funds' : pm === 'pm_card_chargeDeclinedExpiredCard' ? 'expired_card' : null;
      if (decline) {
        const err = { type: 'card_error', code: decline === 'expired_card' ? 'expired_card' : 'card_declined', decline_code: decline, message: decline === 'expired_card' ? 'Your card has expired.' : 'Your card has insufficient funds.' };
        Object.assign(pi, { status: 'requires_payment_method', last_payment_error: err });
        intents.set(pi.id, pi);
        return remember({ status: 402, json: { error: { ...err, payment_intent: pi } } });
      }
      intents.set(pi.id, pi);
      return remember({ status: 200, json: pi });
    }
    if (req.method === 'GET' && url.pathname === '/v1/payment_intents/search') {
      const want = /metadata\['billwisePayment'\]:'([^']+)'/.exec(url.searchParams.get('query') ?? '')?.[1];
      return { status: 200, json: { object: 'search_result', data: [...intents.values()].filter((p) => p.metadata.billwisePayment === want), has_more: false, url: '/v1/payment_intents/search' } };
    }
    if (req.method === 'GET' && (m = /^\/v1\/payment_intents\/([^/]+)$/.exec(url.pathname))) {
      const pi = intents.get(m[1]);
      return pi ? { status: 200, json: pi } : { status: 404, json: { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such payment_intent: '${m[1]}'` } } };
    }
    if (req.method === 'POST' && url.pathname === '/v1/refunds') {
      const pi = intents.get(form.get('payment_intent')!);
      if (!pi || pi.status !== 'succeeded') return { status: 400, json: { error: { type: 'invalid_request_error', code: 'charge_already_refunded', message: 'not refundable' } } };
      return remember({ status: 200, json: { id: id('re'), object: 'refund', amount: Number(form.get('amount')), payment_intent: pi.id, status: 'succeeded' } });
    }
    return { status: 404, json: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method}: ${url.pathname})` } } };
  }, { intents });
}

/**
 * Toss Payments: JSON bodies, `Authorization: Basic base64(secretKey + ':')`, errors
 * `{ code, message }`. authKey "auth_insufficient" issues a billing key whose charges are refused
 * with NOT_ENOUGH_BALANCE (403, as Toss answers a card company's refusal); "auth_5xx" one whose
 * charges answer 500 FAILED_INTERNAL_SYSTEM_PROCESSING.
 */
export function tossServer(secretKey: string) {
  const payments = new Map<string, any>();
  const billing = new Map<string, { customerKey: string; mode: string }>();
  const byKey = new Map<string, { status: number; json: unknown }>();
  const state: Record<string, any> = { payments };
  return listen((req, body) => {
    if (req.headers.authorization !== `Basic ${Buffer.from(`${secretKey}:`).toString('base64')}`) return { status: 401, json: { code: 'UNAUTHORIZED_KEY', message: '인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.' } };
    const key = req.headers['idempotency-key'] as string | undefined;
    if (key && byKey.has(key)) return byKey.get(key)!;
    const remember = (r: { status: number; json: unknown }) => { if (key && r.status < 500) byKey.set(key, r); return r; };
    const b = body ? JSON.parse(body) : {};
    const path = new URL(req.url!, 'http://x').pathname;
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && path === '/v1/billing/authorizations/issue') {
      if (!b.authKey || !b.customerKey) return { status: 400, json: { code: 'INVALID_REQUEST', message: '잘못된 요청입니다.' } };
      const billingKey = id('bk');
      billing.set(billingKey, { customerKey: b.customerKey, mode: b.authKey });
      return remember({ status: 200, json: { mId: 'tosspayments', customerKey: b.customerKey, authenticatedAt: new Date().toISOString(), method: '카드', billingKey, cardCompany: '신한', cardNumber: '43301234****123*', card: { issuerCode: '4V', acquirerCode: '41', number: '43301234****1234', cardType: '신용', ownerType: '개인' } } });
    }
    if (req.method === 'POST' && (m = /^\/v1\/billing\/([^/]+)$/.exec(path))) {
      const bk = billing.get(m[1]);
      if (!bk || bk.customerKey !== b.customerKey) return { status: 404, json: { code: 'NOT_FOUND_BILLING', message: '존재하지 않는 빌링키입니다.' } };
      if (typeof b.amount !== 'number') return { status: 400, json: { code: 'INVALID_REQUEST', message: 'amount must be a number' } };
      if (bk.mode === 'auth_5xx') return { status: 500, json: { code: 'FAILED_INTERNAL_SYSTEM_PROCESSING', message: '내부 시스템 처리 작업이 실패했습니다.' } };
      if (bk.mode === 'auth_insufficient') return remember({ status: 403, json: { code: 'NOT_ENOUGH_BALANCE', message: '잔액이 부족합니다.' } });
      const p = { paymentKey: id('tpk'), orderId: b.orderId, orderName: b.orderName, status: 'DONE', totalAmount: b.amount, balanceAmount: b.amount, currency: 'KRW', method: '카드' };
      payments.set(p.paymentKey, p);
      return remember({ status: 200, json: p });
    }
    if (req.method === 'POST' && path === '/v1/virtual-accounts') {
      const p = { paymentKey: id('tpk'), orderId: b.orderId, status: 'WAITING_FOR_DEPOSIT', totalAmount: b.amount, currency: 'KRW', method: '가상계좌', secret: id('ps'),
        virtualAccount: { accountNumber: `X${String(payments.size).padStart(11, '0')}`, bankCode: b.bank, customerName: b.customerName, dueDate: '2099-01-01T00:00:00+09:00' } };
      payments.set(p.paymentKey, p);
      return remember({ status: 200, json: p });
    }
    if (req.method === 'POST' && (m = /^\/v1\/payments\/([^/]+)\/cancel$/.exec(path))) {
      const p = payments.get(m[1]);
      if (!p) return { status: 404, json: { code: 'NOT_FOUND_PAYMENT', message: '존재하지 않는 결제 정보 입니다.' } };
      p.balanceAmount -= b.cancelAmount;
      p.status = p.balanceAmount === 0 ? 'CANCELED' : 'PARTIAL_CANCELED';
      p.cancels = [...(p.cancels ?? []), { transactionKey: id('tx'), cancelAmount: b.cancelAmount, cancelReason: b.cancelReason }];
      return remember({ status: 200, json: p });
    }
    if (req.method === 'GET' && (m = /^\/v1\/payments\/orders\/([^/]+)$/.exec(path))) {
      const p = [...payments.values()].find((x) => x.orderId === m![1]);
      return p ? { status: 200, json: p } : { status: 404, json: { code: 'NOT_FOUND_PAYMENT', message: '존재하지 않는 결제 정보 입니다.' } };
    }
    if (req.method === 'GET' && (m = /^\/v1\/payments\/([^/]+)$/.exec(path))) {
      const p = payments.get(m[1]);
      return p ? { status: 200, json: p } : { status: 404, json: { code: 'NOT_FOUND_PAYMENT', message: '존재하지 않는 결제 정보 입니다.' } };
    }
    return { status: 404, json: { code: 'NOT_FOUND', message: 'no such API' } };
  }, state);
}
