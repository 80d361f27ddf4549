import type { Ctx } from '../server/lib/context';

/**
 * Seed steps that feature modules add (catalog, customers, usage ...). Each must be idempotent:
 * look before adding, so `npm run seed` can run on a database that already has demo data.
 */
export type SeedStep = (ctx: Ctx) => Promise<void>;
export const demoSeeders: SeedStep[] = [];
