/**
 * Name look-ups for ids that the list endpoints return bare (orders/subscriptions → customerId,
 * invoices → billTo/payerId). Loaded once per session (the API pages at most 500) and shared by
 * every page; `refresh()` after creating customers or payers.
 */
import { reactive, ref } from 'vue';
import { customersApi, payersApi, type Customer, type Payer } from '@/api/ops';

const customers = reactive(new Map<string, Customer>());
const payers = reactive(new Map<string, Payer>());
const loaded = ref(false);
let pending: Promise<void> | null = null;

async function load(force = false): Promise<void> {
  if (loaded.value && !force) return;
  if (pending && !force) return pending;
  pending = (async () => {
    const [c, p] = await Promise.allSettled([customersApi.list({ limit: 500, sort: 'name' }), payersApi.list({ limit: 500 })]);
    if (c.status === 'fulfilled') {
      customers.clear();
      for (const x of c.value.data) customers.set(x.id, x);
    }
    if (p.status === 'fulfilled') {
      payers.clear();
      for (const x of p.value.data) payers.set(x.id, x);
    }
    loaded.value = true;
  })();
  try {
    await pending;
  } finally {
    pending = null;
  }
}

export function useLookups() {
  void load();
  return {
    customers,
    payers,
    loaded,
    refresh: () => load(true),
    customerName: (id: string | null | undefined) => (id ? customers.get(id)?.name ?? id.slice(0, 8) : ''),
    payerName: (id: string | null | undefined) => (id ? payers.get(id)?.name ?? customers.get(id)?.name ?? id.slice(0, 8) : ''),
  };
}
