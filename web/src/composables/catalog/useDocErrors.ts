/**
 * Server validation issues of a whole document (plan or rule) keyed by their path relative to the
 * document (`components[1].pricing.tiers[0].upTo`), so every nested field can show its own
 * message. Issues that no field shows (`known` says which paths have a field) go above the form.
 */
import { computed, ref } from 'vue';
import { ApiError } from '@/api/client';
import { errorMessage } from '@/composables/useServerErrors';
import { relativePath } from './documents';

export interface DocIssue { path: string; message: string }

export function useDocErrors(known: (path: string) => boolean) {
  const issues = ref<DocIssue[]>([]);
  const general = ref('');

  function clear() {
    issues.value = [];
    general.value = '';
  }

  function apply(e: unknown) {
    clear();
    if (e instanceof ApiError && e.issues.length) {
      issues.value = e.issues.map((i) => ({ path: relativePath(i.path), message: i.message }));
    } else {
      general.value = errorMessage(e);
    }
  }

  /** Messages for exactly this path. */
  function err(path: string): string {
    return issues.value.filter((i) => i.path === path).map((i) => i.message).join('; ');
  }

  /** Messages for this path or anything below it. */
  function errUnder(path: string): string {
    return issues.value
      .filter((i) => i.path === path || i.path.startsWith(`${path}.`) || i.path.startsWith(`${path}[`))
      .map((i) => i.message).join('; ');
  }

  const unmatched = computed(() => issues.value.filter((i) => !known(i.path)));

  return { issues, general, unmatched, clear, apply, err, errUnder };
}
