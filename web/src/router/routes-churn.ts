/** Routes of churn prediction under 통계: the model page (versions, card, activation). Spread into routes.ts. */
import type { RouteRecordRaw } from 'vue-router';
import { TrendCharts } from '@element-plus/icons-vue';

export const churnRoutes: RouteRecordRaw[] = [
  {
    path: '/statistics/churn-models',
    name: 'statistics-churn-models',
    component: () => import('@/pages/statistics/ChurnModelsPage.vue'),
    meta: { title: 'churn.models.title', area: 'statistics', group: 'ops-dashboard', icon: TrendCharts, permission: 'analytics:read' },
  },
];
