/**
 * Form fields get human messages, never a regular expression: a bill-run group code with a space,
 * a negative quantity and a negative percentage (zod reports a failed pattern of the string branch
 * of a union with its pattern unless the branch carries the message), in English and Korean.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_KEY, makeTestApp, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => { t = await makeTestApp(); }, 300_000);
afterAll(async () => t?.close());

const plan = { code: 'fm-plan', name: 'FM', currency: 'KRW', interval: 'month', intervalCount: 1,
  components: [{ code: 'seats', type: 'quantity', quantityKey: 'seats', pricing: { model: 'standard', unitAmount: '1000' } }] };
const messages = (body: { issues?: Array<{ path: string; message: string }> }) => (body.issues ?? []).map((i) => `${i.path}: ${i.message}`);

describe('human messages on form fields', () => {
  it('a bill-run group code with a space names the allowed characters', async () => {
    for (const [lang, text] of [['en', 'letters, digits, _ or -'], ['ko', '영문, 숫자, _, -만 쓸 수 있습니다']] as const) {
      const r = await t.call('PUT', '/api/v1/bill-run-groups/bad%20code', { key: DEMO_KEY, body: { name: 'x', cycleDay: 1, mode: 'calendar' }, headers: { 'accept-language': lang } });
      expect(r.status).toBe(422);
      expect(messages(r.body).join('\n')).toContain(text);
      expect(messages(r.body).join('\n')).not.toMatch(/pattern|\^|\$\//);
    }
  });

  it('a negative quantity and a negative percentage say what is allowed', async () => {
    const preview = await t.call('POST', '/api/v1/rating/preview', {
      key: DEMO_KEY,
      body: { currency: 'KRW', period: { start: '2025-05-01', end: '2025-06-01' }, rules: [],
        subscriptions: [{ plan, startDate: '2025-01-01', cycleIndex: 2, quantities: { seats: '-3' } }] },
    });
    expect(preview.status).toBe(422);
    const q = messages(preview.body).find((m) => m.includes('quantities.seats'));
    expect(q).toContain('must be a non-negative number or decimal string');
    expect(q).not.toMatch(/pattern/);

    const rule = { id: 'fm-neg', name: 'neg', kind: 'discount', priority: 1, conditions: { all: [] }, event: { type: 'discount', params: { percent: '-5' } } };
    const r = await t.call('POST', '/api/v1/rules', { key: DEMO_KEY, body: { document: rule }, headers: { 'accept-language': 'ko' } });
    expect(r.status).toBe(422);
    const p = messages(r.body).find((m) => m.includes('percent'));
    expect(p).toBeTruthy();
    expect(p).not.toMatch(/pattern|\^/);
  });
});
