/**
 * The state of a list page: rows, `loading`, `loadError` (shown as `common.loadFailed`) and a
 * `load()` for `onMounted`, the refresh button and the pagination. Only the latest load lands:
 * a response (or error) of a load that a newer one has overtaken is dropped, so a slow answer to
 * an old filter never replaces the rows of the current one.
 */
import { reactive, ref, type Ref } from 'vue';
import { errorMessage } from '@/composables/errorMessage';

/** Paging as the API takes it. */
export interface Paging {
  limit: number;
  offset: number;
}

/** Runs `fetch` behind `loading` / `loadError` and hands the latest load's result to `land`. */
export function useLatestLoad<R>(fetch: () => Promise<R>, land: (result: R) => void) {
  const loading = ref(false);
  const loadError = ref('');
  let latest = 0;

  async function load(): Promise<void> {
    const mine = ++latest;
    loading.value = true;
    loadError.value = '';
    try {
      const r = await fetch();
      if (mine === latest) land(r);
    } catch (e) {
      if (mine === latest) loadError.value = errorMessage(e);
    } finally {
      if (mine === latest) loading.value = false;
    }
  }

  return { loading, loadError, load };
}

/**
 * A whole list read at once (`{ data }`); filtering, if any, happens on the page.
 * `const { rows, loading, loadError, load } = useList(() => metersApi.list());`
 */
export function useList<T>(fetch: () => Promise<{ data: T[] }>) {
  const rows = ref([]) as Ref<T[]>;
  const { loading, loadError, load } = useLatestLoad(fetch, (r) => {
    rows.value = r.data;
  });
  return { rows, loading, loadError, load };
}

/**
 * A server-paged list (`{ data, total }`). `page` binds to `el-pagination`
 * (`v-model:current-page="page.current"`, `v-model:page-size="page.size"`,
 * `@current-change="load"`, `@size-change="search"`); `search()` goes back to page 1 and loads,
 * for filter changes. `fetch` reads the page's own filters and spreads the paging into the query:
 * `usePagedList((paging) => ordersApi.list({ status: filters.status || undefined, ...paging }))`.
 */
export function usePagedList<T>(
  fetch: (paging: Paging) => Promise<{ data: T[]; total: number }>,
  options: { size?: number } = {},
) {
  const rows = ref([]) as Ref<T[]>;
  const total = ref(0);
  const page = reactive({ current: 1, size: options.size ?? 50 });
  const { loading, loadError, load } = useLatestLoad(
    () => fetch({ limit: page.size, offset: (page.current - 1) * page.size }),
    (r) => {
      rows.value = r.data;
      total.value = r.total;
    },
  );

  function search(): void {
    page.current = 1;
    void load();
  }

  return { rows, total, loading, loadError, page, load, search };
}
