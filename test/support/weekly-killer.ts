/**
 * The job worker process (server/jobs/worker-main.ts) that SIGKILLs itself during the weekly
 * summary send (test/api/analytics/weekly-summary-kill.test.ts): WEEKLY_KILL=before-send dies after
 * claiming the week's send and before handing the message to the mail server; after-commit dies
 * once the send is recorded, before the job is marked done. Nothing else differs from the real worker.
 */
import { weeklySummaryHooks } from '../../server/analytics/weekly-summary';

const die = (why: string) => { console.log(`[kill] ${why}`); process.kill(process.pid, 'SIGKILL'); };
if (process.env.WEEKLY_KILL === 'before-send') weeklySummaryHooks.beforeSend = (to) => die(`claimed the send to ${to}; dying before SMTP`);
if (process.env.WEEKLY_KILL === 'after-commit') weeklySummaryHooks.afterCommit = (to) => die(`sent to ${to} and recorded; dying before the job completes`);
await import('../../server/jobs/worker-main');
