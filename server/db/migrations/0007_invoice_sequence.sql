DROP INDEX "invoices_payer_period_uq";--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "sequence" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_payer_period_uq" ON "invoices" USING btree ("tenant_id","bill_to","period_start","currency","sequence");