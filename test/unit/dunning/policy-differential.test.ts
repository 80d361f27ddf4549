/**
 * The daily run decides which dunning rules fire with the compiled evaluator (server/rules/compile.ts
 * through policyOf), never json-rules-engine: this proves it decides exactly what the engine does
 * for dunning rules and the facts the run builds (buildDunningFacts): the demo pack's dunning
 * rules plus rules on every other dunning fact (payer balance, counts, decline codes, methods,
 * tags, segments, attributes, steps, calendar), over 3,000 generated invoices.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { policyOf } from '../../../server/dunning/policy';
import { buildDunningFacts } from '../../../server/dunning/facts';
import type { RuleDoc } from '../../../server/rules/schema';
import { compare, prng } from '../rules/differential-facts';

const dir = new URL('../../../rules/packs/demo/rules/', import.meta.url);
const demo = readdirSync(dir).filter((f) => f.startsWith('dunning-')).map((f) => JSON.parse(readFileSync(new URL(f, dir), 'utf8')) as RuleDoc);
const rule = (id: string, conditions: unknown, params: Record<string, unknown> = { action: 'remind' }) =>
  ({ id, name: id, kind: 'dunning', priority: 1, conditions, event: { type: 'dunning', params } }) as unknown as RuleDoc;
const EXTRA = [
  rule('big-balance', { all: [{ fact: 'payer.overdueBalance', operator: 'greaterThan', value: 500 }, { fact: 'payer.unpaidInvoiceCount', operator: 'greaterThanInclusive', value: 2 }] }),
  rule('declined', { any: [{ fact: 'payment.lastDeclineCode', operator: 'in', value: ['insufficient_funds', 'expired_card'] }, { fact: 'payment.method', operator: 'equal', value: 'card' }] }, { action: 'retry_payment' }),
  rule('vip', { all: [{ fact: 'customer.tags', operator: 'contains', value: 'vip' }] }, { action: 'exclude', reason: 'vip', allowActions: [] }),
  rule('smb-weekday', { all: [{ fact: 'customer.segment', operator: 'equal', value: 'smb' }, { fact: 'calendar.weekday', operator: 'lessThanInclusive', value: 5 },
    { not: { fact: 'calendar.dayOfMonth', operator: 'in', value: [1, 15] } }] }),
  rule('steps-krw', { all: [{ fact: 'dunning.stepsTaken', operator: 'lessThan', value: 3 }, { fact: 'invoice.currency', operator: 'equal', value: 'KRW' },
    { fact: 'invoice.amountDue', operator: 'greaterThan', value: { fact: 'payer.overdueBalance' } }] }),
  rule('attr', { any: [{ fact: 'customer.attributes.region', operator: 'notEqual', value: 'north' }, { fact: 'payment.attempts', operator: 'greaterThan', value: 2 }] }),
];
const docs = [...demo, ...EXTRA].map((document) => ({ document, version: 1 }));

function invoiceFacts(rnd: () => number) {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const amount = pick([0.5, 10, 34.1, 300, 1000, 100000]);
  const today = `2025-0${1 + Math.floor(rnd() * 9)}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`;
  return buildDunningFacts({
    customer: { type: pick(['corporate', 'public', 'individual', null]), segment: pick(['smb', 'enterprise', null]), tags: pick([[], ['vip'], ['vip', 'kr'], null]),
      attributes: pick<Record<string, string> | null>([{ region: 'north' }, { region: 'south' }, {}, null]) },
    daysOverdue: Math.floor(rnd() * 70), amountDue: amount, currency: pick(['KRW', 'USD']), payerOverdueBalance: amount * pick([1, 2, 5, 0.5]),
    payerUnpaidInvoiceCount: Math.floor(rnd() * 4), paymentAttempts: Math.floor(rnd() * 5), lastDeclineCode: pick([null, 'insufficient_funds', 'do_not_honor', 'expired_card']),
    paymentMethod: pick([null, 'card', 'bank_transfer', 'virtual_account']), stepsTaken: Math.floor(rnd() * 6), today,
  });
}

describe('dunning policy: compiled evaluator = json-rules-engine', () => {
  it('3,000 generated overdue invoices over the demo and extra dunning rules: 0 mismatches, every rule both fires and does not', async () => {
    const policy = policyOf(docs);
    expect(policy.rules.length).toBe(demo.length + EXTRA.length);
    const rnd = prng(11);
    const sets = Array.from({ length: 3000 }, () => invoiceFacts(rnd));
    const rules = policy.rules.map((r) => ({ id: r.id, priority: r.priority, conditions: r.conditions, event: { type: 'dunning', params: r.params } }));
    const { mismatches } = await compare(rules as never, sets);
    expect(mismatches.slice(0, 5)).toEqual([]);
    const out = new Uint8Array(policy.rules.length);
    const fired = new Array(policy.rules.length).fill(0);
    for (const s of sets) { policy.pack.evaluate(s, out); out.forEach((x, i) => { fired[i] += x; }); }
    expect(policy.rules.filter((_, i) => fired[i] === 0 || fired[i] === sets.length).map((r) => r.id)).toEqual([]);
  });
});
