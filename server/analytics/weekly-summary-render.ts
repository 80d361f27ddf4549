/**
 * The weekly summary's e-mail (subject, text, HTML; Korean or English) and its PDF: a KPI table
 * per currency and a bar chart of MRR at the end of each of the last eight weeks, drawn with
 * pdfkit and the invoice PDF's fonts (Hangul). Pure layout: the figures arrive computed
 * (weekly-summary.ts); nothing here adds money up, and `chartValue`-style float use is limited
 * to bar heights.
 */
import PDFDocument from 'pdfkit';
import type { Mailer, SendResult } from '../mail';
import { formatDate, formatMoney } from '../invoices/render/format';
import { registerPdfFonts, resolvePdfFonts } from '../invoices/render/fonts';

export interface WeeklyFigures {
  weekStart: string;
  /** The week's last day (Sunday). */
  weekEnd: string;
  currencies: {
    currency: string; mrr: string; arr: string; customers: number; newCustomers: number; churnedCustomers: number;
    mrrGained: string; mrrLost: string; collected: string; payments: number; overdue: string;
    trend: { weekStart: string; mrr: string }[];
  }[];
}
type Locale = 'ko' | 'en';

const LABELS = {
  ko: { title: '주간 경영 요약', mrr: 'MRR', arr: 'ARR', customers: '고객 수', newCustomers: '신규 고객', churned: '이탈 고객', gained: 'MRR 증가', lost: 'MRR 감소',
    collected: '주간 수납액', payments: '수납 건수', overdue: '연체 금액', trend: '최근 8주 MRR (주말 기준)', none: '이번 주에는 집계할 수치가 없습니다.',
    hello: (n: string) => `${n} 님, 안녕하세요.`, intro: (a: string, b: string) => `${a} ~ ${b} 한 주의 주요 지표입니다. 차트가 담긴 PDF를 첨부하였습니다.`,
    optOut: '이 메일은 빌와이즈 콘솔의 내 설정에서 주간 요약 수신을 켠 분께 발송됩니다. 끄려면 같은 곳에서 해제하세요.' },
  en: { title: 'Weekly business summary', mrr: 'MRR', arr: 'ARR', customers: 'Customers', newCustomers: 'New customers', churned: 'Churned customers', gained: 'MRR gained', lost: 'MRR lost',
    collected: 'Collected this week', payments: 'Payments', overdue: 'Overdue', trend: 'MRR at the end of each of the last 8 weeks', none: 'There were no figures this week.',
    hello: (n: string) => `Hello ${n},`, intro: (a: string, b: string) => `Here are the key figures for the week ${a} to ${b}. The PDF attached has the charts.`,
    optOut: 'You receive this because you turned on the weekly summary in your Billwise console settings; turn it off there.' },
} as const;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function rows(f: WeeklyFigures['currencies'][number], locale: Locale): [string, string][] {
  const L = LABELS[locale];
  const m = (a: string) => formatMoney(a, f.currency, locale);
  return [[L.mrr, m(f.mrr)], [L.arr, m(f.arr)], [L.customers, String(f.customers)], [L.newCustomers, String(f.newCustomers)], [L.churned, String(f.churnedCustomers)],
    [L.gained, m(f.mrrGained)], [L.lost, m(f.mrrLost)], [L.collected, m(f.collected)], [L.payments, String(f.payments)], [L.overdue, m(f.overdue)]];
}

