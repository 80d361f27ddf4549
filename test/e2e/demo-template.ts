/**
 * The seeded demo database, built once per test run and copied into every e2e server.
 *
 * Seeding the demo tenant (migrations, catalog, customers, three months of usage and bills,
 * payments, churn scores) costs about 30 s of CPU; every e2e file used to pay it again on its own
 * fresh database. Now the e2e project's globalSetup (`setup` below, vite.config.ts) runs the demo
 * seed once, with `npm run seed`'s own script (seeds/run.ts) into a PGlite folder of this run, in
 * the background while the first test files start. `startHarness()` (./harness.ts) waits for it,
 * copies the folder (seeds/run.ts closes PGlite, so the copy is a cleanly shut down database with
 * no pid file) and starts the server on the copy as a user would: the server finds the demo
 * tenant there and skips seeding, and does all its other start-up work (migrations, schedules,
 * the job worker picking up the collections the seed queued) as before.
 *
 * The template belongs to one vitest process (a temporary folder, removed at teardown), so it is
 * never shared between checkouts or runs. It carries the hash of what it was built from
 * (server/ and seeds/, which includes the migrations): when those change during a watch session,
 * the harness seeds a fresh database as it did before instead of using a stale template.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureWebBuilt, ROOT } from '../../server/web-build';

export interface DemoTemplate {
  /** The run's folder: `data/` (the PGlite folder) once `ready` exists, or `failed` with the seed's output. */
  dir: string;
  /** `sourceHash()` when the build started. */
  hash: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    demoTemplate: DemoTemplate;
  }
}

export const templateData = (t: DemoTemplate) => join(t.dir, 'data');
const readyFile = (t: DemoTemplate) => join(t.dir, 'ready');
const failedFile = (t: DemoTemplate) => join(t.dir, 'failed');

function files(dir: string, out: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) files(p, out);
    else out.push(p);
  }
  return out;
}

/**
 * sha256 over the path and content of every file the seeded data depends on: the seeds, and the
 * server code they call (services, job kinds, migrations under server/db/migrations).
 */
export function sourceHash(root = ROOT): string {
  const hash = createHash('sha256');
  for (const file of [...files(join(root, 'server'), []), ...files(join(root, 'seeds'), [])].sort()) {
    hash.update(relative(root, file).split(sep).join('/')).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

/** The environment of an e2e server (and of the seed that builds its template): embedded PGlite, no fixed API key. */
export function e2eServerEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.DATABASE_URL;
  delete env.DEMO_API_KEY;
  return env;
}

/** Resolves once the template is ready; throws with the seed's output if it failed. */
export async function waitForTemplate(t: DemoTemplate, deadline: number): Promise<void> {
  for (;;) {
    if (existsSync(readyFile(t))) return;
    if (existsSync(failedFile(t))) throw new Error(`seeding the e2e demo template failed:\n${readFileSync(failedFile(t), 'utf8')}`);
    if (Date.now() > deadline) throw new Error(`the e2e demo template (${t.dir}) was not ready in time`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** vitest globalSetup of the e2e project. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t: DemoTemplate = { dir: mkdtempSync(join(tmpdir(), 'bw-e2e-template-')), hash: sourceHash() };
  const logFile = join(t.dir, 'seed.log');
  const out = openSync(logFile, 'w');
  // The same environment as the e2e servers get (vitest's test env included: the demo users'
  // password hashes use the test scrypt cost the servers' logins expect).
  const env = e2eServerEnv({ ...(project.config.env as NodeJS.ProcessEnv), VITEST: 'true', DATA_DIR: templateData(t) });
  const seed = spawn(process.execPath, ['--import', 'tsx', 'seeds/run.ts'], { cwd: ROOT, env, stdio: ['ignore', out, out] });
  closeSync(out);
  const failed = (why: string) => writeFileSync(failedFile(t), `${readFileSync(logFile, 'utf8')}\n${why}`);
  const done = new Promise<void>((resolve) => {
    seed.on('error', (err) => { failed(err.message); resolve(); });
    seed.on('exit', (code, signal) => {
      if (code === 0) writeFileSync(readyFile(t), '');
      else failed(`seeds/run.ts exited with ${code ?? signal}`);
      resolve();
    });
  });
  project.provide('demoTemplate', t);
  // While the seed runs, and before any worker starts: two e2e files finding web/dist stale at
  // the same moment would both run `vite build` into the same folder.
  const teardown = async () => {
    if (seed.exitCode === null && seed.signalCode === null) {
      seed.kill('SIGTERM');
      await done;
    }
    rmSync(t.dir, { recursive: true, force: true });
  };
  try {
    ensureWebBuilt();
  } catch (err) {
    await teardown();
    throw err;
  }
  return teardown;
}
