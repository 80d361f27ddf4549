/**
 * Names for the ids that list endpoints return bare (orders and subscriptions → customerId,
 * invoices and bill runs → billTo, a payer's or a customer's id). Each id is fetched once, when a
 * page first asks for its name, and kept for the session; nothing is loaded up front, so there is
 * no cap on how many customers or payers a tenant has. Until the name arrives the short id shows.
 */
import { defineStore } from 'pinia';
import { reactive } from 'vue';
import { customersApi, payersApi } from '@/api/ops';
import { permissionsApi } from '@/api/common';
import { useLocaleStore } from './locale';

const shortId = (id: string) => id.slice(0, 8);

export const useLookupStore = defineStore('lookups', () => {
  /** id → name; `null` while being fetched or when the id names nothing of that kind. */
  const customers = reactive(new Map<string, string | null>());
  const payers = reactive(new Map<string, string | null>());

  async function fetchName(map: Map<string, string | null>, id: string, get: (id: string) => Promise<{ name: string }>): Promise<string | null> {
    map.set(id, null);
    try {
      const name = (await get(id)).name;
      map.set(id, name);
      return name;
    } catch {
      // Stays null, asked once: retrying from a render would loop while the server is away.
      return null;
    }
  }

  function customerName(id: string | null | undefined): string {
    if (!id) return '';
    if (!customers.has(id)) void fetchName(customers, id, customersApi.get);
    return customers.get(id) ?? shortId(id);
  }

  /** A bill-to id is a payer's, or a customer's who pays for itself. */
  function payerName(id: string | null | undefined): string {
    if (!id) return '';
    if (!payers.has(id)) {
      void fetchName(payers, id, payersApi.get).then((name) => {
        if (name === null && payers.has(id)) customerName(id);
      });
    }
    return payers.get(id) ?? customers.get(id) ?? shortId(id);
  }

  /** Permission code → its ko/en label (GET /permissions, asked once per session). */
  const permissionLabels = reactive(new Map<string, { ko: string; en: string }>());
  let permissionsAsked = false;
  /**
   * A permission as people read it ("Manage tax rules", "세금 룰 관리"), for notices that name the
   * permission a change needs; the code until the catalog arrives (or if it names nothing).
   */
  function permissionLabel(code: string): string {
    if (!permissionsAsked) {
      permissionsAsked = true;
      void permissionsApi.list().then((r) => {
        for (const p of r.data) permissionLabels.set(p.code, p.label);
      }).catch(() => { permissionsAsked = false; });
    }
    const l = permissionLabels.get(code);
    return l ? l[useLocaleStore().locale] : code;
  }

  /** After creating or renaming customers or payers: names are fetched again when next shown. */
  function forget(): void {
    customers.clear();
    payers.clear();
  }

  return { customerName, payerName, permissionLabel, forget };
});
