import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { resolveAt } from '../../server/catalog/versions';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
  // Publishing refuses a usage component whose meter does not exist (issue 9).
  await t.call('POST', '/api/v1/meters', { key: DEMO_KEY, body: { code: 'search_calls', name: 'Search calls', aggregation: 'count' } });
});
afterAll(async () => { await t?.close(); });

const plan = (over: Record<string, unknown> = {}) => ({
  code: 'api-pro', name: 'API Pro', currency: 'USD', interval: 'month', intervalCount: 1,
  components: [
    { code: 'base', type: 'flat', amount: '20.00' },
    { code: 'search', type: 'usage', meter: 'search_calls', pricing: { model: 'graduated', tiers: [
      { upTo: '1000', unitAmount: '0' }, { upTo: null, unitAmount: '0.01', flatAmount: '2.00' }] } },
  ],
  ...over,
});
const rule = {
  id: 'corp-10', name: 'Corporate 10% off the base fee', kind: 'discount', priority: 10,
  conditions: { all: [{ fact: 'customer.type', operator: 'equal', value: 'corporate' }] },
  event: { type: 'discount', params: { percent: '10', target: { components: ['base'] } } },
};

describe('plans as versioned documents', () => {
  it('creates version 1 as a draft and lists it', async () => {
    const r = await t.call('POST', '/api/v1/plans', { key: DEMO_KEY, body: { document: plan() } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ code: 'api-pro', status: 'draft', draftVersion: 1, latestPublished: null });
    const list = await t.call('GET', '/api/v1/plans', { key: DEMO_KEY });
    expect(list.body.data.map((p: any) => p.code)).toContain('api-pro');
  });

  it('rejects an invalid plan with a 422 naming the JSON path, and stores nothing', async () => {
    const bad = plan({ code: 'bad-plan' }) as any;
    bad.components[1].pricing.tiers = [{ upTo: '1000', unitAmount: '0' }, { upTo: '500', unitAmount: '0.01' }, { upTo: null, unitAmount: '0.005' }];
    const r = await t.call('POST', '/api/v1/plans', { key: DEMO_KEY, body: { document: bad } });
    expect(r.status).toBe(422);
    expect(r.body.issues.map((i: any) => i.path)).toContain('document.components[1].pricing.tiers[1].upTo');
    expect((await t.call('GET', '/api/v1/plans/bad-plan', { key: DEMO_KEY })).status).toBe(404);
  });

  it('publishes with an effective date; editing makes a new draft and the published version never changes', async () => {
    const p1 = await t.call('POST', '/api/v1/plans/api-pro/publish', { key: DEMO_KEY, body: { effectiveFrom: '2025-01-01' } });
    expect(p1.status).toBe(200);
    expect(p1.body.latestPublished).toEqual({ version: 1, effectiveFrom: '2025-01-01' });
    const edited = plan({ name: 'API Pro 2025', components: [{ code: 'base', type: 'flat', amount: '25.00' }] });
    const d = await t.call('PUT', '/api/v1/plans/api-pro/draft', { key: DEMO_KEY, body: { document: edited } });
    expect(d.body.draftVersion).toBe(2);
    const v1 = await t.call('GET', '/api/v1/plans/api-pro/versions/1', { key: DEMO_KEY });
    expect(v1.body.document.components[0].amount).toBe('20.00');
    expect(v1.body.status).toBe('published');
    const p2 = await t.call('POST', '/api/v1/plans/api-pro/publish', { key: DEMO_KEY, body: { effectiveFrom: '2025-06-01' } });
    expect(p2.body.latestPublished.version).toBe(2);
  });

  it('refuses to change the code of a plan or back-date a publication', async () => {
    const r = await t.call('PUT', '/api/v1/plans/api-pro/draft', { key: DEMO_KEY, body: { document: plan({ code: 'other' }) } });
    expect(r.status).toBe(422);
    expect(r.body.issues[0].path).toBe('document.code');
    await t.call('PUT', '/api/v1/plans/api-pro/draft', { key: DEMO_KEY, body: { document: plan({ name: 'v3' }) } });
    const back = await t.call('POST', '/api/v1/plans/api-pro/publish', { key: DEMO_KEY, body: { effectiveFrom: '2025-03-01' } });
    expect(back.status).toBe(422);
    expect(back.body.issues[0].path).toBe('effectiveFrom');
    const discarded = await t.call('DELETE', '/api/v1/plans/api-pro/draft', { key: DEMO_KEY });
    expect(discarded.body.draftVersion).toBeNull();
    // The name and document follow the published version again.
    expect(discarded.body.name).toBe('API Pro 2025');
    expect(discarded.body.document).toEqual(discarded.body.publishedDocument);
  });

  it('resolves the version in effect at a period start', async () => {
    const at = async (d: string) => (await resolveAt<any>(t.handle.db, t.demoTenantId, 'plan', d)).find((p) => p.code === 'api-pro');
    expect(await at('2024-12-31')).toBeUndefined();
    expect((await at('2025-05-01'))!.version).toBe(1);
    expect((await at('2025-06-01'))!.version).toBe(2);
    expect((await at('2025-06-01'))!.document.components[0].amount).toBe('25.00');
  });

  it('shows a readable diff between two versions', async () => {
    const r = await t.call('GET', '/api/v1/plans/api-pro/diff?from=1&to=2', { key: DEMO_KEY });
    expect(r.status).toBe(200);
    expect(r.body.changes).toEqual(expect.arrayContaining([
      { path: 'name', op: 'changed', before: 'API Pro', after: 'API Pro 2025' },
      { path: 'components[0].amount', op: 'changed', before: '20.00', after: '25.00' },
      expect.objectContaining({ path: 'components[1]', op: 'removed' }),
    ]));
  });

  it('retires a plan from a date on', async () => {
    const r = await t.call('POST', '/api/v1/plans/api-pro/retire', { key: DEMO_KEY, body: { from: '2025-09-01' } });
    expect(r.body.status).toBe('retired');
    const at = async (d: string) => (await resolveAt(t.handle.db, t.demoTenantId, 'plan', d)).some((p) => p.code === 'api-pro');
    expect(await at('2025-08-01')).toBe(true);
    expect(await at('2025-09-01')).toBe(false);
  });

  it('audits every catalog write', async () => {
    const log = await t.call('GET', '/api/v1/audit-log?entityType=plan&entityId=api-pro&limit=100', { key: DEMO_KEY });
    expect(log.body.data.map((e: any) => e.action)).toEqual(expect.arrayContaining(['plan.create', 'plan.publish', 'plan.draft.create', 'plan.draft.discard', 'plan.retire']));
  });
});

