/**
 * The migrated template every test database starts from, built once per set of migrations instead
 * of once per test file (a fresh PGlite runs initdb in WebAssembly and then every migration: most
 * of the cost of an API test file's setup).
 *
 * - PGlite: a `dumpDataDir()` tarball of a migrated cluster in `<tmpdir>/billwise-test-db/`; each
 *   test file loads it into its own in-memory PGlite (`createDb({ loadDataDir })`), so files share
 *   nothing but the bytes they start from.
 * - PostgreSQL: a database `bw_tpl_<key>` on the TEST_DATABASE_URL server; each test file gets
 *   `create database … template bw_tpl_<key>` (a file copy on the server).
 *
 * The key is a hash of every file under server/db/migrations (SQL and drizzle's journal) and the
 * PGlite and drizzle-orm versions, so a new or edited migration builds a new template. Parallel
 * workers do not race: the PGlite tarball is written to a private file and renamed into place (two
 * workers that miss at once both build; either result is the same); on PostgreSQL an advisory lock
 * makes the second worker wait for the first one's template. freshDb() still runs migrate() on the
 * copy (a no-op when up to date), so a stale template could not hide a migration.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import postgres from 'postgres';
import { createDb, migrationsFolder } from '../../server/db/client';

const require = createRequire(import.meta.url);

function filesUnder(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

let key: string | undefined;
/** Changes whenever a migration, the journal, PGlite or drizzle-orm changes. */
export function templateKey(): string {
  if (key) return key;
  const h = createHash('sha256');
  h.update(`pglite ${packageVersion('@electric-sql/pglite')} drizzle-orm ${packageVersion('drizzle-orm')}\n`);
  for (const f of filesUnder(migrationsFolder)) {
    h.update(`${relative(migrationsFolder, f)}\n`);
    h.update(readFileSync(f));
  }
  key = h.digest('hex').slice(0, 16);
  return key;
}

const pgliteDir = join(tmpdir(), 'billwise-test-db');
let pgliteTemplate: Promise<Blob> | undefined;

/** The migrated PGlite data directory (a tarball), built on first use. */
export function pgliteTemplateData(): Promise<Blob> {
  pgliteTemplate ??= loadOrBuildPglite().catch((e) => {
    pgliteTemplate = undefined;
    throw e;
  });
  return pgliteTemplate;
}

async function loadOrBuildPglite(): Promise<Blob> {
  const file = join(pgliteDir, `pglite-${templateKey()}.tar`);
  try {
    const bytes = readFileSync(file);
    const now = new Date();
    utimesSync(file, now, now); // in use: pruneStale() leaves it alone
    return new Blob([bytes]);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const h = await createDb({ inMemory: true });
  try {
    await h.migrate();
    const blob = await h.dumpDataDir!();
    mkdirSync(pgliteDir, { recursive: true });
    const part = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.part`;
    writeFileSync(part, Buffer.from(await blob.arrayBuffer()));
    renameSync(part, file);
    pruneStale(file);
    return blob;
  } finally {
    await h.close();
  }
}

/** Templates of other migration sets (other branches, older commits) unused for a day. */
function pruneStale(keep: string) {
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const name of readdirSync(pgliteDir)) {
    const p = join(pgliteDir, name);
    if (p === keep) continue;
    try {
      if (statSync(p).mtimeMs < dayAgo) rmSync(p, { force: true });
    } catch {
      /* removed meanwhile by another run */
    }
  }
}

const pgTemplates = new Map<string, Promise<string>>();

/** The name of the migrated template database on this server, created on first use. */
export function postgresTemplate(url: string): Promise<string> {
  let p = pgTemplates.get(url);
  if (!p) {
    p = ensurePostgresTemplate(url).catch((e) => {
      pgTemplates.delete(url);
      throw e;
    });
    pgTemplates.set(url, p);
  }
  return p;
}

async function ensurePostgresTemplate(url: string): Promise<string> {
  const name = `bw_tpl_${templateKey()}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // One builder at a time across workers and runs; the others wait here, then find it built.
    await admin`select pg_advisory_lock(hashtext('billwise test template'))`;
    const [found] = await admin`select 1 from pg_database where datname = ${name}`;
    if (found) return name;
    // Built under another name and renamed when complete: an interrupted build is never used.
    const building = `${name}_building`;
    await admin.unsafe(`drop database if exists ${building} with (force)`);
    await admin.unsafe(`create database ${building}`);
    const u = new URL(url);
    u.pathname = `/${building}`;
    const h = await createDb({ databaseUrl: u.toString() });
    try {
      await h.migrate();
    } finally {
      await h.close();
    }
    await admin.unsafe(`alter database ${building} rename to ${name}`);
    return name;
  } finally {
    await admin.end();
  }
}
