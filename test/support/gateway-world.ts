/**
 * One billed tenant with the two providers' local servers (./provider-servers.ts) in front of the
 * gateways: two customers, April 2025 billed, their invoices by customer index. Shared by the
 * gateway adapter and gateway settings tests.
 */
import { makeTestApp, type TestApp } from './app';
import { stripeServer, tossServer, type ProviderServer } from './provider-servers';
import { billingWorld } from '../scenarios/fixture';
import { drainJobs } from '../../server/jobs/worker';

export interface GatewayWorld {
  t: TestApp; one: { tenantId: string; key: string }; c: string[]; inv: Record<number, any>;
  stripe: ProviderServer; toss: ProviderServer; close: () => Promise<void>;
}

export async function gatewayWorld(opts: { stripeKey: string; tossKey: string; tenant: string; now: () => Date }): Promise<GatewayWorld> {
  const stripe = await stripeServer(opts.stripeKey);
  const toss = await tossServer(opts.tossKey);
  process.env.STRIPE_API_URL = stripe.url;
  process.env.TOSS_API_URL = toss.url;
  const t = await makeTestApp({ now: opts.now });
  const one = await t.otherTenant(opts.tenant);
  const call = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: one.key, body });
  const c = (await billingWorld(t.handle.db, one.tenantId, 2, { now: opts.now, start: '2025-04-01' })).customerIds;
  const run = await call('POST', '/bill-runs', { periodStart: '2025-04-01' });
  if (run.status !== 202) throw new Error(`bill run: ${run.status} ${JSON.stringify(run.body)}`);
  await drainJobs(t.handle.db, { now: opts.now });
  const inv: Record<number, any> = {};
  for (const i of (await call('GET', '/invoices?limit=50')).body.data as any[]) inv[c.indexOf(i.customerId)] = i;
  return { t, one, c, inv, stripe, toss, close: async () => { await t.close(); await stripe.close(); await toss.close(); } };
}
