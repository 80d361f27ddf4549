/**
 * Who may write a rule depends on its kind (server/catalog/kinds.ts): a marketer writes
 * discounts, promotions, coupons, free units and points, but not tax (billing), dunning
 * (billing) or price overrides (whoever writes plans), on every write path: create, draft,
 * publish, retire, discard and import. The marketer used to set kr-vat to 0% and publish it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';

let t: TestApp;
let marketer: string;
let billing: string;
const pack = (name: string) => JSON.parse(readFileSync(new URL(`../../rules/packs/demo/rules/${name}.json`, import.meta.url), 'utf8'));
const vat = pack('kr-vat');
const dunning = pack('dunning-remind-3');
const override = {
  id: 'seat-special', name: 'Seat special', kind: 'price_override', priority: 5,
  conditions: { all: [{ fact: 'customer.type', operator: 'equal', value: 'corporate' }] },
  event: { type: 'price_override', params: { component: 'seats', pricing: { model: 'standard', unitAmount: '1' } } },
};
const discount = {
  id: 'spring-5', name: 'Spring 5%', kind: 'discount', priority: 10,
  conditions: { all: [{ fact: 'customer.type', operator: 'equal', value: 'corporate' }] },
  event: { type: 'discount', params: { percent: '5' } },
};
const promoOverride = {
  id: 'promo-price', name: 'Promo price', kind: 'promotion', priority: 5,
  conditions: { all: [{ fact: 'customer.type', operator: 'equal', value: 'corporate' }] },
  event: { type: 'promotion', params: { effect: { type: 'price_override', component: 'seats', pricing: { model: 'standard', unitAmount: '1' } } } },
};
const as = (cookie: string, method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { cookie, body });
const admin = (method: string, path: string, body?: unknown) => t.call(method, `/api/v1${path}`, { key: DEMO_KEY, body });

beforeAll(async () => {
  t = await makeTestApp();
  for (const doc of [vat, dunning, override]) {
    expect((await admin('POST', '/rules', { document: doc })).status).toBe(201);
    expect((await admin('POST', `/rules/${doc.id}/publish`, { effectiveFrom: '2025-01-01' })).status).toBe(200);
  }
  marketer = await t.login('marketer@demo.billwise.dev');
  billing = await t.login('billing@demo.billwise.dev');
});
afterAll(async () => t?.close());

describe('a marketer', () => {
  it('cannot set VAT to 0% and publish it', async () => {
    const zero = { ...vat, event: { type: 'tax', params: { ...vat.event.params, rate: '0' } } };
    const put = await as(marketer, 'PUT', '/rules/kr-vat/draft', { document: zero });
    expect(put.status).toBe(403);
    expect(put.body.issues).toEqual([{ path: 'document.kind', message: '"tax" rules need the permission "rules:write_tax"' }]);
    expect((await as(marketer, 'POST', '/rules/kr-vat/publish', {})).status).toBe(403);
    expect((await as(marketer, 'POST', '/rules/kr-vat/retire', {})).status).toBe(403);
    const now = (await admin('GET', '/rules/kr-vat')).body;
    expect(now).toMatchObject({ status: 'published', draftVersion: null, retiredFrom: null });
    expect(now.document.event.params.rate).toBe('10');
  });

  it('cannot turn the tax rule into a discount to get around it', async () => {
    const r = await as(marketer, 'PUT', '/rules/kr-vat/draft', { document: { ...discount, id: 'kr-vat' } });
    expect(r.status).toBe(403);
    expect(r.body.issues[0].path).toBe('$');
  });

  it('cannot create or publish a price override, a promotion that overrides a price, or dunning', async () => {
    const a = await as(marketer, 'POST', '/rules', { document: { ...override, id: 'cheap-seats' } });
    expect(a.status).toBe(403);
    expect(a.body.issues[0].path).toBe('document.kind');
    const b = await as(marketer, 'POST', '/rules', { document: promoOverride });
    expect(b.status).toBe(403);
    expect(b.body.issues[0].path).toBe('document.event.params.effect.type');
    expect((await as(marketer, 'POST', '/rules', { document: { ...dunning, id: 'dunning-x' } })).status).toBe(403);
    expect((await admin('PUT', '/rules/seat-special/draft', { document: { ...override, name: 'Seat special 2' } })).status).toBe(200);
    expect((await as(marketer, 'POST', '/rules/seat-special/publish', {})).status).toBe(403);
    expect((await as(marketer, 'DELETE', '/rules/seat-special/draft')).status).toBe(403);
    expect((await admin('GET', '/rules/seat-special')).body.draftVersion).toBe(2);
    expect((await admin('GET', '/rules')).body.data.map((r: { code: string }) => r.code)).not.toContain('cheap-seats');
  });

  it('cannot import a tax rule, and the import writes nothing', async () => {
    const r = await as(marketer, 'POST', '/catalog/import', { rules: [{ ...discount, id: 'imp-ok' }, { ...vat, id: 'vat-0' }] });
    expect(r.status).toBe(403);
    expect(r.body.issues[0].path).toBe('rules[1].kind');
    const codes = (await admin('GET', '/rules')).body.data.map((x: { code: string }) => x.code);
    expect(codes).not.toContain('imp-ok');
    expect(codes).not.toContain('vat-0');
  });

  it('still writes, publishes, imports and retires discounts', async () => {
    expect((await as(marketer, 'POST', '/rules', { document: discount })).status).toBe(201);
    expect((await as(marketer, 'POST', '/rules/spring-5/publish', { effectiveFrom: '2025-02-01' })).status).toBe(200);
    expect((await as(marketer, 'POST', '/catalog/import', { rules: [{ ...discount, id: 'imp-ok' }], effectiveFrom: '2025-02-01' })).body.created).toBe(1);
    expect((await as(marketer, 'POST', '/rules/spring-5/retire', { from: '2025-06-01' })).status).toBe(200);
  });
});

describe('a billing manager', () => {
  it('writes and publishes tax, dunning and price overrides, but not discounts', async () => {
    const v = await as(billing, 'PUT', '/rules/kr-vat/draft', { document: { ...vat, name: 'VAT 10%' } });
    expect(v.status).toBe(200);
    expect((await as(billing, 'POST', '/rules/kr-vat/publish', { effectiveFrom: '2025-03-01' })).status).toBe(200);
    expect((await as(billing, 'POST', '/rules', { document: { ...dunning, id: 'dunning-b' } })).status).toBe(201);
    expect((await as(billing, 'POST', '/rules/seat-special/publish', { effectiveFrom: '2025-03-01' })).status).toBe(200);
    expect((await as(billing, 'POST', '/rules', { document: { ...discount, id: 'billing-discount' } })).status).toBe(403);
  });
});

describe('the permission catalog', () => {
  it('lists the rule-kind permissions; only admin and billing manager hold tax and dunning', async () => {
    const codes = (await admin('GET', '/permissions')).body.data.map((p: { code: string }) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['rules:write', 'rules:write_tax', 'rules:write_dunning']));
    const groups = (await admin('GET', '/groups')).body.data as { code: string; permissions: string[] }[];
    const holders = groups.filter((g) => g.permissions.includes('rules:write_tax')).map((g) => g.code).sort();
    expect(holders).toEqual(['admin', 'billing_manager']);
  });
});
