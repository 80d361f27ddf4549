CREATE TABLE "invoice_points" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"rule" text NOT NULL,
	"points" numeric(40, 15) NOT NULL,
	"expires_in_days" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "points_policies" (
	"tenant_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"point_value" numeric(40, 15) DEFAULT '1' NOT NULL,
	"max_points_per_invoice" numeric(40, 15),
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "points_policies_tenant_id_currency_pk" PRIMARY KEY("tenant_id","currency"),
	CONSTRAINT "points_policies_value_positive" CHECK ("points_policies"."point_value" > 0)
);
--> statement-breakpoint
ALTER TABLE "wallet_entries" ADD COLUMN "key" text;--> statement-breakpoint
ALTER TABLE "wallets" ADD COLUMN "low_balance_threshold" numeric(40, 15);--> statement-breakpoint
ALTER TABLE "invoice_points" ADD CONSTRAINT "invoice_points_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invoice_points" ADD CONSTRAINT "invoice_points_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "points_policies" ADD CONSTRAINT "points_policies_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "invoice_points_uq" ON "invoice_points" USING btree ("tenant_id","invoice_id","rule");--> statement-breakpoint
CREATE UNIQUE INDEX "wallet_entries_key_uq" ON "wallet_entries" USING btree ("wallet_id","key") WHERE key is not null;