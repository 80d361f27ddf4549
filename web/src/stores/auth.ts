import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { authApi } from '@/api/common';
import { ApiError } from '@/api/client';
import type { LoginInput, Session, Tenant, User } from '@/api/types';
import { useLocaleStore } from './locale';

/** The signed-in operator: user, tenant, permission codes, platform-admin flag. */
export const useAuthStore = defineStore('auth', () => {
  const session = ref<Session | null>(null);
  /** True once `/auth/me` has been asked (so the router guard asks only once per page load). */
  const checked = ref(false);

  const user = computed<User | null>(() => session.value?.user ?? null);
  const tenant = computed<Tenant | null>(() => session.value?.tenant ?? null);
  const permissions = computed(() => new Set(session.value?.permissions ?? []));
  const isPlatformAdmin = computed(() => session.value?.isPlatformAdmin ?? false);
  const isAuthenticated = computed(() => session.value !== null);

  function can(permission: string | undefined): boolean {
    return !permission || permissions.value.has(permission);
  }

  function setSession(s: Session) {
    session.value = s;
    checked.value = true;
    useLocaleStore().applyDefault(s.user.locale === 'ko' || s.user.locale === 'en' ? s.user.locale : null, s.tenant.locale);
  }

  async function login(input: LoginInput): Promise<void> {
    setSession(await authApi.login(input));
  }

  /** Restores the session from the cookie; resolves to false when not signed in. */
  async function fetchMe(): Promise<boolean> {
    try {
      setSession(await authApi.me());
      return true;
    } catch (e) {
      checked.value = true;
      if (e instanceof ApiError && e.status === 401) {
        session.value = null;
        return false;
      }
      throw e;
    }
  }

  async function logout(): Promise<void> {
    try {
      await authApi.logout();
    } finally {
      clear();
    }
  }

  function clear() {
    session.value = null;
  }

  /** Keeps the top bar in step after the tenant settings page saved. */
  function updateTenant(t: Tenant) {
    if (session.value) session.value = { ...session.value, tenant: t };
  }

  function updateUser(u: User) {
    if (session.value && session.value.user.id === u.id) session.value = { ...session.value, user: u };
  }

  return {
    session, checked, user, tenant, permissions, isPlatformAdmin, isAuthenticated,
    can, login, fetchMe, logout, clear, updateTenant, updateUser,
  };
});
