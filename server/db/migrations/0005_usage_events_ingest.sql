ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_tenant_id_tenants_id_fk";
--> statement-breakpoint
ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "usage_events" DROP CONSTRAINT "usage_events_meter_id_meters_id_fk";
--> statement-breakpoint
DROP INDEX "usage_events_received_idx";