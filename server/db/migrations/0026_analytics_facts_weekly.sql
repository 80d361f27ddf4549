CREATE TABLE "weekly_summary_opt_ins" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "weekly_summary_opt_ins_tenant_id_user_id_pk" PRIMARY KEY("tenant_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "weekly_summary_sends" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"week_start" date NOT NULL,
	"sent_to" text NOT NULL,
	"message_id" text,
	"sent_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "weekly_summary_sends_tenant_id_user_id_week_start_pk" PRIMARY KEY("tenant_id","user_id","week_start")
);
--> statement-breakpoint
ALTER TABLE "receivable_facts" DROP CONSTRAINT "receivable_facts_tenant_id_month_currency_pk";--> statement-breakpoint
ALTER TABLE "weekly_summary_opt_ins" ADD CONSTRAINT "weekly_summary_opt_ins_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "weekly_summary_opt_ins" ADD CONSTRAINT "weekly_summary_opt_ins_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "weekly_summary_sends" ADD CONSTRAINT "weekly_summary_sends_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "weekly_summary_sends" ADD CONSTRAINT "weekly_summary_sends_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "usage_events_received_brin" ON "usage_events" USING brin ("received_at");--> statement-breakpoint
CREATE INDEX "invoices_tenant_issue_idx" ON "invoices" USING btree ("tenant_id","issue_date");--> statement-breakpoint
CREATE INDEX "subscriptions_trial_end_idx" ON "subscriptions" USING btree ("tenant_id","trial_end_date") WHERE trial_end_date is not null;--> statement-breakpoint
CREATE INDEX "receivable_facts_tenant_month_idx" ON "receivable_facts" USING btree ("tenant_id","month");--> statement-breakpoint
-- The facts become append-only delta rows (server/db/schema/analytics-facts.ts): the triggers
-- insert what each statement adds per month and currency and never upsert, so two writers of one
-- tenant-month no longer wait on one row until the first commits. Readers sum the rows per month;
-- the nightly job analytics.compact_receivable_facts folds them. Same contributions as 0019.
CREATE OR REPLACE FUNCTION bw_receivable_facts_invoices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO receivable_facts (tenant_id, month, currency, billed, issued_count, collected, received_count, outstanding_delta)
    SELECT t, m, c, sum(b), sum(ic), sum(co), sum(rc), sum(o) FROM (
      SELECT x.tenant_id AS t, date_trunc('month', x.issue_date)::date AS m, x.currency AS c, 1 * x.total AS b, 1 AS ic, 0::numeric AS co, 0 AS rc, 1 * x.amount_due AS o
      FROM new_rows x WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND true
    ) d GROUP BY t, m, c
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO receivable_facts (tenant_id, month, currency, billed, issued_count, collected, received_count, outstanding_delta)
    SELECT t, m, c, sum(b), sum(ic), sum(co), sum(rc), sum(o) FROM (
      SELECT x.tenant_id AS t, date_trunc('month', x.issue_date)::date AS m, x.currency AS c, -1 * x.total AS b, -1 AS ic, 0::numeric AS co, 0 AS rc, -1 * x.amount_due AS o
      FROM old_rows x WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND x.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.status, o.issue_date, o.total, o.amount_due, o.currency) IS DISTINCT FROM (n.tenant_id, n.status, n.issue_date, n.total, n.amount_due, n.currency))
      UNION ALL
      SELECT x.tenant_id, date_trunc('month', greatest(x.issue_date, p.received_on))::date, x.currency, 0, 0, 0, 0, 1 * a.amount
      FROM old_rows x JOIN payment_allocations a ON a.tenant_id = x.tenant_id AND a.invoice_id = x.id JOIN payments p ON p.id = a.payment_id
      WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND x.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.status, o.issue_date, o.total, o.amount_due, o.currency) IS DISTINCT FROM (n.tenant_id, n.status, n.issue_date, n.total, n.amount_due, n.currency))
      UNION ALL
      SELECT x.tenant_id AS t, date_trunc('month', x.issue_date)::date AS m, x.currency AS c, 1 * x.total AS b, 1 AS ic, 0::numeric AS co, 0 AS rc, 1 * x.amount_due AS o
      FROM new_rows x WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND x.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.status, o.issue_date, o.total, o.amount_due, o.currency) IS DISTINCT FROM (n.tenant_id, n.status, n.issue_date, n.total, n.amount_due, n.currency))
      UNION ALL
      SELECT x.tenant_id, date_trunc('month', greatest(x.issue_date, p.received_on))::date, x.currency, 0, 0, 0, 0, -1 * a.amount
      FROM new_rows x JOIN payment_allocations a ON a.tenant_id = x.tenant_id AND a.invoice_id = x.id JOIN payments p ON p.id = a.payment_id
      WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND x.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.status, o.issue_date, o.total, o.amount_due, o.currency) IS DISTINCT FROM (n.tenant_id, n.status, n.issue_date, n.total, n.amount_due, n.currency))
    ) d GROUP BY t, m, c
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0;
  ELSE
    INSERT INTO receivable_facts (tenant_id, month, currency, billed, issued_count, collected, received_count, outstanding_delta)
    SELECT t, m, c, sum(b), sum(ic), sum(co), sum(rc), sum(o) FROM (
      SELECT x.tenant_id AS t, date_trunc('month', x.issue_date)::date AS m, x.currency AS c, -1 * x.total AS b, -1 AS ic, 0::numeric AS co, 0 AS rc, -1 * x.amount_due AS o
      FROM old_rows x WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND true
      UNION ALL
      SELECT x.tenant_id, date_trunc('month', greatest(x.issue_date, p.received_on))::date, x.currency, 0, 0, 0, 0, 1 * a.amount
      FROM old_rows x JOIN payment_allocations a ON a.tenant_id = x.tenant_id AND a.invoice_id = x.id JOIN payments p ON p.id = a.payment_id
      WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND true
    ) d GROUP BY t, m, c
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION bw_receivable_facts_payments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO receivable_facts (tenant_id, month, currency, billed, issued_count, collected, received_count, outstanding_delta)
    SELECT t, m, c, sum(b), sum(ic), sum(co), sum(rc), sum(o) FROM (
      SELECT x.tenant_id AS t, date_trunc('month', x.received_on)::date AS m, x.currency AS c, 0::numeric AS b, 0 AS ic, 1 * (x.amount - x.refunded_amount) AS co, 1 AS rc, 0::numeric AS o
      FROM new_rows x WHERE x.status IN ('succeeded','partially_refunded','refunded') AND true
    ) d GROUP BY t, m, c
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO receivable_facts (tenant_id, month, currency, billed, issued_count, collected, received_count, outstanding_delta)
    SELECT t, m, c, sum(b), sum(ic), sum(co), sum(rc), sum(o) FROM (
      SELECT x.tenant_id AS t, date_trunc('month', x.received_on)::date AS m, x.currency AS c, 0::numeric AS b, 0 AS ic, -1 * (x.amount - x.refunded_amount) AS co, -1 AS rc, 0::numeric AS o
      FROM old_rows x WHERE x.status IN ('succeeded','partially_refunded','refunded') AND x.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.status, o.received_on, o.amount, o.refunded_amount, o.currency) IS DISTINCT FROM (n.tenant_id, n.status, n.received_on, n.amount, n.refunded_amount, n.currency))
      UNION ALL
      SELECT i.tenant_id, date_trunc('month', greatest(i.issue_date, x.received_on))::date, i.currency, 0, 0, 0, 0, 1 * a.amount
      FROM old_rows x JOIN payment_allocations a ON a.tenant_id = x.tenant_id AND a.payment_id = x.id JOIN invoices i ON i.id = a.invoice_id
      WHERE i.status IN ('finalized','partially_paid','paid','payment_failed') AND x.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.status, o.received_on, o.amount, o.refunded_amount, o.currency) IS DISTINCT FROM (n.tenant_id, n.status, n.received_on, n.amount, n.refunded_amount, n.currency))
      UNION ALL
      SELECT x.tenant_id AS t, date_trunc('month', x.received_on)::date AS m, x.currency AS c, 0::numeric AS b, 0 AS ic, 1 * (x.amount - x.refunded_amount) AS co, 1 AS rc, 0::numeric AS o
      FROM new_rows x WHERE x.status IN ('succeeded','partially_refunded','refunded') AND x.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.status, o.received_on, o.amount, o.refunded_amount, o.currency) IS DISTINCT FROM (n.tenant_id, n.status, n.received_on, n.amount, n.refunded_amount, n.currency))
      UNION ALL
      SELECT i.tenant_id, date_trunc('month', greatest(i.issue_date, x.received_on))::date, i.currency, 0, 0, 0, 0, -1 * a.amount
      FROM new_rows x JOIN payment_allocations a ON a.tenant_id = x.tenant_id AND a.payment_id = x.id JOIN invoices i ON i.id = a.invoice_id
      WHERE i.status IN ('finalized','partially_paid','paid','payment_failed') AND x.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.status, o.received_on, o.amount, o.refunded_amount, o.currency) IS DISTINCT FROM (n.tenant_id, n.status, n.received_on, n.amount, n.refunded_amount, n.currency))
    ) d GROUP BY t, m, c
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0;
  ELSE
    INSERT INTO receivable_facts (tenant_id, month, currency, billed, issued_count, collected, received_count, outstanding_delta)
    SELECT t, m, c, sum(b), sum(ic), sum(co), sum(rc), sum(o) FROM (
      SELECT x.tenant_id AS t, date_trunc('month', x.received_on)::date AS m, x.currency AS c, 0::numeric AS b, 0 AS ic, -1 * (x.amount - x.refunded_amount) AS co, -1 AS rc, 0::numeric AS o
      FROM old_rows x WHERE x.status IN ('succeeded','partially_refunded','refunded') AND true
      UNION ALL
      SELECT i.tenant_id, date_trunc('month', greatest(i.issue_date, x.received_on))::date, i.currency, 0, 0, 0, 0, 1 * a.amount
      FROM old_rows x JOIN payment_allocations a ON a.tenant_id = x.tenant_id AND a.payment_id = x.id JOIN invoices i ON i.id = a.invoice_id
      WHERE i.status IN ('finalized','partially_paid','paid','payment_failed') AND true
    ) d GROUP BY t, m, c
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION bw_receivable_facts_allocations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO receivable_facts (tenant_id, month, currency, billed, issued_count, collected, received_count, outstanding_delta)
    SELECT t, m, c, sum(b), sum(ic), sum(co), sum(rc), sum(o) FROM (
      SELECT i.tenant_id AS t, date_trunc('month', greatest(i.issue_date, p.received_on))::date AS m, i.currency AS c, 0::numeric AS b, 0 AS ic, 0::numeric AS co, 0 AS rc, -1 * x.amount AS o
      FROM new_rows x JOIN invoices i ON i.id = x.invoice_id JOIN payments p ON p.id = x.payment_id WHERE i.status IN ('finalized','partially_paid','paid','payment_failed')
    ) d GROUP BY t, m, c
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO receivable_facts (tenant_id, month, currency, billed, issued_count, collected, received_count, outstanding_delta)
    SELECT t, m, c, sum(b), sum(ic), sum(co), sum(rc), sum(o) FROM (
      SELECT i.tenant_id AS t, date_trunc('month', greatest(i.issue_date, p.received_on))::date AS m, i.currency AS c, 0::numeric AS b, 0 AS ic, 0::numeric AS co, 0 AS rc, 1 * x.amount AS o
      FROM old_rows x JOIN invoices i ON i.id = x.invoice_id JOIN payments p ON p.id = x.payment_id WHERE i.status IN ('finalized','partially_paid','paid','payment_failed')
      UNION ALL
      SELECT i.tenant_id AS t, date_trunc('month', greatest(i.issue_date, p.received_on))::date AS m, i.currency AS c, 0::numeric AS b, 0 AS ic, 0::numeric AS co, 0 AS rc, -1 * x.amount AS o
      FROM new_rows x JOIN invoices i ON i.id = x.invoice_id JOIN payments p ON p.id = x.payment_id WHERE i.status IN ('finalized','partially_paid','paid','payment_failed')
    ) d GROUP BY t, m, c
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0;
  ELSE
    INSERT INTO receivable_facts (tenant_id, month, currency, billed, issued_count, collected, received_count, outstanding_delta)
    SELECT t, m, c, sum(b), sum(ic), sum(co), sum(rc), sum(o) FROM (
      SELECT i.tenant_id AS t, date_trunc('month', greatest(i.issue_date, p.received_on))::date AS m, i.currency AS c, 0::numeric AS b, 0 AS ic, 0::numeric AS co, 0 AS rc, 1 * x.amount AS o
      FROM old_rows x JOIN invoices i ON i.id = x.invoice_id JOIN payments p ON p.id = x.payment_id WHERE i.status IN ('finalized','partially_paid','paid','payment_failed')
    ) d GROUP BY t, m, c
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0;
  END IF;
  RETURN NULL;
END $$;
