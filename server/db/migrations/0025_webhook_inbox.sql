DROP INDEX "webhook_receipts_event_uq";--> statement-breakpoint
ALTER TABLE "webhook_receipts" ADD COLUMN "event" jsonb;--> statement-breakpoint
ALTER TABLE "webhook_receipts" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_receipts" ADD COLUMN "apply_after" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "webhook_receipts_queued_idx" ON "webhook_receipts" USING btree ("tenant_id","received_at") WHERE outcome = 'queued';--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_receipts_event_uq" ON "webhook_receipts" USING btree ("tenant_id","provider","event_id") WHERE event_id is not null and outcome in ('queued', 'applied', 'ignored');