/**
 * The public pay page behind a reminder's link (`/pay/<token>`), server-rendered HTML in Korean or
 * English: no login, no script (the Content-Security-Policy allows none inline, and a payer's
 * browser needs none). The signed token (pay-link.ts) is the credential; a wrong or expired one is
 * a page that says so (404 / 410), never an error from the API.
 *
 *   GET  /pay/<token>              the invoice: number, amount still owed, due date, lines, PDF link,
 *                                  a card form (the sandbox gateway) and virtual-account / transfer details
 *   GET  /pay/<token>/invoice.pdf  the invoice PDF
 *   POST /pay/<token>/card         pays what is owed (pay-invoice.ts), then shows the outcome
 *
 * Language: `?lang=ko|en`, else Accept-Language, else the tenant's document language.
 */
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { Db } from '../db/client';
import { formatDate, formatMoney, formatPeriod } from '../invoices/render/format';
import { renderInvoicePdf } from '../invoices/render/pdf';
import { attachmentName } from '../mail/invoice-email';
import { verifyPayToken } from './pay-link';
import { payByCard, payPageCtx, payView, type PayOutcome, type PayView } from './pay-invoice';
import { PAY_TEXT, type PayLang, type PayTexts } from './pay-page-text';
import { invoiceDocument } from '../invoices/document';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function langOf(c: Context, fallback?: PayLang): PayLang {
  const q = c.req.query('lang');
  if (q === 'ko' || q === 'en') return q;
  const accept = (c.req.header('accept-language') ?? '').toLowerCase();
  const first = accept.split(',').map((x) => x.trim().slice(0, 2)).find((x) => x === 'ko' || x === 'en');
  return (first as PayLang | undefined) ?? fallback ?? 'ko';
}

const STYLE = `body{font-family:system-ui,-apple-system,"Noto Sans KR","Malgun Gothic",sans-serif;margin:0;background:#f5f7fa;color:#303133}
main{max-width:720px;margin:24px auto;background:#fff;border:1px solid #e4e7ed;border-radius:8px;padding:24px 32px}
h1{font-size:22px;margin:0 0 16px}h2{font-size:17px;margin:24px 0 8px}table{border-collapse:collapse;width:100%}
td,th{padding:6px 8px;border-bottom:1px solid #ebeef5;text-align:left}td.n,th.n{text-align:right;white-space:nowrap}
.due{font-size:28px;font-weight:600;color:#c45656}.msg{padding:12px 16px;border-radius:6px;margin:12px 0}
.ok{background:#f0f9eb;color:#529b2e}.warn{background:#fdf6ec;color:#b88230}.err{background:#fef0f0;color:#c45656}
form label{display:block;margin:8px 0 4px}input{padding:8px;border:1px solid #dcdfe6;border-radius:4px;font-size:15px;width:100%;box-sizing:border-box}
.row{display:flex;gap:12px}.row>div{flex:1}button{margin-top:16px;background:#409eff;color:#fff;border:0;border-radius:4px;padding:10px 24px;font-size:15px;cursor:pointer}
.hint{color:#909399;font-size:13px}.top{display:flex;justify-content:space-between;align-items:center}a{color:#409eff}`;

