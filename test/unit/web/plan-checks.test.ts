/**
 * The plan form's own checks (web/src/composables/catalog/planChecks.ts): one issue per field a
 * person must fix, on the paths the server uses, and none for a plan the server accepts.
 */
import { describe, expect, it } from 'vitest';
import { planIssues } from '@/composables/catalog/planChecks';
import { blankPlan } from '@/composables/catalog/documents';
import type { PlanDoc } from '@/api/catalog';
import { validatePlan } from '../../../server/rules/validate';

const say = (key: string, params?: Record<string, unknown>) => (params ? `${key} ${JSON.stringify(params)}` : key);

describe('plan form checks', () => {
  it('a blank plan needs its code, name and the flat amount, each once', () => {
    expect(planIssues(blankPlan(), say)).toEqual([
      { path: 'code', message: 'formChecks.required' },
      { path: 'name', message: 'formChecks.required' },
      { path: 'components[0].amount', message: 'formChecks.required' },
    ]);
  });

  it('tiers: bounds must rise, the last is open, amounts are decimals; percentages stay within 0-100', () => {
    const doc: PlanDoc = {
      code: 'p', name: 'P', currency: 'KRW', interval: 'month', intervalCount: 1,
      components: [
        { code: 'calls', type: 'usage', meter: 'calls', pricing: { model: 'graduated', tiers: [{ upTo: '100', unitAmount: '1' }, { upTo: '50', unitAmount: 'x' }, { upTo: '10', unitAmount: '0' }] } },
        { code: 'pay', type: 'usage', meter: 'pay', pricing: { model: 'percentage', rate: '120' } },
        { code: 'calls', type: 'flat', amount: '-1' },
      ],
    };
    expect(planIssues(doc, say)).toEqual([
      { path: 'components[0].pricing.tiers[1].upTo', message: 'formChecks.tierOrder {"prev":100}' },
      { path: 'components[0].pricing.tiers[1].unitAmount', message: 'formChecks.amount' },
      { path: 'components[0].pricing.tiers[2].upTo', message: 'formChecks.lastTierOpen' },
      { path: 'components[1].pricing.rate', message: 'formChecks.percent' },
      { path: 'components[2].code', message: 'formChecks.duplicate' },
      { path: 'components[2].amount', message: 'formChecks.amount' },
    ]);
  });

  it('a plan the form finds complete is one the server accepts', () => {
    const doc: PlanDoc = {
      code: 'ok-plan', name: 'OK', currency: 'KRW', interval: 'month', intervalCount: 1, trialDays: 0,
      components: [
        { code: 'base', type: 'flat', amount: '10000' },
        { code: 'seats', type: 'quantity', quantityKey: 'seats', pricing: { model: 'package', packageSize: '5', packageAmount: '3000' } },
        { code: 'calls', type: 'usage', meter: 'calls', pricing: { model: 'volume', tiers: [{ upTo: '100', unitAmount: '2' }, { upTo: null, unitAmount: '1' }] } },
      ],
    };
    expect(planIssues(doc, say)).toEqual([]);
    expect(validatePlan(doc)).toEqual([]);
  });
});
