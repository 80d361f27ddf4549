/** Routes of the dunning area (미납 관리) under 빌링: the board, the policy simulation and the exclusions. */
import type { RouteRecordRaw } from 'vue-router';
import { Bell, DataBoard, Remove, TrendCharts } from '@element-plus/icons-vue';
import type { MenuGroup } from './routes';

export const dunningMenuGroups: MenuGroup[] = [{ key: 'dunning', title: 'dunning.menuGroup', icon: Bell }];

export const dunningRoutes: RouteRecordRaw[] = [
  {
    path: '/billing/dunning',
    name: 'dunning-board',
    component: () => import('@/pages/dunning/DunningBoardPage.vue'),
    meta: { title: 'dunning.routes.board', area: 'billing', group: 'dunning', icon: DataBoard, permission: 'dunning:read' },
  },
  {
    path: '/billing/dunning/policy',
    name: 'dunning-policy',
    component: () => import('@/pages/dunning/DunningPolicyPage.vue'),
    meta: { title: 'dunning.routes.policy', area: 'billing', group: 'dunning', icon: TrendCharts, permission: 'rules:read' },
  },
  {
    path: '/billing/dunning/exclusions',
    name: 'dunning-exclusions',
    component: () => import('@/pages/dunning/DunningExclusionsPage.vue'),
    meta: { title: 'dunning.routes.exclusions', area: 'billing', group: 'dunning', icon: Remove, permission: 'dunning:read' },
  },
];
