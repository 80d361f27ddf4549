/**
 * The list side of a versioned-document catalog (plans, rules): the entries, a search over code
 * and name, and a page-specific filter (a rule's kind, a plan's status), all on the client since
 * the catalog endpoints answer every entry at once.
 */
import { computed, ref } from 'vue';
import type { CatalogEntry } from '@/api/catalog';
import { useList } from '@/composables/useList';

export function useDocumentList<D>(
  fetch: () => Promise<{ data: CatalogEntry<D>[] }>,
  /** The page's own filter on top of the search; every entry passes when absent. */
  keep: (entry: CatalogEntry<D>) => boolean = () => true,
) {
  const list = useList(fetch);
  const query = ref('');
  const rows = computed(() => {
    const q = query.value.trim().toLowerCase();
    return list.rows.value.filter((e) => keep(e) && (!q || e.code.toLowerCase().includes(q) || e.name.toLowerCase().includes(q)));
  });
  return { entries: list.rows, rows, query, loading: list.loading, loadError: list.loadError, load: list.load };
}
