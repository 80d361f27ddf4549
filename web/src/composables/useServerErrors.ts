/**
 * Puts server validation issues (problem+json `issues[].path`) on the matching form fields.
 * Bind `:error="fieldErrors['admin.email']"` on each `el-form-item`; issues whose path matches no
 * field are kept in `formError` and shown above the form, so nothing the server says is lost.
 */
import { nextTick, reactive, ref } from 'vue';
import { ElMessage } from 'element-plus';
import { ApiError } from '@/api/client';
import { i18n } from '@/locales';
import { errorMessage } from '@/composables/errorMessage';

/** `groupIds[2]` → `groupIds`; `$`/empty → ''. */
export function normalizePath(path: string): string {
  if (path === '$') return '';
  return path.replace(/\[\d+\]/g, '').replace(/^\$\.?/, '').replace(/^\//, '').replace(/\//g, '.');
}

// In its own module (no Element Plus) so that useList, and the unit tests of the list composables,
// do not load all of Element Plus for one function.
export { errorMessage };

/** Shows any error as a toast (for actions without a form). */
export function notifyError(e: unknown): void {
  ElMessage.error({ message: errorMessage(e), grouping: true });
}

export function useServerErrors<F extends string>(fields: readonly F[]) {
  // Plain string keys inside; callers see only their field names.
  const fieldErrors = reactive<Record<string, string>>({}) as Record<F, string>;
  const formError = ref('');

  function clear() {
    for (const f of fields) fieldErrors[f] = '';
    formError.value = '';
  }
  clear();

  /** Shows an error from a submit: issues on their fields, the rest above the form. */
  async function apply(e: unknown): Promise<void> {
    clear();
    // el-form-item only reacts to a change of `error`, so set it after the clear has rendered.
    await nextTick();
    if (e instanceof ApiError && e.issues.length > 0) {
      const unmatched: string[] = [];
      for (const issue of e.issues) {
        const p = normalizePath(issue.path);
        const field = fields.find((f) => f === p) ?? fields.find((f) => p.startsWith(`${f}.`));
        if (field) fieldErrors[field] = fieldErrors[field] ? `${fieldErrors[field]}; ${issue.message}` : issue.message;
        else unmatched.push(issue.path && issue.path !== '$' ? `${issue.path}: ${issue.message}` : issue.message);
      }
      // Validation details repeat the field messages; other codes (e.g. CONFLICT) say what happened.
      formError.value = unmatched.length
        ? unmatched.join(' · ')
        : e.code === 'VALIDATION_FAILED' || !e.detail ? i18n.global.t('errors.validation') : e.detail;
      return;
    }
    formError.value = errorMessage(e);
  }

  return { fieldErrors, formError, clear, apply };
}
