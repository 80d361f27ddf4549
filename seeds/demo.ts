import { and, eq } from 'drizzle-orm';
import type { Db } from '../server/db/client';
import { apiKeys, groups, tenants, userGroups, users } from '../server/db/schema';
import { systemCtx, withTransaction } from '../server/lib/context';
import { hashPassword, sha256 } from '../server/lib/password';
import { onboardTenant } from '../server/tenants/onboard';
import { insertApiKey } from '../server/access/api-keys';
import { PERMISSION_CODES } from '../server/access/permissions';
import { demoSeeders } from './steps';

export const DEMO_TENANT = 'demo';
export const DEMO_PASSWORD = 'demo1234';
export const DEMO_USERS = [
  { email: 'admin@demo.billwise.dev', name: '김관리 (Admin)', role: 'admin' },
  { email: 'billing@demo.billwise.dev', name: '이빌링 (Billing manager)', role: 'billing_manager' },
  { email: 'marketer@demo.billwise.dev', name: '박마케팅 (Marketer)', role: 'marketer' },
  { email: 'exec@demo.billwise.dev', name: '최경영 (Executive)', role: 'executive' },
  { email: 'support@demo.billwise.dev', name: '정상담 (Support agent)', role: 'support_agent' },
] as const;

export interface SeedResult { tenantId: string; created: boolean; apiKey: string | null }

/**
 * Idempotent: creates the demo tenant, its users and an API key when missing; later seed steps
 * (catalog, customers, usage ...) each check what exists before they add anything.
 */
export async function seedDemo(db: Db, opts: { apiKey?: string; now?: () => Date; /** false: tenant, users and key only (tests) */ withData?: boolean } = {}): Promise<SeedResult> {
  const now = opts.now ?? (() => new Date());
  let [tenant] = await db.select().from(tenants).where(eq(tenants.code, DEMO_TENANT));
  let created = false;
  let apiKey: string | null = null;
  if (!tenant) {
    const boot = systemCtx(db, '', PERMISSION_CODES, now);
    const r = await onboardTenant({
      ctx: boot,
      input: {
        code: DEMO_TENANT, name: '빌와이즈 데모 (Billwise Demo)', currency: 'KRW', timezone: 'Asia/Seoul', locale: 'ko',
        roundingMode: 'half_up', admin: { email: DEMO_USERS[0].email, name: DEMO_USERS[0].name, password: DEMO_PASSWORD },
      },
      options: { isDemo: true, adminIsPlatformAdmin: true },
    });
    [tenant] = await db.select().from(tenants).where(eq(tenants.id, r.tenant.id));
    created = true;
  }
  const ctx = systemCtx(db, tenant.id, PERMISSION_CODES, now);
  await withTransaction(ctx, async (tx, tctx) => {
    const hash = await hashPassword(DEMO_PASSWORD);
    for (const u of DEMO_USERS.slice(1)) {
      const [exists] = await tx.select({ id: users.id }).from(users).where(and(eq(users.tenantId, tenant.id), eq(users.email, u.email)));
      if (exists) continue;
      const [g] = await tx.select().from(groups).where(and(eq(groups.tenantId, tenant.id), eq(groups.code, u.role)));
      const [row] = await tx.insert(users).values({ tenantId: tenant.id, email: u.email, name: u.name, passwordHash: hash, locale: 'ko', createdAt: now() }).returning();
      await tx.insert(userGroups).values({ tenantId: tenant.id, userId: row.id, groupId: g.id });
    }
    if (opts.apiKey) {
      const [exists] = await tx.select({ id: apiKeys.id }).from(apiKeys).where(eq(apiKeys.keyHash, sha256(opts.apiKey)));
      if (!exists) apiKey = (await insertApiKey(tx, tctx, { name: 'Demo key (DEMO_API_KEY)', key: opts.apiKey })).key;
      else apiKey = opts.apiKey;
    } else if (created) {
      apiKey = (await insertApiKey(tx, tctx, { name: 'Demo key' })).key;
    }
  });
  if (opts.withData !== false) for (const step of demoSeeders) await step(ctx);
  return { tenantId: tenant.id, created, apiKey };
}
