/**
 * insertRows (server/db/bulk.ts): every bulk writer's one statement (bill runs, audit, allocations,
 * dunning). Each value must arrive exactly as given, whatever its column type and whatever it
 * contains (quotes, backslashes, braces, commas, the word NULL, non-ASCII, nested JSON), on PGlite and
 * PostgreSQL alike; missing keys are NULL; conflicts are skipped and `returning` names only the rows
 * inserted.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb } from '../../support/db';
import { insertRows, rowsOf } from '../../../server/db/bulk';
import type { DbHandle } from '../../../server/db/client';

let h: DbHandle;
beforeAll(async () => {
  h = await freshDb();
  await h.db.execute(sql`create table bulk_probe (id integer primary key, a text, b numeric(20,6), c jsonb, d text[], e timestamptz, f date, g boolean, u uuid)`);
});
afterAll(async () => { await h?.close(); });

describe('insertRows', () => {
  it('stores every value exactly, NULL for missing keys, and skips conflicts', async () => {
    const tricky = ['he said "hi"', 'back\\slash', '{braces}', 'a,b', 'NULL', '', '한국어 청구서', 'tab\there', 'new\nline'];
    const rows = tricky.map((a, i) => ({
      id: i + 1, a, b: i === 0 ? '123456789012.123456' : `0.${i}`, c: { text: a, list: [a, null, 1.5, true], nested: { deep: [{ a }] } },
      d: [a, 'plain', null], e: new Date(Date.UTC(2025, 5, 1, 12, 0, i)), f: `2025-06-0${(i % 9) + 1}`, g: i % 2 === 0, u: '00000000-0000-4000-8000-00000000000' + i,
    }));
    rows.push({ id: 100 } as (typeof rows)[number]);
    const inserted = await insertRows<{ id: number }>(h.db, 'bulk_probe', ['id', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'u'], rows, { returning: ['id'], batch: 4 });
    expect(inserted.map((r) => Number(r.id)).sort((x, y) => x - y)).toEqual(rows.map((r) => r.id));
    const got = rowsOf<Record<string, any>>(await h.db.execute(sql`select id, a, b::text as b, c, array_to_json(d) as d, to_json(e)#>>'{}' as e, f::text as f, g, u::text as u from bulk_probe order by id`));
    for (const [k, r] of rows.slice(0, -1).entries()) {
      const row = got[k];
      expect(row.a).toBe(r.a);
      expect(row.b).toBe(k === 0 ? '123456789012.123456' : `0.${k}00000`);
      expect(typeof row.c === 'string' ? JSON.parse(row.c) : row.c).toEqual(r.c);
      expect(typeof row.d === 'string' ? JSON.parse(row.d) : row.d).toEqual(r.d);
      expect(new Date(row.e).getTime()).toBe(r.e.getTime());
      expect(row.f).toBe(r.f);
      expect(row.g).toBe(r.g);
      expect(row.u).toBe(r.u);
    }
    expect(got.at(-1)).toMatchObject({ id: 100, a: null, b: null, c: null, d: null, e: null, f: null, g: null, u: null });
    const again = await insertRows<{ id: number }>(h.db, 'bulk_probe', ['id', 'a'], [{ id: 1, a: 'changed' }, { id: 200, a: 'new' }], { onConflictDoNothing: true, returning: ['id'] });
    expect(again.map((r) => Number(r.id))).toEqual([200]);
    expect(rowsOf<{ a: string }>(await h.db.execute(sql`select a from bulk_probe where id = 1`))[0].a).toBe(tricky[0]);
  });

  it('refuses a column the table does not have, and writes nothing', async () => {
    await expect(insertRows(h.db, 'bulk_probe', ['id', 'nope'], [{ id: 300, nope: 1 }])).rejects.toThrow(/bulk_probe has no column nope/);
    expect(rowsOf(await h.db.execute(sql`select 1 from bulk_probe where id = 300`))).toHaveLength(0);
  });
});
