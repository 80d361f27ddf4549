/**
 * Money display. Amounts arrive from the API as decimal strings ("12345.670") and are formatted
 * without ever becoming a JS number, so no float rounding can creep in:
 * - modern engines (Intl.NumberFormat v3: Chrome 106+, Node 19+) format numeric strings exactly;
 * - elsewhere the integer part goes through BigInt and the fraction digits are appended as text.
 * The server rounds money (per currency and tenant rounding mode); this only displays it, so a
 * value with more decimals than the currency uses is shown with all of them instead of rounded.
 */
import { useLocaleStore } from '@/stores/locale';

const DECIMAL_RE = /^([+-])?(\d+)(?:\.(\d+))?$/;

let exactStrings: boolean | null = null;
/** Does this engine format numeric strings as exact decimals (not via a double)? */
function supportsExactStrings(): boolean {
  if (exactStrings === null) {
    try {
      const f = new Intl.NumberFormat('en-US', { useGrouping: false, maximumFractionDigits: 20 });
      // 2^53 + 1 and 0.1 + 20 digits both lose precision through a double
      exactStrings =
        f.format('9007199254740993' as unknown as number) === '9007199254740993' &&
        f.format('0.12345678901234567891' as unknown as number) === '0.12345678901234567891';
    } catch {
      exactStrings = false;
    }
  }
  return exactStrings;
}

function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export interface FormatMoneyOptions {
  /** 'symbol' (₩1,000) by default; 'code' (KRW 1,000) for tables mixing currencies. */
  currencyDisplay?: 'symbol' | 'narrowSymbol' | 'code' | 'name';
}

/**
 * Formats a decimal string as money: formatMoney('1234567', 'KRW', 'ko-KR') → '₩1,234,567'.
 * The fraction is never rounded away here: KRW '1234567.5' shows as '₩1,234,567.5'.
 * Returns the input unchanged when it is not a plain decimal string.
 */
export function formatMoney(amount: string, currency: string, locale: string, opts: FormatMoneyOptions = {}): string {
  const m = DECIMAL_RE.exec(amount.trim());
  if (!m) return amount;
  const [, sign = '', intPart, frac = ''] = m;
  const digits = currencyDigits(currency);
  // Keep every significant fraction digit the server sent; pad to the currency's usual digits.
  const significantFrac = frac.replace(/0+$/, '');
  const fractionDigits = Math.min(100, Math.max(digits, significantFrac.length));
  const base: Intl.NumberFormatOptions = {
    style: 'currency',
    currency,
    currencyDisplay: opts.currencyDisplay ?? 'symbol',
  };

  if (supportsExactStrings()) {
    const nf = new Intl.NumberFormat(locale, { ...base, minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits });
    return nf.format(`${sign}${intPart}.${frac || '0'}` as unknown as number);
  }

  // Fallback: BigInt keeps the integer part exact; the fraction is appended as text.
  const nf = new Intl.NumberFormat(locale, { ...base, minimumFractionDigits: 0, maximumFractionDigits: 0 });
  const negative = sign === '-' && /[1-9]/.test(intPart + frac);
  const intValue = BigInt(intPart) * (negative ? -1n : 1n);
  const parts = negative && intValue === 0n
    ? nf.formatToParts(-1n).map((p) => (p.type === 'integer' ? { ...p, value: '0' } : p))
    : nf.formatToParts(intValue);
  const decimalSep = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
  const fracText = fractionDigits > 0 ? decimalSep + frac.padEnd(fractionDigits, '0').slice(0, fractionDigits) : '';
  let lastInt = -1;
  parts.forEach((p, i) => {
    if (p.type === 'integer') lastInt = i;
  });
  return parts.map((p, i) => (i === lastInt ? p.value + fracText : p.value)).join('');
}

/** `formatMoney` bound to the current UI language. */
export function useMoney() {
  const loc = useLocaleStore();
  return {
    formatMoney: (amount: string, currency: string, opts?: FormatMoneyOptions) =>
      formatMoney(amount, currency, loc.intlLocale, opts),
  };
}
