import type { FieldIssue } from '../lib/errors';
import { checkBusinessRegNo } from './brn';

/** The fields the cross-field rules look at, after defaults and (for a patch) the merge. */
export interface CustomerShape {
  type: string;
  country: string;
  businessRegNo?: string | null;
  taxId?: string | null;
  contacts?: { isPrimary?: boolean }[];
}

/**
 * Rules that zod cannot express field by field. Returns the issues (paths prefixed with
 * `prefix`) and the normalised 사업자등록번호 (XXX-XX-XXXXX).
 */
export function checkCustomerRules(c: CustomerShape, prefix = ''): { issues: FieldIssue[]; businessRegNo: string | null } {
  const issues: FieldIssue[] = [];
  let brn: string | null = c.businessRegNo?.trim() || null;
  if (brn) {
    if (c.country !== 'KR') {
      issues.push({ path: `${prefix}businessRegNo`, message: '사업자등록번호 applies to customers in KR; use taxId for other countries' });
    } else {
      const r = checkBusinessRegNo(brn);
      if (r.ok) brn = r.formatted;
      else issues.push({ path: `${prefix}businessRegNo`, message: r.message });
    }
  } else if (c.type === 'corporate' && c.country === 'KR') {
    issues.push({ path: `${prefix}businessRegNo`, message: 'is required for a corporate customer in KR (사업자등록번호)' });
  }
  const primaries = (c.contacts ?? []).filter((x) => x.isPrimary).length;
  if (primaries > 1) issues.push({ path: `${prefix}contacts`, message: 'at most one contact can be primary' });
  return { issues, businessRegNo: brn };
}

const COUNTRY_OF_CURRENCY: Record<string, string> = { KRW: 'KR', USD: 'US', JPY: 'JP', GBP: 'GB', CNY: 'CN', SGD: 'SG' };

/** The default country for a new customer: the country of the tenant's currency, if it has only one. */
export function defaultCountry(tenantCurrency: string): string | null {
  return COUNTRY_OF_CURRENCY[tenantCurrency] ?? null;
}
