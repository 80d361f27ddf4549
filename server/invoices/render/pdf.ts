/**
 * Invoice → A4 PDF with pdfkit. Pure layout: the document arrives fully computed (see types.ts)
 * and nothing here adds money up. Output is byte-for-byte deterministic for the same input and
 * font files (creation date derived from the issue date, no random ids), so it can be archived
 * and compared in tests.
 */
import PDFDocument from 'pdfkit';
import {
  formatDate,
  formatMoney,
  formatPeriod,
  formatQuantity,
  formatRate,
  formatUnitPrice,
  isZeroAmount,
  negated,
  type InvoiceLabels,
} from './format';
import { loadFont, registerPdfFonts, resolvePdfFonts } from './fonts';
import { tierRows } from './line-pricing';
import { dueText, labelsFor } from './credit-labels';
import type { InvoiceDocument, InvoiceLine } from './types';
import {
  PAGE_W, PAGE_H, M, CW, FOOTER_Y, CONTENT_BOTTOM, R, B, C, STATUS_COLOR, COL_QTY, COL_UNIT, COL_AMOUNT, COL_DESC, PAD, put, heightOf, hline,
  type Doc,
} from './pdf-layout';

interface Ctx {
  pdf: Doc;
  doc: InvoiceDocument;
  L: InvoiceLabels;
  money: (amount: string) => string;
}

export async function renderInvoicePdf(doc: InvoiceDocument): Promise<Buffer> {
  const fonts = resolvePdfFonts();
  const L = labelsFor(doc);
  const created = new Date(`${doc.issueDate}T00:00:00Z`);
  if (Number.isNaN(created.getTime())) throw new RangeError(`issueDate is not a date: ${doc.issueDate}`);

  const pdf = new PDFDocument({
    size: 'A4',
    margins: { top: M, bottom: M, left: M, right: M },
    bufferPages: true, // page numbers "1 / n" are written once the count is known
    autoFirstPage: true,
    font: loadFont(fonts.regular) as unknown as string, // pdfkit takes a parsed font; its types say path
    lang: doc.locale === 'ko' ? 'ko-KR' : 'en-US',
    displayTitle: true,
    info: {
      Title: `${L.title} ${doc.number}`,
      Author: doc.seller.name,
      Subject: `${L.title} ${doc.number} (${doc.buyer.name})`,
      Creator: 'Billwise',
      Producer: 'Billwise',
      CreationDate: created,
      ModDate: created,
    },
  });
  registerPdfFonts(pdf, fonts, { regular: R, bold: B });

  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });

  const ctx: Ctx = { pdf, doc, L, money: (a) => formatMoney(a, doc.currency, doc.locale) };
  let y = drawHeader(ctx);
  y = drawMeta(ctx, y);
  y = drawParties(ctx, y);
  y = drawAmountBanner(ctx, y);
  y = drawLines(ctx, y);
  y = drawTotalsAndNotes(ctx, y);
  finishPages(ctx);

  pdf.end();
  return done;
}

// ---- small text helpers -------------------------------------------------------------------

// ---- blocks -------------------------------------------------------------------------------

function drawHeader({ pdf, doc, L }: Ctx): number {
  put(pdf, L.title, M, M - 4, { font: B, size: 26, color: C.accent });
  put(pdf, L.subtitle, M + 2, M + 30, { font: B, size: 9, color: C.muted });

  // Right: number and status badge.
  put(pdf, L.invoiceNumber, M, M, { size: 8, color: C.muted, width: CW, align: 'right' });
  put(pdf, doc.number, M, M + 11, { font: B, size: 13, width: CW, align: 'right' });
  const status = L.status[doc.status];
  pdf.font(B).fontSize(8);
  const bw = pdf.widthOfString(status) + 14;
  const bx = M + CW - bw;
  const by = M + 30;
  pdf.roundedRect(bx, by, bw, 14, 7).lineWidth(0.8).strokeColor(STATUS_COLOR[doc.status]).stroke();
  put(pdf, status, bx, by + 3, { font: B, size: 8, color: STATUS_COLOR[doc.status], width: bw, align: 'center' });

  const y = M + 54;
  hline(pdf, y, M, M + CW, C.accent, 1.4);
  return y + 12;
}

