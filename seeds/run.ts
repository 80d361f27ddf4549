import { loadConfig } from '../server/config';
import { createDb } from '../server/db/client';
import { registerJobKinds } from '../server/job-kinds';
import { seedDemo } from './demo';

// `npm run seed`: migrate, then add whatever demo data is missing. Safe to run repeatedly.
// Job kinds are registered first, as server/main.ts does before it seeds: the jobs the seed queues
// (collections, the sandbox gateway's webhooks) take their retry limits from their registered kind.
registerJobKinds();
const cfg = loadConfig();
const h = await createDb({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir });
await h.migrate();
const r = await seedDemo(h.db, { apiKey: cfg.demoApiKey });
console.log(r.created ? `Created demo tenant ${r.tenantId}` : `Demo tenant ${r.tenantId} already there; filled in what was missing`);
if (r.apiKey && r.created) console.log(`Demo API key: ${r.apiKey}`);
await h.close();
