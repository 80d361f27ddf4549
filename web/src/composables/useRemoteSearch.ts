/**
 * Options of a remote-search select (`<el-select filterable remote :remote-method="search">`):
 * the server does the searching, so the picker works for any number of records. As in the list
 * pages, only the latest search lands; a failed search shows no options.
 */
import { shallowRef } from 'vue';
import { useLatestLoad } from '@/composables/useList';

export function useRemoteSearch<T>(find: (q: string) => Promise<T[]>) {
  const options = shallowRef<T[]>([]);
  let current = '';
  const { loading, load } = useLatestLoad(
    () => find(current).catch(() => [] as T[]),
    (found) => {
      options.value = found;
    },
  );

  function search(q: string): Promise<void> {
    current = q.trim();
    return load();
  }

  /** Puts `item` first unless it is listed already (the selected record of an edited form). */
  function include(item: T, same: (a: T, b: T) => boolean): void {
    if (!options.value.some((o) => same(o, item))) options.value = [item, ...options.value];
  }

  return { options, loading, search, include };
}
