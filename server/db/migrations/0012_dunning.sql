CREATE TABLE "dunning_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"bill_to" uuid NOT NULL,
	"rule_code" text NOT NULL,
	"rule_version" integer NOT NULL,
	"step" integer NOT NULL,
	"action" text NOT NULL,
	"status" text NOT NULL,
	"run_date" date NOT NULL,
	"last_attempt_on" date NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"result" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"error" text,
	"reversed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dunning_controls" (
	"tenant_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"paused_until" date,
	"promise_to_pay_on" date,
	"note" text,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dunning_controls_tenant_id_invoice_id_pk" PRIMARY KEY("tenant_id","invoice_id")
);
--> statement-breakpoint
CREATE TABLE "dunning_exclusions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid,
	"payer_id" uuid,
	"reason_code" text NOT NULL,
	"note" text,
	"set_by" text NOT NULL,
	"valid_from" date,
	"valid_to" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	"ended_by" text,
	CONSTRAINT "dunning_exclusions_one_party" CHECK (("dunning_exclusions"."customer_id" is null) <> ("dunning_exclusions"."payer_id" is null))
);
--> statement-breakpoint
CREATE TABLE "dunning_timeline" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"run_date" date NOT NULL,
	"rule_code" text,
	"rule_version" integer,
	"action" text,
	"decision" text NOT NULL,
	"reason" text,
	"facts" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"trace" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "dunning_actions" ADD CONSTRAINT "dunning_actions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_actions" ADD CONSTRAINT "dunning_actions_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_controls" ADD CONSTRAINT "dunning_controls_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_controls" ADD CONSTRAINT "dunning_controls_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_exclusions" ADD CONSTRAINT "dunning_exclusions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_exclusions" ADD CONSTRAINT "dunning_exclusions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_exclusions" ADD CONSTRAINT "dunning_exclusions_payer_id_payers_id_fk" FOREIGN KEY ("payer_id") REFERENCES "public"."payers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_timeline" ADD CONSTRAINT "dunning_timeline_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dunning_timeline" ADD CONSTRAINT "dunning_timeline_invoice_id_invoices_id_fk" FOREIGN KEY ("invoice_id") REFERENCES "public"."invoices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "dunning_actions_step_uq" ON "dunning_actions" USING btree ("tenant_id","invoice_id","rule_code","step");--> statement-breakpoint
CREATE INDEX "dunning_actions_bill_to_idx" ON "dunning_actions" USING btree ("tenant_id","bill_to","action");--> statement-breakpoint
CREATE INDEX "dunning_exclusions_tenant_idx" ON "dunning_exclusions" USING btree ("tenant_id","ended_at");--> statement-breakpoint
CREATE INDEX "dunning_timeline_invoice_idx" ON "dunning_timeline" USING btree ("tenant_id","invoice_id","created_at");