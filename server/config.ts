import { resolve } from 'node:path';

/** The start-up contract: PORT, DATABASE_URL, DATA_DIR, DEMO_API_KEY, PUBLIC_URL. */
export interface Config { port: number; databaseUrl?: string; dataDir: string; demoApiKey?: string; publicUrl?: string }

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`PORT must be a TCP port, got "${env.PORT}"`);
  return {
    port,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(env.DATA_DIR || '.data'),
    demoApiKey: env.DEMO_API_KEY || undefined,
    publicUrl: env.PUBLIC_URL || undefined,
  };
}
