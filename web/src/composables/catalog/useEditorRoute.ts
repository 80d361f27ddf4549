/**
 * The route side of the plan and rule editor pages: the entry's code from `:code` (`new` creates
 * one), loading it (or a blank document) whenever the code changes, and saving — a created entry
 * then replaces the `new` route with its own code.
 */
import { computed, ref, watch } from 'vue';
import { useRoute, useRouter } from 'vue-router';
import type { CatalogEntryDetail } from '@/api/catalog';
import type { useCatalogEditor } from './useCatalogEditor';

export function useEditorRoute<D extends object>(
  ed: ReturnType<typeof useCatalogEditor<D>>,
  /** Name of the editor's route (with a `:code` param). */
  routeName: string,
  /** Runs after a successful save, before a new entry's route replaces `new`. */
  onSaved?: (entry: CatalogEntryDetail<D>) => void,
) {
  const route = useRoute();
  const router = useRouter();
  const tab = ref('form');
  const code = computed(() => String(route.params.code ?? 'new'));
  const isNew = computed(() => code.value === 'new');

  watch(code, (c) => {
    tab.value = 'form';
    if (c === 'new') ed.reset();
    else void ed.load(c);
  }, { immediate: true });

  async function save(): Promise<void> {
    const created = isNew.value;
    const e = await ed.save();
    if (!e) return;
    onSaved?.(e);
    if (created) await router.replace({ name: routeName, params: { code: e.code } });
  }

  return { tab, code, isNew, save };
}
