/**
 * The one line a console user sees for any error: the server's problem+json detail or title, a
 * network message, or the error's own message. Free of Element Plus (toasts and form fields are
 * in useServerErrors.ts), so composables that only need the text stay light.
 */
import { ApiError } from '@/api/client';
import { i18n } from '@/locales';

export function errorMessage(e: unknown): string {
  const t = i18n.global.t;
  if (e instanceof ApiError) {
    if (e.code === 'NETWORK') return t('errors.network');
    return e.detail || e.title || t('errors.generic', { code: e.code });
  }
  return e instanceof Error ? e.message : String(e);
}
