/**
 * Reads a folder of plan and rule documents (rules/packs/<name>/, recursively). A file holds a
 * plan (it has `components`), a rule (it has `kind`), or a pack `{ "plans": [...], "rules": [...] }`.
 * Every document is validated; problems come back per file, nothing throws on bad content.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { FieldIssue } from '../lib/errors';
import type { PlanDoc, RuleDoc } from './schema';
import { validatePlan, validateRule } from './validate';

export interface PackProblem extends FieldIssue {
  file: string;
}
export interface LoadedPack {
  plans: { file: string; doc: PlanDoc }[];
  rules: { file: string; doc: RuleDoc }[];
  problems: PackProblem[];
}

export function listJsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listJsonFiles(p));
    else if (name.endsWith('.json')) out.push(p);
  }
  return out;
}

export function loadPackDir(dir: string): LoadedPack {
  const pack: LoadedPack = { plans: [], rules: [], problems: [] };
  const ruleIds = new Map<string, string>();
  const planCodes = new Map<string, string>();
  for (const path of listJsonFiles(dir)) {
    const file = relative(process.cwd(), path);
    // ids and codes must be unique within one pack (rules/packs/<name>/), not across packs
    const packKey = /[\\/]packs[\\/]([^\\/]+)[\\/]/.exec(path)?.[1] ?? '';
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      pack.problems.push({ file, path: '$', message: `not valid JSON: ${(e as Error).message}` });
      continue;
    }
    const addPlan = (d: unknown, base?: string) => {
      const issues = validatePlan(d, base);
      pack.problems.push(...issues.map((i) => ({ file, ...i })));
      if (issues.length) return;
      const plan = d as PlanDoc;
      const key = `${packKey}/${plan.code}@${plan.version ?? ''}`;
      if (planCodes.has(key)) pack.problems.push({ file, path: joinBase(base, 'code'), message: `plan ${plan.code} version ${plan.version ?? '-'} also in ${planCodes.get(key)}` });
      planCodes.set(key, file);
      pack.plans.push({ file, doc: plan });
    };
    const addRule = (d: unknown, base?: string) => {
      const issues = validateRule(d, base);
      pack.problems.push(...issues.map((i) => ({ file, ...i })));
      if (issues.length) return;
      const rule = d as RuleDoc;
      const key = `${packKey}/${rule.id}`;
      if (ruleIds.has(key)) pack.problems.push({ file, path: joinBase(base, 'id'), message: `rule id ${rule.id} also in ${ruleIds.get(key)}` });
      ruleIds.set(key, file);
      pack.rules.push({ file, doc: rule });
    };
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
      const o = doc as Record<string, unknown>;
      if ('components' in o) addPlan(o);
      else if ('kind' in o) addRule(o);
      else if (Array.isArray(o.rules) || Array.isArray(o.plans)) {
        (Array.isArray(o.plans) ? o.plans : []).forEach((p, i) => addPlan(p, `plans[${i}]`));
        (Array.isArray(o.rules) ? o.rules : []).forEach((r, i) => addRule(r, `rules[${i}]`));
      } else pack.problems.push({ file, path: '$', message: 'neither a plan (components), a rule (kind) nor a pack (plans/rules)' });
    } else pack.problems.push({ file, path: '$', message: 'must be a JSON object' });
  }
  return pack;
}

const joinBase = (base: string | undefined, key: string) => (base ? `${base}.${key}` : key);
