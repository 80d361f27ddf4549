/** Routes and menu groups of the products area (상품 관리, 마케팅). Spread into routes.ts. */
import type { RouteRecordRaw } from 'vue-router';
import { Discount, Goods, PriceTag } from '@element-plus/icons-vue';
import type { MenuGroup } from './routes';

export const productMenuGroups: MenuGroup[] = [
  { key: 'catalog', title: 'catalog.menuGroups.catalog', icon: Goods },
  { key: 'marketing', title: 'catalog.menuGroups.marketing', icon: Discount },
];

export const productRoutes: RouteRecordRaw[] = [
  {
    path: '/products/plans',
    name: 'products-plans',
    component: () => import('@/pages/products/PlansPage.vue'),
    meta: { title: 'catalog.routes.plans', area: 'products', group: 'catalog', icon: Goods, permission: 'catalog:read' },
  },
  {
    path: '/products/plans/:code',
    name: 'products-plan-edit',
    component: () => import('@/pages/products/PlanEditPage.vue'),
    meta: { title: 'catalog.routes.planEdit', area: 'products', menuParent: 'products-plans', icon: Goods, permission: 'catalog:read' },
  },
  {
    path: '/products/rules',
    name: 'products-rules',
    component: () => import('@/pages/products/RulesPage.vue'),
    meta: { title: 'catalog.routes.rules', area: 'products', group: 'marketing', icon: PriceTag, permission: 'rules:read' },
  },
  {
    path: '/products/rules/:code',
    name: 'products-rule-edit',
    component: () => import('@/pages/products/RuleEditPage.vue'),
    meta: { title: 'catalog.routes.ruleEdit', area: 'products', menuParent: 'products-rules', icon: PriceTag, permission: 'rules:read' },
  },
];
