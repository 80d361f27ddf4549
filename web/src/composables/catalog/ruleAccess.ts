/**
 * Which permission writes a rule of each kind, so the console offers only what the server will
 * accept. The server decides (server/catalog/kinds.ts, RULE_WRITE_PERMISSION and
 * writePermissionOf); test/unit/web/rule-access.test.ts fails when this copy differs from it.
 */
import { computed } from 'vue';
import type { RuleDoc, RuleKind } from '@/api/catalog';
import { useAuthStore } from '@/stores/auth';

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

/** A promotion whose effect overrides a price is a price override to the server too. */
export function ruleWritePermission(doc: Pick<RuleDoc, 'kind' | 'event'>): string {
  const effect = (doc.event?.params?.effect as { type?: unknown } | undefined)?.type;
  if (doc.kind === 'promotion' && effect === 'price_override') return RULE_WRITE_PERMISSION.price_override;
  return RULE_WRITE_PERMISSION[doc.kind] ?? 'rules:write';
}

export function useRuleAccess() {
  const auth = useAuthStore();
  const writableKinds = (kinds: RuleKind[]) => kinds.filter((k) => auth.can(RULE_WRITE_PERMISSION[k]));
  /** May write at least one kind of rule (the "new rule" button). */
  const canWriteSome = computed(() => writableKinds(Object.keys(RULE_WRITE_PERMISSION) as RuleKind[]).length > 0);
  const canWriteDoc = (doc: Pick<RuleDoc, 'kind' | 'event'> | null | undefined) => !!doc && auth.can(ruleWritePermission(doc));
  return { writableKinds, canWriteSome, canWriteDoc };
}
