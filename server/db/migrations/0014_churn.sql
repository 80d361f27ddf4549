CREATE TABLE "churn_models" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"active" boolean DEFAULT false NOT NULL,
	"onnx" "bytea" NOT NULL,
	"segments_onnx" "bytea",
	"trees" jsonb NOT NULL,
	"card" jsonb NOT NULL,
	"bands" jsonb DEFAULT '{"medium":0.2,"high":0.5}'::jsonb NOT NULL,
	"note" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "churn_scores" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"model_id" uuid NOT NULL,
	"model_version" integer NOT NULL,
	"as_of" date NOT NULL,
	"probability" double precision NOT NULL,
	"band" text NOT NULL,
	"drivers" jsonb NOT NULL,
	"segment" integer,
	"segment_name" text,
	"scored_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "churn_models" ADD CONSTRAINT "churn_models_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "churn_scores" ADD CONSTRAINT "churn_scores_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "churn_scores" ADD CONSTRAINT "churn_scores_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "churn_scores" ADD CONSTRAINT "churn_scores_model_id_churn_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."churn_models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "churn_models_version_uq" ON "churn_models" USING btree ("tenant_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "churn_models_active_uq" ON "churn_models" USING btree ("tenant_id") WHERE active;--> statement-breakpoint
CREATE UNIQUE INDEX "churn_scores_day_uq" ON "churn_scores" USING btree ("tenant_id","customer_id","model_id","as_of");--> statement-breakpoint
CREATE INDEX "churn_scores_latest_idx" ON "churn_scores" USING btree ("tenant_id","customer_id","scored_at");