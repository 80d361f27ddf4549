CREATE TABLE "dunning_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"action_id" uuid NOT NULL,
	"attempt" integer NOT NULL,
	"invoice_id" uuid NOT NULL,
	"run_date" date NOT NULL,
	"status" text NOT NULL,
	"tries" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"payload" jsonb NOT NULL,
	"error" text,
	"message_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dunning_outbox" ADD CONSTRAINT "dunning_outbox_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_outbox" ADD CONSTRAINT "dunning_outbox_action_id_dunning_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."dunning_actions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_outbox" ADD CONSTRAINT "dunning_outbox_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "dunning_outbox_action_attempt_uq" ON "dunning_outbox" USING btree ("tenant_id","action_id","attempt");--> statement-breakpoint
CREATE INDEX "dunning_outbox_due_idx" ON "dunning_outbox" USING btree ("tenant_id","status","next_attempt_at");