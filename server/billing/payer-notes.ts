/**
 * A bill run's note per payer (bill_run_payers.error: why a payer was skipped, a coupon not
 * applied, a supplementary invoice ...) as stable codes with parameters, for the console to word
 * in Korean and English (web/src/locales/bill-run-notes.*.ts), the way ../rating/reasons.ts does
 * for trace reasons. bill-run-write.ts keeps writing the English text (`noteText`), several notes
 * joined by "; "; `payerNotes` reads a stored text back, old rows included. A failed payer's
 * note is its error message: it answers `other` with the text.
 */

/** Code → English template; `{name}` is a parameter. */
export const NOTE_TEMPLATES = {
  planMissing: '{subscription}: plan "{plan}" has no published version in effect',
  couponNotApplied: '{subscription}: coupon {code} not applied: {reason}',
  voidInvoice: 'invoice {invoice} for this period is void; re-bill it from the invoice (POST /invoices/{invoice}/rebill)',
  supplementary: "supplementary invoice #{sequence} for subscriptions added after the period's invoice",
  replacesVoid: 'invoice #{sequence} replaces the void invoice of the period',
} as const;

/** Why a presented coupon code was not applied (promotions/coupons.ts RejectedCode reasons). */
export const COUPON_REASONS = {
  notInEffect: 'its coupon is not in effect',
  expired: 'expired on {date}',
  usedUp: 'already used up',
} as const;

export type NoteCode = keyof typeof NOTE_TEMPLATES;
export interface PayerNote { code: NoteCode | 'other'; params: Record<string, string> }

const PARAM = /\{(\w+)\}/g;
const fill = (template: string, params: Record<string, string | number>) => template.replace(PARAM, (_, k: string) => String(params[k] ?? ''));

/** The English text of a note, as stored. */
export function noteText(code: NoteCode, params: Record<string, string | number>): string {
  return fill(NOTE_TEMPLATES[code], params);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
function matcher<K extends string>(templates: Record<K, string>) {
  const list = (Object.keys(templates) as K[]).map((code) => {
    const names: string[] = [];
    const source = templates[code].split(PARAM).map((part, i) => {
      if (i % 2 === 0) return escape(part);
      const seen = names.indexOf(part);
      if (seen >= 0) return `\\${seen + 1}`;
      names.push(part);
      return '(.+?)';
    }).join('');
    return { code, names, re: new RegExp(`^${source}$`) };
  });
  return (text: string): { code: K; params: Record<string, string> } | null => {
    for (const m of list) {
      const hit = m.re.exec(text);
      if (hit) return { code: m.code, params: Object.fromEntries(m.names.map((n, i) => [n, hit[i + 1]])) };
    }
    return null;
  };
}
const matchNote = matcher(NOTE_TEMPLATES);
const matchCouponReason = matcher(COUPON_REASONS);

/** Each note of a stored text as code and parameters (`reasonCode` too for a coupon not applied). */
export function payerNotes(text: string | null): PayerNote[] {
  if (!text) return [];
  // The void-invoice note has "; " inside it: keep it whole when splitting the joined notes.
  const KEEP = '; re-bill it from the invoice';
  return text.replaceAll(KEEP, '\u0000').split('; ').map((raw) => raw.replaceAll('\u0000', KEEP)).map((part) => {
    const hit = matchNote(part);
    if (!hit) return { code: 'other' as const, params: { text: part } };
    if (hit.code === 'couponNotApplied') {
      const why = matchCouponReason(hit.params.reason);
      if (why) return { code: hit.code, params: { ...hit.params, ...why.params, reasonCode: why.code } };
    }
    return hit;
  });
}
