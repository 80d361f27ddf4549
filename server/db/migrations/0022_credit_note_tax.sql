ALTER TABLE "credit_notes" ADD COLUMN "net_amount" numeric(40, 15);--> statement-breakpoint
ALTER TABLE "credit_notes" ADD COLUMN "tax_amount" numeric(40, 15);--> statement-breakpoint
ALTER TABLE "credit_notes" ADD COLUMN "taxes" jsonb;