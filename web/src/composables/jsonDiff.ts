/**
 * Key-level diff of two JSON values for the audit log: nested objects are flattened to dotted
 * paths (`address.city`), arrays and scalars are compared as whole values.
 */
export interface DiffRow {
  path: string;
  before: unknown;
  after: unknown;
  /** 'added' | 'removed' | 'changed' | 'same' */
  kind: 'added' | 'removed' | 'changed' | 'same';
}

const MISSING = Symbol('missing');

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function flatten(v: unknown, prefix: string, out: Map<string, unknown>): void {
  if (isPlainObject(v) && (Object.keys(v).length > 0 || prefix === '')) {
    for (const [k, child] of Object.entries(v)) flatten(child, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix !== '') {
    out.set(prefix, v);
  } else if (v !== null && v !== undefined) {
    out.set('(value)', v);
  }
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function jsonDiff(before: unknown, after: unknown): DiffRow[] {
  const b = new Map<string, unknown>();
  const a = new Map<string, unknown>();
  flatten(before, '', b);
  flatten(after, '', a);
  const paths = [...new Set([...b.keys(), ...a.keys()])];
  return paths.map((path) => {
    const bv = b.has(path) ? b.get(path) : MISSING;
    const av = a.has(path) ? a.get(path) : MISSING;
    const kind: DiffRow['kind'] =
      bv === MISSING ? 'added' : av === MISSING ? 'removed' : same(bv, av) ? 'same' : 'changed';
    return { path, before: bv === MISSING ? undefined : bv, after: av === MISSING ? undefined : av, kind };
  });
}

export function showValue(v: unknown): string {
  if (v === undefined) return '';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}
