import type { FieldIssue } from '../lib/errors';
import { validatePlan, validateRule } from '../rules/validate';
import type { RuleKind } from '../rules/schema';

export type CatalogKind = 'plan' | 'rule';

/**
 * Who may write a rule depends on what it does. Tax decides what every invoice owes and dunning
 * acts on unpaid invoices, so they belong to billing; a price override changes a plan's price, so
 * it needs whatever writing plans needs; the promotional kinds are the marketers' own.
 */
export const RULE_WRITE_PERMISSION: Record<RuleKind, string> = {
  discount: 'rules:write',
  promotion: 'rules:write',
  coupon: 'rules:write',
  free_units: 'rules:write',
  points: 'rules:write',
  tax: 'rules:write_tax',
  dunning: 'rules:write_dunning',
  price_override: 'catalog:write',
};

/** What differs between plan and rule documents in storage: how they validate and name themselves. */
export interface KindSpec {
  kind: CatalogKind;
  label: string;
  codeField: 'code' | 'id';
  validate(doc: unknown, basePath: string): FieldIssue[];
  readPermission: string;
  /** Every permission that writes some document of this kind (holding none: no write at all). */
  writePermissions: string[];
  /** The permission that writes this document, the field that decides it and what it is there. */
  writePermissionOf(doc: unknown): { permission: string; field: string; value: string };
}

export const KINDS: Record<CatalogKind, KindSpec> = {
  plan: {
    kind: 'plan', label: 'Plan', codeField: 'code', validate: validatePlan, readPermission: 'catalog:read',
    writePermissions: ['catalog:write'], writePermissionOf: () => ({ permission: 'catalog:write', field: 'code', value: 'plan' }),
  },
  rule: {
    kind: 'rule', label: 'Rule', codeField: 'id', validate: validateRule, readPermission: 'rules:read',
    writePermissions: [...new Set(Object.values(RULE_WRITE_PERMISSION))],
    // An unknown kind is refused by validation; until then it needs the marketers' permission.
    writePermissionOf: (doc) => {
      const k = ruleKindOf(doc);
      // A promotion may override a price too (its effect); that is a price override all the same.
      const effect = (doc as { event?: { params?: { effect?: { type?: unknown } } } } | null)?.event?.params?.effect?.type;
      if (k === 'promotion' && effect === 'price_override') {
        return { permission: RULE_WRITE_PERMISSION.price_override, field: 'event.params.effect.type', value: 'price_override' };
      }
      return { permission: Object.hasOwn(RULE_WRITE_PERMISSION, k) ? RULE_WRITE_PERMISSION[k as RuleKind] : 'rules:write', field: 'kind', value: k };
    },
  },
};

export function ruleKindOf(doc: unknown): string {
  const k = (doc as Record<string, unknown> | null | undefined)?.kind;
  return typeof k === 'string' ? k : '';
}

export function codeOf(spec: KindSpec, doc: unknown): string {
  return String((doc as Record<string, unknown>)[spec.codeField] ?? '');
}
export function nameOf(doc: unknown): string {
  const n = (doc as Record<string, unknown> | null | undefined)?.name;
  return typeof n === 'string' && n ? n : '';
}
