/**
 * Imports a folder of plan and rule documents (rules/packs/<name>/) into the tenant's catalog,
 * read by the one pack loader (server/rules/load-pack.ts) that `rules:check` also uses, so what
 * check validates is exactly what import imports (a pack file `{ "plans": [...], "rules": [...] }`
 * such as bench50 included). A pack with any problem imports nothing.
 */
import { loadPackDir } from '../rules/load-pack';
import { invalid } from '../lib/errors';
import type { Ctx } from '../lib/context';
import { importDocuments } from './versions';

export async function importPack({ ctx, dir, effectiveFrom, publish = true }: { ctx: Ctx; dir: string; effectiveFrom?: string; publish?: boolean }) {
  const pack = loadPackDir(dir);
  if (pack.problems.length) throw invalid(pack.problems.map(({ file, ...issue }) => ({ ...issue, path: `${file}:${issue.path}` })));
  const summary = await importDocuments({ ctx, plans: pack.plans.map((p) => p.doc), rules: pack.rules.map((r) => r.doc), effectiveFrom, publish });
  return { ...summary, plans: pack.plans.length, rules: pack.rules.length };
}
