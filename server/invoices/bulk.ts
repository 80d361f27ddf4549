/**
 * Bulk actions on selected invoices (the console's "finalize selected" / "send selected"): each
 * invoice is handled on its own, in its own transaction, exactly as its single action would be,
 * so one failure (already finalized, no e-mail address, no SMTP) does not undo the others; the
 * answer lists every invoice with its outcome and, for a failure, its error code and message.
 * `send` finalizes a draft first (a draft cannot be sent), then mails it.
 */
import { assertPermission, type Ctx } from '../lib/context';
import { ServiceError } from '../lib/errors';
import { finalizeInvoice, getInvoice } from './invoices';
import { sendInvoice } from './send';

export type BulkAction = 'finalize' | 'send';
export interface BulkResult { id: string; ok: boolean; number: string | null; status: string | null; sentTo?: string; code?: string; message?: string }

export async function bulkInvoices({ ctx, input }: { ctx: Ctx; input: { action: BulkAction; ids: string[] } }) {
  assertPermission(ctx, 'invoices:write');
  const results: BulkResult[] = [];
  for (const id of [...new Set(input.ids)]) {
    try {
      let inv = await getInvoice({ ctx, id });
      if (input.action === 'finalize' || inv.status === 'draft') inv = await finalizeInvoice({ ctx, id });
      if (input.action === 'send') {
        const r = await sendInvoice(ctx, id);
        results.push({ id, ok: true, number: inv.number, status: inv.status, sentTo: r.sentTo });
      } else {
        results.push({ id, ok: true, number: inv.number, status: inv.status });
      }
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      // A failed send after a successful finalize still says where the invoice stands.
      const now = await getInvoice({ ctx, id }).catch(() => null);
      results.push({ id, ok: false, number: now?.number ?? null, status: now?.status ?? null, code: err.code, message: err.detail ?? err.message });
    }
  }
  return { action: input.action, succeeded: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, results };
}
