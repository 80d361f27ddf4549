/**
 * Validation of plan and rule documents: the zod schemas of ./schema.ts plus the checks a JSON
 * Schema cannot express — conditions against the fact catalog, tier order, unique component codes,
 * event.type = kind. `validatePlan` / `validateRule` never throw; they return every problem with
 * its full JSON path, ready for a 422.
 */
import type { z } from 'zod';
import { formatPath, type FieldIssue } from '../lib/errors';
import { fromZodIssue } from '../lib/i18n';
import { isDecimalString } from '../lib/money';
import { isIsoDate } from '../lib/dates';
import { OPERATORS, booleanOperatorOf, isFactReference } from './compile';
import { lookupFact, type FactDef } from './facts';
import { PlanSchema, RULE_KINDS, ruleVariant, type RuleKind } from './schema';

type Seg = string | number;

export function joinPath(base: string | undefined, segs: ReadonlyArray<PropertyKey>): string {
  const rest = formatPath(segs);
  if (!base || base === '$') return rest;
  if (rest === '$') return base;
  return rest.startsWith('[') ? base + rest : `${base}.${rest}`;
}

function zodIssues(error: z.ZodError, base: string | undefined, skip: (path: PropertyKey[]) => boolean): FieldIssue[] {
  const out: FieldIssue[] = [];
  const walk = (issues: z.core.$ZodIssue[], prefix: PropertyKey[]) => {
    for (const i of issues) {
      const path = [...prefix, ...i.path];
      if (skip(path)) continue;
      if (i.code === 'unrecognized_keys') {
        for (const k of i.keys) out.push({ path: joinPath(base, [...path, k]), message: `unknown field "${k}"`, code: 'unknown_field' });
      } else if (i.code === 'invalid_union' && i.errors.length > 0 && !('discriminator' in i && i.discriminator)) {
        // A plain union (number | string): report the first branch's problem, not "Invalid input".
        out.push({ path: joinPath(base, path), message: i.message === 'Invalid input' ? 'has an invalid value' : i.message, code: i.code });
      } else {
        out.push(fromZodIssue(i, joinPath(base, path)));
      }
    }
  };
  walk(error.issues, []);
  return out;
}

export interface ConditionCheckOptions {
  /** `dunning` rules may use dunning facts; everything else only rating facts. */
  scope: 'rating' | 'dunning';
}

const SCALAR_TYPE_OK: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  number: (v) => typeof v === 'number' && Number.isFinite(v),
  money: (v) => typeof v === 'number' && Number.isFinite(v),
  date: (v) => isIsoDate(v),
  boolean: (v) => typeof v === 'boolean',
};
const TYPE_WORD: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  money: 'a number (conditions compare money facts as numbers)',
  date: 'a date string YYYY-MM-DD',
  boolean: 'true or false',
};
const NUMERIC_OPS = new Set(['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']);
const ARRAY_OPS = new Set(['contains', 'doesNotContain']);

/**
 * The operators that fit a fact: what the no-code editors offer (GET /rules/facts) and what
 * checkConditions accepts. Loosely typed facts (customer attributes) take any scalar operator.
 */
export function operatorsForFact(def: FactDef): string[] {
  if (def.type === 'array' && !def.loose) return [...ARRAY_OPS];
  const scalar = OPERATORS.filter((o) => !ARRAY_OPS.has(o));
  return !def.loose && (def.type === 'string' || def.type === 'boolean') ? scalar.filter((o) => !NUMERIC_OPS.has(o)) : scalar;
}
const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/**
 * Checks a condition tree against the fact catalog: known facts in scope, operators that fit the
 * fact's type, values of the right type (enums against their allowed values), no JSONPath
 * `path`, no shared-condition references, the root a boolean node.
 */
