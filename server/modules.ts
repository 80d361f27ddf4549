import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './lib/http';
import { customerRoutes } from './customers/routes';
import { meteringRoutes } from './metering/routes';
import { planRoutes, ruleRoutes, catalogIoRoutes } from './catalog/routes';
import { orderRoutes, subscriptionRoutes } from './subscriptions/routes';
import { billingRoutes } from './billing/routes';
import { invoiceRoutes } from './invoices/routes';
import { ratingRoutes } from './catalog/rating-routes';
import { promotionRoutes } from './promotions/routes';
import { analyticsRoutes } from './analytics/routes';

/**
 * Feature modules mounted under /api/v1 besides access, tenants and audit (catalog, rating,
 * customers, billing ...). Each is a sub-app with its own routes; add it here to mount it.
 */
export const extraModules: OpenAPIHono<AppEnv>[] = [
  // rating routes (GET /rules/facts) must precede /rules/{code}
  ratingRoutes,
  promotionRoutes,
  planRoutes,
  ruleRoutes,
  catalogIoRoutes,
  customerRoutes,
  orderRoutes,
  subscriptionRoutes,
  billingRoutes,
  invoiceRoutes,
  meteringRoutes,
  analyticsRoutes,
];