function drawMeta({ pdf, doc, L }: Ctx, y: number): number {
  // A draft has no issue date yet (the stored one is only provisional): say when it gets one.
  const draft = doc.status === 'draft';
  const cells: Array<[string, string, number]> = [
    [L.issueDate, draft ? L.draftIssueDate : formatDate(doc.issueDate, doc.locale), draft ? 0.3 : 0.22],
    [L.dueDate, dueText(doc, L, (d) => formatDate(d, doc.locale)), draft ? 0.2 : 0.22],
    [L.period, formatPeriod(doc.period, doc.locale), draft ? 0.36 : 0.42],
    [L.currency, doc.currency.toUpperCase(), 0.14],
  ];
  let x = M;
  for (const [label, value, share] of cells) {
    const w = CW * share;
    put(pdf, label, x, y, { size: 7.5, color: C.muted, width: w - 8 });
    put(pdf, value, x, y + 11, { font: B, size: draft ? 9 : 10, width: w - 8 });
    x += w;
  }
  return y + 36;
}

function partyRows(L: InvoiceLabels, p: InvoiceDocument['seller'] & InvoiceDocument['buyer']): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  if (p.businessNumber) rows.push([L.businessNumber, p.businessNumber]);
  if (p.taxId) rows.push([L.taxId, p.taxId]);
  if (p.payerName) rows.push([L.payer, p.payerName]);
  if (p.address) rows.push([L.address, p.address]);
  if (p.email) rows.push([L.email, p.email]);
  if (p.phone) rows.push([L.phone, p.phone]);
  return rows;
}

function drawParty(ctx: Ctx, x: number, y: number, w: number, heading: string, p: InvoiceDocument['seller'] & InvoiceDocument['buyer']): number {
  const { pdf, L } = ctx;
  put(pdf, heading, x, y, { font: B, size: 8, color: C.accent });
  hline(pdf, y + 12, x, x + w, C.rule);
  let cy = y + 18;
  const nameH = heightOf(pdf, p.name, w, B, 11);
  put(pdf, p.name, x, cy, { font: B, size: 11, width: w, wrap: true });
  cy += nameH + 3;
  const labelW = ctx.doc.locale === 'ko' ? 70 : 82;
  for (const [label, value] of partyRows(L, p)) {
    const h = Math.max(heightOf(pdf, value, w - labelW, R, 8.5), 11);
    put(pdf, label, x, cy, { size: 7.5, color: C.muted, width: labelW - 4 });
    put(pdf, value, x + labelW, cy - 0.5, { size: 8.5, width: w - labelW, wrap: true });
    cy += h + 2;
  }
  return cy;
}

function drawParties(ctx: Ctx, y: number): number {
  const gap = 24;
  const w = (CW - gap) / 2;
  const a = drawParty(ctx, M, y, w, ctx.L.seller, ctx.doc.seller);
  const b = drawParty(ctx, M + w + gap, y, w, ctx.L.buyer, ctx.doc.buyer);
  return Math.max(a, b) + 12;
}

function drawAmountBanner({ pdf, doc, L, money }: Ctx, y: number): number {
  const h = 46;
  pdf.rect(M, y, CW, h).fill(C.bannerFill);
  pdf.rect(M, y, 3, h).fill(C.accent);
  put(pdf, L.amountDueBanner, M + 14, y + 10, { font: B, size: 10 });
  put(pdf, `${L.dueDate} ${dueText(doc, L, (d) => formatDate(d, doc.locale))}`, M + 14, y + 26, { size: 8.5, color: C.muted });
  put(pdf, money(doc.amountDue), M, y + 13, { font: B, size: 20, color: C.accent, width: CW - 14, align: 'right' });
  return y + h + 16;
}

// ---- lines table ------------------------------------------------------------------------

function drawTableHeader({ pdf, L }: Ctx, y: number): number {
  const h = 20;
  pdf.rect(M, y, CW, h).fill(C.headerFill);
  const ty = y + 6;
  const o = { font: B, size: 8, color: C.muted };
  put(pdf, L.description, M + PAD, ty, { ...o, width: COL_DESC - 2 * PAD });
  let x = M + COL_DESC;
  put(pdf, L.quantity, x, ty, { ...o, width: COL_QTY - PAD, align: 'right' });
  x += COL_QTY;
  put(pdf, L.unitPrice, x, ty, { ...o, width: COL_UNIT - PAD, align: 'right' });
  x += COL_UNIT;
  put(pdf, L.amount, x, ty, { ...o, width: COL_AMOUNT - PAD, align: 'right' });
  hline(pdf, y + h, M, M + CW, C.rule, 0.8);
  return y + h;
}

