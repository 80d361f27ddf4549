import type { PlanDoc, RuleDoc } from '../../../server/rules/schema';
import type { RatingInput, SubscriptionInput } from '../../../server/rating/types';

export const always = { all: [] };

export function plan(components: PlanDoc['components'], extra: Partial<PlanDoc> = {}): PlanDoc {
  return { code: 'p', name: 'Plan', currency: 'USD', interval: 'month', intervalCount: 1, components, ...extra };
}

export function rule(id: string, kind: RuleDoc['kind'], params: Record<string, unknown>, extra: Partial<RuleDoc> = {}): RuleDoc {
  return { id, name: id, kind, conditions: always, event: { type: kind, params }, ...extra };
}

export function input(subscriptions: SubscriptionInput[], extra: Partial<RatingInput> = {}): RatingInput {
  return {
    currency: 'USD',
    rounding: 'half_up',
    customer: { type: 'corporate' },
    period: { start: '2025-05-01', end: '2025-06-01' },
    subscriptions,
    ...extra,
  };
}
