/** The fact catalog (/rules/facts), loaded once per session and shared by every condition builder. */
import { computed, ref } from 'vue';
import { rulesApi, type Fact } from '@/api/catalog';
import { useLocaleStore } from '@/stores/locale';

const facts = ref<Fact[]>([]);
let loading: Promise<void> | null = null;

export function useFacts() {
  const loc = useLocaleStore();
  if (!loading) {
    loading = rulesApi.facts().then((r) => { facts.value = r.data; }).catch(() => { loading = null; });
  }
  const byName = computed(() => new Map(facts.value.map((f) => [f.name, f])));
  /** The catalog entry for a fact name; dynamic facts (`usage.<meter>`) match by prefix. */
  function factFor(name: string): Fact | undefined {
    return byName.value.get(name) ?? facts.value.find((f) => f.prefix && name.startsWith(f.name));
  }
  function factLabel(f: Fact): string {
    return loc.locale === 'en' ? f.label.en : f.label.ko;
  }
  return { facts, factFor, factLabel, ready: () => loading };
}
