/**
 * The executive dashboard's data: every analytics report for the chosen months and filters,
 * loaded together, and loaded again (debounced) whenever the live stream says something changed.
 */
import { computed, ref } from 'vue';
import { analytics, type CohortReport, type MrrReport, type PaymentPatterns, type PromotionRoi, type ReceivablesReport, type RetryRecovery, type RevenueMix } from '@/api/analytics';
import { errorMessage } from '@/composables/useServerErrors';

export interface DashboardFilters { range: [string, string]; planCode: string; customerType: string; segment: string }

export function useDashboardData(filters: () => DashboardFilters) {
  const mrr = ref<MrrReport | null>(null);
  const cohorts = ref<CohortReport | null>(null);
  const receivables = ref<ReceivablesReport | null>(null);
  const payments = ref<PaymentPatterns | null>(null);
  const promotions = ref<PromotionRoi | null>(null);
  const revenueMix = ref<RevenueMix | null>(null);
  const recovery = ref<RetryRecovery | null>(null);
  const loading = ref(false);
  /** Counts loads, so parts that fetch their own report (the reporting-currency card) reload with the rest. */
  const version = ref(0);
  const error = ref('');

  const query = () => {
    const f = filters();
    return { from: f.range[0], to: f.range[1], planCode: f.planCode || undefined, customerType: (f.customerType || undefined) as never, segment: f.segment || undefined };
  };
  async function load(quiet = false) {
    if (!quiet) loading.value = true;
    error.value = '';
    version.value++;
    try {
      const q = query();
      [mrr.value, cohorts.value, receivables.value, payments.value, promotions.value, revenueMix.value, recovery.value] = await Promise.all([
        analytics.mrr(q), analytics.cohorts(q), analytics.receivables(q), analytics.paymentPatterns(q), analytics.promotions(q), analytics.revenueMix(q), analytics.retryRecovery(q),
      ]);
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }
  let timer: ReturnType<typeof setTimeout> | null = null;
  function reloadSoon() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void load(true), 800);
  }

  /** Every currency any report mentions, sorted. */
  const currencies = computed(() => [...new Set([
    ...(mrr.value?.mrr ?? []).map((x) => x.currency), ...(receivables.value?.billedVsCollected ?? []).map((x) => x.currency),
    ...(payments.value?.methodMix ?? []).map((x) => x.currency),
  ])].sort());
  return { mrr, cohorts, receivables, payments, promotions, revenueMix, recovery, loading, error, load, reloadSoon, currencies, query, version };
}
