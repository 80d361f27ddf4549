import { watch } from 'vue';
import { createRouter, createWebHistory, type RouteLocationRaw, type RouteRecordRaw } from 'vue-router';
import { useAuthStore } from '@/stores/auth';
import { consoleRoutes } from './routes';
import { canOpen, firstAllowedRoute, homeRoute } from '@/composables/useMenu';
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
      { path: '', name: 'home', redirect: () => homeRoute() ?? { name: 'forbidden' } },
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
  // Redirect records ("/", "/common") are resolved before this guard runs, i.e. before the
  // session is known on a fresh load: remember and re-decide what the user asked for, not
  // where the redirect sent a signed-out visitor (it used to be "/forbidden").
  const asked = to.redirectedFrom ?? to;
  if (!auth.isAuthenticated) {
    return { name: 'login', query: asked.fullPath !== '/' ? { redirect: asked.fullPath } : {} };
  }
  if (to.name === 'forbidden' && to.redirectedFrom) {
    const again = redirectAgain(to.redirectedFrom);
    if (again) return again;
  }
  if (!canOpen(to.meta)) return { name: 'forbidden' };
  return true;
});

/** The landing page a redirect record would choose now that the session is known. */
function redirectAgain(from: { path: string }): RouteLocationRaw | null {
  if (from.path === '/') return homeRoute();
  if (from.path === '/common') return firstAllowedRoute('common');
  return null;
}

function setTitle() {
  const key = router.currentRoute.value.meta.title;
  const title = key ? i18n.global.t(key) : '';
  document.title = title ? `${title} · Billwise` : 'Billwise';
}

router.afterEach(setTitle);
// The tab title follows a language switch too, not only the next navigation.
watch(i18n.global.locale, setTitle);
