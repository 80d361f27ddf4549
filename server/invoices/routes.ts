import { createRoute, z } from '@hono/zod-openapi';
import { isoDate, paging } from '../lib/schemas';
import { newRouter, jsonBody, jsonOk, errorResponses, security, IdParam, zodIssues } from '../lib/http';
import { assertPermission, type Ctx } from '../lib/context';
import { invalid } from '../lib/errors';
import { createCreditNote, finalizeInvoice, getInvoice, listInvoices, moveInvoice, updateDraft, INVOICE_STATUSES } from './invoices';
import { invoiceDocument } from './document';
import { creditNoteDocument } from './credit-note-document';
import { sendInvoice } from './send';
import { bulkInvoices } from './bulk';
import { pickLanguage, translateMessage } from '../lib/i18n';
import { renderInvoicePdf } from './render/pdf';

const SendIn = z.object({ to: z.email('must be an e-mail address').optional() }).openapi('InvoiceSend');

const tag = 'Billing: invoices';
const Money = z.string().openapi({ example: '33000' });
const InvoiceSummary = z.object({
  id: z.string(), number: z.string().nullable(), status: z.enum(INVOICE_STATUSES), billTo: z.string(), payerId: z.string().nullable(), customerId: z.string().nullable(),
  billRunId: z.string().nullable(), periodStart: z.string(), periodEnd: z.string(), currency: z.string(), sequence: z.number().int().openapi({ description: "1 = the period's invoice; 2+ = supplementary invoices for subscriptions added later" }), issueDate: z.string(), dueDate: z.string(),
  subtotal: Money, discountTotal: Money, taxTotal: Money, total: Money, prepaidApplied: Money, pointsApplied: Money,
  amountDue: Money.openapi({ description: 'What the payer still owes now: total − prepaidApplied − pointsApplied − creditedTotal − amountPaid (never below 0) for a draft, finalized, partially_paid or payment_failed invoice; 0 once paid or void. Until credit notes and status were taken into account this field was the invoiced figure, now invoicedAmountDue.' }),
  invoicedAmountDue: Money.openapi({ description: 'The amount due as invoiced: total − prepaidApplied − pointsApplied, fixed at billing; unchanged by credit notes and status (the figure on the PDF).' }),
  creditedTotal: Money.openapi({ description: 'Sum of the credit notes against the invoice' }),
  amountPaid: Money.openapi({ description: 'Sum of the payments allocated to the invoice (POST /payments)' }),
  notes: z.string().nullable(), finalizedAt: z.string().nullable(), paidAt: z.string().nullable(), voidedAt: z.string().nullable(),
  sentAt: z.string().nullable(), sentTo: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(),
}).openapi('InvoiceSummary');
const InvoiceListItem = InvoiceSummary.extend({
  billToName: z.string().nullable().openapi({ description: "The bill-to party's name: the payer's, or the customer's paying for itself" }),
}).openapi('InvoiceListItem');
const CreditNoteOut = z.object({
  id: z.string(), number: z.string(), invoiceId: z.string(), currency: z.string(), lines: z.array(z.object({ description: z.string(), amount: Money })),
  amount: Money.openapi({ description: 'What is credited back, tax included' }),
  netAmount: Money.nullable().openapi({ description: 'amount − taxAmount; null on credit notes issued before the split was kept' }),
  taxAmount: Money.nullable().openapi({ description: "The invoice's taxes in the credited share (server/invoices/credit-note-tax.ts)" }),
  taxes: z.array(z.object({ name: z.string(), rule: z.string(), amount: Money })).nullable().openapi({ description: 'taxAmount per tax name and rule of the invoice' }),
  reason: z.string(), createdBy: z.string().nullable(), createdAt: z.string(),
}).openapi('CreditNote');
const InvoiceDetail = InvoiceSummary.extend({
  lines: z.array(z.any()).openapi({ description: 'charge, minimum, discount (with rule) and tax lines' }), trace: z.array(z.any()), versions: z.any(),
  bills: z.array(z.any()), creditNotes: z.array(CreditNoteOut),
}).openapi('Invoice');

