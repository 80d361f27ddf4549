/**
 * A diff path (`components[1].pricing.tiers[1].unitAmount`) as people read it: which component
 * (by its name in the newer document, else the older), which tier (1-based), which field. The
 * version history showed the raw path, cut off in its column (issue 9).
 */
export interface DiffPlace {
  /** The component's name (or code) when the path is inside `components[i]`. */
  component?: string;
  /** 1-based tier number when the path is inside `tiers[j]`. */
  tier?: number;
  /** The last named key (`unitAmount`), or '' when the change is a whole component or tier. */
  field: string;
  /** The keys between the component and the field that are not tiers (`pricing`, `event.params`), for context. */
  within: string[];
}

type Seg = string | number;

export function pathSegments(path: string): Seg[] {
  const out: Seg[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

const compName = (doc: unknown, i: number): string | undefined => {
  const c = (doc as { components?: Array<{ name?: string; code?: string }> } | null)?.components?.[i];
  return c ? (c.name || c.code) : undefined;
};

export function describeDiffPath(path: string, newer: unknown, older?: unknown): DiffPlace {
  const segs = pathSegments(path);
  const place: DiffPlace = { field: '', within: [] };
  for (let k = 0; k < segs.length; k++) {
    const s = segs[k];
    const next = segs[k + 1];
    if (s === 'components' && typeof next === 'number') {
      place.component = compName(newer, next) ?? compName(older, next) ?? `#${next + 1}`;
      k++;
    } else if (s === 'tiers' && typeof next === 'number') {
      place.tier = next + 1;
      k++;
    } else if (typeof s === 'string') {
      if (k === segs.length - 1 || (k === segs.length - 2 && typeof next === 'number')) place.field = s;
      else place.within.push(s);
    }
  }
  return place;
}
