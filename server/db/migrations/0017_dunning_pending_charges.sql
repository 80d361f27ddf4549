CREATE TABLE "dunning_pending_charges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"bill_to" uuid NOT NULL,
	"currency" text NOT NULL,
	"amount" numeric(40, 15) NOT NULL,
	"description" text NOT NULL,
	"source_invoice_id" uuid NOT NULL,
	"action_id" uuid NOT NULL,
	"rule_code" text NOT NULL,
	"rule_version" integer NOT NULL,
	"status" text NOT NULL,
	"invoice_id" uuid,
	"reversed_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "dunning_pending_charges" ADD CONSTRAINT "dunning_pending_charges_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_pending_charges" ADD CONSTRAINT "dunning_pending_charges_source_invoice_id_invoices_id_fk" FOREIGN KEY ("source_invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_pending_charges" ADD CONSTRAINT "dunning_pending_charges_action_id_dunning_actions_id_fk" FOREIGN KEY ("action_id") REFERENCES "public"."dunning_actions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_pending_charges" ADD CONSTRAINT "dunning_pending_charges_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "dunning_pending_charges_party_idx" ON "dunning_pending_charges" USING btree ("tenant_id","bill_to","currency","status");