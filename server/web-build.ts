/**
 * Whether web/dist is the build of the console's current sources, and building it when not.
 * `npm start` (server/start.ts) and the e2e harness both call `ensureWebBuilt()`, and every
 * `vite build` stamps its output through `webBuildStamp()` in vite.config.ts, so a build made by
 * hand or by CI counts too.
 *
 * Staleness is a content hash, not file times: a fresh clone, a `git checkout` or a branch switch
 * touches every mtime without changing the bundle, and an mtime can also go backwards (restoring
 * an older file) while the bundle must change.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
/** Where the built console is, under a checkout's root. */
export const webDist = (root = ROOT) => join(root, 'web', 'dist');
/** Written into web/dist after a successful build: the hash of the sources it was built from. */
const stampFile = (root: string) => join(webDist(root), '.build-stamp');

/** Files outside web/ that change what `vite build` produces. */
const EXTRA_INPUTS = ['vite.config.ts', 'package-lock.json', 'server/web-build.ts'];

function webFiles(dir: string, dist: string, out: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (p !== dist && entry.name !== 'node_modules') webFiles(p, dist, out);
    } else if (!entry.name.endsWith('.d.ts') && !entry.name.endsWith('.md')) {
      // Declaration files are types only (and components.d.ts is rewritten by the build itself)
      // and READMEs are not bundled: neither can change web/dist.
      out.push(p);
    }
  }
  return out;
}

/** sha256 over the path and content of every input of the console build. */
export function webSourceHash(root = ROOT): string {
  const files = [...webFiles(join(root, 'web'), webDist(root), []), ...EXTRA_INPUTS.map((f) => join(root, f))].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    if (!existsSync(file)) continue;
    // Paths with '/' so the stamp means the same on every platform.
    hash.update(relative(root, file).split(sep).join('/')).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex');
}

export function writeWebBuildStamp(hash: string, root = ROOT): void {
  writeFileSync(stampFile(root), `${hash}\n`);
}

export function isWebBuildFresh(root = ROOT): boolean {
  if (!existsSync(join(webDist(root), 'index.html')) || !existsSync(stampFile(root))) return false;
  return readFileSync(stampFile(root), 'utf8').trim() === webSourceHash(root);
}

/** Builds the console unless web/dist already holds the build of the current sources. */
export function ensureWebBuilt(): 'fresh' | 'built' {
  if (isWebBuildFresh()) return 'fresh';
  // vite's own script run by this node: no .bin shell shim, which Windows would not run.
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`vite build failed with exit code ${r.status ?? r.signal}`);
  return 'built';
}

/**
 * Vite plugin: hashes the sources when the build starts (what it reads) and writes the stamp in
 * writeBundle, which runs only after the output was written: a failed build (whose old dist, if
 * any, keeps its old stamp or none) is redone next time.
 */
export function webBuildStamp() {
  let hash = '';
  return {
    name: 'billwise-web-build-stamp',
    apply: 'build' as const,
    buildStart() {
      hash = webSourceHash();
    },
    writeBundle() {
      writeWebBuildStamp(hash);
    },
  };
}
