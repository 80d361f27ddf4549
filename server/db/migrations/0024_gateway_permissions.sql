-- Payment gateway settings get their own permissions (server/access/permissions.ts) instead of
-- borrowing payments:read and tenant:write. Nobody loses access: every group (built-in or custom)
-- and every key without a group gets each new code when it holds the code the routes used to
-- check: payments:read → gateways:read, tenant:write → gateways:write. Administrators can then
-- take them away separately (e.g. support agents reading gateway settings).
UPDATE "groups" SET "permissions" = (
  SELECT array_agg(DISTINCT p ORDER BY p) FROM unnest("permissions"
    || CASE WHEN 'payments:read' = ANY("permissions") THEN ARRAY['gateways:read'] ELSE ARRAY[]::text[] END
    || CASE WHEN 'tenant:write' = ANY("permissions") THEN ARRAY['gateways:write'] ELSE ARRAY[]::text[] END) AS p)
WHERE "permissions" && ARRAY['payments:read', 'tenant:write']::text[];
--> statement-breakpoint
UPDATE "api_keys" SET "permissions" = (
  SELECT array_agg(DISTINCT p ORDER BY p) FROM unnest("permissions"
    || CASE WHEN 'payments:read' = ANY("permissions") THEN ARRAY['gateways:read'] ELSE ARRAY[]::text[] END
    || CASE WHEN 'tenant:write' = ANY("permissions") THEN ARRAY['gateways:write'] ELSE ARRAY[]::text[] END) AS p)
WHERE "group_id" IS NULL AND "permissions" IS NOT NULL
  AND "permissions" && ARRAY['payments:read', 'tenant:write']::text[];
