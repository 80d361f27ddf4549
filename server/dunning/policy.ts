/**
 * A dunning policy is the set of published rule documents of kind `dunning` in effect on a date
 * (the same versions, publishing and diffs as every rule: server/catalog). This compiles it once
 * per run and decides, for one invoice's facts, which rules fire, which restrict (`exclude`) and
 * which act, in priority order (higher first, then id, as rating orders rules).
 */
import type { DbOrTx } from '../db/client';
import { resolveAt } from '../catalog/versions';
import { compilePack, explainConditions, type CompiledPack, type ConditionTrace } from '../rules/compile';
import type { FactMap } from '../rules/facts';
import type { DunningAction, RuleDoc } from '../rules/schema';

export interface PolicyRule {
  id: string;
  version: number;
  name: string;
  priority: number;
  action: DunningAction;
  params: Record<string, any>;
  conditions: RuleDoc['conditions'];
  currency?: string;
}

export interface Policy {
  rules: PolicyRule[];
  pack: CompiledPack<PolicyRule>;
  /** Every fact some rule's conditions read (what a decision not to act records). */
  factsRead: string[];
  /** Each rule as a timeline names it: `id vN`. */
  labels: string[];
}

export interface Fired {
  readonly rule: PolicyRule;
  readonly trace: ConditionTrace;
  /** The facts this rule's conditions read, with their values. */
  readonly facts: Record<string, unknown>;
}

const byPriorityThenId = (a: PolicyRule, b: PolicyRule) => b.priority - a.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Turns rule documents (published or a draft set being simulated) into a policy. */
export function policyOf(docs: { document: RuleDoc; version: number }[]): Policy {
  const rules = docs
    .filter((d) => d.document.kind === 'dunning' && d.document.enabled !== false)
    .map(({ document: d, version }) => ({
      id: d.id, version, name: d.name, priority: d.priority ?? 1, action: d.event.params.action as DunningAction,
      params: d.event.params, conditions: d.conditions, currency: d.currency,
    }))
    .sort(byPriorityThenId);
  const pack = compilePack(rules);
  return { rules, pack, factsRead: [...new Set(pack.factsByRule.flat())].sort(), labels: rules.map((r) => `${r.id} v${r.version}`) };
}

/** The published policy in effect on a tenant-local date. */
export async function loadPolicy(db: DbOrTx, tenantId: string, date: string): Promise<Policy> {
  const docs = await resolveAt<RuleDoc>(db, tenantId, 'rule', date);
  return policyOf(docs.filter((d) => d.document.kind === 'dunning'));
}

/** The named facts with their values (null when absent): what a decision records as the facts read. */
export function pickFacts(names: readonly string[], facts: FactMap): Record<string, unknown> {
  const read: Record<string, unknown> = {};
  for (const f of names) read[f] = facts[f] ?? null;
  return read;
}

/** A fired rule whose trace and facts read are worked out when first asked for: most fired rules of a daily run are already done, and no entry records them. */
class FiredRule implements Fired {
  #trace?: ConditionTrace;
  #facts?: Record<string, unknown>;
  constructor(readonly rule: PolicyRule, private readonly all: FactMap, private readonly names: readonly string[]) {}
  get trace() { return (this.#trace ??= explainConditions(this.rule.conditions, this.all)); }
  get facts() { return (this.#facts ??= pickFacts(this.names, this.all)); }
}

/** The rules that fire for one invoice, in priority order, each with its trace and facts read. */
export function firedRules(policy: Policy, facts: FactMap, currency: string, out: Uint8Array = new Uint8Array(policy.rules.length)): Fired[] {
  policy.pack.evaluate(facts, out);
  const fired: Fired[] = [];
  for (let i = 0; i < policy.rules.length; i++) {
    const rule = policy.rules[i];
    if (out[i] && (!rule.currency || rule.currency === currency)) fired.push(new FiredRule(rule, facts, policy.pack.factsByRule[i]));
  }
  return fired;
}

export interface StopContext {
  /** Why the invoice is paused (manual pause or promise to pay), or null. */
  pausedWhy: string | null;
  /** A record exclusion covering the invoice's customer or payer, described, or null. */
  recordExclusion: string | null;
  /** The customer flag `dunningExcluded`, described, or null. */
  flagExclusion: string | null;
  /** The exclusion rules that fired for this invoice. */
  restrictions: Fired[];
}

/** Why a fired rule may not act today (pause first, then exclusions), or null when it may. One decision for the run, the board and simulations. */
export function stopReason(f: Fired, s: StopContext): { kind: 'paused' | 'excluded'; reason: string; by?: Fired } | null {
  if (s.pausedWhy) return { kind: 'paused', reason: s.pausedWhy };
  if (s.recordExclusion) return { kind: 'excluded', reason: s.recordExclusion };
  if (s.flagExclusion) return { kind: 'excluded', reason: s.flagExclusion };
  const r = s.restrictions.find((x) => !(x.rule.params.allowActions as string[]).includes(f.rule.action));
  return r ? { kind: 'excluded', reason: `exclusion rule ${r.rule.id} v${r.rule.version}: ${r.rule.params.reason}`, by: r } : null;
}

/**
 * Whether a rule that fires is due again given its last step: the first step always; a repeating
 * rule (repeatEveryDays) once that many days have passed since its last attempt. Failed and
 * interrupted steps are the caller's matter (retry / unknown).
 */
export function nextStepDue(last: { step: number; lastAttemptOn: string } | undefined, repeatEveryDays: number | undefined, today: string, addDays: (d: string, n: number) => string): number | null {
  if (!last) return 0;
  if (repeatEveryDays && addDays(last.lastAttemptOn, repeatEveryDays) <= today) return last.step + 1;
  return null;
}
