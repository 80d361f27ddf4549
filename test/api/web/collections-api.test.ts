/**
 * The console's collections API layer (web/src/api/collections.ts) against the real API over
 * HTTP: payment methods through the sandbox card form's request, default and removal, a virtual
 * account's simulated deposit, recording and refunding a payment, and field errors in Korean.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '@/api/client';
import { customersApi } from '@/api/ops';
import { paymentMethodsApi, paymentsApi } from '@/api/collections';
import { i18n } from '@/locales';
import { startConsoleServer, type ConsoleServer } from './console-server';

let s: ConsoleServer;
let customerId: string;
beforeAll(async () => {
  s = await startConsoleServer();
  customerId = (await customersApi.create({ externalId: 'PAY-1', type: 'individual', name: '김 납부', country: 'KR', currency: 'KRW' })).id;
}, 120_000);
afterAll(async () => { await s?.close(); });

const apiError = async (p: Promise<unknown>) => {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(ApiError);
  return e as ApiError;
};

describe('payment methods from the console', () => {
  it('adds sandbox cards, switches the default, removes one', async () => {
    const a = await paymentMethodsApi.add(customerId, { type: 'card', provider: 'sandbox', autoCollect: true, card: { number: '4242 4242 4242 4242', expMonth: 12, expYear: 2099 } });
    expect(a).toMatchObject({ brand: 'visa', last4: '4242', isDefault: true, autoCollect: true });
    const b = await paymentMethodsApi.add(customerId, { type: 'card', provider: 'sandbox', autoCollect: false, card: { number: '4000000000009995', expMonth: 1, expYear: 2099 } });
    await paymentMethodsApi.update(b.id, { isDefault: true });
    expect((await paymentMethodsApi.list(customerId)).data.map((m) => [m.last4, m.isDefault])).toEqual([['9995', true], ['4242', false]]);
    await paymentMethodsApi.remove(a.id);
    expect((await paymentMethodsApi.list(customerId)).data).toHaveLength(1);
  });

  it('a bad card number is a field error on card.number, in Korean for the Korean console', async () => {
    i18n.global.locale.value = 'ko';
    const e = await apiError(paymentMethodsApi.add(customerId, { type: 'card', provider: 'sandbox', autoCollect: false, card: { number: '1234567812345678', expMonth: 1, expYear: 2099 } }));
    expect(e.status).toBe(422);
    expect(e.issues.map((i) => i.path)).toEqual(['card.number']);
    expect(e.issues[0].message).toMatch(/[가-힣]/);
    i18n.global.locale.value = 'en';
  });

  it('a sandbox virtual account takes a simulated deposit', async () => {
    const va = await paymentMethodsApi.add(customerId, { type: 'virtual_account', provider: 'sandbox', autoCollect: false });
    expect(va.accountNumber).toMatch(/^990\d{12}$/);
    expect((await paymentMethodsApi.sandboxDeposit(va.id, { amount: '30000', depositorName: '김납부' })).ref).toMatch(/^sbx_dep_/);
    expect((await apiError(paymentMethodsApi.sandboxDeposit(va.id, { amount: '0.5' }))).issues.map((i) => i.path)).toEqual(['amount']);
  });
});

describe('payments from the console', () => {
  it('records a payment (it becomes prepaid balance: nothing is owed) and refunds part of it', async () => {
    const p = await paymentsApi.record({ billTo: customerId, method: 'bank_transfer', amount: '10000', currency: 'KRW', status: 'succeeded' });
    expect(p).toMatchObject({ amount: '10000', walletCredited: '10000', refundableAmount: '0' });
    const found = await paymentsApi.list({ billTo: customerId, method: 'bank_transfer' });
    expect(found.data.map((x) => x.id)).toEqual([p.id]);
    const e = await apiError(paymentsApi.refund(p.id, { amount: '1', reason: 'x', destination: 'original' }));
    expect(e.issues.map((i) => i.path)).toEqual(['amount']);
    expect((await paymentsApi.get(p.id)).refunds).toEqual([]);
  });
});
