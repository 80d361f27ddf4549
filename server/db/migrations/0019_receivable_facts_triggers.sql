-- receivable_facts (server/db/schema/analytics-facts.ts) kept by statement-level triggers: each
-- adds what the changed rows contribute now (NEW TABLE) and subtracts what they contributed
-- before (OLD TABLE), in the writer's transaction. Contributions, as receivables.ts defines them:
--   invoice issued (finalized, partially_paid, paid, payment_failed): billed += total, issued_count += 1,
--     outstanding_delta += amount_due, in the month of its issue date;
--   payment received (succeeded, partially_refunded, refunded): collected += amount − refunded,
--     received_count += 1, in the month of its received date;
--   allocation of a payment to an issued invoice: outstanding_delta −= amount, in the month of the
--     later of the invoice's issue date and the payment's received date.
-- Each upsert locks its fact rows in (tenant, month, currency) order, so that two statements touching
-- the same months take the locks in one order. Writers of one tenant-month wait for each other from
-- the upsert to their commit (the price of exact facts in the same transaction).
--> statement-breakpoint
CREATE FUNCTION bw_receivable_facts_invoices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO receivable_facts (tenant_id, month, currency, billed, issued_count, collected, received_count, outstanding_delta)
    SELECT t, m, c, sum(b), sum(ic), sum(co), sum(rc), sum(o) FROM (
      SELECT x.tenant_id AS t, date_trunc('month', x.issue_date)::date AS m, x.currency AS c, 1 * x.total AS b, 1 AS ic, 0::numeric AS co, 0 AS rc, 1 * x.amount_due AS o
      FROM new_rows x WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND true
    ) d GROUP BY t, m, c
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0
    ORDER BY t, m, c
    ON CONFLICT (tenant_id, month, currency) DO UPDATE SET
      billed = receivable_facts.billed + excluded.billed, issued_count = receivable_facts.issued_count + excluded.issued_count,
      collected = receivable_facts.collected + excluded.collected, received_count = receivable_facts.received_count + excluded.received_count,
      outstanding_delta = receivable_facts.outstanding_delta + excluded.outstanding_delta;
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
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0
    ORDER BY t, m, c
    ON CONFLICT (tenant_id, month, currency) DO UPDATE SET
      billed = receivable_facts.billed + excluded.billed, issued_count = receivable_facts.issued_count + excluded.issued_count,
      collected = receivable_facts.collected + excluded.collected, received_count = receivable_facts.received_count + excluded.received_count,
      outstanding_delta = receivable_facts.outstanding_delta + excluded.outstanding_delta;
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
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0
    ORDER BY t, m, c
    ON CONFLICT (tenant_id, month, currency) DO UPDATE SET
      billed = receivable_facts.billed + excluded.billed, issued_count = receivable_facts.issued_count + excluded.issued_count,
      collected = receivable_facts.collected + excluded.collected, received_count = receivable_facts.received_count + excluded.received_count,
      outstanding_delta = receivable_facts.outstanding_delta + excluded.outstanding_delta;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION bw_receivable_facts_payments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO receivable_facts (tenant_id, month, currency, billed, issued_count, collected, received_count, outstanding_delta)
    SELECT t, m, c, sum(b), sum(ic), sum(co), sum(rc), sum(o) FROM (
      SELECT x.tenant_id AS t, date_trunc('month', x.received_on)::date AS m, x.currency AS c, 0::numeric AS b, 0 AS ic, 1 * (x.amount - x.refunded_amount) AS co, 1 AS rc, 0::numeric AS o
      FROM new_rows x WHERE x.status IN ('succeeded','partially_refunded','refunded') AND true
    ) d GROUP BY t, m, c
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0
    ORDER BY t, m, c
    ON CONFLICT (tenant_id, month, currency) DO UPDATE SET
      billed = receivable_facts.billed + excluded.billed, issued_count = receivable_facts.issued_count + excluded.issued_count,
      collected = receivable_facts.collected + excluded.collected, received_count = receivable_facts.received_count + excluded.received_count,
      outstanding_delta = receivable_facts.outstanding_delta + excluded.outstanding_delta;
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
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0
    ORDER BY t, m, c
    ON CONFLICT (tenant_id, month, currency) DO UPDATE SET
      billed = receivable_facts.billed + excluded.billed, issued_count = receivable_facts.issued_count + excluded.issued_count,
      collected = receivable_facts.collected + excluded.collected, received_count = receivable_facts.received_count + excluded.received_count,
      outstanding_delta = receivable_facts.outstanding_delta + excluded.outstanding_delta;
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
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0
    ORDER BY t, m, c
    ON CONFLICT (tenant_id, month, currency) DO UPDATE SET
      billed = receivable_facts.billed + excluded.billed, issued_count = receivable_facts.issued_count + excluded.issued_count,
      collected = receivable_facts.collected + excluded.collected, received_count = receivable_facts.received_count + excluded.received_count,
      outstanding_delta = receivable_facts.outstanding_delta + excluded.outstanding_delta;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION bw_receivable_facts_allocations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO receivable_facts (tenant_id, month, currency, billed, issued_count, collected, received_count, outstanding_delta)
    SELECT t, m, c, sum(b), sum(ic), sum(co), sum(rc), sum(o) FROM (
      SELECT i.tenant_id AS t, date_trunc('month', greatest(i.issue_date, p.received_on))::date AS m, i.currency AS c, 0::numeric AS b, 0 AS ic, 0::numeric AS co, 0 AS rc, -1 * x.amount AS o
      FROM new_rows x JOIN invoices i ON i.id = x.invoice_id JOIN payments p ON p.id = x.payment_id WHERE i.status IN ('finalized','partially_paid','paid','payment_failed')
    ) d GROUP BY t, m, c
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0
    ORDER BY t, m, c
    ON CONFLICT (tenant_id, month, currency) DO UPDATE SET
      billed = receivable_facts.billed + excluded.billed, issued_count = receivable_facts.issued_count + excluded.issued_count,
      collected = receivable_facts.collected + excluded.collected, received_count = receivable_facts.received_count + excluded.received_count,
      outstanding_delta = receivable_facts.outstanding_delta + excluded.outstanding_delta;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO receivable_facts (tenant_id, month, currency, billed, issued_count, collected, received_count, outstanding_delta)
    SELECT t, m, c, sum(b), sum(ic), sum(co), sum(rc), sum(o) FROM (
      SELECT i.tenant_id AS t, date_trunc('month', greatest(i.issue_date, p.received_on))::date AS m, i.currency AS c, 0::numeric AS b, 0 AS ic, 0::numeric AS co, 0 AS rc, 1 * x.amount AS o
      FROM old_rows x JOIN invoices i ON i.id = x.invoice_id JOIN payments p ON p.id = x.payment_id WHERE i.status IN ('finalized','partially_paid','paid','payment_failed')
      UNION ALL
      SELECT i.tenant_id AS t, date_trunc('month', greatest(i.issue_date, p.received_on))::date AS m, i.currency AS c, 0::numeric AS b, 0 AS ic, 0::numeric AS co, 0 AS rc, -1 * x.amount AS o
      FROM new_rows x JOIN invoices i ON i.id = x.invoice_id JOIN payments p ON p.id = x.payment_id WHERE i.status IN ('finalized','partially_paid','paid','payment_failed')
    ) d GROUP BY t, m, c
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0
    ORDER BY t, m, c
    ON CONFLICT (tenant_id, month, currency) DO UPDATE SET
      billed = receivable_facts.billed + excluded.billed, issued_count = receivable_facts.issued_count + excluded.issued_count,
      collected = receivable_facts.collected + excluded.collected, received_count = receivable_facts.received_count + excluded.received_count,
      outstanding_delta = receivable_facts.outstanding_delta + excluded.outstanding_delta;
  ELSE
    INSERT INTO receivable_facts (tenant_id, month, currency, billed, issued_count, collected, received_count, outstanding_delta)
    SELECT t, m, c, sum(b), sum(ic), sum(co), sum(rc), sum(o) FROM (
      SELECT i.tenant_id AS t, date_trunc('month', greatest(i.issue_date, p.received_on))::date AS m, i.currency AS c, 0::numeric AS b, 0 AS ic, 0::numeric AS co, 0 AS rc, 1 * x.amount AS o
      FROM old_rows x JOIN invoices i ON i.id = x.invoice_id JOIN payments p ON p.id = x.payment_id WHERE i.status IN ('finalized','partially_paid','paid','payment_failed')
    ) d GROUP BY t, m, c
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0
    ORDER BY t, m, c
    ON CONFLICT (tenant_id, month, currency) DO UPDATE SET
      billed = receivable_facts.billed + excluded.billed, issued_count = receivable_facts.issued_count + excluded.issued_count,
      collected = receivable_facts.collected + excluded.collected, received_count = receivable_facts.received_count + excluded.received_count,
      outstanding_delta = receivable_facts.outstanding_delta + excluded.outstanding_delta;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER invoices_facts_ins AFTER INSERT ON invoices REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_receivable_facts_invoices();
