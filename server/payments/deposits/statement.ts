/**
 * Reading a bank statement (pure: text in, deposit lines out, no database). Korean banks export
 * statements with a few title lines (account, period) above the header, one line per transaction,
 * amounts written "1,234,000", withdrawals and deposits in separate columns. So:
 *
 * - the header is the first of the first 20 records that names a date and a deposit-amount column
 *   (default names below, or the caller's `mapping`); the lines above it are ignored;
 * - a line whose deposit amount is blank or 0 is a withdrawal (or a note) and is skipped;
 * - amounts may carry thousands separators, a currency sign or "원"; dates may be written
 *   2025-05-10, 2025.05.10, 2025/05/10 or 20250510, optionally followed by a time.
 *
 * Each line gets its `key` (the deposit's identity across files): `txn:<bank transaction id>` when
 * the file has such a column; otherwise `line:<sha256 of date, amount, depositor, memo, account,
 * balance>#<n>` where n counts identical lines within the file. Re-importing the same statement, or
 * an overlapping one (1st–15th, then 1st–31st), gives every deposit the same key again.
 */
import { createHash } from 'node:crypto';
import { isIsoDate } from '../../lib/dates';
import { Decimal, amountProblem, isCurrencyCode } from '../../lib/money';
import type { BankColumnMapping, BankImportIssue } from '../../db/schema';
import type { CsvRecord } from '../../customers/csv';

export type BankField = keyof Required<BankColumnMapping>;

/**
 * Header names recognised without a mapping, compared without spaces and case. Korean exports:
 * 국민 (거래일시, 기재내용, 맡기신금액, 잔액), 신한 (거래일자, 내용, 입금(원), 잔액(원)), 우리/하나/기업
 * (입금자명, 입금액, 메모), and the sandbox/English names.
 */
export const DEFAULT_COLUMNS: Record<BankField, string[]> = {
  date: ['거래일자', '거래일시', '입금일자', '입금일시', '거래일', 'date', 'bookedon', 'transactiondate'],
  amount: ['입금액', '입금금액', '맡기신금액', '입금(원)', '입금', 'amount', 'deposit', 'credit'],
  depositorName: ['입금자명', '입금자', '보낸분', '의뢰인', '기재내용', '내용', 'depositor', 'depositorname', 'name'],
  memo: ['메모', '통장메모', '비고', '적요', 'memo', 'reference', 'description'],
  accountNumber: ['가상계좌번호', '가상계좌', '입금계좌번호', 'virtualaccount', 'accountnumber'],
  transactionId: ['거래번호', '거래고유번호', 'transactionid', 'bankref'],
  currency: ['통화', 'currency'],
  balance: ['잔액', '잔액(원)', '거래후잔액', 'balance'],
};
export const BANK_FIELDS = Object.keys(DEFAULT_COLUMNS) as BankField[];

const norm = (s: string) => s.replace(/\s+/g, '').toLowerCase();

export interface StatementLine {
  line: number; key: string; bookedOn: string; amount: string; currency: string;
  depositorName: string | null; memo: string | null; accountNumber: string | null; transactionId: string | null;
}
export interface ParsedStatement { lines: StatementLine[]; skipped: number; errors: BankImportIssue[] }

/** Which column each field is in: the caller's names first, else the first default name present. */
function locate(header: string[], mapping: BankColumnMapping): Map<BankField, number> {
  const at = new Map<BankField, number>();
  const cols = header.map(norm);
  for (const f of BANK_FIELDS) {
    const names = mapping[f] ? [mapping[f]!] : DEFAULT_COLUMNS[f];
    const i = names.map(norm).map((n) => cols.indexOf(n)).find((k) => k >= 0);
    if (i !== undefined) at.set(f, i);
  }
  return at;
}

/** 2025-05-10 / 2025.05.10 / 2025/05/10 / 20250510, with an optional time after it → 2025-05-10. */
export function readDate(s: string): string | null {
  const m = /^(\d{4})[-./]?(\d{1,2})[-./]?(\d{1,2})(?:[ T].*)?$/.exec(s.trim());
  if (!m) return null;
  const iso = `${m[1]}-${m[2].padStart(2, '0')}-${m[3].padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : null;
}

/** "1,234,000", "₩1,234,000", "1234000원", " 12.50 " → a plain decimal string; '' for blank or 0. */
export function readAmount(s: string): string | null {
  const t = s.replace(/[\s,₩$€¥원]/g, '');
  if (t === '' || /^0+(\.0+)?$/.test(t) || t === '-') return '';
  return /^\d+(\.\d+)?$/.test(t) ? new Decimal(t).toString() : null;
}

const digits = (s: string) => s.replace(/\D/g, '');
const text = (s: string | undefined) => (s && s.trim() ? s.trim() : null);

export function parseStatement(records: CsvRecord[], opts: { mapping: BankColumnMapping; currency: string }): ParsedStatement {
  const headerAt = records.slice(0, 20).findIndex((r) => {
    const at = locate(r.fields, opts.mapping);
    return at.has('date') && at.has('amount');
  });
  if (headerAt < 0) {
    const missing = (['date', 'amount'] as const).map((f) => opts.mapping[f] ?? DEFAULT_COLUMNS[f].slice(0, 3).join(' / '));
    return { lines: [], skipped: 0, errors: [{ line: records[0]?.line ?? 1, field: null, message: `no header line names a date column and a deposit amount column (${missing.join('; ')})` }] };
  }
  const at = locate(records[headerAt].fields, opts.mapping);
  const get = (r: CsvRecord, f: BankField) => (at.has(f) ? r.fields[at.get(f)!] ?? '' : '');
  const lines: StatementLine[] = [];
  const errors: BankImportIssue[] = [];
  const seen = new Map<string, number>();
  let skipped = 0;
  for (const r of records.slice(headerAt + 1)) {
    const amount = readAmount(get(r, 'amount'));
    if (amount === '') { skipped++; continue; }
    const bookedOn = readDate(get(r, 'date'));
    const currency = text(get(r, 'currency'))?.toUpperCase() ?? opts.currency;
    const before = errors.length;
    if (!bookedOn) errors.push({ line: r.line, field: 'date', message: 'is not a date (2025-05-10, 2025.05.10 or 20250510)' });
    if (!isCurrencyCode(currency)) errors.push({ line: r.line, field: 'currency', message: 'is not an ISO 4217 currency code' });
    if (amount === null) errors.push({ line: r.line, field: 'amount', message: 'is not an amount' });
    else if (isCurrencyCode(currency)) {
      const problem = amountProblem(amount, currency);
      if (problem) errors.push({ line: r.line, field: 'amount', message: problem });
    }
    if (errors.length > before) continue;
    const transactionId = text(get(r, 'transactionId'));
    const fields = { depositorName: text(get(r, 'depositorName')), memo: text(get(r, 'memo')), accountNumber: text(get(r, 'accountNumber')) ? digits(get(r, 'accountNumber')) : null };
    let key: string;
    if (transactionId) key = `txn:${transactionId}`;
    else {
      const h = createHash('sha256').update(JSON.stringify([get(r, 'date').trim(), amount, currency, fields.depositorName, fields.memo, fields.accountNumber, get(r, 'balance').trim()])).digest('hex');
      const n = (seen.get(h) ?? 0) + 1;
      seen.set(h, n);
      key = `line:${h}#${n}`;
    }
    lines.push({ line: r.line, key, bookedOn: bookedOn!, amount: amount!, currency, transactionId, ...fields });
  }
  return { lines, skipped, errors };
}
