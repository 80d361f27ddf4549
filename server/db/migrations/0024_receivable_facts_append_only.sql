ALTER TABLE "receivable_facts" DROP CONSTRAINT "receivable_facts_tenant_id_month_currency_pk";--> statement-breakpoint
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
