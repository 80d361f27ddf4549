/**
 * A tenant's gateway credentials: set (encrypted), listed by key name only, removed. The values
 * are never answered, logged or audited: the audit row names the keys that were set.
 */
import { and, eq } from 'drizzle-orm';
import { gatewayAccounts } from '../../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../../lib/context';
import { invalid, notFound } from '../../lib/errors';
import { recordAudit } from '../../audit/record';
import { CREDENTIAL_KEYS, PROVIDERS, loadCredentials, type Provider } from './credentials';
import { encryptSecret } from './secrets';

export async function listGateways({ ctx }: { ctx: Ctx }) {
  assertPermission(ctx, 'payments:read');
  const data = [];
  for (const provider of PROVIDERS) {
    const [row] = await q(ctx).select().from(gatewayAccounts).where(and(eq(gatewayAccounts.tenantId, ctx.tenantId), eq(gatewayAccounts.provider, provider)));
    const source = provider === 'sandbox' ? 'builtin' : row ? 'tenant' : (await loadCredentials(q(ctx), ctx.tenantId, provider)).source;
    data.push({ provider, configured: source !== 'none', source: source as 'builtin' | 'tenant' | 'env' | 'none',
      keyNames: row?.keyNames ?? [], acceptedKeys: Object.keys(CREDENTIAL_KEYS[provider]), updatedAt: row?.updatedAt.toISOString() ?? null,
      webhookPath: `/api/v1/webhooks/payments/${provider}?tenant=${ctx.tenantId}` });
  }
  return { data };
}

export async function setGatewayCredentials({ ctx, provider, credentials }: { ctx: Ctx; provider: Provider; credentials: Record<string, string> }) {
  assertPermission(ctx, 'tenant:write');
  const accepted = Object.keys(CREDENTIAL_KEYS[provider]);
  const issues = Object.keys(credentials).filter((k) => !accepted.includes(k)).map((k) => ({ path: `credentials.${k}`, message: `is not a ${provider} credential (${accepted.join(', ') || 'none'})` }));
  if (!accepted.length) issues.push({ path: 'provider', message: 'the sandbox needs no credentials' });
  if (accepted.includes('secretKey') && !credentials.secretKey) issues.push({ path: 'credentials.secretKey', message: 'is required' });
  if (issues.length) throw invalid(issues);
  const keyNames = Object.keys(credentials).sort();
  await withTransaction(ctx, async (tx, tctx) => {
    await tx.insert(gatewayAccounts).values({ tenantId: ctx.tenantId, provider, configEncrypted: encryptSecret(JSON.stringify(credentials)), keyNames, createdAt: ctx.now(), updatedAt: ctx.now() })
      .onConflictDoUpdate({ target: [gatewayAccounts.tenantId, gatewayAccounts.provider], set: { configEncrypted: encryptSecret(JSON.stringify(credentials)), keyNames, updatedAt: ctx.now() } });
    await recordAudit(tx, tctx, { action: 'gateway.credentials_set', entityType: 'gateway', entityId: null, after: { provider, keyNames } });
  });
  return listGateways({ ctx });
}

export async function removeGatewayCredentials({ ctx, provider }: { ctx: Ctx; provider: Provider }) {
  assertPermission(ctx, 'tenant:write');
  await withTransaction(ctx, async (tx, tctx) => {
    const gone = await tx.delete(gatewayAccounts).where(and(eq(gatewayAccounts.tenantId, ctx.tenantId), eq(gatewayAccounts.provider, provider))).returning({ id: gatewayAccounts.id });
    if (!gone.length) throw notFound('Gateway credentials');
    await recordAudit(tx, tctx, { action: 'gateway.credentials_removed', entityType: 'gateway', entityId: null, after: { provider } });
  });
  return listGateways({ ctx });
}
