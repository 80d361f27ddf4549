/**
 * Words rating trace reasons and generated line texts in the UI language. The server sends each
 * trace entry's reason as a stable `code` with `params` (server/rating/reasons.ts) next to the
 * English `reason`; amounts in the parameters are shown as money when the currency is known.
 * An entry without a known code (a newer server, `other`) falls back to the server's text.
 */
import { useI18n } from 'vue-i18n';
import { useMoney } from './useMoney';

/** Parameters that are amounts of money (the rest are codes, dates, counts, names). */
const MONEY_PARAMS = new Set(['amount', 'left', 'reduction', 'minimum']);
/** The minimum-commitment line as the raters describe it (server/rating/policy.ts trueUpDescription). */
const TRUE_UP = /^(.*) · minimum (.+) true-up$/;

export interface ReasonLike {
  reason?: string;
  code?: string;
  params?: Record<string, string>;
}

export function useTraceText() {
  const { t, te } = useI18n();
  const { formatMoney } = useMoney();

  function params(p: Record<string, string> | undefined, currency?: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(p ?? {})) out[k] = currency && MONEY_PARAMS.has(k) ? formatMoney(v, currency) : v;
    return out;
  }

  /** The reason of one trace entry, worded; '' when it has none. */
  function reasonText(e: ReasonLike | null | undefined, currency?: string): string {
    if (!e) return '';
    const key = `trace.reasons.${e.code ?? ''}`;
    if (e.code && te(key)) return t(key, params(e.params, currency));
    return e.reason ?? '';
  }

  /** A line's generated description (the minimum true-up), worded; other descriptions as they are. */
  function lineText(description: string | null | undefined, kind?: string, currency?: string): string {
    if (!description) return '';
    const m = kind === 'minimum' ? TRUE_UP.exec(description) : null;
    return m ? t('trace.minimumTrueUp', params({ plan: m[1], minimum: m[2] }, currency)) : description;
  }

  return { reasonText, lineText };
}
