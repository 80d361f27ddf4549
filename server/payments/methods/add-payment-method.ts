/**
 * Adds a payment method: the provider tokenises (card), registers the debit account or issues a
 * virtual account first, outside any transaction (it is a call to someone else's system); then the
 * token and display fields are stored. A card number reaches only the sandbox adapter, which drops
 * it; real providers take cards in their own window and we receive their one-time token.
 */
import { paymentMethods } from '../../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../../lib/context';
import { invalid, notFound, type FieldIssue } from '../../lib/errors';
import { recordAudit } from '../../audit/record';
import { amountProblem } from '../../lib/money';
import { findBillTo } from '../../customers/bill-to';
import { gatewayFor } from '../gateways/registry';
import { gatewayEnabled } from '../gateways/credentials';
import { encryptSecret } from '../gateways/secrets';
import { GatewayRejected, type SavedMethod, type VirtualAccount } from '../gateways/types';
import { defaultMethod, makeDefault, methodOut } from './payment-methods';
import type { PaymentMethodInput } from './schemas';

function checkInput(input: PaymentMethodInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (input.type === 'card' && input.provider === 'sandbox' && !input.card) issues.push({ path: 'card', message: 'is required for a sandbox card' });
  if (input.type === 'card' && input.provider !== 'sandbox' && !input.providerToken) issues.push({ path: 'providerToken', message: `is required: ${input.provider} takes the card in its own window` });
  if (input.card && (input.type !== 'card' || input.provider !== 'sandbox')) issues.push({ path: 'card', message: 'card numbers are only taken by the sandbox; real providers tokenise in their own window' });
  if (input.type === 'bank_transfer') {
    for (const k of ['bankName', 'accountNumber', 'accountHolder'] as const) if (!input[k]) issues.push({ path: k, message: 'is required for a bank auto-debit' });
    if (input.provider !== 'sandbox') issues.push({ path: 'provider', message: 'bank auto-debit (CMS) is available through the sandbox only' });
  }
  if (input.type === 'virtual_account' && input.autoCollect) issues.push({ path: 'autoCollect', message: 'a virtual account is paid by transfer and cannot be charged automatically' });
  if (input.type === 'virtual_account' && input.provider === 'stripe') issues.push({ path: 'provider', message: 'virtual accounts are issued by sandbox or toss' });
  if (input.amount !== undefined && (input.type !== 'virtual_account' || amountProblem(input.amount, 'KRW'))) issues.push({ path: 'amount', message: input.type !== 'virtual_account' ? 'is only for a virtual account' : amountProblem(input.amount, 'KRW')! });
  if (input.card) {
    const now = new Date();
    if (input.card.expYear < now.getUTCFullYear() || (input.card.expYear === now.getUTCFullYear() && input.card.expMonth < now.getUTCMonth() + 1)) issues.push({ path: 'card.expYear', message: 'the card has expired' });
  }
  return issues;
}

export async function addPaymentMethod({ ctx, billTo, input }: { ctx: Ctx; billTo: string; input: PaymentMethodInput }) {
  assertPermission(ctx, 'payments:write');
  const issues = checkInput(input);
  if (issues.length) throw invalid(issues);
  const owner = await findBillTo(q(ctx), ctx, billTo);
  if (!owner) throw notFound('Payer');
  if (!(await gatewayEnabled(q(ctx), ctx.tenantId, input.provider))) throw invalid([{ path: 'provider', message: 'is disabled for this tenant (gateway settings)' }]);
  const gateway = await gatewayFor(q(ctx), ctx.tenantId, input.provider);
  let saved: SavedMethod | null = null;
  let va: VirtualAccount | null = null;
  try {
    if (input.type === 'card') saved = await gateway.saveMethod({ tenantId: ctx.tenantId, customerKey: billTo, customerName: owner.billTo, card: input.card, providerToken: input.providerToken });
    else if (input.type === 'bank_transfer') saved = { token: `sbx_tok_cms_${input.accountNumber!.replace(/\D/g, '').slice(-4)}`, brand: null, last4: input.accountNumber!.replace(/\D/g, '').slice(-4), expMonth: null, expYear: null };
    else if (gateway.issueVirtualAccount) va = await gateway.issueVirtualAccount({ tenantId: ctx.tenantId, orderId: `va-${billTo}`, customerName: input.accountHolder ?? 'payer', currency: owner.currencies[0] ?? 'KRW', amount: input.amount });
  } catch (e) {
    if (e instanceof GatewayRejected) throw invalid([{ path: input.card ? 'card.number' : input.providerToken ? 'providerToken' : 'provider', message: `was refused by the provider (${e.code})` }]);
    throw e;
  }
  return withTransaction(ctx, async (tx, tctx) => {
    const first = !(await defaultMethod(tx, ctx.tenantId, billTo));
    const [m] = await tx.insert(paymentMethods).values({
      tenantId: ctx.tenantId, billTo, payerId: owner.payerId, customerId: owner.customerId, type: input.type, provider: input.provider,
      token: saved?.token ?? null, providerCustomerRef: saved?.providerCustomerRef ?? null, brand: saved?.brand ?? null, last4: saved?.last4 ?? null,
      expMonth: saved?.expMonth ?? null, expYear: saved?.expYear ?? null,
      bankName: va?.bankName ?? input.bankName ?? null,
      accountNumber: va?.accountNumber ?? (saved?.last4 && input.type === 'bank_transfer' ? `****${saved.last4}` : null),
      accountHolder: va?.accountHolder ?? input.accountHolder ?? null, secretEncrypted: va?.secret ? encryptSecret(va.secret) : null,
      autoCollect: input.autoCollect, createdBy: ctx.actor.name, createdAt: ctx.now(), updatedAt: ctx.now(),
    }).returning();
    if (input.isDefault ?? first) await makeDefault(tx, tctx, m);
    const out = { ...methodOut(m), isDefault: input.isDefault ?? first };
    await recordAudit(tx, tctx, { action: 'payment_method.add', entityType: 'payment_method', entityId: m.id, after: out });
    return out;
  });
}
