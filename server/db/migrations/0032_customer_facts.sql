CREATE TABLE "customer_mrr_now" (
	"tenant_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"amount" numeric(40, 15) NOT NULL,
	CONSTRAINT "customer_mrr_now_tenant_id_customer_id_pk" PRIMARY KEY("tenant_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "customer_revenue_months" (
	"tenant_id" uuid NOT NULL,
	"customer_id" text NOT NULL,
	"currency" text NOT NULL,
	"first_month" integer NOT NULL,
	"cum_total" numeric[] NOT NULL,
	"cum_invoices" numeric[] NOT NULL,
	CONSTRAINT "customer_revenue_months_tenant_id_customer_id_currency_pk" PRIMARY KEY("tenant_id","customer_id","currency")
);
--> statement-breakpoint
ALTER TABLE "customer_mrr_now" ADD CONSTRAINT "customer_mrr_now_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_revenue_months" ADD CONSTRAINT "customer_revenue_months_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- customer_revenue_months and customer_mrr_now (server/db/schema/customer-facts.ts), kept by statement-level
-- triggers as deltas added to each customer's row by INSERT … ON CONFLICT DO UPDATE: a concurrent writer of
-- the same customer waits for the row and then adds to its latest version, so no rebuild reads a stale
-- snapshot and writers of different customers never wait for each other. Revenue is the non-tax lines of
-- issued invoices (finalized, partially_paid, paid, payment_failed) for the customer a line names (else
-- the invoice's), by period month, as promotion ROI counts them.
CREATE TYPE bw_revenue_delta AS (tenant_id uuid, customer_id text, currency text, mn int, total numeric, n numeric);
--> statement-breakpoint
-- two running totals (first month, values; the last value holds after the end) added month by month
CREATE FUNCTION bw_cum_add(f1 int, a1 numeric[], f2 int, a2 numeric[]) RETURNS numeric[] LANGUAGE sql IMMUTABLE AS $$
  SELECT array_agg(
      (CASE WHEN j < f1 THEN 0 WHEN j - f1 + 1 >= cardinality(a1) THEN a1[cardinality(a1)] ELSE a1[j - f1 + 1] END)
    + (CASE WHEN j < f2 THEN 0 WHEN j - f2 + 1 >= cardinality(a2) THEN a2[cardinality(a2)] ELSE a2[j - f2 + 1] END) ORDER BY j)
  FROM generate_series(least(f1, f2), greatest(f1 + cardinality(a1) - 1, f2 + cardinality(a2) - 1)) AS j
$$;
--> statement-breakpoint
CREATE FUNCTION bw_customer_revenue_apply(d bw_revenue_delta[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF d IS NULL THEN RETURN; END IF;
  WITH m AS (
    SELECT tenant_id, customer_id, currency, mn, sum(total) AS t, sum(n) AS n FROM unnest(d) GROUP BY 1, 2, 3, 4 HAVING sum(total) <> 0 OR sum(n) <> 0),
  b AS (SELECT tenant_id, customer_id, currency, min(mn) AS lo, max(mn) AS hi FROM m GROUP BY 1, 2, 3),
  x AS (
    SELECT b.tenant_id, b.customer_id, b.currency, b.lo, g.mn, sum(coalesce(m.t, 0)) OVER w AS ct, sum(coalesce(m.n, 0)) OVER w AS cn
    FROM b CROSS JOIN generate_series(b.lo, b.hi) AS g(mn)
    LEFT JOIN m ON m.tenant_id = b.tenant_id AND m.customer_id = b.customer_id AND m.currency = b.currency AND m.mn = g.mn
    WINDOW w AS (PARTITION BY b.tenant_id, b.customer_id, b.currency ORDER BY g.mn))
  INSERT INTO customer_revenue_months AS r (tenant_id, customer_id, currency, first_month, cum_total, cum_invoices)
  SELECT tenant_id, customer_id, currency, lo, array_agg(ct ORDER BY mn), array_agg(cn ORDER BY mn) FROM x GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3
  ON CONFLICT (tenant_id, customer_id, currency) DO UPDATE SET
    first_month = least(r.first_month, excluded.first_month),
    cum_total = bw_cum_add(r.first_month, r.cum_total, excluded.first_month, excluded.cum_total),
    cum_invoices = bw_cum_add(r.first_month, r.cum_invoices, excluded.first_month, excluded.cum_invoices);
END $$;
--> statement-breakpoint
-- The query of the deltas of some invoice rows (`source`: a transition table or invoices, `cond` on its
-- alias x): one per issued invoice and customer of its lines, ± the non-tax line amounts and ± 1
-- invoice. Text, so that the trigger (on its transition tables) and the backfill run the same query.
CREATE FUNCTION bw_revenue_delta_sql(sign int, source text, cond text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT format($q$
    SELECT array_agg(ROW(g.tenant_id, g.c, g.currency, extract(year from g.period_start)::int * 12 + extract(month from g.period_start)::int - 1, %1$s * g.t, %1$s)::bw_revenue_delta)
    FROM (
      SELECT x.id, x.tenant_id, x.currency, x.period_start, coalesce(l->>'customerId', x.customer_id::text) AS c, coalesce(sum((l->>'amount')::numeric), 0) AS t
      FROM %2$s x CROSS JOIN LATERAL jsonb_array_elements(x.lines) l
      WHERE x.status IN ('finalized','partially_paid','paid','payment_failed') AND l->>'kind' IS DISTINCT FROM 'tax' AND (%3$s)
      GROUP BY 1, 2, 3, 4, 5
    ) g WHERE g.c IS NOT NULL$q$, sign, source, cond)
$$;
--> statement-breakpoint
CREATE FUNCTION bw_customer_revenue_invoices() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE d bw_revenue_delta[]; e bw_revenue_delta[];
-- only the rows whose revenue can have moved (a payment changing the status between issued ones does not)
  changed text := $c$x.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id
    WHERE (o.tenant_id, o.customer_id, o.currency, o.period_start, o.status IN ('finalized','partially_paid','paid','payment_failed'), o.lines)
      IS DISTINCT FROM (n.tenant_id, n.customer_id, n.currency, n.period_start, n.status IN ('finalized','partially_paid','paid','payment_failed'), n.lines))$c$;
BEGIN
  IF TG_OP = 'INSERT' THEN
    EXECUTE bw_revenue_delta_sql(1, 'new_rows', 'true') INTO d;
  ELSIF TG_OP = 'DELETE' THEN
    EXECUTE bw_revenue_delta_sql(-1, 'old_rows', 'true') INTO d;
  ELSE
    EXECUTE bw_revenue_delta_sql(-1, 'old_rows', changed) INTO d;
    EXECUTE bw_revenue_delta_sql(1, 'new_rows', changed) INTO e;
    d := coalesce(d, '{}') || coalesce(e, '{}');
  END IF;
  IF cardinality(d) > 0 THEN PERFORM bw_customer_revenue_apply(d); END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER invoices_customer_revenue_ins AFTER INSERT ON invoices REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_customer_revenue_invoices();--> statement-breakpoint
CREATE TRIGGER invoices_customer_revenue_upd AFTER UPDATE ON invoices REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_customer_revenue_invoices();--> statement-breakpoint
CREATE TRIGGER invoices_customer_revenue_del AFTER DELETE ON invoices REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_customer_revenue_invoices();--> statement-breakpoint
CREATE FUNCTION bw_customer_mrr_now() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO customer_mrr_now AS r (tenant_id, customer_id, amount)
    SELECT tenant_id, customer_id, sum(amount) FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (tenant_id, customer_id) DO UPDATE SET amount = r.amount + excluded.amount;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO customer_mrr_now AS r (tenant_id, customer_id, amount)
    SELECT tenant_id, customer_id, -sum(amount) FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (tenant_id, customer_id) DO UPDATE SET amount = r.amount + excluded.amount;
  ELSE
    INSERT INTO customer_mrr_now AS r (tenant_id, customer_id, amount)
    SELECT tenant_id, customer_id, sum(a) FROM (
      SELECT tenant_id, customer_id, -amount FROM old_rows UNION ALL SELECT tenant_id, customer_id, amount FROM new_rows
    ) x(tenant_id, customer_id, a) GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (tenant_id, customer_id) DO UPDATE SET amount = r.amount + excluded.amount;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER mrr_movements_customer_now_ins AFTER INSERT ON mrr_movements REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_customer_mrr_now();--> statement-breakpoint
CREATE TRIGGER mrr_movements_customer_now_upd AFTER UPDATE ON mrr_movements REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_customer_mrr_now();--> statement-breakpoint
CREATE TRIGGER mrr_movements_customer_now_del AFTER DELETE ON mrr_movements REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_customer_mrr_now();--> statement-breakpoint
-- what the tables hold today (the triggers keep them from here)
INSERT INTO customer_mrr_now (tenant_id, customer_id, amount)
SELECT tenant_id, customer_id, sum(amount) FROM mrr_movements GROUP BY 1, 2;--> statement-breakpoint
-- the movements dated after today, per customer, read from the index alone (promotion-roi.ts)
CREATE INDEX mrr_movements_tenant_date_amount_idx ON mrr_movements (tenant_id, date) INCLUDE (customer_id, amount);--> statement-breakpoint
-- the issued invoices so far, through the triggers' own query and function, a 64th of the bill-to parties at a time
DO $$
DECLARE d bw_revenue_delta[];
BEGIN
  FOR k IN 0..63 LOOP
    EXECUTE bw_revenue_delta_sql(1, 'invoices', format('abs(hashtext(x.bill_to::text)) %% 64 = %s', k)) INTO d;
    IF cardinality(d) > 0 THEN PERFORM bw_customer_revenue_apply(d); END IF;
  END LOOP;
END $$;
