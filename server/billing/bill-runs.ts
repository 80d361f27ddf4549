/**
 * Bill runs (정기 청구 작업), by what changes together: creating a run (bill-run-create.ts),
 * reading runs (bill-run-queries.ts), the chunk job (bill-run-job.ts) that loads a chunk
 * (bill-run-load.ts), slices it by anniversary (anniversary-slices.ts) and writes it
 * (bill-run-write.ts), and bill-run groups (bill-run-groups.ts). This file only gathers the
 * operations that seeds, scripts and tests call.
 */
export { createBillRun, DEFAULT_CHUNK, BILL_RUN_JOB, type BillRunInput } from './bill-run-create';
export { billRunOut, getBillRun, listBillRuns } from './bill-run-queries';
export { processPayers, PAYMENT_TERMS_DAYS } from './bill-run-write';
export { registerBillingJobs, runBillRunNow } from './bill-run-job';
export { billingGroupOf, listGroups, upsertGroup } from './bill-run-groups';