function page(lang: PayLang, title: string, body: string, langHref?: string) {
  const t = PAY_TEXT[lang];
  const switcher = langHref ? `<a href="${esc(langHref)}">${esc(t.language)}</a>` : '';
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body><main><div class="top"><h1>${esc(title)}</h1>${switcher}</div>${body}</main></body></html>`;
}

type CardErrors = Partial<Record<keyof PayTexts['badInput'], string>>;

function invoicePage(lang: PayLang, token: string, v: PayView, notice: { cls: string; text: string } | null, errors: CardErrors = {}) {
  const t = PAY_TEXT[lang];
  const d = v.doc;
  const money = (a: string) => formatMoney(a, d.currency, lang);
  const base = `/pay/${encodeURIComponent(token)}`;
  const facts: [string, string][] = [[t.seller, d.seller.name], [t.invoice, d.number], [t.dueDate, formatDate(d.dueDate, lang)],
    [t.period, formatPeriod(d.period, lang)], [t.status, t.statuses[v.status] ?? v.status]];
  const lines = d.lines.map((l) => `<tr><td>${esc(l.description)}</td><td class="n">${esc(money(l.amount))}</td></tr>`).join('')
    + d.taxes.map((x) => `<tr><td>${esc(x.name)}</td><td class="n">${esc(money(x.amount))}</td></tr>`).join('')
    + `<tr><th>${esc(t.total)}</th><th class="n">${esc(money(d.total))}</th></tr>`;
  let pay = '';
  if (v.payable) {
    const err = (k: keyof CardErrors) => (errors[k] ? `<div class="hint" style="color:#c45656" id="err-${k}">${esc(errors[k]!)}</div>` : '');
    const card = v.card && !v.processing ? `<h2>${esc(t.payByCard)}</h2><p class="hint">${esc(t.sandboxHint)}</p>
<form method="post" action="${base}/card?lang=${lang}">
<label for="number">${esc(t.cardNumber)}</label><input id="number" name="number" inputmode="numeric" autocomplete="cc-number" required>${err('number')}
<div class="row"><div><label for="expMonth">${esc(t.expMonth)}</label><input id="expMonth" name="expMonth" inputmode="numeric" placeholder="MM" required>${err('expMonth')}</div>
<div><label for="expYear">${esc(t.expYear)}</label><input id="expYear" name="expYear" inputmode="numeric" placeholder="YYYY" required>${err('expYear')}</div></div>
<label for="name">${esc(t.cardName)}</label><input id="name" name="name" autocomplete="cc-name" required>${err('name')}
<button type="submit">${esc(t.payNow)} · ${esc(money(v.owed))}</button></form>` : '';
    const vas = v.virtualAccounts.length
      ? `<table>${v.virtualAccounts.map((a) => `<tr><td>${esc(t.bank)}</td><td>${esc(a.bankName ?? '')}</td></tr><tr><td>${esc(t.account)}</td><td>${esc(a.accountNumber ?? '')}</td></tr><tr><td>${esc(t.holder)}</td><td>${esc(a.accountHolder ?? '')}</td></tr>`).join('')}</table>`
      : `<p class="hint">${esc(t.noVirtualAccount)}</p>`;
    pay = `${card}<h2>${esc(t.transfer)}</h2>${vas}<p class="hint">${esc(t.transferHint(d.number))}</p>`;
  } else if (!notice) {
    notice = v.status === 'paid' ? { cls: 'ok', text: t.paid } : { cls: 'warn', text: t.notPayable };
  }
  if (v.processing && !notice) notice = { cls: 'warn', text: t.inProgress };
  const body = `${notice ? `<div class="msg ${notice.cls}" role="status">${esc(notice.text)}</div>` : ''}
<div>${esc(t.amountDue)}</div><div class="due" id="amount-due">${esc(money(v.owed))}</div>
<table>${facts.map(([k, x]) => `<tr><td>${esc(k)}</td><td>${esc(x)}</td></tr>`).join('')}</table>
<p><a href="${base}/invoice.pdf" id="pdf">${esc(t.pdf)}</a></p>
<h2>${esc(t.lines)}</h2><table><tr><th>${esc(t.item)}</th><th class="n">${esc(t.amount)}</th></tr>${lines}</table>${pay}`;
  return page(lang, `${t.title} · ${d.number}`, body, `${base}?lang=${t.otherLang}`);
}

const headers = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' };

export function payPageRoutes(deps: { db: Db; now: () => Date }) {
  const app = new Hono();
  /** The token's tenant and invoice, or the page that says what is wrong with it. */
  const open = (c: Context) => {
    const token = c.req.param('token') ?? '';
    const check = verifyPayToken(token, deps.now());
    if (!check.ok) {
      const t = PAY_TEXT[langOf(c)];
      const expired = check.why === 'expired';
      return { res: c.html(page(langOf(c), expired ? t.expiredTitle : t.invalidTitle, `<div class="msg err" role="alert">${esc(expired ? t.expired : t.invalid)}</div>`), expired ? 410 : 404, headers) };
    }
    return { token, ctx: payPageCtx(deps.db, check.tenantId, deps.now), invoiceId: check.invoiceId };
  };
  const notFoundPage = (c: Context) => {
    const t = PAY_TEXT[langOf(c)];
    return c.html(page(langOf(c), t.invalidTitle, `<div class="msg err" role="alert">${esc(t.notFound)}</div>`), 404, headers);
  };

  app.get('/:token', async (c) => {
    const o = open(c);
    if ('res' in o) return o.res;
    const v = await payView(o.ctx, o.invoiceId);
    if (!v) return notFoundPage(c);
    return c.html(invoicePage(langOf(c, v.doc.locale), o.token, v, null), 200, headers);
  });

  app.get('/:token/invoice.pdf', async (c) => {
    const o = open(c);
    if ('res' in o) return o.res;
    const v = await payView(o.ctx, o.invoiceId);
    if (!v) return notFoundPage(c);
    const { doc } = await invoiceDocument(o.ctx, o.invoiceId);
    return c.body(new Uint8Array(await renderInvoicePdf(doc)), 200, { ...headers, 'Content-Type': 'application/pdf', 'Content-Disposition': `inline; filename="${attachmentName(doc.number)}"` });
  });

  app.post('/:token/card', bodyLimit({ maxSize: 16 * 1024 }), async (c) => {
    const o = open(c);
    if ('res' in o) return o.res;
    const form = await c.req.parseBody();
    const str = (k: string) => (typeof form[k] === 'string' ? (form[k] as string).trim() : '');
    const before = await payView(o.ctx, o.invoiceId);
    if (!before) return notFoundPage(c);
    const lang = langOf(c, before.doc.locale);
    const t = PAY_TEXT[lang];
    const number = str('number').replace(/[\s-]/g, '');
    const expMonth = Number(str('expMonth'));
    const expYear = Number(str('expYear'));
    const errors: CardErrors = {};
    if (!/^\d{12,19}$/.test(number)) errors.number = t.badInput.number;
    if (!Number.isInteger(expMonth) || expMonth < 1 || expMonth > 12) errors.expMonth = t.badInput.expMonth;
    if (!Number.isInteger(expYear) || expYear < 2000 || expYear > 2100) errors.expYear = t.badInput.expYear;
    if (!str('name') || str('name').length > 200) errors.name = t.badInput.name;
    if (Object.keys(errors).length) return c.html(invoicePage(lang, o.token, before, { cls: 'err', text: Object.values(errors)[0]! }, errors), 422, headers);
    const out: PayOutcome = await payByCard(o.ctx, o.invoiceId, { number, expMonth, expYear, name: str('name') });
    const after = (await payView(o.ctx, o.invoiceId))!;
    const notice = out.kind === 'succeeded' ? { cls: 'ok', text: t.succeeded(formatMoney(out.amount, after.doc.currency, lang)) }
      : out.kind === 'declined' ? { cls: 'err', text: t.declined }
        : out.kind === 'pending' ? { cls: 'warn', text: t.pending }
          : out.kind === 'in_progress' ? { cls: 'warn', text: t.inProgress }
            : out.kind === 'unavailable' ? { cls: 'warn', text: t.unavailable }
              : { cls: 'ok', text: after.status === 'paid' ? t.paid : t.notPayable };
    return c.html(invoicePage(lang, o.token, after, notice), 200, headers);
  });
  return app;
}
