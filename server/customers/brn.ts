/**
 * 사업자등록번호 (Korean business registration number): 10 digits, written XXX-XX-XXXXX. The last
 * digit is a check digit: weights 1,3,7,1,3,7,1,3,5 over the first nine digits, plus the tens
 * part of (9th digit × 5); check = (10 − sum mod 10) mod 10.
 */
const WEIGHTS = [1, 3, 7, 1, 3, 7, 1, 3, 5];

export type BrnCheck = { ok: true; formatted: string } | { ok: false; message: string };

export function checkBusinessRegNo(input: string): BrnCheck {
  const raw = input.trim();
  if (!/^\d{3}-?\d{2}-?\d{5}$/.test(raw)) return { ok: false, message: 'must be 10 digits written XXX-XX-XXXXX' };
  const d = raw.replace(/-/g, '').split('').map(Number);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += d[i] * WEIGHTS[i];
  sum += Math.floor((d[8] * 5) / 10);
  const check = (10 - (sum % 10)) % 10;
  if (check !== d[9]) return { ok: false, message: 'the check digit does not match (not a valid 사업자등록번호)' };
  const s = d.join('');
  return { ok: true, formatted: `${s.slice(0, 3)}-${s.slice(3, 5)}-${s.slice(5)}` };
}

/** Completes nine digits with their check digit (seeds and tests use it to make valid numbers). */
export function withCheckDigit(nineDigits: string): string {
  const d = nineDigits.split('').map(Number);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += d[i] * WEIGHTS[i];
  sum += Math.floor((d[8] * 5) / 10);
  const s = nineDigits + String((10 - (sum % 10)) % 10);
  return `${s.slice(0, 3)}-${s.slice(3, 5)}-${s.slice(5)}`;
}
