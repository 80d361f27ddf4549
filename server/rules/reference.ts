/**
 * Rule evaluation through json-rules-engine itself: the reference the compiled evaluator is
 * proved against (differential test, bench). A NEW Engine is created for every run, because
 * one Engine shared by overlapping runs mixes their events. The immutable `Rule` objects are
 * built once and reused: a Rule keeps no per-run state (each evaluation clones its conditions
 * into a RuleResult), and the engine it points at only supplies the default operators.
 */
import { Engine, Rule } from 'json-rules-engine';
import { referencedFacts, type ConditionNode } from './compile';
import type { FactMap } from './facts';

export interface ReferenceRule {
  id: string;
  priority?: number;
  conditions: ConditionNode;
}

export interface PreparedReference {
  rules: Rule[];
  ids: string[];
  /** Facts the rules read; the ones missing from a fact map are supplied as null. */
  facts: string[];
}

export function prepareReference(rules: readonly ReferenceRule[]): PreparedReference {
  const facts = new Set<string>();
  for (const r of rules) referencedFacts(r.conditions, facts);
  return {
    ids: rules.map((r) => r.id),
    facts: [...facts],
    rules: rules.map(
      (r) =>
        new Rule({
          name: r.id,
          priority: r.priority ?? 1,
          conditions: r.conditions as never,
          event: { type: r.id },
        }),
    ),
  };
}

/**
 * Runs the rules on one fact map with a fresh Engine and returns, per rule id, whether it
 * fired. Rejects exactly when json-rules-engine rejects.
 */
export async function evaluateReference(prepared: PreparedReference, facts: FactMap): Promise<Map<string, boolean>> {
  const engine = new Engine([], { allowUndefinedFacts: false });
  for (const r of prepared.rules) engine.addRule(r);
  const runtime: Record<string, unknown> = {};
  for (const name of prepared.facts) runtime[name] = null;
  for (const [k, v] of Object.entries(facts)) runtime[k] = v === undefined ? null : v;
  const { results, failureResults } = await engine.run(runtime as Record<string, never>);
  const out = new Map<string, boolean>();
  for (const r of results) out.set(String(r.name), true);
  for (const r of failureResults) out.set(String(r.name), false);
  return out;
}

/** Convenience: rule ids that fired, in the pack's order. */
export async function firedByReference(prepared: PreparedReference, facts: FactMap): Promise<string[]> {
  const m = await evaluateReference(prepared, facts);
  return prepared.ids.filter((id) => m.get(id) === true);
}
