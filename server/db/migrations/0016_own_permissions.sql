-- Outbound webhooks and dunning get their own permissions (server/access/permissions.ts) instead
-- of borrowing tenant:* and invoices:*. Nobody loses access: every group (built-in or custom) and
-- every key without a group gets each new code when it holds the code the route used to check:
-- tenant:read → webhooks:read, tenant:write → webhooks:write, invoices:read → dunning:read,
-- invoices:write → dunning:write. Administrators can then take them away separately.
UPDATE "groups" SET "permissions" = (
  SELECT array_agg(DISTINCT p ORDER BY p) FROM unnest("permissions"
    || CASE WHEN 'tenant:read' = ANY("permissions") THEN ARRAY['webhooks:read'] ELSE ARRAY[]::text[] END
    || CASE WHEN 'tenant:write' = ANY("permissions") THEN ARRAY['webhooks:write'] ELSE ARRAY[]::text[] END
    || CASE WHEN 'invoices:read' = ANY("permissions") THEN ARRAY['dunning:read'] ELSE ARRAY[]::text[] END
    || CASE WHEN 'invoices:write' = ANY("permissions") THEN ARRAY['dunning:write'] ELSE ARRAY[]::text[] END) AS p)
WHERE "permissions" && ARRAY['tenant:read', 'tenant:write', 'invoices:read', 'invoices:write']::text[];
--> statement-breakpoint
UPDATE "api_keys" SET "permissions" = (
  SELECT array_agg(DISTINCT p ORDER BY p) FROM unnest("permissions"
    || CASE WHEN 'tenant:read' = ANY("permissions") THEN ARRAY['webhooks:read'] ELSE ARRAY[]::text[] END
    || CASE WHEN 'tenant:write' = ANY("permissions") THEN ARRAY['webhooks:write'] ELSE ARRAY[]::text[] END
    || CASE WHEN 'invoices:read' = ANY("permissions") THEN ARRAY['dunning:read'] ELSE ARRAY[]::text[] END
    || CASE WHEN 'invoices:write' = ANY("permissions") THEN ARRAY['dunning:write'] ELSE ARRAY[]::text[] END) AS p)
WHERE "group_id" IS NULL AND "permissions" IS NOT NULL
  AND "permissions" && ARRAY['tenant:read', 'tenant:write', 'invoices:read', 'invoices:write']::text[];
