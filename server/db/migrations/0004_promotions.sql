CREATE TABLE "coupon_codes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"rule_code" text NOT NULL,
	"code" text NOT NULL,
	"batch" text,
	"max_redemptions" integer,
	"redeemed" integer DEFAULT 0 NOT NULL,
	"expires_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rule_redemptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"rule_code" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"coupon_code" text,
	"amount" numeric(40, 15) NOT NULL,
	"currency" text NOT NULL,
	"period_start" date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "coupon_codes" ADD CONSTRAINT "coupon_codes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rule_redemptions" ADD CONSTRAINT "rule_redemptions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "coupon_codes_uq" ON "coupon_codes" USING btree ("tenant_id","code");--> statement-breakpoint
CREATE INDEX "coupon_codes_rule_idx" ON "coupon_codes" USING btree ("tenant_id","rule_code");--> statement-breakpoint
CREATE UNIQUE INDEX "rule_redemptions_uq" ON "rule_redemptions" USING btree ("tenant_id","rule_code","invoice_id");--> statement-breakpoint
CREATE INDEX "rule_redemptions_rule_idx" ON "rule_redemptions" USING btree ("tenant_id","rule_code");