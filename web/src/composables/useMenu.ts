/** Builds the top menu and the left tree menu from the route table and the user's permissions. */
import { computed } from 'vue';
import type { RouteMeta, RouteRecordRaw } from 'vue-router';
import { useAuthStore } from '@/stores/auth';
import { AREAS, MENU_GROUPS, consoleRoutes, type Area, type AreaKey, type MenuGroup } from '@/router/routes';
import { opsLanding } from '@/router/routes-ops';

export function canOpen(meta: RouteMeta): boolean {
  const auth = useAuthStore();
  if (meta.platformAdmin && !auth.isPlatformAdmin) return false;
  return auth.can(meta.permission);
}

function visibleRoutes(area?: AreaKey): RouteRecordRaw[] {
  return consoleRoutes.filter((r) => r.meta && (!area || r.meta.area === area) && canOpen(r.meta));
}

export function firstAllowedRoute(area?: AreaKey): { name: string } | null {
  const r = visibleRoutes(area)[0];
  return r?.name ? { name: String(r.name) } : null;
}

/**
 * The signed-in user's home page: the executive dashboard for read-only analysts, otherwise the
 * first page of the menu the user may open; null when there is none (a role without pages).
 */
export function homeRoute(): { name: string } | null {
  return opsLanding(useAuthStore().permissions) ?? firstAllowedRoute();
}

/** Pages that only say something went wrong: never a place to return to after sign-in. */
const STATUS_ROUTES = new Set(['forbidden', 'not-found']);

/**
 * Where sign-in continues: the page that asked for it when this user may open it (another
 * account may have signed in), else the user's home page.
 */
export function afterLoginTarget(resolved: { name?: unknown; matched: unknown[]; meta: RouteMeta } | null): 'redirect' | 'home' {
  if (!resolved || !resolved.matched.length) return 'home';
  if (typeof resolved.name === 'string' && STATUS_ROUTES.has(resolved.name)) return 'home';
  return canOpen(resolved.meta) ? 'redirect' : 'home';
}

export interface MenuItem {
  name: string;
  path: string;
  title: string;
  icon: RouteMeta['icon'];
}

export interface MenuTreeGroup extends MenuGroup {
  items: MenuItem[];
}

export function useMenu() {
  const auth = useAuthStore();

  /** Areas with at least one visible page. */
  const areas = computed<Area[]>(() => {
    void auth.permissions; // recompute when the session changes
    return AREAS.filter((a) => visibleRoutes(a.key).length > 0);
  });

  function tree(area: AreaKey | undefined): MenuTreeGroup[] {
    void auth.permissions;
    const routes = visibleRoutes(area);
    return MENU_GROUPS.map((g) => ({
      ...g,
      items: routes
        .filter((r) => r.meta?.group === g.key)
        .map((r) => ({ name: String(r.name), path: r.path, title: r.meta!.title!, icon: r.meta!.icon })),
    })).filter((g) => g.items.length > 0);
  }

  return { areas, tree };
}
