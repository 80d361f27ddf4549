/**
 * Routes and menu groups of the operations areas: 고객 (customers, payers, contracts, orders,
 * subscriptions), 빌링 (meters, metering errors, bill-run groups, periodic rating, invoices) and
 * 통계 (executive dashboard). Spread into routes.ts. Detail pages have no `group`, so they stay
 * out of the tree menu but keep their area in the top menu.
 */
import type { RouteRecordRaw } from 'vue-router';
import {
  Box, Calendar, Coin, Connection, Money, DataLine, Document, Files, List, Odometer, Stamp, Tickets,
  User, UserFilled, Warning, Wallet,
} from '@element-plus/icons-vue';
import type { MenuGroup } from './routes';

export const opsMenuGroups: MenuGroup[] = [
  { key: 'ops-customers', title: 'ops.menuGroups.customers', icon: UserFilled },
  { key: 'ops-orders', title: 'ops.menuGroups.orders', icon: Tickets },
  { key: 'ops-metering', title: 'ops.menuGroups.metering', icon: Odometer },
  { key: 'ops-billruns', title: 'ops.menuGroups.billRuns', icon: Coin },
  { key: 'ops-invoices', title: 'ops.menuGroups.invoices', icon: Wallet },
  { key: 'ops-dashboard', title: 'ops.menuGroups.dashboard', icon: DataLine },
];

export const opsRoutes: RouteRecordRaw[] = [
  // ---- 고객
  {
    path: '/customers/list',
    name: 'customers-list',
    component: () => import('@/pages/customers/CustomersPage.vue'),
    meta: { title: 'ops.routes.customers', area: 'customers', group: 'ops-customers', icon: User, permission: 'customers:read' },
  },
  {
    path: '/customers/payers',
    name: 'customers-payers',
    component: () => import('@/pages/customers/PayersPage.vue'),
    meta: { title: 'ops.routes.payers', area: 'customers', group: 'ops-customers', icon: Wallet, permission: 'customers:read' },
  },
  {
    path: '/customers/contracts',
    name: 'customers-contracts',
    component: () => import('@/pages/customers/ContractsPage.vue'),
    meta: { title: 'ops.routes.contracts', area: 'customers', group: 'ops-customers', icon: Stamp, permission: 'customers:read' },
  },
  {
    path: '/customers/orders',
    name: 'customers-orders',
    component: () => import('@/pages/customers/OrdersPage.vue'),
    meta: { title: 'ops.routes.orders', area: 'customers', group: 'ops-orders', icon: Tickets, permission: 'billing:read' },
  },
  {
    path: '/customers/subscriptions',
    name: 'customers-subscriptions',
    component: () => import('@/pages/customers/SubscriptionsPage.vue'),
    meta: { title: 'ops.routes.subscriptions', area: 'customers', group: 'ops-orders', icon: Box, permission: 'billing:read' },
  },
  {
    path: '/customers/detail/:id',
    name: 'customers-detail',
    component: () => import('@/pages/customers/CustomerDetailPage.vue'),
    props: true,
    meta: { title: 'ops.routes.customer', area: 'customers', menuParent: 'customers-list', icon: User, permission: 'customers:read' },
  },
  {
    path: '/customers/subscriptions/:id',
    name: 'customers-subscription',
    component: () => import('@/pages/customers/SubscriptionDetailPage.vue'),
    props: true,
    meta: { title: 'ops.routes.subscription', area: 'customers', menuParent: 'customers-subscriptions', icon: Box, permission: 'billing:read' },
  },
  // ---- 빌링
  {
    path: '/billing/meters',
    name: 'billing-meters',
    component: () => import('@/pages/billing/MetersPage.vue'),
    meta: { title: 'ops.routes.meters', area: 'billing', group: 'ops-metering', icon: Odometer, permission: 'billing:read' },
  },
  {
    path: '/billing/metering-errors',
    name: 'billing-metering-errors',
    component: () => import('@/pages/billing/MeteringErrorsPage.vue'),
    meta: { title: 'ops.routes.meteringErrors', area: 'billing', group: 'ops-metering', icon: Warning, permission: 'billing:read' },
  },
  {
    path: '/billing/bill-run-groups',
    name: 'billing-bill-run-groups',
    component: () => import('@/pages/billing/BillRunGroupsPage.vue'),
    meta: { title: 'ops.routes.billRunGroups', area: 'billing', group: 'ops-billruns', icon: Calendar, permission: 'billing:read' },
  },
  {
    path: '/billing/bill-runs',
    name: 'billing-bill-runs',
    component: () => import('@/pages/billing/BillRunsPage.vue'),
    meta: { title: 'ops.routes.billRuns', area: 'billing', group: 'ops-billruns', icon: Connection, permission: 'billing:read' },
  },
  {
    path: '/billing/invoices',
    name: 'billing-invoices',
    component: () => import('@/pages/billing/InvoicesPage.vue'),
    meta: { title: 'ops.routes.invoices', area: 'billing', group: 'ops-invoices', icon: Files, permission: 'invoices:read' },
  },
  {
    path: '/billing/invoices/:id',
    name: 'billing-invoice',
    component: () => import('@/pages/billing/InvoiceDetailPage.vue'),
    props: true,
    meta: { title: 'ops.routes.invoice', area: 'billing', menuParent: 'billing-invoices', icon: Document, permission: 'invoices:read' },
  },
  {
    path: '/billing/payments',
    name: 'billing-payments',
    component: () => import('@/pages/collections/PaymentsPage.vue'),
    meta: { title: 'collections.routes.payments', area: 'billing', group: 'ops-invoices', icon: Coin, permission: 'payments:read' },
  },
  {
    path: '/billing/deposits',
    name: 'billing-deposits',
    component: () => import('@/pages/collections/DepositsPage.vue'),
    meta: { title: 'deposits.route', area: 'billing', group: 'ops-invoices', icon: Money, permission: 'payments:read' },
  },
  // ---- 통계
  {
    path: '/statistics/dashboard',
    name: 'statistics-dashboard',
    component: () => import('@/pages/statistics/DashboardPage.vue'),
    meta: { title: 'ops.routes.dashboard', area: 'statistics', group: 'ops-dashboard', icon: List, permission: 'analytics:read' },
  },
];

/**
 * Where "/" sends a user before the generic first-allowed-page rule: read-only users who may see
 * the analytics (the executive role) land on the dashboard.
 */
export function opsLanding(permissions: ReadonlySet<string>): { name: string } | null {
  const readOnly = ![...permissions].some((p) => p.endsWith(':write'));
  return readOnly && permissions.has('analytics:read') ? { name: 'statistics-dashboard' } : null;
}