export function composeWeeklySummaryEmail(i: { name: string; tenantName: string; figures: WeeklyFigures; locale: Locale }) {
  const L = LABELS[i.locale];
  const [a, b] = [formatDate(i.figures.weekStart, i.locale), formatDate(i.figures.weekEnd, i.locale)];
  const subject = i.locale === 'ko' ? `[빌와이즈] ${i.tenantName} 주간 경영 요약 (${a} ~ ${b})` : `[Billwise] ${i.tenantName} weekly summary (${a} to ${b})`;
  const blocks = i.figures.currencies.map((c) => ({ currency: c.currency, rows: rows(c, i.locale) }));
  const text = [L.hello(i.name), '', L.intro(a, b), '',
    ...(blocks.length ? blocks.flatMap((bl) => [`[${bl.currency}]`, ...bl.rows.map(([k, v]) => `  ${k}: ${v}`), '']) : [L.none, '']), L.optOut, ''].join('\n');
  const html = `<!doctype html><html lang="${i.locale}"><head><meta charset="utf-8"><title>${esc(subject)}</title></head><body>
<p>${esc(L.hello(i.name))}</p><p>${esc(L.intro(a, b))}</p>
${blocks.length ? blocks.map((bl) => `<h3>${esc(bl.currency)}</h3><table>${bl.rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td style="text-align:right">${esc(v)}</td></tr>`).join('')}</table>`).join('\n') : `<p>${esc(L.none)}</p>`}
<p style="color:#888">${esc(L.optOut)}</p></body></html>
`;
  return { subject, text, html, filename: `weekly-summary-${i.figures.weekStart}.pdf` };
}

export async function renderWeeklySummaryPdf(f: WeeklyFigures, o: { locale: Locale; tenantName: string }): Promise<Buffer> {
  const L = LABELS[o.locale];
  const fonts = resolvePdfFonts();
  const created = new Date(`${f.weekEnd}T00:00:00Z`); // deterministic for the same figures
  const pdf = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `${L.title} ${f.weekStart}`, Author: o.tenantName, Creator: 'Billwise', Producer: 'Billwise', CreationDate: created, ModDate: created } });
  registerPdfFonts(pdf, fonts, { regular: 'R', bold: 'B' });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (c: Buffer) => chunks.push(c));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  pdf.font('B').fontSize(18).text(`${o.tenantName} · ${L.title}`);
  pdf.font('R').fontSize(10).fillColor('#555').text(`${formatDate(f.weekStart, o.locale)} ~ ${formatDate(f.weekEnd, o.locale)}`).fillColor('#000').moveDown();
  if (!f.currencies.length) pdf.font('R').fontSize(11).text(L.none);
  for (const c of f.currencies) {
    if (pdf.y > 560) pdf.addPage();
    pdf.font('B').fontSize(13).text(c.currency).moveDown(0.3);
    for (const [k, v] of rows(c, o.locale)) {
      const y = pdf.y;
      pdf.font('R').fontSize(10).text(k, 50, y, { width: 200 });
      pdf.text(v, 250, y, { width: 150, align: 'right' });
    }
    pdf.moveDown(0.5).font('R').fontSize(10).text(L.trend, 50);
    // bars: heights relative to the largest week (geometry only; the figures above are the exact strings)
    const top = pdf.y + 6, h = 120, w = 440, n = Math.max(1, c.trend.length);
    const max = Math.max(0, ...c.trend.map((x) => Number(x.mrr)));
    c.trend.forEach((x, i) => {
      const bh = max > 0 ? (Number(x.mrr) / max) * h : 0;
      const bx = 50 + (i * w) / n + 4;
      pdf.rect(bx, top + h - bh, w / n - 8, bh).fill('#409eff');
      pdf.fillColor('#333').fontSize(7).text(x.weekStart.slice(5), bx, top + h + 3, { width: w / n - 8, align: 'center' });
    });
    pdf.fillColor('#000');
    pdf.y = top + h + 20;
    pdf.x = 50;
    pdf.moveDown();
  }
  pdf.end();
  return done;
}

export async function sendWeeklySummaryEmail(mailer: Mailer, i: { to: string; name: string; tenantName: string; figures: WeeklyFigures; locale: Locale; pdf: Buffer }): Promise<SendResult> {
  const mail = composeWeeklySummaryEmail(i);
  const info = await mailer.transporter.sendMail({
    from: mailer.from, to: i.to, subject: mail.subject, text: mail.text, html: mail.html,
    headers: { 'X-Billwise-Template': 'weekly-summary' },
    attachments: [{ filename: mail.filename, content: i.pdf, contentType: 'application/pdf' }],
  });
  const list = (l: ReadonlyArray<string | { address: string }> | undefined) => (l ?? []).map((a) => (typeof a === 'string' ? a : a.address));
  return { messageId: info.messageId, accepted: list(info.accepted), rejected: list(info.rejected) };
}
