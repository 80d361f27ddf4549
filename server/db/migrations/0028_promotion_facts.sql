CREATE TABLE "promotion_facts" (
	"tenant_id" uuid NOT NULL,
	"rule" text NOT NULL,
	"month" date NOT NULL,
	"currency" text NOT NULL,
	"customer_id" text,
	"invoices" integer NOT NULL,
	"lines" integer NOT NULL,
	"amount" numeric(40, 15) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "promotion_facts" ADD CONSTRAINT "promotion_facts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "promotion_facts_tenant_month_idx" ON "promotion_facts" USING btree ("tenant_id","month");--> statement-breakpoint
-- promotion_facts (server/db/schema/payment-facts.ts) kept by statement-level triggers on invoices, append-only
-- like receivable_facts: each statement inserts what the changed invoices' discount lines contribute now minus
-- what they contributed before (an issued invoice, by its period month): per rule, one invoice and Σ |amount|;
-- per rule and customer of a line, the number of lines.
CREATE FUNCTION bw_promotion_facts_invoices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO promotion_facts (tenant_id, rule, month, currency, customer_id, invoices, lines, amount)
    SELECT t, r, m, c, cid, sum(inv), sum(ln), sum(amt) FROM (
      SELECT x.tenant_id, l->>'rule', date_trunc('month', x.period_start)::date, x.currency, NULL::text, 1, 0, 1 * sum(abs((l->>'amount')::numeric))
      FROM new_rows x CROSS JOIN LATERAL jsonb_array_elements(x.lines) l
      WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND l->>'kind' = 'discount' AND l->>'rule' IS NOT NULL AND true GROUP BY x.id, x.tenant_id, 2, 3, 4
      UNION ALL
      SELECT x.tenant_id, l->>'rule', date_trunc('month', x.period_start)::date, x.currency, coalesce(l->>'customerId', x.customer_id::text), 0, 1 * count(*), 0
      FROM new_rows x CROSS JOIN LATERAL jsonb_array_elements(x.lines) l
      WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND l->>'kind' = 'discount' AND l->>'rule' IS NOT NULL AND true GROUP BY x.tenant_id, 2, 3, 4, 5
    ) d(t, r, m, c, cid, inv, ln, amt) GROUP BY t, r, m, c, cid HAVING sum(inv) <> 0 OR sum(ln) <> 0 OR sum(amt) <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO promotion_facts (tenant_id, rule, month, currency, customer_id, invoices, lines, amount)
    SELECT t, r, m, c, cid, sum(inv), sum(ln), sum(amt) FROM (
      SELECT x.tenant_id, l->>'rule', date_trunc('month', x.period_start)::date, x.currency, NULL::text, -1, 0, -1 * sum(abs((l->>'amount')::numeric))
      FROM old_rows x CROSS JOIN LATERAL jsonb_array_elements(x.lines) l
      WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND l->>'kind' = 'discount' AND l->>'rule' IS NOT NULL AND true GROUP BY x.id, x.tenant_id, 2, 3, 4
      UNION ALL
      SELECT x.tenant_id, l->>'rule', date_trunc('month', x.period_start)::date, x.currency, coalesce(l->>'customerId', x.customer_id::text), 0, -1 * count(*), 0
      FROM old_rows x CROSS JOIN LATERAL jsonb_array_elements(x.lines) l
      WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND l->>'kind' = 'discount' AND l->>'rule' IS NOT NULL AND true GROUP BY x.tenant_id, 2, 3, 4, 5
    ) d(t, r, m, c, cid, inv, ln, amt) GROUP BY t, r, m, c, cid HAVING sum(inv) <> 0 OR sum(ln) <> 0 OR sum(amt) <> 0;
  ELSIF (SELECT count(*) FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.status IN ('finalized','partially_paid','paid','payment_failed'), o.period_start, o.currency, o.customer_id, o.lines) IS DISTINCT FROM (n.tenant_id, n.status IN ('finalized','partially_paid','paid','payment_failed'), n.period_start, n.currency, n.customer_id, n.lines)) > 0 THEN
    INSERT INTO promotion_facts (tenant_id, rule, month, currency, customer_id, invoices, lines, amount)
    SELECT t, r, m, c, cid, sum(inv), sum(ln), sum(amt) FROM (
      SELECT x.tenant_id, l->>'rule', date_trunc('month', x.period_start)::date, x.currency, NULL::text, -1, 0, -1 * sum(abs((l->>'amount')::numeric))
      FROM old_rows x CROSS JOIN LATERAL jsonb_array_elements(x.lines) l
      WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND l->>'kind' = 'discount' AND l->>'rule' IS NOT NULL AND x.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.status IN ('finalized','partially_paid','paid','payment_failed'), o.period_start, o.currency, o.customer_id, o.lines) IS DISTINCT FROM (n.tenant_id, n.status IN ('finalized','partially_paid','paid','payment_failed'), n.period_start, n.currency, n.customer_id, n.lines)) GROUP BY x.id, x.tenant_id, 2, 3, 4
      UNION ALL
      SELECT x.tenant_id, l->>'rule', date_trunc('month', x.period_start)::date, x.currency, coalesce(l->>'customerId', x.customer_id::text), 0, -1 * count(*), 0
      FROM old_rows x CROSS JOIN LATERAL jsonb_array_elements(x.lines) l
      WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND l->>'kind' = 'discount' AND l->>'rule' IS NOT NULL AND x.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.status IN ('finalized','partially_paid','paid','payment_failed'), o.period_start, o.currency, o.customer_id, o.lines) IS DISTINCT FROM (n.tenant_id, n.status IN ('finalized','partially_paid','paid','payment_failed'), n.period_start, n.currency, n.customer_id, n.lines)) GROUP BY x.tenant_id, 2, 3, 4, 5
      UNION ALL
      SELECT x.tenant_id, l->>'rule', date_trunc('month', x.period_start)::date, x.currency, NULL::text, 1, 0, 1 * sum(abs((l->>'amount')::numeric))
      FROM new_rows x CROSS JOIN LATERAL jsonb_array_elements(x.lines) l
      WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND l->>'kind' = 'discount' AND l->>'rule' IS NOT NULL AND x.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.status IN ('finalized','partially_paid','paid','payment_failed'), o.period_start, o.currency, o.customer_id, o.lines) IS DISTINCT FROM (n.tenant_id, n.status IN ('finalized','partially_paid','paid','payment_failed'), n.period_start, n.currency, n.customer_id, n.lines)) GROUP BY x.id, x.tenant_id, 2, 3, 4
      UNION ALL
      SELECT x.tenant_id, l->>'rule', date_trunc('month', x.period_start)::date, x.currency, coalesce(l->>'customerId', x.customer_id::text), 0, 1 * count(*), 0
      FROM new_rows x CROSS JOIN LATERAL jsonb_array_elements(x.lines) l
      WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND l->>'kind' = 'discount' AND l->>'rule' IS NOT NULL AND x.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.status IN ('finalized','partially_paid','paid','payment_failed'), o.period_start, o.currency, o.customer_id, o.lines) IS DISTINCT FROM (n.tenant_id, n.status IN ('finalized','partially_paid','paid','payment_failed'), n.period_start, n.currency, n.customer_id, n.lines)) GROUP BY x.tenant_id, 2, 3, 4, 5
    ) d(t, r, m, c, cid, inv, ln, amt) GROUP BY t, r, m, c, cid HAVING sum(inv) <> 0 OR sum(ln) <> 0 OR sum(amt) <> 0;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER invoices_promo_facts_ins AFTER INSERT ON invoices REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_promotion_facts_invoices();
