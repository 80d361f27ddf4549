/**
 * Money: decimal.js everywhere, rounded in exactly one place (`roundMoney`) to the currency's
 * ISO 4217 minor units with the tenant's rounding mode. Amounts cross every boundary as decimal
 * strings in major units ("12.34", "33000"); a JS number never carries money.
 */
import DecimalJs from 'decimal.js';

/**
 * A private Decimal constructor: 40 significant digits is enough for proration fractions
 * (50 × 22 / 31) and tier products without ever rounding before `roundMoney`, and cloning keeps
 * other modules' global Decimal settings from changing our results.
 */
export const Decimal = DecimalJs.clone({ precision: 40, rounding: DecimalJs.ROUND_HALF_UP, toExpNeg: -30, toExpPos: 40 });
export type Decimal = InstanceType<typeof Decimal>;

export type RoundingMode = 'half_up' | 'half_even' | 'down' | 'up';
export const ROUNDING_MODES: readonly RoundingMode[] = ['half_up', 'half_even', 'down', 'up'];

const DECIMAL_MODES: Record<RoundingMode, DecimalJs.Rounding> = {
  half_up: DecimalJs.ROUND_HALF_UP, // nearest, ties away from zero
  half_even: DecimalJs.ROUND_HALF_EVEN, // banker's rounding
  down: DecimalJs.ROUND_DOWN, // toward zero (Korean 절사)
  up: DecimalJs.ROUND_UP, // away from zero (절상)
};

/** ISO 4217 minor units that are not 2. Everything else (USD, EUR, GBP, CNY ...) has 2. */
const MINOR_UNITS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0,
  UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** Number of decimal places of a currency's minor unit (ISO 4217); unknown codes get 2. */
export function currencyDecimals(code: string): number {
  return MINOR_UNITS[code.toUpperCase()] ?? 2;
}

/** THE one place money is rounded: to the currency's minor unit with the given mode. */
export function roundMoney(d: Decimal, currency: string, mode: RoundingMode): Decimal {
  return d.toDecimalPlaces(currencyDecimals(currency), DECIMAL_MODES[mode]);
}

/** Rounds to an arbitrary number of places (used by allocation to cut shares toward zero). */
export function roundTo(d: Decimal, places: number, mode: RoundingMode): Decimal {
  return d.toDecimalPlaces(places, DECIMAL_MODES[mode]);
}

/** The smallest amount of a currency, e.g. 0.01 USD, 1 KRW. */
const minorUnits = new Map<string, Decimal>();
export function minorUnit(currency: string): Decimal {
  let u = minorUnits.get(currency);
  if (!u) minorUnits.set(currency, (u = new Decimal(1).dividedBy(new Decimal(10).toPower(currencyDecimals(currency)))));
  return u;
}

/**
 * Formats an amount with exactly the currency's minor units ("19.80", "33000"). Callers pass
 * already-rounded amounts; an unrounded one is rounded half-up here only as a last resort.
 * Never returns "-0.00".
 */
export function toMoneyString(d: Decimal, currency: string): string {
  const places = currencyDecimals(currency);
  if (d.isZero()) return places === 0 ? '0' : `0.${'0'.repeat(places)}`;
  return d.toFixed(places, DecimalJs.ROUND_HALF_UP);
}

const DECIMAL_RE = /^-?(0|[1-9]\d*|\d+)(\.\d+)?$/;

/** True when `s` is a plain decimal string: optional minus, digits, optional fraction. */
export function isDecimalString(s: unknown): s is string {
  return typeof s === 'string' && s.length <= 64 && DECIMAL_RE.test(s);
}

/**
 * Strict parse: a plain decimal string ("12.30", "-4", no exponent, no spaces, no "1,000") or a
 * finite JS number (quantities may arrive as numbers at the input edge). Throws on anything else.
 */
export function parseDecimal(x: string | number): Decimal {
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw new TypeError(`not a finite number: ${x}`);
    return new Decimal(x);
  }
  if (!isDecimalString(x)) throw new TypeError(`not a decimal string: ${JSON.stringify(x)}`);
  return new Decimal(x);
}

/** Sums decimals exactly. */
export function sumDecimals(values: Iterable<Decimal>): Decimal {
  let s = new Decimal(0);
  for (const v of values) s = s.plus(v);
  return s;
}

/**
 * Entered amounts stay below 10^18: money columns are numeric(40,15) (25 digits before the point)
 * and balances, allocations and totals add amounts up, so sums need room.
 */
export const MAX_AMOUNT = new Decimal('1e18');
export const AMOUNT_TOO_LARGE = 'must be less than 10^18 (at most 18 digits before the decimal point)';

/**
 * What is wrong with an amount given as input for `currency`, or null: it must be a plain
 * positive decimal string below MAX_AMOUNT with no more decimals than the currency's minor unit.
 * The one check of entered amounts (credit notes, payments, refunds, wallet adjustments).
 */
export function amountProblem(s: unknown, currency: string, { signed = false } = {}): string | null {
  const plain = signed ? /^-?\d+(\.\d+)?$/ : /^\d+(\.\d+)?$/;
  if (typeof s !== 'string' || s.length > 64 || !plain.test(s) || new Decimal(s).isZero()) {
    return signed ? 'must be a non-zero decimal string' : 'must be a positive decimal string';
  }
  if (new Decimal(s).abs().gte(MAX_AMOUNT)) return AMOUNT_TOO_LARGE;
  if (new Decimal(s).decimalPlaces() > currencyDecimals(currency)) return `has more decimals than ${currency} allows (${currencyDecimals(currency)})`;
  return null;
}

export const ZERO = new Decimal(0);
export const HUNDRED = new Decimal(100);

/** ISO 4217 codes the runtime knows (ICU's list: KRW, USD, JPY, EUR ... not "XYZ"). */
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
export function isCurrencyCode(code: string): boolean {
  return CURRENCIES.has(code);
}
