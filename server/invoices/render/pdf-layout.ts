/**
 * The invoice PDF's page geometry, palette and text primitives (pdfkit): A4 with fixed margins,
 * the lines table's columns, and text that never lets pdfkit move to a new page by itself.
 * pdf.ts draws the blocks with these.
 */
import type { InvoiceStatus } from './types';

export type Doc = PDFKit.PDFDocument;

export const PAGE_W = 595.28; // A4 in points
export const PAGE_H = 841.89;
export const M = 42; // side and top margin
export const CW = PAGE_W - 2 * M; // content width
export const FOOTER_Y = PAGE_H - 30;
export const CONTENT_BOTTOM = PAGE_H - 52; // last y body content may reach

export const R = 'Body';
export const B = 'Body-Bold';

export const C = {
  ink: '#1f2933',
  muted: '#6b7280',
  faint: '#9ca3af',
  accent: '#1e3a8a',
  rule: '#d1d5db',
  headerFill: '#f1f3f7',
  bannerFill: '#eef2ff',
  negative: '#9f1239',
};

export const STATUS_COLOR: Record<InvoiceStatus, string> = {
  draft: '#6b7280',
  finalized: '#1e40af',
  partially_paid: '#b45309',
  paid: '#047857',
  payment_failed: '#b91c1c',
  void: '#6b7280',
};

// Lines table columns: description takes what is left.
export const COL_QTY = 58;
export const COL_UNIT = 96;
export const COL_AMOUNT = 104;
export const COL_DESC = CW - COL_QTY - COL_UNIT - COL_AMOUNT;
export const PAD = 6;

export interface TextOpts {
  font?: string;
  size?: number;
  color?: string;
  width?: number;
  align?: 'left' | 'right' | 'center';
  wrap?: boolean;
}

/**
 * Breaks lines at spaces only, like CSS `word-break: keep-all`: pdfkit follows UAX #14, which
 * lets Hangul break between any two syllables ("역삼|동"), and Korean typesetting breaks between
 * words. A word wider than the line is left to pdfkit to split. Font and size must be set.
 */
export function keepAll(pdf: Doc, s: string, width: number): string {
  return s
    .split('\n')
    .map((para) => {
      const lines: string[] = [];
      let cur = '';
      for (const word of para.split(' ')) {
        const next = cur ? `${cur} ${word}` : word;
        if (cur && pdf.widthOfString(next) > width) {
          lines.push(cur);
          cur = word;
        } else {
          cur = next;
        }
      }
      lines.push(cur);
      return lines.join('\n');
    })
    .join('\n');
}

/** Writes text at (x, y) without letting pdfkit move the cursor to a new page. */
export function put(pdf: Doc, s: string, x: number, y: number, o: TextOpts = {}): void {
  pdf
    .font(o.font ?? R)
    .fontSize(o.size ?? 9)
    .fillColor(o.color ?? C.ink);
  const text = o.wrap && o.width ? keepAll(pdf, s, o.width) : s;
  pdf.text(text, x, y, { width: o.width, align: o.align ?? 'left', lineBreak: o.wrap ?? false, lineGap: 1.5 });
}

export function heightOf(pdf: Doc, s: string, width: number, font: string, size: number): number {
  pdf.font(font).fontSize(size);
  return pdf.heightOfString(keepAll(pdf, s, width), { width, lineGap: 1.5 });
}

export function hline(pdf: Doc, y: number, x1 = M, x2 = M + CW, color = C.rule, width = 0.6): void {
  pdf.moveTo(x1, y).lineTo(x2, y).lineWidth(width).strokeColor(color).stroke();
}
