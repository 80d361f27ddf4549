/**
 * Setup file of the `app` project, whose files share one process per worker (isolate: false in
 * vite.config.ts: a process and module graph per file was half the suite's time). Each file still
 * gets its own database (./db.ts); what a file changes in the process it shares is put back after
 * it: environment variables (SMTP_HOST, IMPORT_CHUNK_ROWS ...), job kinds and schedules it
 * registered or removed (test/api/jobs-schedules.test.ts removes the product's own schedules).
 */
import { afterAll } from 'vitest';
import { registerJobKinds } from '../../server/job-kinds';
import { registeredKinds, unregisterJobKind } from '../../server/jobs/registry';
import { registerSchedule, registeredSchedules, scheduledKinds, unregisterSchedule } from '../../server/jobs/schedules';

registerJobKinds();
const env = { ...process.env };
const kinds = new Set(registeredKinds());
const schedules = registeredSchedules();

afterAll(() => {
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  Object.assign(process.env, env);
  for (const k of registeredKinds()) if (!kinds.has(k)) unregisterJobKind(k);
  for (const k of scheduledKinds()) unregisterSchedule(k);
  for (const s of schedules) registerSchedule(s);
});
