/**
 * The VAT split of a credit note. A credit note credits part of an issued invoice (its `amount`
 * is what the payer gets back, tax included, as it is compared with the invoice total); that part
 * carries the invoice's own taxes in the invoice's proportions: the amount is split over the
 * invoice's net (total − tax) and each of its tax lines (per tax name and rule, as rating wrote
 * them) by the one largest-remainder allocation rating uses to split tax between rules
 * (rating/allocate.ts), so net + taxes add up to the amount exactly, in the currency's minor
 * units. No tax rate is applied a second time here: crediting the whole invoice gives back
 * exactly its net and its taxes.
 */
import { allocateProportionally } from '../rating/allocate';
import { Decimal, ZERO, toMoneyString } from '../lib/money';

export interface CreditNoteTax { net: string; tax: string; taxes: { name: string; rule: string; amount: string }[] }

interface TaxLine { kind?: string; rule?: string; name?: string; amount?: string }

export function creditNoteTax(invoice: { total: string; taxTotal: string; currency: string; lines: readonly unknown[] }, amount: Decimal): CreditNoteTax {
  const c = invoice.currency;
  const taxLines = (invoice.lines as TaxLine[]).filter((l) => l.kind === 'tax' && l.amount !== undefined && !new Decimal(l.amount).isZero());
  const net = new Decimal(invoice.total).minus(invoice.taxTotal);
  const weights = [Decimal.max(ZERO, net), ...taxLines.map((l) => new Decimal(l.amount!))];
  const shares = taxLines.length ? allocateProportionally(amount, weights, c) : [amount];
  const taxes = taxLines.map((l, i) => ({ name: l.name ?? l.rule ?? 'tax', rule: l.rule ?? '', amount: toMoneyString(shares[i + 1], c) }));
  const tax = shares.slice(1).reduce((s, x) => s.plus(x), ZERO);
  return { net: toMoneyString(amount.minus(tax), c), tax: toMoneyString(tax, c), taxes };
}
