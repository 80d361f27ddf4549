/** Plan codes and names for pickers (plan facts, discount targets, rule tests), loaded once. */
import { ref } from 'vue';
import { plansApi, type CatalogEntry, type PlanDoc } from '@/api/catalog';

const plans = ref<CatalogEntry<PlanDoc>[]>([]);
let loading: Promise<void> | null = null;

export function usePlanOptions() {
  if (!loading) {
    loading = plansApi.list().then((r) => { plans.value = r.data; }).catch(() => { loading = null; });
  }
  function reload() {
    loading = plansApi.list().then((r) => { plans.value = r.data; }).catch(() => { loading = null; });
    return loading;
  }
  return { plans, reload };
}
