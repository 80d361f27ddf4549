import { createRoute, z } from '@hono/zod-openapi';
import { isoDate, paging } from '../lib/schemas';
import { newRouter, jsonBody, jsonOk, errorResponses, security, IdParam } from '../lib/http';
import { Code, Quantity } from '../rules/schema';
import { createOrder, getOrder, listOrders, transitionOrder, ORDER_STATUSES, RELATION_KINDS, listPlanRelations, createPlanRelation, deletePlanRelation } from './orders';
import { cancelSubscription, changePlan, getSubscription, listSubscriptions, pauseSubscription, resumeSubscription, setQuantities } from './subscriptions';

const Quantities = z.record(z.string(), Quantity);
const Paging = paging();

const PhaseOut = z.object({ planCode: z.string(), quantities: z.record(z.string(), z.string()), startDate: z.string(), endDate: z.string().nullable(), reason: z.string() });
const SubscriptionOut = z.object({
  id: z.string(), customerId: z.string(), orderId: z.string().nullable(), planCode: z.string(), quantities: z.record(z.string(), z.string()),
  status: z.enum(['trial', 'active', 'paused', 'cancelled']), startDate: z.string(), trialEndDate: z.string().nullable(), endDate: z.string().nullable(),
  cancelAtPeriodEnd: z.boolean(), coupons: z.array(z.string()), addOn: z.boolean(), billingGroup: z.string().nullable(), anchorDay: z.number().int(),
  scheduledChange: z.object({ planCode: z.string(), quantities: z.record(z.string(), z.string()), effectiveDate: z.string(), reason: z.string() }).nullable(),
  phases: z.array(PhaseOut), createdAt: z.string(), updatedAt: z.string(),
}).openapi('Subscription');
const OrderItem = z.object({ planCode: z.string().min(1), quantities: Quantities.optional(), addOn: z.boolean().optional(), coupons: z.array(z.string()).optional() });
const OrderOut = z.object({
  id: z.string(), customerId: z.string(), status: z.enum(ORDER_STATUSES),
  items: z.array(z.object({ planCode: z.string(), quantities: z.record(z.string(), z.string()), addOn: z.boolean(), coupons: z.array(z.string()) })),
  note: z.string().nullable(), billingStartDate: z.string().nullable(), subscriptionIds: z.array(z.string()),
  createdAt: z.string(), updatedAt: z.string(), completedAt: z.string().nullable(),
}).openapi('Order');
const RelationOut = z.object({ id: z.string(), planCode: z.string(), kind: z.string(), relatedPlanCode: z.string() }).openapi('PlanRelation');
const tag = 'Billing: subscriptions';