export function checkConditions(root: unknown, base: string, opts: ConditionCheckOptions): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const add = (segs: Seg[], message: string, code = 'invalid_condition') => issues.push({ path: joinPath(base, segs), message, code });
  const factIn = (name: unknown, segs: Seg[]): FactDef | undefined => {
    if (typeof name !== 'string' || !name) {
      add(segs, 'must name a fact');
      return undefined;
    }
    const def = lookupFact(name);
    if (!def) {
      add(segs, `unknown fact "${name}"`, 'unknown_fact');
      return undefined;
    }
    if (def.scope !== 'both' && def.scope !== opts.scope) {
      add(segs, `fact "${name}" is only available to ${def.scope} rules`, 'fact_out_of_scope');
      return undefined;
    }
    return def;
  };
  const checkValue = (def: FactDef, op: string, v: unknown, segs: Seg[]) => {
    if (isFactReference(v)) {
      const ref = v as unknown as Record<string, unknown>;
      if ('path' in ref) add([...segs, 'path'], '"path" (JSONPath) is not allowed; use a flat fact name', 'path_forbidden');
      const other = factIn(ref.fact, [...segs, 'fact']);
      if (other && !def.loose && !other.loose) {
        const want = op === 'in' || op === 'notIn' ? 'array' : def.type === 'array' ? 'scalar' : def.type;
        const compatible =
          want === other.type || (want === 'scalar' && other.type !== 'array') || (['number', 'money'].includes(want) && ['number', 'money'].includes(other.type));
        if (!compatible) add(segs, `fact "${String(ref.fact)}" (${other.type}) cannot be compared with "${def.name}" (${def.type}) by ${op}`);
      }
      return;
    }
    const enumOk = (x: unknown, s: Seg[]) => {
      if (def.allowedValues && typeof x === 'string' && !def.allowedValues.includes(x)) {
        add(s, `"${x}" is not one of ${def.allowedValues.join(', ')}`, 'invalid_enum_value');
      }
    };
    if (op === 'in' || op === 'notIn') {
      if (!Array.isArray(v)) return add(segs, `${op} needs an array value`);
      v.forEach((x, i) => {
        if (def.loose) {
          if (!isScalar(x)) add([...segs, i], 'must be a string, number, boolean or null');
        } else if (x !== null && !SCALAR_TYPE_OK[def.type]?.(x)) add([...segs, i], `must be ${TYPE_WORD[def.type]}`);
        else enumOk(x, [...segs, i]);
      });
      return;
    }
    if (op === 'contains' || op === 'doesNotContain') {
      if (!isScalar(v) || v === null) add(segs, `${op} needs a single string or number value`);
      return;
    }
    if (def.loose) {
      if (!isScalar(v)) add(segs, 'must be a string, number, boolean or null');
      return;
    }
    if (def.nonNegative && typeof v === 'number' && v < 0) return add(segs, 'must not be negative', 'too_small');
    if (NUMERIC_OPS.has(op)) {
      if (!SCALAR_TYPE_OK[def.type](v)) add(segs, `must be ${TYPE_WORD[def.type]}`);
      return;
    }
    // equal / notEqual: a value of the fact's type, or null to test "unknown"
    if (v !== null && !SCALAR_TYPE_OK[def.type]?.(v)) add(segs, `must be ${TYPE_WORD[def.type]} or null`);
    else enumOk(v, segs);
  };
  const walk = (n: unknown, segs: Seg[], isRoot: boolean) => {
    if (n === null || typeof n !== 'object' || Array.isArray(n)) return add(segs, 'must be a condition object');
    const node = n as Record<string, unknown>;
    if ('priority' in node && !(Number.isInteger(node.priority) && (node.priority as number) >= 1)) add([...segs, 'priority'], 'must be an integer ≥ 1');
    const bools = ['all', 'any', 'not'].filter((k) => k in node);
    if (bools.length > 1) return add(segs, `use exactly one of all/any/not per node (found ${bools.join(', ')})`);
    const bool = booleanOperatorOf(node);
    if (bool) {
      for (const k of Object.keys(node)) if (![bool, 'priority', 'name'].includes(k)) add([...segs, k], `unknown field "${k}"`, 'unknown_field');
      if (bool === 'not') {
        if (Array.isArray(node.not)) return add([...segs, 'not'], '"not" takes one condition, not an array');
        return walk(node.not, [...segs, 'not'], false);
      }
      const list = node[bool];
      if (!Array.isArray(list)) return add([...segs, bool], `"${bool}" must be an array`);
      list.forEach((c, i) => walk(c, [...segs, bool, i], false));
      return;
    }
    if (isRoot) return add(segs, 'the root must be "all", "any" or "not"');
    if ('condition' in node) return add([...segs, 'condition'], 'shared condition references are not supported');
    if ('path' in node) add([...segs, 'path'], '"path" (JSONPath) is not allowed; use a flat fact name', 'path_forbidden');
    for (const k of Object.keys(node)) {
      if (!['fact', 'operator', 'value', 'params', 'priority', 'name', 'path'].includes(k)) add([...segs, k], `unknown field "${k}"`, 'unknown_field');
    }
    if ('params' in node && (node.params === null || typeof node.params !== 'object' || Array.isArray(node.params))) add([...segs, 'params'], 'must be an object');
    const def = factIn(node.fact, [...segs, 'fact']);
    const op = node.operator;
    if (typeof op !== 'string' || !(OPERATORS as readonly string[]).includes(op)) {
      return add([...segs, 'operator'], `unknown operator ${JSON.stringify(op)}; use one of ${OPERATORS.join(', ')}`, 'unknown_operator');
    }
    if (!('value' in node) || node.value === undefined) return add([...segs, 'value'], 'is required');
    if (!def) return;
    if (!def.loose && !operatorsForFact(def).includes(op)) {
      const why = def.type === 'array'
        ? `"${op}" does not fit the array fact "${def.name}"; use contains or doesNotContain`
        : ARRAY_OPS.has(op) ? `"${op}" needs an array fact; "${def.name}" is ${def.type}` : `"${op}" does not fit the ${def.type} fact "${def.name}"`;
      return add([...segs, 'operator'], why, 'operator_type_mismatch');
    }
    checkValue(def, op, node.value, [...segs, 'value']);
  };
  walk(root, [], true);
  return issues;
}