--> statement-breakpoint
CREATE TRIGGER invoices_facts_upd AFTER UPDATE ON invoices REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_receivable_facts_invoices();
--> statement-breakpoint
CREATE TRIGGER invoices_facts_del AFTER DELETE ON invoices REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_receivable_facts_invoices();
--> statement-breakpoint
CREATE TRIGGER payments_facts_ins AFTER INSERT ON payments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_receivable_facts_payments();
--> statement-breakpoint
CREATE TRIGGER payments_facts_upd AFTER UPDATE ON payments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_receivable_facts_payments();
--> statement-breakpoint
CREATE TRIGGER payments_facts_del AFTER DELETE ON payments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_receivable_facts_payments();
--> statement-breakpoint
CREATE TRIGGER payment_allocations_facts_ins AFTER INSERT ON payment_allocations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_receivable_facts_allocations();
--> statement-breakpoint
CREATE TRIGGER payment_allocations_facts_upd AFTER UPDATE ON payment_allocations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_receivable_facts_allocations();
--> statement-breakpoint
CREATE TRIGGER payment_allocations_facts_del AFTER DELETE ON payment_allocations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_receivable_facts_allocations();
--> statement-breakpoint
-- Backfill: the facts of the data already stored.
INSERT INTO receivable_facts (tenant_id, month, currency, billed, issued_count, collected, received_count, outstanding_delta)
    SELECT t, m, c, sum(b), sum(ic), sum(co), sum(rc), sum(o) FROM (
      SELECT x.tenant_id AS t, date_trunc('month', x.issue_date)::date AS m, x.currency AS c, 1 * x.total AS b, 1 AS ic, 0::numeric AS co, 0 AS rc, 1 * x.amount_due AS o
      FROM invoices x WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND true
      UNION ALL
      SELECT x.tenant_id AS t, date_trunc('month', x.received_on)::date AS m, x.currency AS c, 0::numeric AS b, 0 AS ic, 1 * (x.amount - x.refunded_amount) AS co, 1 AS rc, 0::numeric AS o
      FROM payments x WHERE x.status IN ('succeeded','partially_refunded','refunded') AND true
      UNION ALL
      SELECT i.tenant_id AS t, date_trunc('month', greatest(i.issue_date, p.received_on))::date AS m, i.currency AS c, 0::numeric AS b, 0 AS ic, 0::numeric AS co, 0 AS rc, -1 * x.amount AS o
      FROM payment_allocations x JOIN invoices i ON i.id = x.invoice_id JOIN payments p ON p.id = x.payment_id WHERE i.status IN ('finalized','partially_paid','paid','payment_failed')
    ) d GROUP BY t, m, c
    HAVING sum(b) <> 0 OR sum(ic) <> 0 OR sum(co) <> 0 OR sum(rc) <> 0 OR sum(o) <> 0
    ORDER BY t, m, c
    ON CONFLICT (tenant_id, month, currency) DO UPDATE SET
      billed = receivable_facts.billed + excluded.billed, issued_count = receivable_facts.issued_count + excluded.issued_count,
      collected = receivable_facts.collected + excluded.collected, received_count = receivable_facts.received_count + excluded.received_count,
      outstanding_delta = receivable_facts.outstanding_delta + excluded.outstanding_delta;
