/**
 * Invoice PDF: real renders with the embedded NanumGothic font, inspected structurally (header,
 * page objects, fonts) and, when poppler's `pdftotext` is installed, by the text a reader would
 * extract: this proves Hangul is embedded with a ToUnicode map, not just drawn.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderInvoicePdf } from '../../server/invoices/render/pdf';
import { resolvePdfFonts } from '../../server/invoices/render/fonts';
import { formatMoney, formatPeriod, formatQuantity, formatUnitPrice } from '../../server/invoices/render/format';
import { sampleInvoiceEn, sampleInvoiceKo } from '../../server/invoices/render/sample';

const HAS_PDFTOTEXT = spawnSync('pdftotext', ['-v']).error === undefined;
if (!HAS_PDFTOTEXT) {
  console.warn('invoice-pdf.test: pdftotext not found, text-extraction checks skipped (apt-get install poppler-utils)');
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bw-pdf-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Text per page, as poppler extracts it (pages are separated by form feeds). */
function pdfPagesText(pdf: Buffer, name: string, mode: '-layout' | '-raw' = '-layout'): string[] {
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, pdf);
  // -layout keeps table rows on one line; -raw also keeps rotated text (the watermark).
  const r = spawnSync('pdftotext', [mode, '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return r.stdout.split('\f').slice(0, -1);
}

/** Page objects in the file (not the /Pages tree node). */
function pageObjectCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type \/Page(?![a-zA-Z])/g)?.length ?? 0;
}

describe('display formatting of decimal strings', () => {
  it('formats money per currency and locale without passing through a float', () => {
    expect(formatMoney('33000', 'KRW', 'ko')).toBe('₩33,000');
    expect(formatMoney('19.8', 'USD', 'en')).toBe('$19.80');
    expect(formatMoney('-49.99', 'USD', 'en')).toBe('-$49.99');
    // 2^53 is exceeded: a parseFloat would print ...568.00 or similar.
    expect(formatMoney('12345678901234567.89', 'USD', 'en')).toBe('$12,345,678,901,234,567.89');
    expect(formatMoney('-0.00', 'USD', 'en')).toBe('$0.00');
    expect(formatUnitPrice('0.0012', 'USD', 'en')).toBe('$0.0012');
    expect(formatQuantity('1234.50', 'ko')).toBe('1,234.5');
    expect(() => formatMoney('1e3', 'USD', 'en')).toThrow(/decimal string/);
  });

  it('shows an exclusive period end as the last day of use', () => {
    // One format in both languages, the same as the console's periodText (issue 9).
    expect(formatPeriod({ start: '2025-05-01', end: '2025-06-01' }, 'ko')).toBe('2025-05-01 ~ 2025-05-31');
    expect(formatPeriod({ start: '2025-12-01', end: '2026-01-01' }, 'en')).toBe('2025-12-01 ~ 2025-12-31');
  });
});

describe('font resolution', () => {
  it('uses BILLWISE_PDF_FONT and finds its Bold sibling', () => {
    const f = resolvePdfFonts({ BILLWISE_PDF_FONT: '/usr/share/fonts/truetype/nanum/NanumMyeongjo.ttf' });
    expect(f).toEqual({
      regular: '/usr/share/fonts/truetype/nanum/NanumMyeongjo.ttf',
      bold: '/usr/share/fonts/truetype/nanum/NanumMyeongjoBold.ttf',
    });
  });

  it('fails with a clear message when the configured font is missing', async () => {
    const saved = process.env.BILLWISE_PDF_FONT;
    process.env.BILLWISE_PDF_FONT = join(tmpdir(), 'no-such-font.ttf');
    try {
      await expect(renderInvoicePdf(sampleInvoiceKo())).rejects.toThrow(/BILLWISE_PDF_FONT points at .*no-such-font\.ttf/);
    } finally {
      if (saved === undefined) delete process.env.BILLWISE_PDF_FONT;
      else process.env.BILLWISE_PDF_FONT = saved;
    }
  });
});

