/** One difference between two JSON documents, at a JSON path (`components[1].pricing.unitAmount`). */
export interface DiffEntry {
  path: string;
  op: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A structural diff, readable by people: arrays are compared index by index. */
export function diffDocuments(a: unknown, b: unknown, path = ''): DiffEntry[] {
  if (Object.is(a, b)) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    const out: DiffEntry[] = [];
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const p = `${path}[${i}]`;
      if (i >= a.length) out.push({ path: p, op: 'added', after: b[i] });
      else if (i >= b.length) out.push({ path: p, op: 'removed', before: a[i] });
      else out.push(...diffDocuments(a[i], b[i], p));
    }
    return out;
  }
  if (isObj(a) && isObj(b)) {
    const out: DiffEntry[] = [];
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) {
      const p = path ? `${path}.${k}` : k;
      if (!(k in a)) out.push({ path: p, op: 'added', after: b[k] });
      else if (!(k in b)) out.push({ path: p, op: 'removed', before: a[k] });
      else out.push(...diffDocuments(a[k], b[k], p));
    }
    return out;
  }
  return [{ path: path || '$', op: 'changed', before: a, after: b }];
}
