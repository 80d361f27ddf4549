import { createRouter, createWebHistory, type RouteLocationRaw, type RouteRecordRaw } from 'vue-router';
import { useAuthStore } from '@/stores/auth';
import { consoleRoutes } from './routes';
import { opsLanding } from './routes-ops';
import { canOpen, firstAllowedRoute } from '@/composables/useMenu';
import { i18n } from '@/locales';
import ConsoleLayout from '@/components/ConsoleLayout.vue';

const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('@/pages/LoginPage.vue'),
    meta: { public: true },
  },
  {
    path: '/',
    component: ConsoleLayout,
    children: [
      { path: '', name: 'home', redirect: () => opsLanding(useAuthStore().permissions) ?? firstAllowedRoute() ?? { name: 'forbidden' } },
      { path: 'common', redirect: () => firstAllowedRoute('common') ?? { name: 'forbidden' } },
      ...consoleRoutes,
      {
        path: 'forbidden',
        name: 'forbidden',
        component: () => import('@/pages/StatusPage.vue'),
        props: { kind: 'forbidden' },
        meta: { title: 'routes.forbidden' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('@/pages/StatusPage.vue'),
        props: { kind: 'notFound' },
        meta: { title: 'routes.notFound' },
      },
    ],
  },
];

export const router = createRouter({ history: createWebHistory(), routes });

router.beforeEach(async (to): Promise<RouteLocationRaw | true> => {
  const auth = useAuthStore();
  if (!auth.checked) {
    try {
      await auth.fetchMe();
    } catch {
      // Server unreachable: treat as signed out; the login page shows the network error on submit.
    }
  }
  if (to.meta.public) {
    return auth.isAuthenticated && to.name === 'login' ? { name: 'home' } : true;
  }
  if (!auth.isAuthenticated) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  }
  // "/" redirects before the session is restored on a fresh load: decide the landing page now.
  if (to.name === 'forbidden' && to.redirectedFrom?.path === '/') {
    return opsLanding(auth.permissions) ?? firstAllowedRoute() ?? true;
  }
  if (!canOpen(to.meta)) return { name: 'forbidden' };
  return true;
});

router.afterEach((to) => {
  const title = to.meta.title ? i18n.global.t(to.meta.title) : '';
  document.title = title ? `${title} · Billwise` : 'Billwise';
});
