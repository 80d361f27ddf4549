/**
 * Compiles json-rules-engine condition trees into plain JS closures for bulk rating.
 *
 * The closures must decide EXACTLY what json-rules-engine 7 decides for the same tree and facts
 * (proved by test/unit/rules/differential.test.ts). What that takes, from the engine's source:
 * - operators are the engine's own callbacks behind its fact-value validators: `contains` and
 *   `doesNotContain` need an array fact; the four numeric comparisons need
 *   `Number.parseFloat(fact).toString() !== 'NaN'` and then compare with JS `<`/`<=`/... (so
 *   numeric strings, dates and even `["5"]` pass the validator and compare by JS coercion);
 *   `in`/`notIn` call `value.indexOf(fact)` (a string value does substring search; a null or
 *   number value throws, which makes the engine's run reject);
 * - a value `{ "fact": name }` is replaced by that fact's value;
 * - `all: []` and `any: []` are both true; `not` negates its single child; a boolean node passes
 *   only on `=== true`;
 * - children are grouped by condition priority (a leaf without one takes its fact's priority,
 *   1 for runtime facts), groups run highest first and a later group runs only while the result
 *   is still open; inside a group every child is evaluated. Grouping changes only WHETHER an
 *   error is raised, so it is reproduced only for trees that can raise one (in/notIn whose value
 *   is not a literal array or string); all other trees short-circuit freely.
 * Facts absent from the map are treated as null, the same value `reference.ts` gives the engine.
 */
import type { FactMap } from './facts';

export const OPERATORS = [
  'equal',
  'notEqual',
  'in',
  'notIn',
  'contains',
  'doesNotContain',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
] as const;
export type Operator = (typeof OPERATORS)[number];

export interface FactReference {
  fact: string;
  params?: Record<string, unknown>;
  path?: string;
}
export interface LeafCondition {
  fact: string;
  operator: string;
  value: unknown;
  params?: Record<string, unknown>;
  path?: string;
  priority?: number;
  name?: string;
}
export type ConditionNode =
  | { all: ConditionNode[]; priority?: number; name?: string }
  | { any: ConditionNode[]; priority?: number; name?: string }
  | { not: ConditionNode; priority?: number; name?: string }
  | LeafCondition;

export type CompiledCondition = (facts: FactMap) => boolean;

