/**
 * The console's copy of "which permission writes which rule" (web/src/composables/catalog/ruleAccess.ts)
 * is the server's (server/catalog/kinds.ts): for every kind, and for a promotion that overrides a price.
 */
import { describe, expect, it } from 'vitest';
import { RULE_WRITE_PERMISSION as WEB, ruleWritePermission } from '@/composables/catalog/ruleAccess';
import { KINDS, RULE_WRITE_PERMISSION as SERVER } from '../../../server/catalog/kinds';
import { RULE_KINDS } from '../../../server/rules/schema';

describe('rule write permissions in the console', () => {
  it('match the server for every rule kind', () => {
    expect(WEB).toEqual(SERVER);
    for (const kind of RULE_KINDS) {
      const doc = { kind, event: { type: kind, params: {} } };
      expect(ruleWritePermission(doc)).toBe(KINDS.rule.writePermissionOf(doc).permission);
    }
  });

  it('match the server for a promotion that overrides a price', () => {
    const doc = { kind: 'promotion' as const, event: { type: 'promotion' as const, params: { effect: { type: 'price_override' } } } };
    expect(ruleWritePermission(doc)).toBe('catalog:write');
    expect(KINDS.rule.writePermissionOf(doc).permission).toBe('catalog:write');
  });
});
