/**
 * Options of a remote-search select (`<el-select filterable remote :remote-method="search">`):
 * the server does the searching, so the picker works for any number of records. A slower answer
 * to an earlier keystroke never replaces the options of a later one; a failed search shows none.
 */
import { ref, shallowRef } from 'vue';

export function useRemoteSearch<T>(find: (q: string) => Promise<T[]>) {
  const options = shallowRef<T[]>([]);
  const loading = ref(false);
  let latest = 0;

  async function search(q: string): Promise<void> {
    const mine = ++latest;
    loading.value = true;
    let found: T[] = [];
    try {
      found = await find(q.trim());
    } catch {
      found = [];
    }
    if (mine !== latest) return;
    options.value = found;
    loading.value = false;
  }

  /** Puts `item` first unless it is listed already (the selected record of an edited form). */
  function include(item: T, same: (a: T, b: T) => boolean): void {
    if (!options.value.some((o) => same(o, item))) options.value = [item, ...options.value];
  }

  return { options, loading, search, include };
}