// Generic in the path so each action keeps its literal path in the app's type (AppType).
const action = <P extends string, T>(path: P, summary: string, fn: (ctx: Ctx, id: string) => Promise<T>) =>
  [createRoute({ method: 'post', path, tags: [tag], summary, security, request: { params: IdParam }, responses: { ...jsonOk(InvoiceDetail), 409: errorResponses[404], ...errorResponses } }), fn] as const;

const finalize = action('/invoices/{id}/finalize', 'Finalize: immutable and numbered (INV-YYYYMM-000001, gapless per tenant)', (ctx, id) => finalizeInvoice({ ctx, id }));
const paid = action('/invoices/{id}/mark-paid', 'Mark paid (결제 완료)', (ctx, id) => moveInvoice({ ctx, id, action: 'mark-paid' }));
const failed = action('/invoices/{id}/mark-payment-failed', 'Mark payment failed (결제 불가)', (ctx, id) => moveInvoice({ ctx, id, action: 'mark-payment-failed' }));
const voided = action('/invoices/{id}/void', 'Void (a draft or an unpaid issued invoice)', (ctx, id) => moveInvoice({ ctx, id, action: 'void' }));

export const invoiceRoutes = newRouter()
  .openapi(createRoute({ method: 'get', path: '/invoices', tags: [tag], summary: 'List invoices', security,
    request: { query: z.object({
      status: z.enum(INVOICE_STATUSES).optional(), payerId: z.string().uuid().optional(), billTo: z.string().uuid().optional(), periodStart: isoDate.optional(),
      issuedFrom: isoDate.optional().openapi({ description: 'Issue date on or after (the drill-down of the revenue charts)' }),
      issuedTo: isoDate.optional().openapi({ description: 'Issue date on or before' }),
      ...paging(),
    }).refine((x) => !x.issuedFrom || !x.issuedTo || x.issuedFrom <= x.issuedTo, { path: ['issuedTo'], error: 'must not be before issuedFrom' }) },
    responses: { ...jsonOk(z.object({ data: z.array(InvoiceListItem), total: z.number().int() })), ...errorResponses } }),
  async (c) => c.json(await listInvoices({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({ method: 'get', path: '/invoices/{id}', tags: [tag], summary: 'An invoice with its lines (rule per line), bills, trace and credit notes', security,
    request: { params: IdParam }, responses: { ...jsonOk(InvoiceDetail), ...errorResponses } }),
  async (c) => c.json(await getInvoice({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(createRoute({ method: 'patch', path: '/invoices/{id}', tags: [tag], summary: 'Edit a draft (notes, due date); an issued invoice answers 409', security,
    request: { params: IdParam, ...jsonBody(z.object({ notes: z.string().max(2000).nullable().optional(), dueDate: isoDate.optional() })) },
    responses: { ...jsonOk(InvoiceDetail), 409: errorResponses[404], ...errorResponses } }),
  async (c) => c.json(await updateDraft({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 200))
  .openapi(finalize[0], async (c) => c.json(await finalize[1](c.get('ctx'), c.req.valid('param').id), 200))
  .openapi(paid[0], async (c) => c.json(await paid[1](c.get('ctx'), c.req.valid('param').id), 200))
  .openapi(failed[0], async (c) => c.json(await failed[1](c.get('ctx'), c.req.valid('param').id), 200))
  .openapi(voided[0], async (c) => c.json(await voided[1](c.get('ctx'), c.req.valid('param').id), 200))
  .openapi(createRoute({ method: 'post', path: '/invoices/{id}/credit-notes', tags: [tag], summary: 'Credit note (요금 조정) against an issued invoice', security,
    request: { params: IdParam, ...jsonBody(z.object({ reason: z.string().min(1).max(1000), lines: z.array(z.object({ description: z.string().min(1).max(500), amount: z.string() })).min(1).max(100) })) },
    responses: { 201: { description: 'Created', content: { 'application/json': { schema: CreditNoteOut } } }, 409: errorResponses[404], ...errorResponses } }),
  async (c) => c.json(await createCreditNote({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 201))
  .openapi(createRoute({ method: 'get', path: '/invoices/{id}/pdf', tags: [tag], summary: 'The invoice as a PDF', security,
    request: { params: IdParam }, responses: { 200: { description: 'application/pdf', content: { 'application/pdf': { schema: z.any() } } }, ...errorResponses } }),
  async (c) => {
    const { doc } = await invoiceDocument(c.get('ctx'), c.req.valid('param').id);
    const pdf = await renderInvoicePdf(doc);
    return c.body(new Uint8Array(pdf), 200, { 'Content-Type': 'application/pdf', 'Content-Disposition': `inline; filename="${doc.number}.pdf"` });
  })
  .openapi(createRoute({ method: 'get', path: '/credit-notes/{id}/pdf', tags: [tag], summary: 'A credit note (요금 조정) as a PDF, with its VAT split', security,
    request: { params: IdParam }, responses: { 200: { description: 'application/pdf', content: { 'application/pdf': { schema: z.any() } } }, ...errorResponses } }),
  async (c) => {
    const doc = await creditNoteDocument(c.get('ctx'), c.req.valid('param').id);
    const pdf = await renderInvoicePdf(doc);
    return c.body(new Uint8Array(pdf), 200, { 'Content-Type': 'application/pdf', 'Content-Disposition': `inline; filename="${doc.number}.pdf"` });
  })
  .openapi(createRoute({ method: 'post', path: '/invoices/bulk', tags: [tag], security,
    summary: 'Finalize or send selected invoices, each on its own (one failure does not undo the others); `send` finalizes a draft first. Answers every invoice with its outcome and, for a failure, its error code and message',
    request: jsonBody(z.object({ action: z.enum(['finalize', 'send']), ids: z.array(z.uuid('must be an invoice id')).min(1).max(200) }).openapi('InvoiceBulkIn')),
    responses: { ...jsonOk(z.object({
      action: z.enum(['finalize', 'send']), succeeded: z.number().int(), failed: z.number().int(),
      results: z.array(z.object({ id: z.string(), ok: z.boolean(), number: z.string().nullable(), status: z.string().nullable(), sentTo: z.string().optional(), code: z.string().optional(), message: z.string().optional() })),
    }).openapi('InvoiceBulkOut')), ...errorResponses } }),
  async (c) => {
    const out = await bulkInvoices({ ctx: c.get('ctx'), input: c.req.valid('json') });
    // Failure reasons in the caller's language, like problem+json details.
    const lang = pickLanguage(c.req.header('accept-language'));
    return c.json({ ...out, results: out.results.map((r) => (r.message ? { ...r, message: translateMessage(r.message, lang) } : r)) }, 200);
  })
  .openapi(createRoute({ method: 'post', path: '/invoices/{id}/send', tags: [tag], summary: 'E-mail the invoice with its PDF (청구 발송); records sentAt/sentTo', security,
    request: { params: IdParam, body: { content: { 'application/json': { schema: SendIn } }, required: false } },
    responses: { ...jsonOk(z.object({ sentTo: z.string(), accepted: z.array(z.string()), rejected: z.array(z.string()), messageId: z.string() })), 409: errorResponses[404], ...errorResponses } }),
  async (c) => {
    const ctx = c.get('ctx');
    assertPermission(ctx, 'invoices:write');
    const id = c.req.valid('param').id;
    // The body is optional, so it is read and checked here rather than by the route validator.
    const raw = await c.req.text();
    let parsedBody: unknown = {};
    try { parsedBody = raw.trim() ? JSON.parse(raw) : {}; } catch { throw invalid([{ path: '$', message: 'must be a JSON object' }]); }
    const checked = SendIn.safeParse(parsedBody);
    if (!checked.success) throw invalid(zodIssues(checked.error));
    const body = checked.data;
    const r = await sendInvoice(ctx, id, body.to);
    return c.json(r, 200);
  });
