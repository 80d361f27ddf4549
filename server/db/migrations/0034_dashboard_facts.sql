CREATE TABLE "invoice_period_facts" (
	"tenant_id" uuid NOT NULL,
	"month" date NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"invoices" integer DEFAULT 0 NOT NULL,
	"total" numeric(40, 15) DEFAULT '0' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscription_span_facts" (
	"tenant_id" uuid NOT NULL,
	"plan_code" text NOT NULL,
	"start_month" date NOT NULL,
	"end_month" date,
	"subscriptions" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invoice_period_facts" ADD CONSTRAINT "invoice_period_facts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscription_span_facts" ADD CONSTRAINT "subscription_span_facts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invoice_period_facts_tenant_month_idx" ON "invoice_period_facts" USING btree ("tenant_id","month");--> statement-breakpoint
CREATE INDEX "subscription_span_facts_tenant_idx" ON "subscription_span_facts" USING btree ("tenant_id");--> statement-breakpoint
-- invoice_period_facts and subscription_span_facts (server/db/schema/dashboard-facts.ts): every statement
-- on invoices / subscriptions adds what its new rows add and subtracts what its old rows added, per key,
-- as append-only delta rows (the mrr_facts pattern: no upsert, so writers never wait on a row). An update
-- that changes no key and no sum (most invoice updates: a payment's amount paid) adds nothing.
CREATE FUNCTION bw_invoice_period_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO invoice_period_facts (tenant_id, month, currency, status, invoices, total)
    SELECT x.tenant_id, date_trunc('month', x.period_start)::date, x.currency, x.status, count(*)::int, sum(x.total)
    FROM new_rows x GROUP BY 1, 2, 3, 4;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO invoice_period_facts (tenant_id, month, currency, status, invoices, total)
    SELECT t, m, c, s, sum(n)::int, sum(a) FROM (
      SELECT x.tenant_id AS t, date_trunc('month', x.period_start)::date AS m, x.currency AS c, x.status AS s, 1 AS n, x.total AS a FROM new_rows x
      UNION ALL
      SELECT x.tenant_id, date_trunc('month', x.period_start)::date, x.currency, x.status, -1, -x.total FROM old_rows x
    ) d GROUP BY t, m, c, s HAVING sum(n) <> 0 OR sum(a) <> 0;
  ELSE
    INSERT INTO invoice_period_facts (tenant_id, month, currency, status, invoices, total)
    SELECT x.tenant_id, date_trunc('month', x.period_start)::date, x.currency, x.status, -count(*)::int, -sum(x.total)
    FROM old_rows x GROUP BY 1, 2, 3, 4;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER invoices_period_facts_ins AFTER INSERT ON invoices REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_invoice_period_facts();
--> statement-breakpoint
CREATE TRIGGER invoices_period_facts_upd AFTER UPDATE ON invoices REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_invoice_period_facts();
--> statement-breakpoint
CREATE TRIGGER invoices_period_facts_del AFTER DELETE ON invoices REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_invoice_period_facts();
--> statement-breakpoint
CREATE FUNCTION bw_subscription_span_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO subscription_span_facts (tenant_id, plan_code, start_month, end_month, subscriptions)
    SELECT x.tenant_id, x.plan_code, date_trunc('month', x.start_date)::date, date_trunc('month', x.end_date)::date, count(*)::int
    FROM new_rows x GROUP BY 1, 2, 3, 4;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO subscription_span_facts (tenant_id, plan_code, start_month, end_month, subscriptions)
    SELECT t, p, s, e, sum(n)::int FROM (
      SELECT x.tenant_id AS t, x.plan_code AS p, date_trunc('month', x.start_date)::date AS s, date_trunc('month', x.end_date)::date AS e, 1 AS n FROM new_rows x
      UNION ALL
      SELECT x.tenant_id, x.plan_code, date_trunc('month', x.start_date)::date, date_trunc('month', x.end_date)::date, -1 FROM old_rows x
    ) d GROUP BY t, p, s, e HAVING sum(n) <> 0;
  ELSE
    INSERT INTO subscription_span_facts (tenant_id, plan_code, start_month, end_month, subscriptions)
    SELECT x.tenant_id, x.plan_code, date_trunc('month', x.start_date)::date, date_trunc('month', x.end_date)::date, -count(*)::int
    FROM old_rows x GROUP BY 1, 2, 3, 4;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER subscriptions_span_facts_ins AFTER INSERT ON subscriptions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_subscription_span_facts();
--> statement-breakpoint
CREATE TRIGGER subscriptions_span_facts_upd AFTER UPDATE ON subscriptions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_subscription_span_facts();
--> statement-breakpoint
CREATE TRIGGER subscriptions_span_facts_del AFTER DELETE ON subscriptions REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_subscription_span_facts();
--> statement-breakpoint
-- what the tables hold today (the triggers keep them from here)
INSERT INTO invoice_period_facts (tenant_id, month, currency, status, invoices, total)
SELECT tenant_id, date_trunc('month', period_start)::date, currency, status, count(*)::int, sum(total) FROM invoices GROUP BY 1, 2, 3, 4;
--> statement-breakpoint
INSERT INTO subscription_span_facts (tenant_id, plan_code, start_month, end_month, subscriptions)
SELECT tenant_id, plan_code, date_trunc('month', start_date)::date, date_trunc('month', end_date)::date, count(*)::int FROM subscriptions GROUP BY 1, 2, 3, 4;
