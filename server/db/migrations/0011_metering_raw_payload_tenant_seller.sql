ALTER TABLE "tenants" ADD COLUMN "business_reg_no" text;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "address" text;--> statement-breakpoint
ALTER TABLE "metering_errors" ADD COLUMN "raw_payload" text;