function decimalOf(x: unknown): number | undefined {
  if (typeof x === 'number') return x;
  if (isDecimalString(x)) return Number(x); // ordering check only, never money arithmetic
  return undefined;
}

function checkTiers(tiers: unknown, segs: Seg[], base: string | undefined, out: FieldIssue[]) {
  if (!Array.isArray(tiers)) return;
  let prev: number | undefined;
  tiers.forEach((t, i) => {
    if (!t || typeof t !== 'object') return;
    const upTo = (t as { upTo?: unknown }).upTo;
    const last = i === tiers.length - 1;
    const p = joinPath(base, [...segs, 'tiers', i, 'upTo']);
    if (last && upTo !== null) out.push({ path: p, message: 'the last tier must have upTo: null', code: 'invalid_tiers' });
    if (!last && upTo === null) out.push({ path: p, message: 'only the last tier may have upTo: null', code: 'invalid_tiers' });
    const n = decimalOf(upTo);
    if (n !== undefined) {
      if (prev !== undefined && !(n > prev)) out.push({ path: p, message: `upTo must be greater than the previous tier's (${prev})`, code: 'invalid_tiers' });
      prev = n;
    }
  });
}

function checkPricing(pricing: unknown, segs: Seg[], base: string | undefined, out: FieldIssue[]) {
  if (!pricing || typeof pricing !== 'object') return;
  const p = pricing as Record<string, unknown>;
  if (p.model === 'graduated' || p.model === 'volume') checkTiers(p.tiers, segs, base, out);
  if (p.model === 'package' && decimalOf(p.packageSize) === 0) {
    out.push({ path: joinPath(base, [...segs, 'packageSize']), message: 'must be greater than 0', code: 'too_small' });
  }
}