export class RuleCompileError extends Error {}
/** The compiled counterpart of json-rules-engine rejecting a run. */
export class RuleEvaluationError extends Error {
  constructor(
    readonly ruleId: string,
    readonly cause: unknown,
  ) {
    super(`rule ${ruleId}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

export function booleanOperatorOf(node: object): 'any' | 'all' | 'not' | undefined {
  if (hasOwn(node, 'any')) return 'any';
  if (hasOwn(node, 'all')) return 'all';
  if (hasOwn(node, 'not')) return 'not';
  return undefined;
}

export function isFactReference(v: unknown): v is FactReference {
  return v != null && typeof v === 'object' && hasOwn(v as object, 'fact');
}

/** The engine's numeric fact-value validator, with a fast path that is equal for numbers. */
function numeric(a: unknown): boolean {
  if (typeof a === 'number') return a === a; // parseFloat(String(n)) is NaN only for NaN
  return Number.parseFloat(a as string).toString() !== 'NaN';
}

type Op = (a: any, b: any) => boolean;
/** json-rules-engine's default operators, callbacks and validators verbatim. */
export const OPERATOR_FNS: Record<Operator, Op> = {
  equal: (a, b) => a === b,
  notEqual: (a, b) => a !== b,
  in: (a, b) => b.indexOf(a) > -1,
  notIn: (a, b) => b.indexOf(a) === -1,
  contains: (a, b) => Array.isArray(a) && a.indexOf(b) > -1,
  doesNotContain: (a, b) => Array.isArray(a) && a.indexOf(b) === -1,
  lessThan: (a, b) => numeric(a) && a < b,
  lessThanInclusive: (a, b) => numeric(a) && a <= b,
  greaterThan: (a, b) => numeric(a) && a > b,
  greaterThanInclusive: (a, b) => numeric(a) && a >= b,
};

interface CNode {
  fn: CompiledCondition;
  mayThrow: boolean;
  /** Sort key for the engine's condition groups. */
  priority: number;
}

function compileLeaf(c: LeafCondition): CNode {
  if (c.path !== undefined) throw new RuleCompileError(`condition on "${c.fact}": "path" is not supported`);
  const op = OPERATOR_FNS[c.operator as Operator];
  if (!op || !hasOwn(OPERATOR_FNS, c.operator)) throw new RuleCompileError(`unknown operator "${c.operator}"`);
  if (typeof c.fact !== 'string' || !c.fact) throw new RuleCompileError('condition without a fact');
  const k = c.fact;
  const v = c.value;
  const priority = c.priority ? Number(c.priority) : 1;
  const throwingOp = c.operator === 'in' || c.operator === 'notIn';
  if (isFactReference(v)) {
    if (v.path !== undefined) throw new RuleCompileError(`value reference to "${v.fact}": "path" is not supported`);
    const rk = v.fact;
    return {
      priority,
      mayThrow: throwingOp,
      fn: (f) => {
        let a = f[k];
        if (a === undefined) a = null;
        let b = f[rk];
        if (b === undefined) b = null;
        return op(a, b);
      },
    };
  }
  const mayThrow = throwingOp && !(Array.isArray(v) || typeof v === 'string');
  // Specialised closures for the hot operators: no indirect call, no array lookup per call.
  let fn: CompiledCondition;
  switch (v === undefined ? '' : c.operator) {
    case 'equal':
      fn = v === null ? (f) => f[k] == null : (f) => f[k] === v;
      break;
    case 'notEqual':
      fn = v === null ? (f) => f[k] != null : (f) => f[k] !== v;
      break;
    case 'in':
      if (Array.isArray(v)) {
        const hasNull = v.indexOf(null) > -1;
        fn = (f) => {
          const a = f[k];
          return a === undefined ? hasNull : v.indexOf(a) > -1;
        };
        break;
      }
    // falls through
    default:
      fn = (f) => {
        let a = f[k];
        if (a === undefined) a = null;
        return op(a, v);
      };
  }
  return { fn, mayThrow, priority };
}

function compileNode(node: ConditionNode): CNode {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) throw new RuleCompileError('condition must be an object');
  const bool = booleanOperatorOf(node);
  if (!bool) {
    if (hasOwn(node, 'condition')) throw new RuleCompileError('shared condition references are not supported');
    return compileLeaf(node as LeafCondition);
  }
  const priority = Number.parseInt(String((node as { priority?: unknown }).priority), 10) || 1;
  if (bool === 'not') {
    const child = (node as { not: ConditionNode }).not;
    if (Array.isArray(child)) throw new RuleCompileError('"not" cannot be an array');
    const c = compileNode(child);
    const inner = c.fn;
    return { priority, mayThrow: c.mayThrow, fn: (f) => !inner(f) };
  }
  const list = (node as Record<string, unknown>)[bool];
  if (!Array.isArray(list)) throw new RuleCompileError(`"${bool}" must be an array`);
  return { priority, ...compileList(bool, list.map(compileNode)) };
}

function compileList(op: 'all' | 'any', children: CNode[]): { fn: CompiledCondition; mayThrow: boolean } {
  const mayThrow = children.some((c) => c.mayThrow);
  if (children.length === 0) return { mayThrow: false, fn: () => true };
  if (children.length === 1) return { mayThrow, fn: children[0].fn };
  const fns = children.map((c) => c.fn);
  if (!mayThrow) {
    if (fns.length === 2) {
      const [a, b] = fns;
      return { mayThrow, fn: op === 'all' ? (f) => a(f) && b(f) : (f) => a(f) || b(f) };
    }
    const n = fns.length;
    return {
      mayThrow,
      fn:
        op === 'all'
          ? (f) => {
              for (let i = 0; i < n; i++) if (!fns[i](f)) return false;
              return true;
            }
          : (f) => {
              for (let i = 0; i < n; i++) if (fns[i](f)) return true;
              return false;
            },
    };
  }
  // Reproduce the engine's priority groups so errors surface exactly when the engine's would.
  const byPriority = new Map<number, CompiledCondition[]>();
  for (const c of children) {
    const g = byPriority.get(c.priority) ?? [];
    g.push(c.fn);
    byPriority.set(c.priority, g);
  }
  const groups = [...byPriority.entries()].sort((x, y) => y[0] - x[0]).map((e) => e[1]);
  const isAll = op === 'all';
  return {
    mayThrow,
    fn: (f) => {
      let acc = isAll;
      for (const g of groups) {
        if (isAll ? !acc : acc) break;
        let r = isAll;
        for (const fn of g) {
          const v = fn(f); // no short-circuit inside a group: the engine runs them all
          r = isAll ? r && v : r || v;
        }
        acc = r;
      }
      return acc;
    },
  };
}

/** Compiles a rule's root condition (must be all/any/not, as the engine requires). */
export function compileConditions(root: ConditionNode): CompiledCondition {
  if (!root || typeof root !== 'object' || !booleanOperatorOf(root)) {
    throw new RuleCompileError('"conditions" root must contain a single instance of "all", "any" or "not"');
  }
  return compileNode(root).fn;
}

/** Every fact name a tree reads, including `{ fact }` value references. */
export function referencedFacts(root: ConditionNode, out: Set<string> = new Set()): Set<string> {
  const walk = (n: any): void => {
    if (!n || typeof n !== 'object') return;
    const b = booleanOperatorOf(n);
    if (b === 'not') return walk(n.not);
    if (b) {
      for (const c of n[b] as unknown[]) walk(c);
      return;
    }
    if (typeof n.fact === 'string') out.add(n.fact);
    if (isFactReference(n.value)) out.add(n.value.fact);
  };
  walk(root);
  return out;
}

export interface PackRule {
  id: string;
  conditions: ConditionNode;
}

export interface CompiledPack<R extends PackRule = PackRule> {
  readonly rules: readonly R[];
  /** Facts read by each rule, in pack order (for traces). */
  readonly factsByRule: readonly (readonly string[])[];
  /** Union of all facts the pack reads. */
  readonly referencedFacts: readonly string[];
  /**
   * Evaluates every rule against one fact map; `out[i]` is 1 when rule i fired. Pass `out` to
   * evaluate with no allocation at all. Throws RuleEvaluationError where the engine would reject.
   */
  evaluate(facts: FactMap, out?: Uint8Array): Uint8Array;
}

/** Compiles a whole pack; rule order is kept (sort by priority before, if it matters to you). */
export function compilePack<R extends PackRule>(rules: readonly R[]): CompiledPack<R> {
  const fns = rules.map((r) => {
    try {
      return compileConditions(r.conditions);
    } catch (e) {
      throw new RuleCompileError(`rule ${r.id}: ${(e as Error).message}`);
    }
  });
  const factsByRule = rules.map((r) => [...referencedFacts(r.conditions)]);
  const all = new Set<string>();
  for (const fs of factsByRule) for (const x of fs) all.add(x);
  const n = fns.length;
  return {
    rules,
    factsByRule,
    referencedFacts: [...all],
    evaluate(facts, out = new Uint8Array(n)) {
      let i = 0;
      try {
        for (; i < n; i++) out[i] = fns[i](facts) ? 1 : 0;
      } catch (e) {
        throw new RuleEvaluationError(rules[i].id, e);
      }
      return out;
    },
  };
}

/** Per-condition outcome for traces ("why did this rule fire?"). */
export type ConditionTrace =
  | { op: 'all' | 'any'; result: boolean; conditions: ConditionTrace[] }
  | { op: 'not'; result: boolean; condition: ConditionTrace }
  | { fact: string; operator: string; value: unknown; factValue: unknown; valueResult: unknown; result: boolean; error?: string };

/**
 * Evaluates every condition of a tree for display. Unlike the compiled closure it does not
 * short-circuit, so the trace shows each condition's result; its root result equals the
 * engine's whenever the engine does not raise an error.
 */
export function explainConditions(node: ConditionNode, facts: FactMap): ConditionTrace {
  const b = booleanOperatorOf(node);
  if (b === 'not') {
    const c = explainConditions((node as { not: ConditionNode }).not, facts);
    return { op: 'not', result: !c.result, condition: c };
  }
  if (b) {
    const cs = ((node as unknown as Record<string, ConditionNode[]>)[b] ?? []).map((c) => explainConditions(c, facts));
    const result = cs.length === 0 ? true : b === 'all' ? cs.every((c) => c.result) : cs.some((c) => c.result);
    return { op: b, result, conditions: cs };
  }
  const leaf = node as LeafCondition;
  const get = (name: string) => (facts[name] === undefined ? null : facts[name]);
  const factValue = get(leaf.fact);
  const valueResult = isFactReference(leaf.value) ? get(leaf.value.fact) : leaf.value;
  const op = OPERATOR_FNS[leaf.operator as Operator];
  try {
    return { fact: leaf.fact, operator: leaf.operator, value: leaf.value, factValue, valueResult, result: !!op && op(factValue, valueResult) };
  } catch (e) {
    return { fact: leaf.fact, operator: leaf.operator, value: leaf.value, factValue, valueResult, result: false, error: (e as Error).message };
  }
}
