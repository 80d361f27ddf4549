import { createRoute, z } from '@hono/zod-openapi';
import { paging } from '../lib/schemas';
import { newRouter, jsonOk, errorResponses, security } from '../lib/http';
import { AuditOut } from '../access/schemas';
import { listAudit } from './list';

const AuditQuery = z.object({
  entityType: z.string().optional(), entityId: z.string().optional(), action: z.string().optional(),
  ...paging(),
});

export const auditRoutes = newRouter().openapi(createRoute({
  method: 'get', path: '/audit-log', tags: ['Audit'], summary: 'Who changed what, when (newest first)', security,
  request: { query: AuditQuery },
  responses: { ...jsonOk(z.object({ data: z.array(AuditOut), total: z.number().int() })), 403: errorResponses[403] },
}), async (c) => c.json(await listAudit({ ctx: c.get('ctx'), query: c.req.valid('query') }), 200));
