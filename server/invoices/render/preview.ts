/**
 * Renders the sample invoices for eyeballing the layout:
 *   npx tsx server/invoices/render/preview.ts [outDir=/tmp]
 * then e.g. `pdftoppm -png -r 60 /tmp/invoice-ko.pdf /tmp/invoice-ko`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderInvoicePdf } from './pdf';
import { sampleInvoiceEn, sampleInvoiceKo } from './sample';

const outDir = process.argv[2] ?? '/tmp';
const ko = join(outDir, 'invoice-ko.pdf');
const en = join(outDir, 'invoice-en.pdf');
writeFileSync(ko, await renderInvoicePdf(sampleInvoiceKo()));
writeFileSync(en, await renderInvoicePdf(sampleInvoiceEn(80)));
console.log(`wrote ${ko} and ${en}`);