export const orderRoutes = newRouter()
  .openapi(createRoute({ method: 'post', path: '/orders', tags: [tag], summary: 'Place an order for base plans and add-ons (relations and eligibility are checked)', security,
    request: jsonBody(z.object({ customerId: z.string().uuid(), items: z.array(OrderItem).min(1).max(50), note: z.string().max(1000).optional() })),
    responses: { 201: { description: 'Created', content: { 'application/json': { schema: OrderOut } } }, ...errorResponses } }),
  async (c) => c.json(await createOrder({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(createRoute({ method: 'get', path: '/orders', tags: [tag], summary: 'List orders', security,
    request: { query: z.object({ status: z.enum(ORDER_STATUSES).optional(), customerId: z.string().uuid().optional(), ...Paging }) },
    responses: { ...jsonOk(z.object({ data: z.array(OrderOut), total: z.number().int() })), ...errorResponses } }),
  async (c) => c.json(await listOrders({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({ method: 'get', path: '/orders/{id}', tags: [tag], summary: 'One order', security, request: { params: IdParam },
    responses: { ...jsonOk(OrderOut), ...errorResponses } }),
  async (c) => c.json(await getOrder({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(createRoute({ method: 'post', path: '/orders/{id}/status', tags: [tag], summary: 'Move an order: in_progress, completed {billingStartDate} (creates the subscriptions), cancelled', security,
    request: { params: IdParam, ...jsonBody(z.object({ status: z.enum(ORDER_STATUSES), billingStartDate: isoDate.optional() })) },
    responses: { ...jsonOk(OrderOut), 409: errorResponses[404], ...errorResponses } }),
  async (c) => c.json(await transitionOrder({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 200))
  .openapi(createRoute({ method: 'get', path: '/plan-relations', tags: [tag], summary: 'Plan relations (requires / excludes / upgrades_to)', security,
    responses: { ...jsonOk(z.object({ data: z.array(RelationOut) })), ...errorResponses } }),
  async (c) => c.json({ data: await listPlanRelations({ ctx: c.get('ctx') }) }, 200))
  .openapi(createRoute({ method: 'post', path: '/plan-relations', tags: [tag], summary: 'Add a plan relation', security,
    request: jsonBody(z.object({ planCode: Code, kind: z.enum(RELATION_KINDS), relatedPlanCode: Code })),
    responses: { 201: { description: 'Created', content: { 'application/json': { schema: RelationOut } } }, ...errorResponses } }),
  async (c) => c.json(await createPlanRelation({ ctx: c.get('ctx'), input: c.req.valid('json') }), 201))
  .openapi(createRoute({ method: 'delete', path: '/plan-relations/{id}', tags: [tag], summary: 'Remove a plan relation', security, request: { params: IdParam },
    responses: { 204: { description: 'Removed' }, ...errorResponses } }),
  async (c) => { await deletePlanRelation({ ctx: c.get('ctx'), id: c.req.valid('param').id }); return c.body(null, 204); });

const EffectiveIn = z.object({ effectiveDate: isoDate.optional() });
export const subscriptionRoutes = newRouter()
  .openapi(createRoute({ method: 'get', path: '/subscriptions', tags: [tag], summary: 'List subscriptions', security,
    request: { query: z.object({ customerId: z.string().uuid().optional(), planCode: z.string().optional(), status: z.enum(['trial', 'active', 'paused', 'cancelled']).optional(), ...Paging }) },
    responses: { ...jsonOk(z.object({ data: z.array(SubscriptionOut), total: z.number().int() })), ...errorResponses } }),
  async (c) => c.json(await listSubscriptions({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200))
  .openapi(createRoute({ method: 'get', path: '/subscriptions/{id}', tags: [tag], summary: 'One subscription with its phases', security, request: { params: IdParam },
    responses: { ...jsonOk(SubscriptionOut), ...errorResponses } }),
  async (c) => c.json(await getSubscription({ ctx: c.get('ctx'), id: c.req.valid('param').id }), 200))
  .openapi(createRoute({ method: 'post', path: '/subscriptions/{id}/change-plan', tags: [tag],
    summary: 'Change plan: an upgrade (higher recurring price) applies today, prorated; a downgrade at the end of the current period. effectiveDate overrides both.', security,
    request: { params: IdParam, ...jsonBody(z.object({ planCode: z.string().min(1), effectiveDate: isoDate.optional(), quantities: Quantities.optional() })) },
    responses: { ...jsonOk(SubscriptionOut), ...errorResponses } }),
  async (c) => c.json(await changePlan({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 200))
  .openapi(createRoute({ method: 'post', path: '/subscriptions/{id}/quantities', tags: [tag], summary: 'Change quantities (seats ...) from a date, prorated', security,
    request: { params: IdParam, ...jsonBody(z.object({ quantities: Quantities, effectiveDate: isoDate.optional() })) },
    responses: { ...jsonOk(SubscriptionOut), ...errorResponses } }),
  async (c) => c.json(await setQuantities({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 200))
  .openapi(createRoute({ method: 'post', path: '/subscriptions/{id}/pause', tags: [tag], summary: 'Pause: days until resume are not billed', security,
    request: { params: IdParam, ...jsonBody(EffectiveIn) }, responses: { ...jsonOk(SubscriptionOut), ...errorResponses } }),
  async (c) => c.json(await pauseSubscription({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 200))
  .openapi(createRoute({ method: 'post', path: '/subscriptions/{id}/resume', tags: [tag], summary: 'Resume a paused subscription', security,
    request: { params: IdParam, ...jsonBody(EffectiveIn) }, responses: { ...jsonOk(SubscriptionOut), ...errorResponses } }),
  async (c) => c.json(await resumeSubscription({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 200))
  .openapi(createRoute({ method: 'post', path: '/subscriptions/{id}/cancel', tags: [tag], summary: 'Cancel now (or on effectiveDate) or at the end of the current period', security,
    request: { params: IdParam, ...jsonBody(z.object({ atPeriodEnd: z.boolean().default(false), effectiveDate: isoDate.optional() })) },
    responses: { ...jsonOk(SubscriptionOut), ...errorResponses } }),
  async (c) => c.json(await cancelSubscription({ ctx: c.get('ctx'), id: c.req.valid('param').id, input: c.req.valid('json') }), 200));
