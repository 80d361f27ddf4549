ALTER TABLE "churn_scores" DROP CONSTRAINT "churn_scores_tenant_id_tenants_id_fk";
--> statement-breakpoint
ALTER TABLE "churn_scores" DROP CONSTRAINT "churn_scores_customer_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "churn_scores" DROP CONSTRAINT "churn_scores_model_id_churn_models_id_fk";
