ALTER TABLE "api_keys" ADD COLUMN "permissions" text[];
--> statement-breakpoint
-- Keys without a group used to have every permission. Keys the system made (the demo key) keep
-- what the tenant's built-in admin group holds; a key a user made gets that user's permissions
-- now (the nearest we can come to "when it was created"); a key made by another key gets none.
UPDATE "api_keys" k SET "permissions" = coalesce((
  SELECT array_agg(DISTINCT p ORDER BY p) FROM "user_groups" ug
  JOIN "groups" g ON g."id" = ug."group_id" AND g."tenant_id" = ug."tenant_id", unnest(g."permissions") AS p
  WHERE ug."user_id" = k."created_by" AND ug."tenant_id" = k."tenant_id"), '{}')
WHERE k."group_id" IS NULL AND k."created_by" IS NOT NULL;
--> statement-breakpoint
UPDATE "api_keys" k SET "permissions" = coalesce((
  SELECT g."permissions" FROM "groups" g WHERE g."tenant_id" = k."tenant_id" AND g."code" = 'admin' AND g."built_in"), '{}')
WHERE k."group_id" IS NULL AND k."created_by" IS NULL;
