/**
 * The one provider interface (README.md in this folder). Adapters translate a provider's API into
 * these normalised shapes; nothing outside this folder knows a provider's wire format.
 */

/** Where a charge stands at the provider. `pending` means "not known yet", never a guess. */
export type GatewayStatus = 'pending' | 'succeeded' | 'failed';

/** Normalised decline codes (Stripe's names); the provider's own code stays in the message. */
export const DECLINE_CODES = ['insufficient_funds', 'expired_card', 'processing_error', 'card_declined', 'incorrect_number', 'authentication_required', 'other'] as const;
export type DeclineCode = (typeof DECLINE_CODES)[number];

export interface ChargeRequest {
  tenantId: string;
  /** Decimal string in major units. */
  amount: string;
  currency: string;
  /** Sent to the provider: the same key asks for the same charge, never a second one. */
  idempotencyKey: string;
  /** The saved method's token (billing key, PaymentMethod id). */
  token: string;
  providerCustomerRef?: string | null;
  /** Our payment id: the provider's order id / metadata, so webhooks find the payment. */
  orderId: string;
  orderName: string;
}

export interface GatewayCharge {
  /** The provider's payment id (paymentKey, PaymentIntent id). */
  ref: string | null;
  status: GatewayStatus;
  declineCode?: DeclineCode;
  declineMessage?: string;
}

export interface SavedMethod {
  token: string;
  providerCustomerRef?: string | null;
  brand: string | null;
  last4: string | null;
  expMonth: number | null;
  expYear: number | null;
}

export interface VirtualAccount {
  accountNumber: string;
  bankName: string;
  accountHolder: string | null;
  /** Toss: the secret its deposit callbacks for this account carry. */
  secret?: string | null;
}

/** What a verified webhook says, normalised. */
export type WebhookEvent =
  | { id: string; type: 'payment'; ref: string | null; orderId: string | null; status: GatewayStatus; declineCode?: DeclineCode; declineMessage?: string }
  | { id: string; type: 'deposit'; ref: string; accountNumber: string; amount: string; currency: string; depositorName: string | null; secret?: string | null; status: GatewayStatus }
  | { id: string; type: 'other'; providerType: string };

/** What a card form sends to `saveMethod`: the sandbox takes a test number, real providers their own one-time token. */
export interface SaveMethodInput {
  tenantId: string;
  customerKey: string;
  customerName: string;
  /** Sandbox only: the test card (never stored; the sandbox keeps brand/last4 and hands back a token). */
  card?: { number: string; expMonth: number; expYear: number };
  /** Toss: the authKey from its card-registration window; Stripe: a PaymentMethod id (pm_...). */
  providerToken?: string;
}

export interface Gateway {
  readonly name: string;
  saveMethod(input: SaveMethodInput): Promise<SavedMethod>;
  /** Throws GatewayUnavailable on a timeout or 5xx: the caller leaves the payment pending. */
  charge(req: ChargeRequest): Promise<GatewayCharge>;
  refund(req: { tenantId: string; ref: string; amount: string; currency: string; idempotencyKey: string; reason: string }): Promise<{ ref: string | null; status: GatewayStatus }>;
  /** The provider's view of a charge, by its ref or, when we never learnt it, by our order id / key; null when it has none. */
  getPaymentStatus(q: { tenantId: string; ref: string | null; orderId: string; idempotencyKey: string }): Promise<GatewayCharge | null>;
  issueVirtualAccount?(req: { tenantId: string; orderId: string; customerName: string; currency: string; amount?: string }): Promise<VirtualAccount>;
  /** Verifies the signature over the raw body; throws WebhookSignatureError when it fails. */
  verifyWebhook(headers: Headers, rawBody: string, ctx: { tenantId: string; findVaSecret?: (accountNumber: string) => Promise<string | null> }): Promise<WebhookEvent>;
  /**
   * A harmless authenticated read that proves the credentials work (the console's "test
   * connection"); throws GatewayRejected (bad key) or GatewayUnavailable. Absent: nothing to test.
   */
  checkConnection?(): Promise<void>;
}

/** The provider did not answer (timeout, network, 5xx): the outcome is unknown, not a failure. */
export class GatewayUnavailable extends Error {
  constructor(readonly provider: string, detail: string) { super(`${provider} did not answer: ${detail}`); }
}

/** The provider refused the request itself (bad credentials, invalid input): not a decline. */
export class GatewayRejected extends Error {
  constructor(readonly provider: string, readonly code: string, detail: string) { super(`${provider} refused the request (${code}): ${detail}`); }
}

export class WebhookSignatureError extends Error {}
