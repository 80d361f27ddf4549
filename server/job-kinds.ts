/**
 * Every domain's job kinds, registered once where a process starts (server/main.ts, the worker
 * process, test helpers). The queue in server/jobs knows no domain; a domain with jobs adds its
 * register call here (server/jobs/README.md, "Adding a job kind").
 */
import { registerBillingJobs } from './billing/bill-run-job';
import { registerCustomerJobs } from './customers/import-job';
import { registerChurnJobs } from './churn/score-job';

export function registerJobKinds() {
  registerBillingJobs();
  registerCustomerJobs();
  registerChurnJobs();
}
