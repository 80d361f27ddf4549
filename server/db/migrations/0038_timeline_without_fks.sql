ALTER TABLE "dunning_timeline" DROP CONSTRAINT "dunning_timeline_tenant_id_tenants_id_fk";
--> statement-breakpoint
ALTER TABLE "dunning_timeline" DROP CONSTRAINT "dunning_timeline_invoice_id_invoices_id_fk";
