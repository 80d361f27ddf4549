/**
 * The daily run's chunks never split a bill-to party (so the next chunk can be read while one is
 * applied): parties in the order of their newest overdue invoice, newest first, each party's invoices in order,
 * every invoice once, about 500 a chunk.
 */
import { describe, expect, it } from 'vitest';
import { partyChunks } from '../../../server/dunning/run';
import { Decimal } from '../../../server/lib/money';
import type { Overdue } from '../../../server/dunning/load';

const od = (id: number, billTo: string) => ({ inv: { id: `i${id}`, billTo }, owed: new Decimal(1) }) as unknown as Overdue;

describe('partyChunks', () => {
  it('keeps each party in one chunk, in order, every invoice once', () => {
    // 1,300 invoices of 400 parties, oldest due first, a party's invoices spread over the list; one party with 700
    const list: Overdue[] = [];
    for (let i = 0; i < 1300; i++) list.push(od(i, `p${(i * 7) % 400}`));
    for (let i = 0; i < 700; i++) list.push(od(2000 + i, 'big'));
    const chunks = partyChunks(list);
    expect(chunks.flat().map((x) => x.inv.id).sort()).toEqual(list.map((x) => x.inv.id).sort());
    const chunkOf = new Map<string, number>();
    chunks.forEach((c, k) => c.forEach((x) => {
      expect(chunkOf.get(x.inv.billTo) ?? k).toBe(k);
      chunkOf.set(x.inv.billTo, k);
    }));
    for (const c of chunks) if (!c.every((x) => x.inv.billTo === 'big')) expect(c.length).toBeLessThanOrEqual(500);
    expect(chunks.find((c) => c[0].inv.billTo === 'big')).toHaveLength(700);
    // parties by their newest invoice, newest first; a party's own invoices keep their order
    const newestFirst = [...new Set([...list].reverse().map((x) => x.inv.billTo))];
    expect([...new Set(chunks.flat().map((x) => x.inv.billTo))]).toEqual(newestFirst);
    expect(chunks[0][0].inv.billTo).toBe('big');
    const p7 = chunks.flat().filter((x) => x.inv.billTo === 'p7').map((x) => x.inv.id);
    expect(p7).toEqual(list.filter((x) => x.inv.billTo === 'p7').map((x) => x.inv.id));
  });

  it('nothing overdue: no chunk', () => expect(partyChunks([])).toEqual([]));
});
