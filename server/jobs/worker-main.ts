/**
 * The worker as its own process: `tsx server/jobs/worker-main.ts`. Uses DATABASE_URL (PostgreSQL)
 * or DATA_DIR (a file-backed PGlite; single-writer, so nothing else may hold it open).
 * WORKER_EXIT_WHEN_IDLE=1 makes it exit once the queue is empty, i.e. after it has also taken over
 * jobs whose worker died, once their lease passed (tests, cron); WORKER_CONCURRENCY=n runs
 * n jobs side by side (PostgreSQL only); WORKER_TICK_MS=0 makes it a worker that only runs jobs
 * (another process turns the schedules into jobs; default: every 30 s, like the server's worker).
 */
import { createDb } from '../db/client';
import { DEFAULT_CONCURRENCY, drainJobs, startWorker } from './worker';
import { tickSchedules } from './schedules';
import { registerJobKinds } from '../job-kinds';

registerJobKinds();

const handle = await createDb({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: process.env.DATA_DIR || './data' });
await handle.migrate();

if (process.env.WORKER_EXIT_WHEN_IDLE === '1') {
  // WORKER_JOB_DELAY_MS slows each job down while its lease is held (crash tests: a kill then
  // leaves a leased job behind; demos of the progress bar).
  const delay = Number(process.env.WORKER_JOB_DELAY_MS ?? 0);
  // Run from cron, this is the only process that ticks: today's scheduled jobs first.
  await tickSchedules(handle.db, new Date());
  const n = await drainJobs(handle.db, {
    workerId: `worker-${process.pid}`, concurrency: handle.kind === 'pglite' ? 1 : DEFAULT_CONCURRENCY, waitForLeased: { pollMs: 250 },
    onClaim: async () => { if (delay) await new Promise((r) => setTimeout(r, delay)); },
    onJob: (job) => { console.log(`[jobs] done ${job.kind} ${job.id}`); },
    onError: (job, err) => { console.error(`[jobs] ${job.kind} ${job.id} failed (recorded; retried if attempts are left): ${err instanceof Error ? err.message : String(err)}`); },
  });
  console.log(`[jobs] worker ${process.pid}: ${n} job(s) done, queue empty`);
  await handle.close();
  process.exit(0);
}

const w = startWorker(handle.db, {
  pollMs: Number(process.env.WORKER_POLL_MS ?? 1000), concurrency: handle.kind === 'pglite' ? 1 : DEFAULT_CONCURRENCY,
  scheduleEveryMs: process.env.WORKER_TICK_MS === undefined ? undefined : Number(process.env.WORKER_TICK_MS),
});
console.log(`[jobs] ${w.workerId} polling (${handle.kind})`);
const shutdown = async () => { await w.stop(); await handle.close(); process.exit(0); };
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
