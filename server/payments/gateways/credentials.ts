/**
 * A provider's credentials for a tenant: the tenant's own (gateway_accounts, encrypted), else the
 * server's environment (TOSS_SECRET_KEY; STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET). They are only
 * ever handed to an adapter: never answered, logged or audited (routes show key names only).
 */
import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { gatewaySettings } from '../../db/schema';
import { storedCredentials } from './credential-cache';

export const PROVIDERS = ['sandbox', 'toss', 'stripe'] as const;
export type Provider = (typeof PROVIDERS)[number];

/** The keys each provider takes, and the environment variable each falls back to. */
export const CREDENTIAL_KEYS: Record<Provider, Record<string, string>> = {
  sandbox: {},
  toss: { secretKey: 'TOSS_SECRET_KEY' },
  stripe: { secretKey: 'STRIPE_SECRET_KEY', webhookSecret: 'STRIPE_WEBHOOK_SECRET' },
};

export type Credentials = Record<string, string>;

/** `cached`: the inbound-webhook path may take them from ./credential-cache.ts (its comment: how a change takes effect). */
export async function loadCredentials(db: DbOrTx, tenantId: string, provider: Provider, opts: { cached?: boolean } = {}): Promise<{ source: 'tenant' | 'env' | 'none'; creds: Credentials }> {
  const stored = await storedCredentials(db, tenantId, provider, opts);
  if (stored) return { source: 'tenant', creds: stored };
  const creds: Credentials = {};
  for (const [key, env] of Object.entries(CREDENTIAL_KEYS[provider])) if (process.env[env]) creds[key] = process.env[env]!;
  return { source: Object.keys(creds).length ? 'env' : 'none', creds };
}

/** Whether the tenant uses this gateway (./settings.ts); no row: enabled. */
export async function gatewayEnabled(db: DbOrTx, tenantId: string, provider: string): Promise<boolean> {
  const [row] = await db.select({ enabled: gatewaySettings.enabled }).from(gatewaySettings)
    .where(and(eq(gatewaySettings.tenantId, tenantId), eq(gatewaySettings.provider, provider)));
  return row?.enabled ?? true;
}