--> statement-breakpoint
CREATE TRIGGER invoices_promo_facts_upd AFTER UPDATE ON invoices REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_promotion_facts_invoices();
--> statement-breakpoint
CREATE TRIGGER invoices_promo_facts_del AFTER DELETE ON invoices REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_promotion_facts_invoices();
--> statement-breakpoint
-- Backfill: what the existing invoices contribute.
INSERT INTO promotion_facts (tenant_id, rule, month, currency, customer_id, invoices, lines, amount)
    SELECT t, r, m, c, cid, sum(inv), sum(ln), sum(amt) FROM (
      SELECT x.tenant_id, l->>'rule', date_trunc('month', x.period_start)::date, x.currency, NULL::text, 1, 0, 1 * sum(abs((l->>'amount')::numeric))
      FROM invoices x CROSS JOIN LATERAL jsonb_array_elements(x.lines) l
      WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND l->>'kind' = 'discount' AND l->>'rule' IS NOT NULL AND true GROUP BY x.id, x.tenant_id, 2, 3, 4
      UNION ALL
      SELECT x.tenant_id, l->>'rule', date_trunc('month', x.period_start)::date, x.currency, coalesce(l->>'customerId', x.customer_id::text), 0, 1 * count(*), 0
      FROM invoices x CROSS JOIN LATERAL jsonb_array_elements(x.lines) l
      WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND l->>'kind' = 'discount' AND l->>'rule' IS NOT NULL AND true GROUP BY x.tenant_id, 2, 3, 4, 5
    ) d(t, r, m, c, cid, inv, ln, amt) GROUP BY t, r, m, c, cid HAVING sum(inv) <> 0 OR sum(ln) <> 0 OR sum(amt) <> 0;

--> statement-breakpoint
ANALYZE promotion_facts;