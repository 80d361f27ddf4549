/**
 * A tenant's gateway credentials: set (encrypted), listed by key name only, removed. The values
 * are never answered, logged or audited: the audit row names the keys that were set.
 */
import { and, eq } from 'drizzle-orm';
import { gatewayAccounts } from '../../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../../lib/context';
import { invalid, notFound } from '../../lib/errors';
import { recordAudit } from '../../audit/record';
import { CREDENTIAL_KEYS, PROVIDERS, gatewayEnabled, loadCredentials, type Provider } from './credentials';
import { decryptSecret, encryptSecret } from './secrets';
import { announceCredentialsChange, forgetCredentials } from './credential-cache';

/**
 * What the console may show of a stored value: its last 4 characters, and only when the value is
 * long enough (12+) that 4 say little about it; decryption failing (BILLWISE_SECRET_KEY changed)
 * is reported as unreadable, not an error.
 */
function keyHints(sealed: string): { readable: boolean; hints: Record<string, string | null> } {
  try {
    const creds = JSON.parse(decryptSecret(sealed)) as Record<string, string>;
    return { readable: true, hints: Object.fromEntries(Object.entries(creds).map(([k, v]) => [k, v.length >= 12 ? v.slice(-4) : null])) };
  } catch {
    return { readable: false, hints: {} };
  }
}

export async function listGateways({ ctx }: { ctx: Ctx }) {
  assertPermission(ctx, 'gateways:read');
  return gatewayList(ctx);
}

/**
 * The gateways as a write answers them: a caller allowed to change a gateway (gateways:write) is
 * answered with what it wrote even without gateways:read (a write either succeeds and says so,
 * or fails and changes nothing).
 */
export async function gatewayList(ctx: Ctx) {
  const data = [];
  for (const provider of PROVIDERS) {
    const [row] = await q(ctx).select().from(gatewayAccounts).where(and(eq(gatewayAccounts.tenantId, ctx.tenantId), eq(gatewayAccounts.provider, provider)));
    const source = provider === 'sandbox' ? 'builtin' : row ? 'tenant' : (await loadCredentials(q(ctx), ctx.tenantId, provider)).source;
    const stored = row ? keyHints(row.configEncrypted) : { readable: true, hints: {} };
    data.push({ provider, configured: source !== 'none', source: source as 'builtin' | 'tenant' | 'env' | 'none',
      enabled: await gatewayEnabled(q(ctx), ctx.tenantId, provider), readable: stored.readable, keyHints: stored.hints,
      keyNames: row?.keyNames ?? [], acceptedKeys: Object.keys(CREDENTIAL_KEYS[provider]), updatedAt: row?.updatedAt.toISOString() ?? null,
      webhookPath: `/api/v1/webhooks/payments/${provider}?tenant=${ctx.tenantId}` });
  }
  return { data };
}

export async function setGatewayCredentials({ ctx, provider, credentials }: { ctx: Ctx; provider: Provider; credentials: Record<string, string> }) {
  assertPermission(ctx, 'gateways:write');
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
    await announceCredentialsChange(tx, ctx.tenantId, provider);
  });
  forgetCredentials(ctx.tenantId, provider);
  return gatewayList(ctx);
}

export async function removeGatewayCredentials({ ctx, provider }: { ctx: Ctx; provider: Provider }) {
  assertPermission(ctx, 'gateways:write');
  await withTransaction(ctx, async (tx, tctx) => {
    const gone = await tx.delete(gatewayAccounts).where(and(eq(gatewayAccounts.tenantId, ctx.tenantId), eq(gatewayAccounts.provider, provider))).returning({ id: gatewayAccounts.id });
    if (!gone.length) throw notFound('Gateway credentials');
    await recordAudit(tx, tctx, { action: 'gateway.credentials_removed', entityType: 'gateway', entityId: null, after: { provider } });
    await announceCredentialsChange(tx, ctx.tenantId, provider);
  });
  forgetCredentials(ctx.tenantId, provider);
  return gatewayList(ctx);
}
