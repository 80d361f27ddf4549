import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './lib/http';
import { authRoutes, accessRoutes } from './access/routes';
import { tenantRoutes } from './tenants/routes';
import { auditRoutes } from './audit/routes';
import { customerRoutes } from './customers/routes';
import { meteringRoutes } from './metering/routes';
import { planRoutes, ruleRoutes, catalogIoRoutes } from './catalog/routes';
import { orderRoutes, subscriptionRoutes } from './subscriptions/routes';
import { billingRoutes } from './billing/routes';
import { invoiceRoutes } from './invoices/routes';
import { ratingRoutes } from './catalog/rating-routes';
import { promotionRoutes } from './promotions/routes';
import { analyticsRoutes } from './analytics/routes';
import { paymentRoutes } from './payments/routes';
import { walletRoutes } from './wallets/routes';
import { webhookRoutes } from './webhooks/routes';
import { gatewayRoutes } from './payments/gateway-routes';
import { dunningRoutes } from './dunning/routes';
import { churnRoutes } from './churn/routes';

/**
 * Every module's sub-app, mounted under /api/v1 by createApp. One chain of `.route()` calls (Hono's
 * guide) so the type accumulates each module's routes: server/app.ts exports it as AppType for the
 * typed `hono/client`. An array of sub-apps would type them all as a bare OpenAPIHono and lose
 * every route. Add a module by adding a link to the chain; routes match in this order.
 */
export const apiRoutes = new OpenAPIHono<AppEnv>()
  .route('/', authRoutes)
  .route('/', accessRoutes)
  .route('/', tenantRoutes)
  .route('/', auditRoutes)
  // rating routes (GET /rules/facts) must precede /rules/{code}
  .route('/', ratingRoutes)
  .route('/', promotionRoutes)
  .route('/', planRoutes)
  .route('/', ruleRoutes)
  .route('/', catalogIoRoutes)
  .route('/', customerRoutes)
  .route('/', orderRoutes)
  .route('/', subscriptionRoutes)
  .route('/', billingRoutes)
  .route('/', invoiceRoutes)
  .route('/', paymentRoutes)
  .route('/', walletRoutes)
  .route('/', webhookRoutes)
  .route('/', gatewayRoutes)
  .route('/', dunningRoutes)
  .route('/', meteringRoutes)
  .route('/', analyticsRoutes)
  .route('/', churnRoutes);