describe('Korean invoice (one page, KRW)', () => {
  let pdf: Buffer;
  beforeAll(async () => {
    pdf = await renderInvoicePdf(sampleInvoiceKo());
  });

  it('is a one-page PDF embedding NanumGothic regular and bold', () => {
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pageObjectCount(pdf)).toBe(1);
    const raw = pdf.toString('latin1');
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NanumGothic\b/);
    expect(raw).toMatch(/\/BaseFont \/[A-Z]{6}\+NanumGothicBold\b/);
    expect(raw).toContain('/FontFile2');
    expect(raw).toContain('/ToUnicode');
  });

  it('is byte-for-byte deterministic, dated from the issue date', async () => {
    const again = await renderInvoicePdf(sampleInvoiceKo());
    expect(again.equals(pdf)).toBe(true);
    // pdfkit writes the info dictionary's dates as indirect string objects.
    const raw = pdf.toString('latin1');
    const ref = /\/CreationDate (\d+) 0 R/.exec(raw)?.[1];
    expect(ref).toBeDefined();
    expect(raw).toContain(`\n${ref} 0 obj\n(D:20250601000000Z)\nendobj`);
    const other = await renderInvoicePdf(sampleInvoiceKo({ amountDue: '33001' }));
    expect(other.equals(pdf)).toBe(false);
  });

  it.skipIf(!HAS_PDFTOTEXT)('carries extractable Hangul: title, parties, amounts (needs pdftotext)', () => {
    const pages = pdfPagesText(pdf, 'ko');
    expect(pages).toHaveLength(1);
    const text = pages[0];
    expect(text).toContain('청구서');
    expect(text).toContain('INV-2025-000123');
    expect(text).toContain('주식회사 그로잉살롱');
    expect(text).toMatch(/사업자등록번호\s+220-81-12345/);
    expect(text).toContain('₩33,000');
    expect(text).toContain('2025-05-01 ~ 2025-05-31');
    expect(text).toContain('2025.06.05');
    // The discount line shows negative with its rule id; VAT by name and rate.
    expect(text).toContain('-₩8,000');
    expect(text).toContain('promo-aws-credit-2025');
    expect(text).toMatch(/부가가치세 \(10%\)\s+₩3,000/);
    expect(text).toMatch(/\b1 ?\/ ?1\s*$/); // pdftotext may drop the thin spaces around '/'
    expect(pdfPagesText(pdf, 'ko-raw', '-raw')[0]).not.toMatch(/DRAFT|VOID|초안/);
  });
});

describe('English invoice with 80 lines (several pages, USD, draft)', () => {
  const doc = sampleInvoiceEn(80);
  let pdf: Buffer;
  beforeAll(async () => {
    pdf = await renderInvoicePdf(doc);
  });

  it('breaks onto several pages', () => {
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pageObjectCount(pdf)).toBeGreaterThanOrEqual(3);
    // A short version of the same invoice fits one page: the length is what paginates.
    return renderInvoicePdf(sampleInvoiceEn(5)).then((short) => expect(pageObjectCount(short)).toBe(1));
  });

  it.skipIf(!HAS_PDFTOTEXT)('numbers pages, repeats the table header and loses no line (needs pdftotext)', () => {
    const pages = pdfPagesText(pdf, 'en');
    const n = pages.length;
    expect(n).toBe(pageObjectCount(pdf));
    pages.forEach((page, i) => {
      expect(page).toMatch(new RegExp(`\\b${i + 1} ?/ ?${n}\\s*$`));
      expect(page).toMatch(/Description\s+Qty\s+Unit price\s+Amount/);
    });
    const raw = pdfPagesText(pdf, 'en-raw', '-raw');
    expect(raw).toHaveLength(n);
    for (const page of raw) expect(page).toContain('DRAFT');
    const all = pages.join('\n');
    for (const line of doc.lines) {
      // "(?!\d)": "Base fee #1" must not count "Base fee #11".
      const re = new RegExp(`${line.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\d)`, 'g');
      const hits = all.match(re)?.length ?? 0;
      expect(hits, line.description).toBe(1);
    }
    const last = pages[n - 1];
    expect(last).toContain('-$49.99');
    expect(last).toContain('adj-aws-april-credit');
    expect(last).toMatch(/Prepaid balance applied\s+-\$100\.00/);
    expect(last).toMatch(/Points applied\s+-\$5\.50/);
    expect(last).toMatch(/Amount due\s+\$1,346\.51/);
    // Hangul in an English invoice (the buyer's name) survives too.
    expect(pages[0]).toContain('SecureNet Ltd. (시큐어넷)');
    expect(pages[0]).toContain('2025-05-01 ~ 2025-05-31');
  });
});
