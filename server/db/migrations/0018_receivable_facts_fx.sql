CREATE TABLE "receivable_facts" (
	"tenant_id" uuid NOT NULL,
	"month" date NOT NULL,
	"currency" text NOT NULL,
	"billed" numeric(40, 15) DEFAULT '0' NOT NULL,
	"issued_count" integer DEFAULT 0 NOT NULL,
	"collected" numeric(40, 15) DEFAULT '0' NOT NULL,
	"received_count" integer DEFAULT 0 NOT NULL,
	"outstanding_delta" numeric(40, 15) DEFAULT '0' NOT NULL,
	CONSTRAINT "receivable_facts_tenant_id_month_currency_pk" PRIMARY KEY("tenant_id","month","currency")
);
--> statement-breakpoint
CREATE TABLE "fx_rates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"date" date NOT NULL,
	"base" text NOT NULL,
	"quote" text NOT NULL,
	"rate" numeric(30, 12) NOT NULL,
	"source" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "fx_rates_positive" CHECK ("fx_rates"."rate" > 0)
);
--> statement-breakpoint
ALTER TABLE "receivable_facts" ADD CONSTRAINT "receivable_facts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fx_rates" ADD CONSTRAINT "fx_rates_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "fx_rates_pair_date_uq" ON "fx_rates" USING btree ("tenant_id","base","quote","date");--> statement-breakpoint
CREATE INDEX "invoices_open_due_idx" ON "invoices" USING btree ("tenant_id","due_date") WHERE status in ('finalized','partially_paid','payment_failed') and amount_due > amount_paid;