CREATE TABLE "mrr_movements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"date" date NOT NULL,
	"kind" text NOT NULL,
	"amount" numeric(40, 15) NOT NULL,
	"mrr_before" numeric(40, 15) NOT NULL,
	"mrr_after" numeric(40, 15) NOT NULL,
	"plan_code" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "mrr_movements" ADD CONSTRAINT "mrr_movements_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mrr_movements" ADD CONSTRAINT "mrr_movements_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mrr_movements_tenant_date_idx" ON "mrr_movements" USING btree ("tenant_id","date");--> statement-breakpoint
CREATE INDEX "mrr_movements_customer_idx" ON "mrr_movements" USING btree ("tenant_id","customer_id","date");