import type { FieldIssue } from '../lib/errors';
import { validatePlan, validateRule } from '../rules/validate';

export type CatalogKind = 'plan' | 'rule';

/** What differs between plan and rule documents in storage: how they validate and name themselves. */
export interface KindSpec {
  kind: CatalogKind;
  label: string;
  codeField: 'code' | 'id';
  validate(doc: unknown, basePath: string): FieldIssue[];
  readPermission: string;
  writePermission: string;
}

export const KINDS: Record<CatalogKind, KindSpec> = {
  plan: { kind: 'plan', label: 'Plan', codeField: 'code', validate: validatePlan, readPermission: 'catalog:read', writePermission: 'catalog:write' },
  rule: { kind: 'rule', label: 'Rule', codeField: 'id', validate: validateRule, readPermission: 'rules:read', writePermission: 'rules:write' },
};

export function codeOf(spec: KindSpec, doc: unknown): string {
  return String((doc as Record<string, unknown>)[spec.codeField] ?? '');
}
export function nameOf(doc: unknown): string {
  const n = (doc as Record<string, unknown> | null | undefined)?.name;
  return typeof n === 'string' && n ? n : '';
}
