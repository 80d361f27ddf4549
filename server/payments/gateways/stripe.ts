/**
 * Stripe through its official SDK: a card is a PaymentMethod (pm_...) collected by Stripe's own
 * Elements and attached to a Stripe customer; a charge is an off-session PaymentIntent confirmed at
 * once with the attempt's Idempotency-Key; refunds are Refunds; webhooks are verified with
 * `stripe.webhooks.constructEvent` (Stripe-Signature). STRIPE_API_URL (tests) points the SDK's
 * host/port/protocol at another server. The SDK takes amounts as integers in minor units: the
 * decimal is converted once here (toMinor), never through float arithmetic.
 */
import Stripe from 'stripe';
import { Decimal, currencyDecimals } from '../../lib/money';
import type { Credentials } from './credentials';
import { GatewayRejected, GatewayUnavailable, WebhookSignatureError, type DeclineCode, type Gateway, type GatewayCharge, type GatewayStatus, type WebhookEvent } from './types';

const toMinor = (amount: string, currency: string) => Number(new Decimal(amount).times(new Decimal(10).pow(currencyDecimals(currency))).toFixed(0));

function client(creds: Credentials): Stripe {
  const url = process.env.STRIPE_API_URL ? new URL(process.env.STRIPE_API_URL) : null;
  return new Stripe(creds.secretKey, {
    maxNetworkRetries: 0, timeout: 20_000,
    ...(url ? { host: url.hostname, port: url.port || (url.protocol === 'https:' ? 443 : 80), protocol: url.protocol.replace(':', '') as 'http' | 'https' } : {}),
  });
}

const DECLINES: Record<string, DeclineCode> = { insufficient_funds: 'insufficient_funds', expired_card: 'expired_card', processing_error: 'processing_error', incorrect_number: 'incorrect_number', authentication_required: 'authentication_required' };

function statusOf(pi: Stripe.PaymentIntent): GatewayCharge {
  const map: Record<string, GatewayStatus> = { succeeded: 'succeeded', processing: 'pending', requires_payment_method: 'failed', canceled: 'failed' };
  const status = map[pi.status] ?? 'pending';
  const err = pi.last_payment_error;
  return status === 'failed'
    ? { ref: pi.id, status, declineCode: DECLINES[err?.decline_code ?? err?.code ?? ''] ?? 'card_declined', declineMessage: err?.message ?? `PaymentIntent ${pi.status}` }
    : { ref: pi.id, status };
}

/** Maps an SDK error: a decline is a result, a 5xx/network error is "unknown", the rest is our mistake. */
function mapError(e: unknown): GatewayCharge {
  const err = e as Stripe.errors.StripeError;
  if (err?.type === 'StripeCardError') {
    const pi = (err.raw as { payment_intent?: Stripe.PaymentIntent })?.payment_intent ?? err.payment_intent;
    return { ref: pi?.id ?? null, status: 'failed', declineCode: DECLINES[err.decline_code ?? err.code ?? ''] ?? 'card_declined', declineMessage: err.message };
  }
  if (err?.type === 'StripeConnectionError' || err?.type === 'StripeAPIError' || (err?.statusCode ?? 0) >= 500) throw new GatewayUnavailable('stripe', err.message);
  if (err?.type?.startsWith?.('Stripe')) throw new GatewayRejected('stripe', err.code ?? err.type, err.message);
  throw e;
}

export function stripeGateway(creds: Credentials): Gateway {
  const stripe = client(creds);
  return {
    name: 'stripe',
    async saveMethod(input) {
      if (!input.providerToken?.startsWith('pm_')) throw new GatewayRejected('stripe', 'invalid_payment_method', 'expected a PaymentMethod id (pm_...) from Stripe Elements');
      try {
        const customer = await stripe.customers.create({ metadata: { billwiseTenant: input.tenantId, billwiseBillTo: input.customerKey } });
        const pm = await stripe.paymentMethods.attach(input.providerToken, { customer: customer.id });
        return { token: pm.id, providerCustomerRef: customer.id, brand: pm.card?.brand ?? null, last4: pm.card?.last4 ?? null, expMonth: pm.card?.exp_month ?? null, expYear: pm.card?.exp_year ?? null };
      } catch (e) {
        mapError(e);
        throw e;
      }
    },
    async charge(req) {
      try {
        const pi = await stripe.paymentIntents.create({
          amount: toMinor(req.amount, req.currency), currency: req.currency.toLowerCase(), customer: req.providerCustomerRef ?? undefined,
          payment_method: req.token, off_session: true, confirm: true, description: req.orderName,
          metadata: { billwiseTenant: req.tenantId, billwisePayment: req.orderId },
        }, { idempotencyKey: req.idempotencyKey });
        return statusOf(pi);
      } catch (e) {
        return mapError(e);
      }
    },
    async refund(req) {
      try {
        const r = await stripe.refunds.create({ payment_intent: req.ref, amount: toMinor(req.amount, req.currency), metadata: { reason: req.reason.slice(0, 500) } }, { idempotencyKey: req.idempotencyKey });
        return { ref: r.id, status: r.status === 'succeeded' ? 'succeeded' : r.status === 'failed' || r.status === 'canceled' ? 'failed' : 'pending' };
      } catch (e) {
        const m = mapError(e);
        return { ref: m.ref, status: m.status };
      }
    },
    async getPaymentStatus(q) {
      try {
        if (q.ref) return statusOf(await stripe.paymentIntents.retrieve(q.ref));
        const found = await stripe.paymentIntents.search({ query: `metadata['billwisePayment']:'${q.orderId}'` });
        return found.data[0] ? statusOf(found.data[0]) : null;
      } catch (e) {
        if ((e as Stripe.errors.StripeError)?.statusCode === 404) return null;
        return mapError(e);
      }
    },
    async checkConnection() {
      // GET /v1/balance: any valid secret or restricted key may read it; nothing changes.
      try {
        await stripe.balance.retrieve();
      } catch (e) {
        mapError(e);
        throw e;
      }
    },
    async verifyWebhook(headers, rawBody): Promise<WebhookEvent> {
      const sig = headers.get('stripe-signature');
      if (!sig || !creds.webhookSecret) throw new WebhookSignatureError('missing Stripe-Signature or webhook secret');
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, sig, creds.webhookSecret);
      } catch (e) {
        throw new WebhookSignatureError((e as Error).message);
      }
      if (event.type.startsWith('payment_intent.')) {
        const pi = event.data.object as Stripe.PaymentIntent;
        const s = statusOf(pi);
        return { id: event.id, type: 'payment', ref: pi.id, orderId: pi.metadata?.billwisePayment ?? null, status: s.status, declineCode: s.declineCode, declineMessage: s.declineMessage };
      }
      return { id: event.id, type: 'other', providerType: event.type };
    },
  };
}
