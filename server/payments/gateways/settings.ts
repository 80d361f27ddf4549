/**
 * Switching a gateway on or off for a tenant, and testing its connection (the console's gateway
 * settings page). A disabled gateway takes no new payment methods and starts no automatic charge;
 * what is already in flight still settles: its webhooks, status queries (reconcile) and refunds
 * keep working, so switching off never strands a payment as pending.
 */
import { gatewaySettings } from '../../db/schema';
import { assertPermission, q, withTransaction, type Ctx } from '../../lib/context';
import { recordAudit } from '../../audit/record';
import { gatewayList } from './accounts';
import { gatewayFor } from './registry';
import { GatewayRejected, GatewayUnavailable } from './types';
import { gatewayEnabled, type Provider } from './credentials';

export async function setGatewayEnabled({ ctx, provider, enabled }: { ctx: Ctx; provider: Provider; enabled: boolean }) {
  assertPermission(ctx, 'gateways:write');
  await withTransaction(ctx, async (tx, tctx) => {
    const before = await gatewayEnabled(tx, ctx.tenantId, provider);
    await tx.insert(gatewaySettings).values({ tenantId: ctx.tenantId, provider, enabled, updatedAt: ctx.now() })
      .onConflictDoUpdate({ target: [gatewaySettings.tenantId, gatewaySettings.provider], set: { enabled, updatedAt: ctx.now() } });
    if (before !== enabled) await recordAudit(tx, tctx, { action: enabled ? 'gateway.enabled' : 'gateway.disabled', entityType: 'gateway', entityId: null, before: { provider, enabled: before }, after: { provider, enabled } });
  });
  return gatewayList(ctx);
}

export type ConnectionResult = { ok: boolean; outcome: 'ok' | 'not_configured' | 'rejected' | 'unavailable'; code: string | null; message: string | null };

/**
 * One harmless authenticated read at the provider with the credentials in use (the tenant's, else
 * the server's). The provider's message is passed on (it names the problem, never the key); the
 * sandbox is built in and always answers.
 */
export async function testGatewayConnection({ ctx, provider }: { ctx: Ctx; provider: Provider }): Promise<ConnectionResult> {
  assertPermission(ctx, 'gateways:write');
  try {
    const gateway = await gatewayFor(q(ctx), ctx.tenantId, provider);
    await gateway.checkConnection?.();
    return { ok: true, outcome: 'ok', code: null, message: null };
  } catch (e) {
    if (e instanceof GatewayRejected) return { ok: false, outcome: e.code === 'not_configured' ? 'not_configured' : 'rejected', code: e.code, message: e.message };
    if (e instanceof GatewayUnavailable) return { ok: false, outcome: 'unavailable', code: null, message: e.message };
    throw e;
  }
}
