/**
 * Create/edit forms: the `saving` flag, the server's errors on the fields (`useServerErrors`) and a
 * `submit(save)` that clears the errors, calls `save`, toasts, and on failure puts the server's
 * issues on the fields. `useFormDialog` adds the dialog: which entity is edited (null = create),
 * opening it with a fresh form, and closing it once saved.
 */
import { ref, shallowRef, type Ref } from 'vue';
import { ElMessage, type MessageParamsWithType } from 'element-plus';
import { i18n } from '@/locales';
import { useServerErrors } from '@/composables/useServerErrors';

export interface SubmitOptions<R> {
  /** The success toast (text or message options), or one made from what `save` returned. */
  success?: MessageParamsWithType | ((result: R) => MessageParamsWithType);
  /** Runs after the toast (and after a dialog closed): reload the list, emit `saved` ... */
  then?: (result: R) => void;
}

/** A form that is not a dialog (or the part of a dialog that saves); `success` defaults to `common.saved`. */
export function useFormSubmit<F extends string>(fields: readonly F[]) {
  const saving = ref(false);
  const { fieldErrors, formError, clear, apply } = useServerErrors(fields);

  /** Saves; true when `save` succeeded, false when its error is now shown on the form. */
  async function submit<R>(save: () => Promise<R>, options: SubmitOptions<R> = {}): Promise<boolean> {
    saving.value = true;
    clear();
    try {
      const result = await save();
      const { success = i18n.global.t('common.saved') } = options;
      ElMessage.success(typeof success === 'function' ? success(result) : success);
      options.then?.(result);
      return true;
    } catch (e) {
      await apply(e);
      return false;
    } finally {
      saving.value = false;
    }
  }

  return { saving, fieldErrors, formError, clear, apply, submit };
}

export interface FormDialogOptions<E> {
  /** Fills the form for `entity` (null: a new one) each time the dialog opens. */
  reset?: (entity: E | null) => void;
  /** The dialog's visibility when someone else owns it (a component's `v-model`); else its own. */
  visible?: Ref<boolean>;
}

/**
 * A create/edit dialog for entities `E` with server-checked fields `F`:
 * `v-model="visible"`, `:title="t(editing ? '…edit' : '…create')"`, `:loading="saving"`,
 * `:error="fieldErrors.name"`, and `open(row)` / `open(null)` to edit or create.
 * `submit` toasts `common.saved` when editing, `common.created` when creating, unless told otherwise,
 * then closes the dialog and runs `then`.
 */
export function useFormDialog<E, F extends string = never>(fields: readonly F[] = [], options: FormDialogOptions<E> = {}) {
  const visible = options.visible ?? ref(false);
  const editing = shallowRef<E | null>(null);
  const form = useFormSubmit(fields);

  function open(entity: E | null): void {
    editing.value = entity;
    form.clear();
    options.reset?.(entity);
    visible.value = true;
  }

  function submit<R>(save: () => Promise<R>, opts: SubmitOptions<R> = {}): Promise<boolean> {
    return form.submit(save, {
      success: opts.success ?? i18n.global.t(editing.value ? 'common.saved' : 'common.created'),
      then: (result) => {
        visible.value = false;
        opts.then?.(result);
      },
    });
  }

  return { ...form, visible, editing, open, submit };
}
