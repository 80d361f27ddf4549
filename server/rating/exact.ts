/**
 * Exact integer arithmetic for rate()'s fast path. Every amount is a JS safe integer: line amounts
 * in the currency's minor units, unrounded values as `Sc` = n / 10^s. Every operation either is
 * exact or throws `NotExact` (never rounds silently), and rate() then rates the invoice with the
 * decimal.js reference (rate-reference.ts). Rounding of a ratio n/d is done on the exact
 * remainder (`roundDiv`), which is what decimal.js at 40 digits followed by roundMoney gives for
 * every value this path accepts (test/unit/rating/fast-path.test.ts checks it on random inputs).
 */
import type { RoundingMode } from '../lib/money';

export class NotExact extends Error {}
const NE = new NotExact('outside the exact fast path');
export const notExact = (): never => {
  throw NE;
};

export const POW10: readonly number[] = Array.from({ length: 16 }, (_, i) => 10 ** i);
const LIMIT = Number.MAX_SAFE_INTEGER;

/** A decimal n / 10^s with n a safe integer and 0 ≤ s ≤ 15. */
export interface Sc {
  readonly n: number;
  readonly s: number;
}
export const SC0: Sc = { n: 0, s: 0 };

export function mul(a: number, b: number): number {
  const r = a * b;
  if (!(r <= LIMIT && r >= -LIMIT)) throw NE;
  return r;
}
export function add(a: number, b: number): number {
  const r = a + b;
  if (!(r <= LIMIT && r >= -LIMIT)) throw NE;
  return r;
}

const SC_RE = /^(-?)(\d+)(?:\.(\d+))?$/;
/** Parses a plain decimal string or a finite number exactly (exponent forms and > 15 digits: NotExact). */
export function scaled(x: string | number): Sc {
  if (typeof x === 'number') {
    if (Number.isSafeInteger(x)) return { n: x, s: 0 };
    if (!Number.isFinite(x)) throw NE;
    x = String(x);
  }
  if (typeof x !== 'string' || x.length > 64) throw NE;
  const m = SC_RE.exec(x);
  if (!m) throw NE;
  let int = m[2];
  let frac = m[3] ?? '';
  while (frac.length > 0 && frac.charCodeAt(frac.length - 1) === 48) frac = frac.slice(0, -1);
  while (int.length > 1 && int.charCodeAt(0) === 48) int = int.slice(1);
  const digits = int === '0' ? frac : int + frac;
  if (digits.length > 15) throw NE;
  const n = digits === '' ? 0 : Number(digits);
  return { n: m[1] === '-' ? -n : n, s: frac.length };
}

function up(a: Sc, s: number): number {
  return a.s === s ? a.n : mul(a.n, POW10[s - a.s]);
}
export function scAdd(a: Sc, b: Sc): Sc {
  if (b.n === 0) return a;
  if (a.n === 0) return b;
  const s = a.s > b.s ? a.s : b.s;
  return { n: add(up(a, s), up(b, s)), s };
}
export function scSub(a: Sc, b: Sc): Sc {
  return scAdd(a, { n: -b.n, s: b.s });
}
export function scMul(a: Sc, b: Sc): Sc {
  if (a.n === 0 || b.n === 0) return SC0;
  const s = a.s + b.s;
  if (s > 15) throw NE;
  return { n: mul(a.n, b.n), s };
}
export function scCmp(a: Sc, b: Sc): number {
  const s = a.s > b.s ? a.s : b.s;
  const x = up(a, s);
  const y = up(b, s);
  return x < y ? -1 : x > y ? 1 : 0;
}
export const scMax0 = (a: Sc): Sc => (a.n < 0 ? SC0 : a);

/** round(n / d) with the rounding mode; n a safe integer, d a positive safe integer. */
export function roundDiv(n: number, d: number, mode: RoundingMode): number {
  const neg = n < 0;
  const a = neg ? -n : n;
  let q = Math.floor(a / d);
  let r = a - q * d;
  if (r < 0) {
    q--;
    r += d;
  } else if (r >= d) {
    q++;
    r -= d;
  }
  if (r !== 0) {
    if (mode === 'up') q++;
    else if (mode === 'half_up') {
      if (2 * r >= d) q++;
    } else if (mode === 'half_even') {
      if (2 * r > d || (2 * r === d && q % 2 === 1)) q++;
    }
  }
  return neg ? -q : q;
}

/** A value rounded to `places` decimals, as an integer count of 10^-places. */
export function toMinor(v: Sc, places: number, mode: RoundingMode): number {
  if (v.s <= places) return mul(v.n, POW10[places - v.s]);
  return roundDiv(v.n, POW10[v.s - places], mode);
}
/** The value in minor units when it has no more decimals than the currency, else NotExact. */
export function exactMinor(v: Sc, places: number): number {
  if (v.s <= places) return mul(v.n, POW10[places - v.s]);
  const d = POW10[v.s - places];
  if (v.n % d !== 0) throw NE;
  return v.n / d;
}

/** v × num / den rounded to `places` decimals (proration: amount × billableDays / periodDays). */
export function ratioToMinor(v: Sc, num: number, den: number, places: number, mode: RoundingMode): number {
  const a = v.s <= places ? mul(mul(v.n, num), POW10[places - v.s]) : mul(v.n, num);
  const b = v.s <= places ? den : mul(POW10[v.s - places], den);
  return roundDiv(a, b, mode);
}

/** Formats minor units with exactly `places` decimals ("19.80", "33000"); never "-0.00". */
export function formatMinor(m: number, places: number): string {
  if (m === 0) return places === 0 ? '0' : `0.${'0'.repeat(places)}`;
  const neg = m < 0;
  let a = String(neg ? -m : m);
  if (places === 0) return neg ? `-${a}` : a;
  if (a.length <= places) a = '0'.repeat(places - a.length + 1) + a;
  return `${neg ? '-' : ''}${a.slice(0, a.length - places)}.${a.slice(a.length - places)}`;
}

/**
 * allocateProportionally() in integers: splits `total` over `weights` (all in one unit) in
 * proportion, largest remainder first, ties to the earlier line. Shares are in the unit of total.
 */
export function allocateInt(total: number, weights: readonly number[]): number[] {
  const k = weights.length;
  if (k === 1) return [total];
  let W = 0;
  for (const w of weights) W = add(W, w);
  if (total === 0 || W === 0) return weights.map(() => 0);
  const shares = new Array<number>(k);
  const rem = new Array<number>(k);
  let left = total;
  for (let i = 0; i < k; i++) {
    const p = mul(total, weights[i]);
    const q = roundDiv(p, W, 'down');
    shares[i] = q;
    rem[i] = p - q * W;
    left -= q;
  }
  if (left > 0) {
    const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => rem[b] - rem[a] || a - b);
    for (let j = 0; j < order.length && left > 0; j++, left--) shares[order[j]]++;
  }
  return shares;
}