function secondaryText(L: InvoiceLabels, line: InvoiceLine, locale: InvoiceDocument['locale']): string {
  const parts: string[] = [];
  if (line.subscription) parts.push(line.subscription);
  if (line.component) parts.push(line.component);
  if (line.period) parts.push(formatPeriod(line.period));
  if (line.kind !== 'charge') parts.push(L.kind[line.kind]);
  if (line.rule) parts.push(`${L.rule}: ${line.rule}`);
  if (line.coupon) parts.push(`${L.coupon}: ${line.coupon}`);
  if (line.freeUnits) parts.push(`${L.freeUnits}: ${formatQuantity(line.freeUnits, locale)}`);
  return parts.join(' · ');
}

function lineAmount(line: InvoiceLine): string {
  return line.kind === 'discount' ? negated(line.amount) : line.amount;
}

function drawLines(ctx: Ctx, y: number): number {
  const { pdf, doc, L, money } = ctx;
  // Taxes are shown by name in the totals block, not as table rows.
  const rows = doc.lines.filter((l) => l.kind !== 'tax');
  const descW = COL_DESC - 2 * PAD;
  y = drawTableHeader(ctx, y);
  rows.forEach((line, i) => {
    const sub = secondaryText(L, line, doc.locale);
    const tiers = tierRows(line, doc.currency, doc.locale, L);
    const descH = heightOf(pdf, line.description, descW, R, 9);
    const subH = sub ? heightOf(pdf, sub, descW, R, 7) + 2 : 0;
    const tierHs = tiers.map((text) => heightOf(pdf, text, descW, R, 7) + 1);
    const tierH = tierHs.reduce((a, b) => a + b, 0);
    const h = Math.max(descH + subH + tierH, 12) + 2 * PAD;
    if (y + h > CONTENT_BOTTOM) {
      pdf.addPage();
      y = continuationHeader(ctx);
      y = drawTableHeader(ctx, y);
    }
    if (i % 2 === 1) pdf.rect(M, y, CW, h).fill('#fafbfc');
    const ty = y + PAD;
    put(pdf, line.description, M + PAD, ty, { size: 9, width: descW, wrap: true });
    if (sub) put(pdf, sub, M + PAD, ty + descH + 2, { size: 7, color: C.muted, width: descW, wrap: true });
    let tierY = ty + descH + subH + 1;
    tiers.forEach((text, k) => {
      put(pdf, text, M + PAD, tierY, { size: 7, color: C.ink, width: descW, wrap: true });
      tierY += tierHs[k];
    });
    let x = M + COL_DESC;
    if (line.quantity) put(pdf, formatQuantity(line.quantity, doc.locale), x, ty, { size: 9, width: COL_QTY - PAD, align: 'right' });
    x += COL_QTY;
    if (line.unitAmount) {
      put(pdf, formatUnitPrice(line.unitAmount, doc.currency, doc.locale), x, ty, { size: 9, width: COL_UNIT - PAD, align: 'right' });
    }
    x += COL_UNIT;
    const amount = lineAmount(line);
    put(pdf, money(amount), x, ty, {
      size: 9,
      font: B,
      color: amount.startsWith('-') ? C.negative : C.ink,
      width: COL_AMOUNT - PAD,
      align: 'right',
    });
    y += h;
    hline(pdf, y, M, M + CW, '#e5e7eb', 0.5);
  });
  return y + 14;
}

function continuationHeader({ pdf, doc, L }: Ctx): number {
  put(pdf, `${L.title} ${doc.number}`, M, M, { font: B, size: 10, color: C.accent });
  put(pdf, L.continued, M, M, { size: 8, color: C.muted, width: CW, align: 'right' });
  hline(pdf, M + 16, M, M + CW, C.accent, 0.8);
  return M + 26;
}

// ---- totals, notes ----------------------------------------------------------------------

interface TotalRow {
  label: string;
  amount: string;
  strong?: boolean;
  ruleAbove?: boolean;
}

function totalRows({ doc, L }: Ctx): TotalRow[] {
  const rows: TotalRow[] = [{ label: L.subtotal, amount: doc.subtotal }];
  if (!isZeroAmount(doc.discountTotal)) rows.push({ label: L.discounts, amount: negated(doc.discountTotal) });
  const taxes =
    doc.taxes.length > 0
      ? doc.taxes
      : doc.lines.filter((l) => l.kind === 'tax').map((l) => ({ name: l.description, rate: undefined, amount: l.amount }));
  if (taxes.length === 0) rows.push({ label: L.tax, amount: doc.taxTotal });
  for (const t of taxes) rows.push({ label: t.rate ? `${t.name} (${formatRate(t.rate)})` : t.name, amount: t.amount });
  rows.push({ label: L.total, amount: doc.total, strong: true, ruleAbove: true });
  if (!isZeroAmount(doc.prepaidApplied)) rows.push({ label: L.prepaid, amount: negated(doc.prepaidApplied) });
  if (!isZeroAmount(doc.pointsApplied)) rows.push({ label: L.points, amount: negated(doc.pointsApplied) });
  return rows;
}

