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
ALTER TABLE "receivable_facts" ADD CONSTRAINT "receivable_facts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invoices_open_due_idx" ON "invoices" USING btree ("tenant_id","due_date") WHERE status in ('finalized','partially_paid','payment_failed') and amount_due > amount_paid;