/** Validates a plan document; [] means valid. `basePath` prefixes every issue path. */
export function validatePlan(doc: unknown, basePath?: string): FieldIssue[] {
  const isCond = (path: PropertyKey[]) => path[0] === 'eligibility';
  const parsed = PlanSchema.safeParse(doc);
  const issues = parsed.success ? [] : zodIssues(parsed.error, basePath, isCond);
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    return issues.length ? issues : [{ path: basePath || '$', message: 'must be a plan object' }];
  }
  const d = doc as Record<string, unknown>;
  issues.push(...chargeTimingIssues(d, basePath, issues));
  if ('eligibility' in d && d.eligibility !== undefined) issues.push(...checkConditions(d.eligibility, joinPath(basePath, ['eligibility']), { scope: 'rating' }));
  if (Array.isArray(d.components)) {
    const seen = new Map<string, number>();
    d.components.forEach((c, i) => {
      if (!c || typeof c !== 'object') return;
      const comp = c as Record<string, unknown>;
      if (typeof comp.code === 'string') {
        if (seen.has(comp.code)) issues.push({ path: joinPath(basePath, ['components', i, 'code']), message: `duplicate component code "${comp.code}" (also components[${seen.get(comp.code)}])`, code: 'duplicate' });
        else seen.set(comp.code, i);
      }
      checkPricing(comp.pricing, ['components', i, 'pricing'], basePath, issues);
      const pr = comp.pricing as Record<string, unknown> | undefined;
      if (pr && pr.model === 'percentage' && comp.type !== 'usage') {
        issues.push({ path: joinPath(basePath, ['components', i, 'pricing', 'model']), message: 'the percentage model prices usage components only', code: 'invalid_model' });
      }
    });
  }
  return issues;
}

/**
 * Charge timing combinations a JSON Schema cannot word well (rating.md "Charge timing"): an
 * installment or charge field on a component type that has none is reported at that field with
 * the reason (instead of zod's bare "unknown field"), installments exclude `charge: "one_time"`,
 * and `renewal` needs `termCycles`.
 */
function chargeTimingIssues(d: Record<string, unknown>, basePath: string | undefined, issues: FieldIssue[]): FieldIssue[] {
  const out: FieldIssue[] = [];
  const reword = (segs: Seg[], message: string, code: string) => {
    const path = joinPath(basePath, segs);
    const i = issues.findIndex((x) => x.path === path && x.code === 'unknown_field');
    if (i >= 0) issues.splice(i, 1);
    out.push({ path, message, code });
  };
  if (Array.isArray(d.components)) {
    d.components.forEach((c, i) => {
      if (!c || typeof c !== 'object') return;
      const comp = c as Record<string, unknown>;
      if ('installments' in comp && comp.type !== 'flat') {
        reword(['components', i, 'installments'], 'installments apply to flat components only (a total paid over N cycles)', 'invalid_combination');
      }
      if ('charge' in comp && comp.type === 'usage') {
        reword(['components', i, 'charge'], 'usage components are charged for what was used in each period; "charge" applies to flat and quantity components', 'invalid_combination');
      }
      if (comp.type === 'flat' && comp.installments !== undefined && comp.charge === 'one_time') {
        out.push({ path: joinPath(basePath, ['components', i, 'installments']), message: 'a component is either charged once (charge "one_time") or in installments, not both', code: 'invalid_combination' });
      }
    });
  }
  if (d.renewal !== undefined && d.termCycles === undefined) {
    out.push({ path: joinPath(basePath, ['renewal']), message: 'renewal needs termCycles (the length of the term that renews)', code: 'invalid_combination' });
  }
  return out;
}