describe('rules and roles', () => {
  it('lets a marketer write rules but not plans', async () => {
    const cookie = await t.login('marketer@demo.billwise.dev');
    const r = await t.call('POST', '/api/v1/rules', { cookie, body: { document: rule } });
    expect(r.status).toBe(201);
    const p = await t.call('POST', '/api/v1/plans', { cookie, body: { document: plan({ code: 'mkt-plan' }) } });
    expect(p.status).toBe(403);
  });

  it('rejects an unknown fact and a mismatched operator with their paths', async () => {
    const bad = { ...rule, id: 'bad-rule', conditions: { all: [
      { fact: 'customer.shoeSize', operator: 'equal', value: 42 },
      { fact: 'customer.type', operator: 'greaterThan', value: 3 }] } };
    const r = await t.call('POST', '/api/v1/rules', { key: DEMO_KEY, body: { document: bad } });
    expect(r.status).toBe(422);
    const paths = r.body.issues.map((i: any) => i.path);
    expect(paths).toContain('document.conditions.all[0].fact');
    expect(paths).toContain('document.conditions.all[1].operator');
  });
});

describe('export and import round-trip', () => {
  it('exports what is in effect and imports it into another tenant unchanged', async () => {
    await t.call('POST', '/api/v1/rules/corp-10/publish', { key: DEMO_KEY, body: { effectiveFrom: '2025-01-01' } });
    const exp = await t.call('GET', '/api/v1/catalog/export?date=2025-07-01', { key: DEMO_KEY });
    expect(exp.status).toBe(200);
    expect(exp.body.rules.map((r: any) => r.id)).toContain('corp-10');
    const other = await t.otherTenant('roundtrip');
    const imp = await t.call('POST', '/api/v1/catalog/import', { key: other.key, body: { plans: exp.body.plans, rules: exp.body.rules, effectiveFrom: '2025-01-01' } });
    expect(imp.status).toBe(200);
    expect(imp.body.created).toBe(exp.body.plans.length + exp.body.rules.length);
    const again = await t.call('POST', '/api/v1/catalog/import', { key: other.key, body: { plans: exp.body.plans, rules: exp.body.rules, effectiveFrom: '2025-01-01' } });
    expect(again.body).toMatchObject({ created: 0, updated: 0 });
    const exp2 = await t.call('GET', '/api/v1/catalog/export?date=2025-07-01', { key: other.key });
    const norm = (b: any) => JSON.stringify({ plans: b.plans.filter((p: any) => exp.body.plans.some((x: any) => x.code === p.code)), rules: b.rules.filter((r: any) => exp.body.rules.some((x: any) => x.id === r.id)) });
    expect(norm(exp2.body)).toBe(norm(exp.body));
  });

  it('keeps tenants apart: another tenant\'s plan is a 404', async () => {
    const other = await t.otherTenant('iso-cat');
    await t.call('POST', '/api/v1/plans', { key: other.key, body: { document: plan({ code: 'secret-plan' }) } });
    for (const [m, p, body] of [
      ['GET', '/api/v1/plans/secret-plan'], ['PUT', '/api/v1/plans/secret-plan/draft', { document: plan({ code: 'secret-plan' }) }],
      ['POST', '/api/v1/plans/secret-plan/publish', {}], ['GET', '/api/v1/plans/secret-plan/versions/1'],
    ] as [string, string, unknown?][]) {
      expect((await t.call(m, p, { key: DEMO_KEY, body })).status, `${m} ${p}`).toBe(404);
    }
  });
});
