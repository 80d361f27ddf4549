import type { Ctx } from '../server/lib/context';
import { seedCatalog } from './catalog';
import { seedCustomers, seedUsage } from './customers';
import { seedBilling } from './billing';
import { seedDunning } from './dunning';
import { seedAnalyticsHistory } from './analytics-history';
import { seedChurn } from './churn';
import { seedPaymentExtras } from './payment-history';

/**
 * Seed steps that feature modules add (catalog, customers, usage ...). Each must be idempotent:
 * look before adding, so `npm run seed` can run on a database that already has demo data.
 */
export type SeedStep = (ctx: Ctx) => Promise<void>;
export const demoSeeders: SeedStep[] = [
  seedCatalog, // plans and rules first: customers' subscriptions and bill runs need them
  seedCustomers, // customers, payers, contracts and the demo meters
  seedUsage, // three months of usage events for the meters above, rolled up by day
  seedBilling, // subscriptions, bill-run groups and 3 closed months of bill runs and invoices
  seedDunning, // a few invoices overdue at different dunning stages (the policy is in the demo rule pack)
  seedPaymentExtras, // partial payments on open invoices, a prepaid top-up, promotional points
  seedAnalyticsHistory, // 12 months of subscription changes and payments for the dashboard
  seedChurn, // the committed churn model, registered and scoring today's subscribers (needs the bills above)
];
