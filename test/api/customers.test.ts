import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, DEMO_KEY, type TestApp } from '../support/app';
import { withCheckDigit } from '../../server/customers/brn';

let t: TestApp;
beforeAll(async () => { t = await makeTestApp(); });
afterAll(async () => { await t?.close(); });

const key = DEMO_KEY;
const BRN = withCheckDigit('220811234');
const corp = (externalId: string, extra: Record<string, unknown> = {}) => ({
  externalId, type: 'corporate', name: `주식회사 ${externalId}`, email: `${externalId}@corp.test`, businessRegNo: BRN, ...extra,
});

async function csvImport(csv: string, dryRun: boolean, asJson = false) {
  const res = await t.app.request(`/api/v1/customers/import?dryRun=${dryRun}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': asJson ? 'application/json' : 'text/csv' },
    body: asJson ? JSON.stringify({ csv }) : csv,
  });
  return { status: res.status, body: await res.json() as any };
}

describe('customers CRUD', () => {
  it('creates a corporate customer with its payer inline, using tenant defaults', async () => {
    const r = await t.call('POST', '/api/v1/customers', {
      key,
      body: {
        ...corp('C-100', { businessRegNo: BRN.replace(/-/g, '') }), tags: ['vip', 'vip', 'b2b'], attributes: { industry: 'saas', seats: 12 },
        contacts: [{ name: '김담당', email: 'Kim@Corp.test', isPrimary: true }, { name: '이부장', phone: '02-1234-5678' }],
        payer: { externalId: 'P-100', name: 'C-100 본사', paymentMethodType: 'bank_transfer', paymentMethodLabel: '국민은행 끝자리 1234' },
      },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      externalId: 'C-100', type: 'corporate', country: 'KR', currency: 'KRW', timezone: 'Asia/Seoul', businessRegNo: BRN,
      tags: ['vip', 'b2b'], attributes: { industry: 'saas', seats: 12 }, status: 'active', dunningExcluded: false,
    });
    expect(r.body.payer.name).toBe('C-100 본사');
    expect(r.body.contacts.map((c: any) => c.email)).toEqual(['kim@corp.test', null]);
    const payer = await t.call('GET', `/api/v1/payers/${r.body.payerId}`, { key });
    expect(payer.body).toMatchObject({ externalId: 'P-100', paymentMethodType: 'bank_transfer', customerCount: 1 });
  });

  it('lets one payer pay for several customers', async () => {
    const payers = await t.call('GET', '/api/v1/payers?q=P-100', { key });
    const payerId = payers.body.data[0].id;
    const r = await t.call('POST', '/api/v1/customers', { key, body: corp('C-101', { payerId }) });
    expect(r.status).toBe(201);
    expect((await t.call('GET', `/api/v1/payers/${payerId}`, { key })).body.customerCount).toBe(2);
    const list = await t.call('GET', `/api/v1/customers?payerId=${payerId}`, { key });
    expect(list.body.total).toBe(2);
    expect(list.body.data.map((c: any) => c.externalId).sort()).toEqual(['C-100', 'C-101']);
  });

  it('searches, filters and pages with a total', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await t.call('POST', '/api/v1/customers', { key, body: { externalId: `IND-${i}`, type: 'individual', name: `검색고객 ${i}`, segment: 'retail', tags: i % 2 ? ['odd'] : [] } });
      expect(r.status).toBe(201);
    }
    const page1 = await t.call('GET', '/api/v1/customers?q=검색고객&limit=2&sort=name', { key });
    expect(page1.body.total).toBe(5);
    expect(page1.body.data.map((c: any) => c.name)).toEqual(['검색고객 0', '검색고객 1']);
    const page3 = await t.call('GET', '/api/v1/customers?q=검색고객&limit=2&offset=4&sort=name', { key });
    expect(page3.body.data.map((c: any) => c.name)).toEqual(['검색고객 4']);
    expect((await t.call('GET', '/api/v1/customers?q=ind-&tag=odd', { key })).body.total).toBe(2);
    expect((await t.call('GET', '/api/v1/customers?type=individual&segment=retail', { key })).body.total).toBe(5);
    // LIKE wildcards in the search are literal.
    expect((await t.call('GET', '/api/v1/customers?q=%25%25', { key })).body.total).toBe(0);
  });

  it('patches fields and re-checks the cross-field rules on the merged customer', async () => {
    const c = await t.call('POST', '/api/v1/customers', { key, body: { externalId: 'SOLO-1', type: 'individual', name: '홍길동' } });
    const bad = await t.call('PATCH', `/api/v1/customers/${c.body.id}`, { key, body: { type: 'corporate' } });
    expect(bad.status).toBe(422);
    expect(bad.body.issues).toEqual([{ path: 'businessRegNo', message: expect.stringContaining('required') }]);
    const ok = await t.call('PATCH', `/api/v1/customers/${c.body.id}`, {
      key, body: { type: 'corporate', businessRegNo: BRN, billingGroup: 'cycle-15', dunningExcluded: true, attributes: { tier: 'gold' } },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ type: 'corporate', billingGroup: 'cycle-15', dunningExcluded: true, attributes: { tier: 'gold' } });
    const log = await t.call('GET', `/api/v1/audit-log?entityType=customer&entityId=${c.body.id}`, { key });
    expect(log.body.data.map((e: any) => e.action)).toEqual(['customer.update', 'customer.create']);
    expect(log.body.data[0].before.type).toBe('individual');
    expect(log.body.data[0].after.type).toBe('corporate');
  });

  it('answers 422 naming every bad field, including the 사업자등록번호 checksum', async () => {
    const r = await t.call('POST', '/api/v1/customers', {
      key,
      body: {
        externalId: 'has space', type: 'company', name: '', email: 'nope', country: 'Korea', currency: 'KRWX', timezone: 'Mars/Base',
        contacts: [{ name: '' }], attributes: { 'bad-name': 1 },
      },
    });
    expect(r.status).toBe(422);
    expect(r.body.issues.map((i: any) => i.path).sort()).toEqual(
      ['attributes.bad-name', 'contacts[0].name', 'country', 'currency', 'email', 'externalId', 'name', 'timezone', 'type'].sort(),
    );
    const brn = await t.call('POST', '/api/v1/customers', { key, body: corp('C-BAD', { businessRegNo: '220-81-12340' === BRN ? '220-81-12341' : '220-81-12340' }) });
    expect(brn.status).toBe(422);
    expect(brn.body.issues[0]).toMatchObject({ path: 'businessRegNo', message: expect.stringContaining('check digit') });
    const missing = await t.call('POST', '/api/v1/customers', { key, body: { externalId: 'C-NOBRN', type: 'corporate', name: 'x' } });
    expect(missing.body.issues[0].path).toBe('businessRegNo');
    // A corporate customer abroad needs no 사업자등록번호 (taxId where it applies).
    const abroad = await t.call('POST', '/api/v1/customers', { key, body: { externalId: 'C-US', type: 'corporate', name: 'Acme', country: 'US', currency: 'USD', taxId: '12-3456789' } });
    expect(abroad.status).toBe(201);
    const payer = await t.call('POST', '/api/v1/customers', { key, body: { externalId: 'C-PAY', type: 'individual', name: 'x', payer: { name: 'p', paymentMethodLabel: '4111 1111 1111 1111' } } });
    expect(payer.status).toBe(422);
    expect(payer.body.issues[0].path).toBe('payer.paymentMethodLabel');
  });

  it('answers 409 on a duplicate external id and 404 on an unknown id', async () => {
    const dup = await t.call('POST', '/api/v1/customers', { key, body: corp('C-100') });
    expect(dup.status).toBe(409);
    expect(dup.body.issues[0].path).toBe('externalId');
    expect((await t.call('GET', '/api/v1/customers/00000000-0000-4000-8000-000000000000', { key })).status).toBe(404);
    expect((await t.call('GET', '/api/v1/customers/not-a-uuid', { key })).status).toBe(422);
  });
});

describe('contracts', () => {
  it('creates and patches a contract with a decimal commitment kept exact', async () => {
    const c = (await t.call('GET', '/api/v1/customers?q=C-100', { key })).body.data[0];
    const r = await t.call('POST', '/api/v1/contracts', {
      key, body: { customerId: c.id, code: 'K-2025-001', termStart: '2025-01-01', termEnd: '2026-01-01', commitmentAmount: '12000000.50', discountNote: '연간 약정 10%' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ commitmentAmount: '12000000.5', currency: 'KRW', status: 'active', termEnd: '2026-01-01' });
    const p = await t.call('PATCH', `/api/v1/contracts/${r.body.id}`, { key, body: { status: 'terminated', commitmentAmount: '99999999999999999999.123456789012345' } });
    expect(p.body.commitmentAmount).toBe('99999999999999999999.123456789012345');
    const list = await t.call('GET', `/api/v1/contracts?customerId=${c.id}`, { key });
    expect(list.body.total).toBe(1);
  });

  it('validates the term, the amount and the customer', async () => {
    const c = (await t.call('GET', '/api/v1/customers?q=C-100', { key })).body.data[0];
    const r = await t.call('POST', '/api/v1/contracts', { key, body: { customerId: c.id, termStart: '2025-02-30', commitmentAmount: '-5' } });
    expect(r.status).toBe(422);
    expect(r.body.issues.map((i: any) => i.path).sort()).toEqual(['commitmentAmount', 'termStart']);
    const order = await t.call('POST', '/api/v1/contracts', { key, body: { customerId: c.id, termStart: '2025-06-01', termEnd: '2025-05-01' } });
    expect(order.body.issues).toEqual([{ path: 'termEnd', message: 'must be after termStart' }]);
    const nobody = await t.call('POST', '/api/v1/contracts', { key, body: { customerId: '00000000-0000-4000-8000-000000000000', termStart: '2025-01-01' } });
    expect(nobody.body.issues).toEqual([{ path: 'customerId', message: 'no such customer' }]);
  });
});

describe('CSV import and export', () => {
  const header = 'externalId,type,name,email,businessRegNo,country,tags,dunningExcluded,payerExternalId,attr.industry';
  it('a dry run reports every bad row with its line and column and stores nothing', async () => {
    const csv = [
      header,
      `CSV-1,corporate,"씨에스브이, 주식회사",a@csv.test,${BRN},KR,vip;b2b,false,P-100,saas`,
      'CSV-2,individual,"멀티',
      '라인 이름",b@csv.test,,,,,,',
      'CSV-3,corporate,법인,c@csv.test,123-45-67890,KR,,,,',
      'CSV-4,alien,x,not-an-email,,,,maybe,P-NONE,',
      'CSV-1,individual,dup,,,,,,,',
      'CSV-6,individual,short',
    ].join('\r\n');
    const before = (await t.call('GET', '/api/v1/customers', { key })).body.total;
    const r = await csvImport(csv, true);
    expect(r.status).toBe(200);
    expect(r.body.dryRun).toBe(true);
    expect(r.body.rows).toBe(6);
    const errs = r.body.errors.map((e: any) => `${e.line}:${e.field}`);
    expect(errs.sort()).toEqual(['5:businessRegNo', '6:dunningExcluded', '6:email', '6:payerExternalId', '6:type', '7:externalId', '8:null'].sort());
    expect((await t.call('GET', '/api/v1/customers', { key })).body.total).toBe(before);
  });

  it('a real import with a bad row answers 422 with all row errors and stores nothing', async () => {
    const csv = `${header}\nCSV-10,individual,좋은행,ok@csv.test,,,,,,\nCSV-11,individual,,bad,,,,,,\n`;
    const r = await csvImport(csv, false);
    expect(r.status).toBe(422);
    expect(r.body.issues).toEqual(expect.arrayContaining([
      expect.objectContaining({ path: 'csv[3].name', line: 3, field: 'name' }),
      expect.objectContaining({ path: 'csv[3].email', line: 3, field: 'email' }),
    ]));
    expect((await t.call('GET', '/api/v1/customers?q=CSV-10', { key })).body.total).toBe(0);
  });

  it('imports valid rows in one go (JSON body too), upserting by external id', async () => {
    const csv = `\uFEFF${header}\r\nCSV-20,corporate,"이십, 주식회사",x@csv.test,${BRN},KR,vip;b2b,yes,P-100,saas\r\nC-101,corporate,이름바뀜,,${BRN},KR,,,,\r\n`;
    const dry = await csvImport(csv, true, true);
    expect(dry.body).toMatchObject({ rows: 2, created: 1, updated: 1, errors: [] });
    const r = await csvImport(csv, false);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ dryRun: false, created: 1, updated: 1, errors: [] });
    const c20 = (await t.call('GET', '/api/v1/customers?q=CSV-20', { key })).body.data[0];
    expect(c20).toMatchObject({ name: '이십, 주식회사', tags: ['vip', 'b2b'], dunningExcluded: true, attributes: { industry: 'saas' } });
    expect(c20.payer.name).toBe('C-100 본사');
    const c101 = (await t.call('GET', '/api/v1/customers?q=C-101', { key })).body.data[0];
    expect(c101.name).toBe('이름바뀜');
    expect(c101.payerId).toBeNull();
  });

  it('exports CSV that imports back unchanged', async () => {
    const res = await t.app.request('/api/v1/customers/export', { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM, so Excel reads UTF-8
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    expect(text).toContain('"이십, 주식회사"');
    const again = await csvImport(text, true);
    expect(again.body.errors).toEqual([]);
    expect(again.body.created).toBe(0);
  });

  it('keeps a payer without an external id through an export and a real re-import', async () => {
    const r = await t.call('POST', '/api/v1/customers', { key, body: corp('C-300', { payer: { name: 'No-code payer' } }) });
    expect(r.status).toBe(201);
    expect(r.body.payerId).toBeTruthy();
    const res = await t.app.request('/api/v1/customers/export', { headers: { authorization: `Bearer ${key}` } });
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(new Uint8Array(await res.arrayBuffer()));
    const imported = await csvImport(text, false);
    expect(imported.body.errors).toEqual([]);
    const after = await t.call('GET', `/api/v1/customers/${r.body.id}`, { key });
    expect(after.body.payerId).toBe(r.body.payerId);
  });
});

describe('roles', () => {
  it('gives an executive reads and a 403 on every customer write', async () => {
    const cookie = await t.login('exec@demo.billwise.dev');
    expect((await t.call('GET', '/api/v1/customers', { cookie })).status).toBe(200);
    const c = (await t.call('GET', '/api/v1/customers?q=C-100', { key })).body.data[0];
    const writes: [string, string, unknown][] = [
      ['POST', '/api/v1/customers', corp('EXEC-1')],
      ['PATCH', `/api/v1/customers/${c.id}`, { name: 'x' }],
      ['POST', '/api/v1/payers', { name: 'x' }],
      ['PATCH', `/api/v1/payers/${c.payerId}`, { name: 'x' }],
      ['POST', '/api/v1/contracts', { customerId: c.id, termStart: '2025-01-01' }],
      ['POST', '/api/v1/customers/import?dryRun=true', { csv: 'externalId,type,name\n' }],
    ];
    for (const [m, p, body] of writes) {
      const r = await t.call(m, p, { cookie, body });
      expect(r.status, `${m} ${p}`).toBe(403);
    }
  });
});
