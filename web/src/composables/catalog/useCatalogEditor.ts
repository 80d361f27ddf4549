/**
 * Shared state of the plan and rule editors: load the entry, edit its draft (or latest) document,
 * dirty tracking, create / save draft with the server's issues on the fields.
 */
import { computed, ref, shallowRef, type Ref } from 'vue';
import { ElMessage } from 'element-plus';
import { i18n } from '@/locales';
import type { CatalogEntryDetail } from '@/api/catalog';
import { errorMessage } from '@/composables/useServerErrors';
import { cleanDoc, clone } from './documents';
import { useDocErrors } from './useDocErrors';

export interface CatalogOps<D> {
  get: (code: string) => Promise<CatalogEntryDetail<D>>;
  create: (doc: D) => Promise<CatalogEntryDetail<D>>;
  saveDraft: (code: string, doc: D) => Promise<CatalogEntryDetail<D>>;
}

export function useCatalogEditor<D extends object>(ops: CatalogOps<D>, blank: () => D, known: (p: string) => boolean) {
  const entry = shallowRef<CatalogEntryDetail<D> | null>(null);
  const doc = ref(blank()) as unknown as Ref<D>;
  const savedJson = ref(JSON.stringify(cleanDoc(doc.value)));
  const loading = ref(false);
  const saving = ref(false);
  const loadError = ref('');
  const errors = useDocErrors(known);

  const dirty = computed(() => JSON.stringify(cleanDoc(doc.value)) !== savedJson.value);

  function adopt(e: CatalogEntryDetail<D>) {
    entry.value = e;
    const v = e.draftVersion ?? e.latestPublished?.version;
    const version = e.versions.find((x) => x.version === v) ?? [...e.versions].sort((a, b) => b.version - a.version)[0];
    doc.value = clone((version?.document ?? e.document ?? blank()) as D);
    savedJson.value = JSON.stringify(cleanDoc(doc.value));
  }

  async function load(code: string) {
    loading.value = true;
    loadError.value = '';
    errors.clear();
    try {
      adopt(await ops.get(code));
    } catch (e) {
      loadError.value = errorMessage(e);
    } finally {
      loading.value = false;
    }
  }

  function reset() {
    entry.value = null;
    doc.value = blank();
    savedJson.value = JSON.stringify(cleanDoc(doc.value));
    errors.clear();
  }

  /** Creates (new) or saves the draft; returns the entry on success. */
  async function save(): Promise<CatalogEntryDetail<D> | null> {
    saving.value = true;
    errors.clear();
    try {
      const body = cleanDoc(doc.value);
      const e = entry.value ? await ops.saveDraft(entry.value.code, body) : await ops.create(body);
      adopt(e);
      ElMessage.success(i18n.global.t('catalog.savedDraft', { v: e.draftVersion ?? '' }));
      return e;
    } catch (e) {
      errors.apply(e);
      return null;
    } finally {
      saving.value = false;
    }
  }

  function replaceDoc(d: Record<string, unknown>) {
    doc.value = d as D;
  }

  return { entry, doc, dirty, loading, saving, loadError, errors, load, reset, save, replaceDoc };
}
