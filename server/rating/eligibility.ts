import { explainConditions, type ConditionTrace } from '../rules/compile';
import type { FactMap } from '../rules/facts';
import { preparePlan } from './prepare';
import type { PlanDoc } from './types';

/** The leaf conditions that failed, as readable text ("customer.type equal corporate (is individual)"). */
export function failedConditions(t: ConditionTrace, out: string[] = []): string[] {
  if ('op' in t) {
    if (t.op === 'not') {
      if (!t.result) out.push('a "not" condition matched');
      return out;
    }
    if (!t.result) for (const c of t.conditions) failedConditions(c, out);
    return out;
  }
  if (!t.result) out.push(`${t.fact} ${t.operator} ${JSON.stringify(t.value)} (is ${JSON.stringify(t.factValue)})`);
  return out;
}

/** Whether a customer may subscribe to a plan: null when eligible, else the reason. */
export function checkEligibility(plan: PlanDoc, facts: FactMap): string | null {
  const prepared = preparePlan(plan);
  if (!prepared.eligibility || prepared.eligibility(facts)) return null;
  const failed = failedConditions(explainConditions(plan.eligibility!, facts));
  return `the customer is not eligible for plan "${plan.code}": ${failed.join('; ') || 'eligibility conditions not met'}`;
}