/** Validates a rule document of any kind; [] means valid. */
export function validateRule(doc: unknown, basePath?: string): FieldIssue[] {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return [{ path: basePath || '$', message: 'must be a rule object' }];
  const d = doc as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  const at = (segs: Seg[]) => joinPath(basePath, segs);
  const kind = d.kind;
  if (typeof kind !== 'string' || !(RULE_KINDS as readonly string[]).includes(kind)) {
    issues.push({ path: at(['kind']), message: `must be one of ${RULE_KINDS.join(', ')}`, code: 'invalid_kind' });
  } else {
    const parsed = ruleVariant(kind as RuleKind).safeParse(doc);
    if (!parsed.success) issues.push(...zodIssues(parsed.error, basePath, (p) => p[0] === 'conditions'));
  }
  const scope = kind === 'dunning' ? 'dunning' : 'rating';
  if (!('conditions' in d)) issues.push({ path: at(['conditions']), message: 'is required' });
  else issues.push(...checkConditions(d.conditions, at(['conditions']), { scope }));
  if (isIsoDate(d.validFrom) && isIsoDate(d.validTo) && d.validTo < d.validFrom) {
    issues.push({ path: at(['validTo']), message: 'must not be before validFrom', code: 'invalid_range' });
  }
  const ev = d.event as Record<string, unknown> | undefined;
  const params = ev && typeof ev === 'object' ? (ev.params as Record<string, unknown> | undefined) : undefined;
  if (params && typeof params === 'object') issues.push(...checkParamsSemantics(kind as RuleKind, params, ['event', 'params'], basePath));
  return issues;
}

function checkParamsSemantics(kind: RuleKind, p: Record<string, unknown>, segs: Seg[], base: string | undefined): FieldIssue[] {
  const out: FieldIssue[] = [];
  const at = (s: Seg[]) => joinPath(base, [...segs, ...s]);
  const exactlyOne = (keys: string[], where: Seg[] = []) => {
    const present = keys.filter((k) => p[k] !== undefined);
    if (present.length !== 1) out.push({ path: at([...where]), message: `give exactly one of ${keys.join(' or ')}`, code: 'invalid_params' });
  };
  const pctMax = (k: string) => {
    const n = decimalOf(p[k]);
    if (n !== undefined && n > 100) out.push({ path: at([k]), message: 'must be at most 100', code: 'too_big' });
  };
  switch (kind) {
    case 'discount':
    case 'coupon':
      exactlyOne(['percent', 'amount']);
      pctMax('percent');
      break;
    case 'promotion':
      exactlyOne(['percent', 'amount', 'effect']);
      pctMax('percent');
      if (p.effect && typeof p.effect === 'object') {
        const e = p.effect as Record<string, unknown>;
        if (e.type === 'free_units' && [e.meter, e.quantityKey].filter((x) => x !== undefined).length !== 1) {
          out.push({ path: at(['effect']), message: 'give exactly one of meter or quantityKey', code: 'invalid_params' });
        }
        if (e.type === 'price_override') checkPricing(e.pricing, [...segs, 'effect', 'pricing'], base, out);
        if (p.target !== undefined || p.maxAmount !== undefined || p.cycles !== undefined) {
          out.push({ path: at(['effect']), message: 'target, maxAmount and cycles belong to discount promotions, not to an effect', code: 'invalid_params' });
        }
      }
      break;
    case 'free_units':
      exactlyOne(['meter', 'quantityKey']);
      break;
    case 'price_override':
      checkPricing(p.pricing, [...segs, 'pricing'], base, out);
      break;
    case 'points':
      exactlyOne(['earnPercent', 'earnAmount']);
      pctMax('earnPercent');
      break;
    case 'dunning':
      if (p.action === 'late_fee') {
        exactlyOne(['percent', 'amount']);
        pctMax('percent');
      }
      break;
    case 'tax':
      pctMax('rate');
      break;
  }
  return out;
}
