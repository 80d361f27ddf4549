/**
 * Every domain's job kinds, registered once where a process starts (server/main.ts, the worker
 * process, test helpers). The queue in server/jobs knows no domain; a domain with jobs adds its
 * register call here (server/jobs/README.md, "Adding a job kind").
 */
import { registerBillingJobs } from './billing/bill-run-job';
import { registerCustomerJobs } from './customers/import-job';
import { registerTermJobs } from './subscriptions/terms';
import { registerUsageRollupJobs } from './metering/rollup-job';
import { EXPIRE_GRANTS_JOB, registerWalletJobs } from './wallets/expire-grants';
import { registerSchedule } from './jobs/schedules';
import { registerWebhookJobs } from './webhooks/deliver';
import { registerCollectionJobs } from './payments/collection/auto-collect';
import { registerSandboxWebhookJobs } from './payments/gateways/sandbox-webhooks';
import { registerDunningJobs } from './dunning/job';
import { registerChurnJobs } from './churn/score-job';
import { registerBankImportJobs } from './payments/deposits/import-job';
import { registerWebhookInboxJobs } from './payments/webhooks/apply-inbox';
import { registerAnalyticsJobs } from './analytics/receivable-facts-compact';
import { registerWeeklySummaryJobs } from './analytics/weekly-summary';
import { registerPaymentFactsJobs } from './analytics/payment-facts-compact';

let registered = false;

/** Registers every kind and schedule, once per process (start-up code and test helpers both call it). */
export function registerJobKinds() {
  if (registered) return;
  registered = true;
  registerBillingJobs();
  registerCustomerJobs();
  registerTermJobs();
  registerUsageRollupJobs();
  registerWalletJobs();
  registerWebhookJobs();
  // Granted credit expires at the start of its date in the tenant's zone; shortly after midnight.
  registerSchedule(EXPIRE_GRANTS_JOB_SCHEDULE);
  registerCollectionJobs();
  registerSandboxWebhookJobs();
  registerDunningJobs();
  registerChurnJobs();
  registerBankImportJobs();
  registerWebhookInboxJobs();
  registerAnalyticsJobs();
  registerWeeklySummaryJobs();
  registerPaymentFactsJobs();
}

const EXPIRE_GRANTS_JOB_SCHEDULE = { kind: EXPIRE_GRANTS_JOB, everyDay: { at: '00:05' }, perTenant: true } as const;
