import { loadConfig } from '../server/config';
import { createDb } from '../server/db/client';
import { seedTelco } from './telco';

// `npm run seed:telco`: migrate, then load the IBM Telco churn data as the `telco` tenant (once; seeds/telco.ts).
const cfg = loadConfig();
const h = await createDb({ databaseUrl: cfg.databaseUrl, dataDir: cfg.dataDir });
await h.migrate();
const r = await seedTelco(h.db, { log: (s) => console.log(s) });
console.log(r.created ? `Created tenant telco (${r.customers} customers)` : `Tenant telco already has ${r.customers} customers; left alone`);
await h.close();
