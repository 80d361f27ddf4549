import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

export interface PackFile { file: string; doc: unknown; kind: 'plan' | 'rule' | 'unknown' }

/** A plan document has `components`; a rule document has `kind` and `conditions`. */
export function classify(doc: unknown): PackFile['kind'] {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return 'unknown';
  if ('components' in doc) return 'plan';
  if ('kind' in doc || 'conditions' in doc) return 'rule';
  return 'unknown';
}

/** Every *.json below `dir` (recursively, sorted), parsed and classified. Files that are not JSON throw with their name. */
export async function loadPackFiles(dir: string): Promise<PackFile[]> {
  const out: PackFile[] = [];
  async function walk(d: string) {
    const entries = (await readdir(d, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.json')) {
        const text = await readFile(p, 'utf8');
        let doc: unknown;
        try { doc = JSON.parse(text); } catch (err) { throw new Error(`${relative(process.cwd(), p)}: not valid JSON (${(err as Error).message})`); }
        // A file may hold one document or an array of them (e.g. a generated 50-rule pack).
        for (const d1 of Array.isArray(doc) ? doc : [doc]) out.push({ file: relative(process.cwd(), p), doc: d1, kind: classify(d1) });
      }
    }
  }
  await walk(dir);
  return out;
}

export async function loadPack(dir: string) {
  const files = await loadPackFiles(dir);
  return {
    plans: files.filter((f) => f.kind === 'plan').map((f) => f.doc),
    rules: files.filter((f) => f.kind === 'rule').map((f) => f.doc),
    unknown: files.filter((f) => f.kind === 'unknown').map((f) => f.file),
  };
}
