/**
 * The console's API layer against the real API over HTTP. The typed client (web/src/api/client.ts):
 * path parameters filled and encoded, query parameters sent, problem+json turned into an ApiError
 * with its field issues in the console's language, the 401 handler called except for /auth/*.
 * The look-up store (web/src/stores/lookups.ts): names fetched on demand for any id, a bill-to id
 * resolved as a payer or else as a customer.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { useLookupStore } from '@/stores/lookups';
import { payersApi } from '@/api/ops';
import { api, ApiError, setUnauthorizedHandler } from '@/api/client';
import { customersApi } from '@/api/ops';
import { authApi } from '@/api/common';
import { i18n } from '@/locales';
import { startConsoleServer, type ConsoleServer } from './console-server';
import { DEMO_KEY } from '../../support/app';

let s: ConsoleServer;
beforeAll(async () => {
  s = await startConsoleServer();
});
afterAll(async () => {
  setUnauthorizedHandler(null);
  await s?.close();
});

async function apiError(p: Promise<unknown>): Promise<ApiError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
}

describe('the typed client', () => {
  it('creates, reads (path parameter) and searches (query parameters) a customer', async () => {
    const created = await customersApi.create({ externalId: 'C/1:x', type: 'individual', name: '김 고객', country: 'KR', currency: 'KRW' });
    expect((await customersApi.get(created.id)).externalId).toBe('C/1:x');
    const found = await customersApi.list({ q: 'C/1:x', limit: 5 });
    expect(found.data.map((c) => c.id)).toEqual([created.id]);
    expect(found.total).toBe(1);
  });

  it('turns a 422 into an ApiError naming each field, worded in the console language', async () => {
    i18n.global.locale.value = 'en';
    const en = await apiError(customersApi.create({ externalId: '', type: 'individual', name: '' }));
    expect(en.status).toBe(422);
    expect(en.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['externalId', 'name']));
    i18n.global.locale.value = 'ko';
    const ko = await apiError(customersApi.create({ externalId: '', type: 'individual', name: '' }));
    expect(ko.code).toBe(en.code);
    expect(ko.title).not.toBe(en.title);
    expect(ko.title).toMatch(/[가-힣]/);
  });

  it('calls the 401 handler on an unauthenticated request, but not for /auth/*', async () => {
    const seen: string[] = [];
    setUnauthorizedHandler((e) => seen.push(e.code));
    s.useCredentials(null);
    try {
      expect((await apiError(customersApi.list({}))).status).toBe(401);
      expect(seen).toEqual(['UNAUTHENTICATED']);
      expect((await apiError(authApi.me())).status).toBe(401);
      expect(seen).toHaveLength(1);
    } finally {
      s.useCredentials({ key: DEMO_KEY });
      setUnauthorizedHandler(null);
    }
  });
});

/**
 * Compile-time checks of the client's types, never run: `npx tsc --noEmit -p tsconfig.json` (which
 * covers test/) fails on any @ts-expect-error below that stops being an error, i.e. if the
 * generated types stopped constraining paths, parameters, bodies or responses.
 */
export async function clientTypeChecks(): Promise<number> {
  // @ts-expect-error no such path
  await api.get('/invoice/{id}', { path: { id: 'x' } });
  // @ts-expect-error the path parameter is required
  await api.get('/invoices/{id}');
  // @ts-expect-error status is an enum
  await api.get('/invoices', { query: { status: 'open' } });
  // @ts-expect-error a customer needs an externalId
  await api.post('/customers', { body: { type: 'individual', name: 'x' } });
  const inv = await api.get('/invoices/{id}', { path: { id: 'x' } });
  // @ts-expect-error money is a decimal string, never a number
  const n: number = inv.total;
  return n;
}

describe('useLookupStore', () => {
  it('names customers and payers on demand, a bill-to id as a payer or else a customer', async () => {
    setActivePinia(createPinia());
    const lookups = useLookupStore();
    const payer = await payersApi.create({ name: '재무팀' });
    const self = await customersApi.create({ externalId: 'SELF-1', type: 'individual', name: '스스로 내는 고객' });
    const missing = '00000000-0000-4000-8000-000000000000';

    expect(lookups.payerName(payer.id)).toBe(payer.id.slice(0, 8));
    expect(lookups.payerName(self.id)).toBe(self.id.slice(0, 8));
    expect(lookups.customerName(missing)).toBe('00000000');
    await vi.waitFor(() => {
      expect(lookups.payerName(payer.id)).toBe('재무팀');
      expect(lookups.payerName(self.id)).toBe('스스로 내는 고객');
      expect(lookups.customerName(self.id)).toBe('스스로 내는 고객');
    });
    expect(lookups.customerName(missing)).toBe('00000000');

    await customersApi.update(self.id, { name: '새 이름' });
    lookups.forget();
    lookups.customerName(self.id);
    await vi.waitFor(() => expect(lookups.customerName(self.id)).toBe('새 이름'));
  });
});
