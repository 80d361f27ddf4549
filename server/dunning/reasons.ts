/**
 * The dunning timeline's reasons as stable codes with parameters (as server/rating/reasons.ts does
 * for rating traces): the run keeps writing these English texts (stored on `dunning_timeline`),
 * and the API answers each entry with `code` + `params` too, which the console words in Korean and
 * English (web/src/locales/dunning.*.ts, `dunning.reasons`). A failure's `error` is itself read
 * with the same table (the known ones are worded; others stay as the server wrote them).
 * Order matters where one template is a prefix of another: the longer one comes first.
 */
import { reasonCodec, type CodedReason } from '../lib/reason-codec';

export const DUNNING_REASON_TEMPLATES = {
  noRuleFires: 'no rule fires',
  alreadyDone: 'already done: {steps}',
  pausedNote: 'dunning paused until {date}: {note}',
  paused: 'dunning paused until {date}',
  promiseNote: 'promise to pay by {date}: {note}',
  promise: 'promise to pay by {date}',
  exclusionNote: 'exclusion {id} ({reasonCode}: {note}, set by {setBy})',
  exclusion: 'exclusion {id} ({reasonCode}, set by {setBy})',
  flagExcluded: 'customer {customer} is marked dunningExcluded',
  exclusionRule: 'exclusion rule {rule} v{version}: {reason}',
  interrupted: 'step {step} was being sent on {date} when its run stopped; not resent (check the mail log)',
  feeOnFee: 'no late fee is charged on a late-fee invoice',
  capReached: 'the cap {cap} is reached',
  feeZero: 'the fee rounds to zero',
  nothingSuspended: 'nothing is suspended',
  failedRetry: '{error}; retried on the next run day',
  paidUp: 'the overdue balance is paid',
  noLongerOverdue: 'the invoice is no longer overdue (payment, credit note or void)',
  noMailer: 'e-mail is not configured (SMTP_HOST, MAIL_FROM)',
  noEmail: 'the payer has no e-mail address',
  mailRefused: 'the mail server refused {to}',
  feeWaived: 'late fee {amount} waived by {by}: {reason}',
} as const;

export type DunningReasonCode = keyof typeof DUNNING_REASON_TEMPLATES;
const codec = reasonCodec(DUNNING_REASON_TEMPLATES);
export const DUNNING_REASON_CODES = codec.codes;

export function dunningReasonText(code: DunningReasonCode, params: Record<string, string | number> = {}): string {
  return codec.text(code, params);
}

/** A stored reason as code + params; `failedRetry` also carries its error's code (`errorCode`) when known. */
export function dunningReasonOf(text: string | null): CodedReason<DunningReasonCode> {
  const r = codec.of(text ?? '');
  if (r.code === 'failedRetry') {
    const e = codec.of(r.params.error);
    if (e.code !== 'other' && e.code !== '') return { code: r.code, params: { ...r.params, ...e.params, errorCode: e.code } };
  }
  return r;
}
