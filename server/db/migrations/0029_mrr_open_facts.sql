CREATE TABLE "mrr_facts" (
	"tenant_id" uuid NOT NULL,
	"month" date NOT NULL,
	"currency" text NOT NULL,
	"cohort_month" date NOT NULL,
	"kind" text NOT NULL,
	"amount" numeric(40, 15) DEFAULT '0' NOT NULL,
	"movements" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "open_receivable_facts" (
	"tenant_id" uuid NOT NULL,
	"currency" text NOT NULL,
	"issue_date" date,
	"due_date" date,
	"open" numeric(40, 15) DEFAULT '0' NOT NULL,
	"invoices" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- mrr_movements.cohort_month: added empty, filled from each customer's first `new` movement per
-- currency (rows without one, which the derivation never writes, take their own first month), then
-- required. Written by the service from now on (analytics/movements.ts).
ALTER TABLE "mrr_movements" ADD COLUMN "cohort_month" date;--> statement-breakpoint
UPDATE "mrr_movements" m SET "cohort_month" = f.c FROM (
  SELECT tenant_id, customer_id, currency, date_trunc('month', min(date))::date AS c FROM mrr_movements WHERE kind = 'new' GROUP BY 1, 2, 3
) f WHERE f.tenant_id = m.tenant_id AND f.customer_id = m.customer_id AND f.currency = m.currency;--> statement-breakpoint
UPDATE "mrr_movements" m SET "cohort_month" = f.c FROM (
  SELECT tenant_id, customer_id, currency, date_trunc('month', min(date))::date AS c FROM mrr_movements WHERE cohort_month IS NULL GROUP BY 1, 2, 3
) f WHERE f.tenant_id = m.tenant_id AND f.customer_id = m.customer_id AND f.currency = m.currency AND m.cohort_month IS NULL;--> statement-breakpoint
ALTER TABLE "mrr_movements" ALTER COLUMN "cohort_month" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "mrr_facts" ADD CONSTRAINT "mrr_facts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "open_receivable_facts" ADD CONSTRAINT "open_receivable_facts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mrr_facts_tenant_month_idx" ON "mrr_facts" USING btree ("tenant_id","month");--> statement-breakpoint
CREATE INDEX "open_receivable_facts_tenant_idx" ON "open_receivable_facts" USING btree ("tenant_id","due_date");--> statement-breakpoint
-- mrr_facts (server/db/schema/mrr-facts.ts): every statement on mrr_movements adds what its new
-- rows add and subtracts what its old rows added, per month, currency, cohort and kind, as
-- append-only delta rows (the receivable_facts pattern: no upsert, so writers never wait on a row).
CREATE FUNCTION bw_mrr_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO mrr_facts (tenant_id, month, currency, cohort_month, kind, amount, movements)
    SELECT x.tenant_id, date_trunc('month', x.date)::date, x.currency, x.cohort_month, x.kind, sum(x.amount), count(*)::int
    FROM new_rows x GROUP BY 1, 2, 3, 4, 5;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO mrr_facts (tenant_id, month, currency, cohort_month, kind, amount, movements)
    SELECT t, m, c, co, k, sum(a), sum(n)::int FROM (
      SELECT x.tenant_id AS t, date_trunc('month', x.date)::date AS m, x.currency AS c, x.cohort_month AS co, x.kind AS k, x.amount AS a, 1 AS n FROM new_rows x
      UNION ALL
      SELECT x.tenant_id, date_trunc('month', x.date)::date, x.currency, x.cohort_month, x.kind, -x.amount, -1 FROM old_rows x
    ) d GROUP BY t, m, c, co, k HAVING sum(a) <> 0 OR sum(n) <> 0;
  ELSE
    INSERT INTO mrr_facts (tenant_id, month, currency, cohort_month, kind, amount, movements)
    SELECT x.tenant_id, date_trunc('month', x.date)::date, x.currency, x.cohort_month, x.kind, -sum(x.amount), -count(*)::int
    FROM old_rows x GROUP BY 1, 2, 3, 4, 5;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER mrr_movements_facts_ins AFTER INSERT ON mrr_movements REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_mrr_facts();
--> statement-breakpoint
CREATE TRIGGER mrr_movements_facts_upd AFTER UPDATE ON mrr_movements REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_mrr_facts();
--> statement-breakpoint
CREATE TRIGGER mrr_movements_facts_del AFTER DELETE ON mrr_movements REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_mrr_facts();
--> statement-breakpoint
-- open_receivable_facts: what is open of each invoice (finalized, partially paid, payment failed;
-- amount due above amount paid) per currency, issue date and due date; + the new rows' open
-- amounts, − the old rows'.
CREATE FUNCTION bw_open_receivable_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO open_receivable_facts (tenant_id, currency, issue_date, due_date, open, invoices)
    SELECT x.tenant_id, x.currency, x.issue_date, x.due_date, sum(x.amount_due - x.amount_paid), count(*)::int FROM new_rows x
    WHERE x.status IN ('finalized','partially_paid','payment_failed') AND x.amount_due > x.amount_paid GROUP BY 1, 2, 3, 4;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO open_receivable_facts (tenant_id, currency, issue_date, due_date, open, invoices)
    SELECT t, c, i, d, sum(o), sum(n)::int FROM (
      SELECT x.tenant_id AS t, x.currency AS c, x.issue_date AS i, x.due_date AS d, x.amount_due - x.amount_paid AS o, 1 AS n FROM new_rows x
      WHERE x.status IN ('finalized','partially_paid','payment_failed') AND x.amount_due > x.amount_paid
      UNION ALL
      SELECT x.tenant_id, x.currency, x.issue_date, x.due_date, -(x.amount_due - x.amount_paid), -1 FROM old_rows x
      WHERE x.status IN ('finalized','partially_paid','payment_failed') AND x.amount_due > x.amount_paid
    ) d GROUP BY t, c, i, d HAVING sum(o) <> 0 OR sum(n) <> 0;
  ELSE
    INSERT INTO open_receivable_facts (tenant_id, currency, issue_date, due_date, open, invoices)
    SELECT x.tenant_id, x.currency, x.issue_date, x.due_date, -sum(x.amount_due - x.amount_paid), -count(*)::int FROM old_rows x
    WHERE x.status IN ('finalized','partially_paid','payment_failed') AND x.amount_due > x.amount_paid GROUP BY 1, 2, 3, 4;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER invoices_open_facts_ins AFTER INSERT ON invoices REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_open_receivable_facts();
--> statement-breakpoint
CREATE TRIGGER invoices_open_facts_upd AFTER UPDATE ON invoices REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_open_receivable_facts();
--> statement-breakpoint
CREATE TRIGGER invoices_open_facts_del AFTER DELETE ON invoices REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_open_receivable_facts();
--> statement-breakpoint
-- Backfill both from the data already stored.
INSERT INTO mrr_facts (tenant_id, month, currency, cohort_month, kind, amount, movements)
SELECT x.tenant_id, date_trunc('month', x.date)::date, x.currency, x.cohort_month, x.kind, sum(x.amount), count(*)::int
FROM mrr_movements x GROUP BY 1, 2, 3, 4, 5;
--> statement-breakpoint
INSERT INTO open_receivable_facts (tenant_id, currency, issue_date, due_date, open, invoices)
SELECT x.tenant_id, x.currency, x.issue_date, x.due_date, sum(x.amount_due - x.amount_paid), count(*)::int FROM invoices x
WHERE x.status IN ('finalized','partially_paid','payment_failed') AND x.amount_due > x.amount_paid GROUP BY 1, 2, 3, 4;
