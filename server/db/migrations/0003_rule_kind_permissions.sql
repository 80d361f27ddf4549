-- Tax and dunning rules get their own write permissions (server/catalog/kinds.ts). Keys without a
-- group that held what the admin group holds keep holding everything; then the built-in admin
-- and billing-manager groups get both (marketers keep rules:write: discounts, promotions, coupons,
-- free units, points). Custom groups are left to their administrators.
UPDATE "api_keys" k SET "permissions" = k."permissions" || ARRAY['rules:write_tax', 'rules:write_dunning']::text[]
WHERE k."group_id" IS NULL AND k."permissions" IS NOT NULL
  AND NOT (k."permissions" && ARRAY['rules:write_tax', 'rules:write_dunning']::text[])
  AND k."permissions" @> (SELECT g."permissions" FROM "groups" g WHERE g."tenant_id" = k."tenant_id" AND g."code" = 'admin' AND g."built_in");
--> statement-breakpoint
UPDATE "groups" SET "permissions" = "permissions" || ARRAY['rules:write_tax', 'rules:write_dunning']::text[]
WHERE "built_in" AND "code" IN ('admin', 'billing_manager')
  AND NOT ("permissions" && ARRAY['rules:write_tax', 'rules:write_dunning']::text[]);