function notesBlocks({ doc, L }: Ctx): Array<[string, string]> {
  const blocks: Array<[string, string]> = [];
  if (doc.paymentInstructions) blocks.push([L.paymentInstructions, doc.paymentInstructions]);
  if (doc.notes) blocks.push([L.notes, doc.notes]);
  return blocks;
}

function drawTotalsAndNotes(ctx: Ctx, y: number): number {
  const { pdf, doc, L, money } = ctx;
  const totalsW = 250;
  const tx = M + CW - totalsW;
  const notesW = CW - totalsW - 24;
  const rows = totalRows(ctx);
  const rowH = 17;
  const dueH = 30;
  const totalsH = rows.length * rowH + 8 + dueH;
  const blocks = notesBlocks(ctx);
  const notesH = blocks.reduce((h, [, text]) => h + 14 + heightOf(pdf, text, notesW, R, 8.5) + 10, 0);
  if (y + Math.max(totalsH, notesH) > CONTENT_BOTTOM) {
    pdf.addPage();
    y = continuationHeader(ctx);
  }

  let ty = y;
  for (const r of rows) {
    if (r.ruleAbove) hline(pdf, ty - 2, tx, tx + totalsW, C.ink, 0.8);
    const font = r.strong ? B : R;
    const size = r.strong ? 10 : 9;
    put(pdf, r.label, tx + PAD, ty + 2, { font, size, color: r.strong ? C.ink : C.muted, width: totalsW / 2 });
    put(pdf, money(r.amount), tx, ty + 2, {
      font,
      size,
      color: r.amount.startsWith('-') ? C.negative : C.ink,
      width: totalsW - PAD,
      align: 'right',
    });
    ty += rowH;
  }
  ty += 8;
  pdf.rect(tx, ty, totalsW, dueH).fill(C.accent);
  put(pdf, L.amountDue, tx + PAD + 2, ty + 9, { font: B, size: 10.5, color: '#ffffff', width: totalsW / 2 });
  put(pdf, money(doc.amountDue), tx, ty + 7.5, { font: B, size: 13, color: '#ffffff', width: totalsW - PAD - 4, align: 'right' });
  ty += dueH;

  let ny = y;
  for (const [heading, text] of blocks) {
    put(pdf, heading, M, ny, { font: B, size: 8.5, color: C.accent });
    ny += 14;
    put(pdf, text, M, ny, { size: 8.5, width: notesW, wrap: true });
    ny += heightOf(pdf, text, notesW, R, 8.5) + 10;
  }
  return Math.max(ty, ny);
}

// ---- per-page decorations ---------------------------------------------------------------

function finishPages({ pdf, doc, L }: Ctx): void {
  const range = pdf.bufferedPageRange();
  const mark = L.watermark[doc.status];
  for (let i = range.start; i < range.start + range.count; i++) {
    pdf.switchToPage(i);
    // The footer sits inside the bottom margin; without this pdfkit would start a new page.
    const bottom = pdf.page.margins.bottom;
    pdf.page.margins.bottom = 0;
    hline(pdf, FOOTER_Y - 6, M, M + CW, C.rule, 0.5);
    put(pdf, `${doc.seller.name} · ${doc.number}`, M, FOOTER_Y, { size: 7.5, color: C.faint, width: CW * 0.7 });
    put(pdf, `${i - range.start + 1} / ${range.count}`, M, FOOTER_Y, { size: 7.5, color: C.muted, width: CW, align: 'right' });
    if (mark) {
      pdf.save();
      pdf.rotate(-35, { origin: [PAGE_W / 2, PAGE_H / 2] });
      pdf.fillOpacity(0.09);
      put(pdf, mark, 0, PAGE_H / 2 - 40, { font: B, size: 80, color: doc.status === 'void' ? '#b91c1c' : '#4b5563', width: PAGE_W, align: 'center' });
      pdf.restore();
    }
    pdf.page.margins.bottom = bottom;
  }
}
