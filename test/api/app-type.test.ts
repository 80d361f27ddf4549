/**
 * AppType carries every module's routes (server/modules.ts mounts them in one `.route()` chain),
 * so `hc<AppType>` from hono/client is typed per route. The type assertions are checked by
 * `tsc` (test/ is in tsconfig.json); the calls check that the typed client reaches the real app.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { hc } from 'hono/client';
import type { AppType } from '../../server/app';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

let t: TestApp;
let client: ReturnType<typeof hc<AppType>>;
beforeAll(async () => {
  t = await makeTestApp();
  client = hc<AppType>('http://billwise.test', {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => t.app.request(input instanceof Request ? input : String(input), init),
    headers: { authorization: `Bearer ${DEMO_KEY}` },
  });
});
afterAll(async () => { await t?.close(); });

describe('AppType', () => {
  it('types routes of the access, customer, invoice, rating and bill-run modules', async () => {
    const users = await client.api.v1.users.$get();
    const customers = await client.api.v1.customers.$get({ query: {} });
    const invoices = await client.api.v1.invoices.$get({ query: {} });
    const facts = await client.api.v1.rules.facts.$get();
    const runs = await client.api.v1['bill-runs'].$get({ query: {} });
    for (const r of [users, customers, invoices, facts, runs]) expect(r.status).toBe(200);

    if (invoices.status === 200) {
      const body = await invoices.json();
      expectTypeOf(body.total).toEqualTypeOf<number>();
      expectTypeOf<(typeof body.data)[number]['amountDue']>().toEqualTypeOf<string>();
      expect(typeof body.total).toBe('number');
    }
    if (facts.status === 200) {
      const body = await facts.json();
      expectTypeOf(body.operators).toEqualTypeOf<string[]>();
      expect(body.operators).toContain('equal');
    }
  });

  it('types the preview answer with its own schema', () => {
    type Preview = Awaited<ReturnType<Awaited<ReturnType<typeof client.api.v1.rating.preview.$post>>['json']>>;
    expectTypeOf<Extract<Preview, { total: string }>>().toHaveProperty('trace');
    // @ts-expect-error a route no module defines is not in the type
    expect(client.api.v1['no-such-module']).toBeDefined(); // the client is a proxy: any path exists at runtime
  });
});
