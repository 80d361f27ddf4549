/**
 * The console's route table. It is also the menu: the top menu shows each area that has at least
 * one page the user may open, and the left tree menu groups an area's pages by `meta.group`.
 * A page is visible when the user holds `meta.permission` (and is a platform admin when
 * `meta.platformAdmin`). Later modules add their pages here with their own area.
 */
import type { RouteRecordRaw } from 'vue-router';
import type { Component } from 'vue';
import {
  Connection, CreditCard, DataAnalysis, Document, Goods, Key, Lock, OfficeBuilding, Setting, User, UserFilled, Wallet,
} from '@element-plus/icons-vue';
import { productMenuGroups, productRoutes } from './routes-products';
import { opsMenuGroups, opsRoutes } from './routes-ops';
import { dunningMenuGroups, dunningRoutes } from './routes-dunning';
import { churnRoutes } from './routes-churn';

export type AreaKey = 'common' | 'products' | 'customers' | 'billing' | 'statistics';

export interface Area {
  key: AreaKey;
  /** i18n key of the label */
  title: string;
  icon: Component;
}

/** Big areas of the top menu, in display order (seed 000 §3: 공통 / 상품 / 고객 / 빌링 / 통계). */
export const AREAS: Area[] = [
  { key: 'common', title: 'areas.common', icon: Setting },
  { key: 'products', title: 'areas.products', icon: Goods },
  { key: 'customers', title: 'areas.customers', icon: UserFilled },
  { key: 'billing', title: 'areas.billing', icon: Wallet },
  { key: 'statistics', title: 'areas.statistics', icon: DataAnalysis },
];

export interface MenuGroup {
  key: string;
  title: string;
  icon: Component;
}

/** Tree-menu groups, in display order. */
export const MENU_GROUPS: MenuGroup[] = [
  { key: 'tenant', title: 'menuGroups.tenant', icon: OfficeBuilding },
  { key: 'access', title: 'menuGroups.access', icon: Lock },
  { key: 'history', title: 'menuGroups.history', icon: Document },
  ...productMenuGroups,
  ...opsMenuGroups,
  ...dunningMenuGroups,
];

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title (menu label, breadcrumb, document title) */
    title?: string;
    area?: AreaKey;
    group?: string;
    /**
     * Detail/edit pages (no `group`): name of the list route whose menu item stays highlighted.
     * Without it the side menu falls back to the list whose path prefixes this page's path.
     */
    menuParent?: string;
    icon?: Component;
    permission?: string;
    platformAdmin?: boolean;
    public?: boolean;
  }
}

export const consoleRoutes: RouteRecordRaw[] = [
  {
    path: '/common/overview',
    name: 'common-overview',
    component: () => import('@/pages/common/TenantOverviewPage.vue'),
    meta: { title: 'routes.overview', area: 'common', group: 'tenant', icon: Setting, permission: 'tenant:read' },
  },
  {
    path: '/common/tenants',
    name: 'common-tenants',
    component: () => import('@/pages/common/TenantsPage.vue'),
    meta: { title: 'routes.tenants', area: 'common', group: 'tenant', icon: OfficeBuilding, platformAdmin: true },
  },
  {
    path: '/common/users',
    name: 'common-users',
    component: () => import('@/pages/common/UsersPage.vue'),
    meta: { title: 'routes.users', area: 'common', group: 'access', icon: User, permission: 'users:read' },
  },
  {
    // No groups:read in the contract: reading groups goes with users:read, changing needs groups:write.
    path: '/common/groups',
    name: 'common-groups',
    component: () => import('@/pages/common/GroupsPage.vue'),
    meta: { title: 'routes.groups', area: 'common', group: 'access', icon: Lock, permission: 'users:read' },
  },
  {
    path: '/common/api-keys',
    name: 'common-api-keys',
    component: () => import('@/pages/common/ApiKeysPage.vue'),
    meta: { title: 'routes.apiKeys', area: 'common', group: 'access', icon: Key, permission: 'apikeys:read' },
  },
  {
    path: '/common/webhooks',
    name: 'common-webhooks',
    component: () => import('@/pages/common/WebhooksPage.vue'),
    meta: { title: 'collections.routes.webhooks', area: 'common', group: 'tenant', icon: Connection, permission: 'webhooks:read' },
  },
  {
    path: '/common/gateways',
    name: 'common-gateways',
    component: () => import('@/pages/common/GatewaysPage.vue'),
    meta: { title: 'gateways.route', area: 'common', group: 'tenant', icon: CreditCard, permission: 'gateways:read' },
  },
  {
    path: '/common/audit-log',
    name: 'common-audit-log',
    component: () => import('@/pages/common/AuditLogPage.vue'),
    meta: { title: 'routes.auditLog', area: 'common', group: 'history', icon: Document, permission: 'audit:read' },
  },
  ...productRoutes,
  ...opsRoutes,
  ...dunningRoutes,
  ...churnRoutes,
];
