import { serve } from '@hono/node-server';
import { fileURLToPath } from 'node:url';
import { count } from 'drizzle-orm';
import { loadConfig } from './config';
import { createDb } from './db/client';
import { createApp } from './app';
import { tenants } from './db/schema';
import { seedDemo, DEMO_USERS, DEMO_PASSWORD } from '../seeds/demo';
import { startWorker } from './jobs/worker';
import { registerJobKinds } from './job-kinds';

// Start: env → database → migrations → demo data if the database is empty → API + built console.
registerJobKinds();
const cfg = loadConfig();
const handle = await createDb({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir });
await handle.migrate();

const [{ n }] = await handle.db.select({ n: count() }).from(tenants);
let apiKeyNote = '';
if (Number(n) === 0) {
  const r = await seedDemo(handle.db, { apiKey: cfg.demoApiKey });
  apiKeyNote = r.apiKey ? `  Demo API key: ${r.apiKey}  (shown once; set DEMO_API_KEY to choose it)` : '';
} else if (cfg.demoApiKey) {
  // An existing database is left alone, except that DEMO_API_KEY must work as documented.
  const r = await seedDemo(handle.db, { apiKey: cfg.demoApiKey });
  apiKeyNote = `  Demo API key: ${r.apiKey}`;
}

const webDist = fileURLToPath(new URL('../web/dist', import.meta.url));
const app = createApp({ db: handle.db, dbKind: handle.kind, webDist, publicUrl: cfg.publicUrl, listen: handle.listen });
// The job worker (bill runs) runs in-process; more can run as `tsx server/jobs/worker-main.ts` on PostgreSQL.
const worker = process.env.WORKER_IN_PROCESS === '0' ? null : startWorker(handle.db);
const server = serve({ fetch: app.fetch, port: cfg.port }, (info) => {
  const url = `http://localhost:${info.port}`;
  console.log(`Billwise is running at ${url}  (database: ${handle.kind === 'pglite' ? `embedded PGlite in ${cfg.dataDir}` : 'PostgreSQL'})`);
  console.log(`  API docs: ${url}/api/docs   OpenAPI: ${url}/api/openapi.json`);
  console.log(`  Demo logins (password ${DEMO_PASSWORD}): ${DEMO_USERS.map((u) => `${u.email} [${u.role}]`).join(', ')}`);
  if (apiKeyNote) console.log(apiKeyNote);
});
// Keep idle keep-alive connections longer than clients and load balancers do (Node's default is
// 5 s): a server closing one just as a client reuses it answers that request with ECONNRESET.
const http = server as unknown as { keepAliveTimeout: number; headersTimeout: number };
http.keepAliveTimeout = 65_000;
http.headersTimeout = 66_000;

let closing = false;
async function shutdown() {
  if (closing) return;
  closing = true;
  server.close();
  await worker?.stop();
  await handle.close();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
