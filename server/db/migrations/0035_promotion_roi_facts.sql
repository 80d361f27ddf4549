CREATE TABLE "promotion_roi_customer_rows" (
	"tenant_id" uuid NOT NULL,
	"customer_id" text NOT NULL,
	"kind" smallint NOT NULL,
	"currency" text NOT NULL,
	"rule" text NOT NULL,
	"m" integer NOT NULL,
	"p" integer NOT NULL,
	"q" integer NOT NULL,
	"live" boolean NOT NULL,
	"n" integer NOT NULL,
	"rev" numeric NOT NULL
);
--> statement-breakpoint
CREATE TABLE "promotion_roi_facts" (
	"tenant_id" uuid NOT NULL,
	"kind" smallint NOT NULL,
	"currency" text NOT NULL,
	"rule" text NOT NULL,
	"m" integer NOT NULL,
	"p" integer NOT NULL,
	"q" integer NOT NULL,
	"live" boolean NOT NULL,
	"n" integer NOT NULL,
	"rev" numeric NOT NULL
);
--> statement-breakpoint
CREATE INDEX "promotion_roi_customer_rows_tenant_customer_idx" ON "promotion_roi_customer_rows" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE INDEX "promotion_roi_facts_tenant_m_idx" ON "promotion_roi_facts" USING btree ("tenant_id","m");--> statement-breakpoint
-- Promotion ROI's users against non-users as facts (server/db/schema/customer-facts.ts, server/analytics/README.md
-- "Promotion ROI"). When a customer's revenue (customer_revenue_months), its uses of rules (promotion_facts) or
-- whether it has MRR (customer_mrr_now) change, its rows in promotion_roi_customer_rows are taken out of
-- promotion_roi_facts and its recomputed rows put in. The customer's revenue rows are locked first, in a fixed
-- order (revenue writers lock them too), so two writers of one customer recompute one after the other and the
-- second sees what the first committed.
CREATE INDEX promotion_facts_tenant_customer_idx ON promotion_facts (tenant_id, customer_id) WHERE customer_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX promotion_roi_customer_rows_mixed_idx ON promotion_roi_customer_rows (tenant_id) WHERE kind = 0;--> statement-breakpoint
CREATE FUNCTION bw_promo_roi_recompute(ts uuid[], cs text[], lock boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(cardinality(cs), 0) = 0 THEN RETURN; END IF;
  IF lock THEN
    PERFORM 1 FROM customer_revenue_months r JOIN (SELECT DISTINCT t, c FROM unnest(ts, cs) AS u(t, c)) k ON r.tenant_id = k.t AND r.customer_id = k.c
      ORDER BY r.tenant_id, r.customer_id, r.currency FOR UPDATE OF r;
  END IF;
  WITH gone AS (
    DELETE FROM promotion_roi_customer_rows r USING (SELECT DISTINCT t, c FROM unnest(ts, cs) AS u(t, c)) k WHERE r.tenant_id = k.t AND r.customer_id = k.c RETURNING r.*)
  INSERT INTO promotion_roi_facts (tenant_id, kind, currency, rule, m, p, q, live, n, rev)
  SELECT tenant_id, kind, currency, rule, m, p, q, live, -sum(n), -sum(rev) FROM gone WHERE kind > 0 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
  WITH cur AS (
    SELECT r.tenant_id, r.customer_id, r.currency, r.first_month, r.cum_total, r.cum_invoices
    FROM customer_revenue_months r JOIN (SELECT DISTINCT t, c FROM unnest(ts, cs) AS u(t, c)) k ON r.tenant_id = k.t AND r.customer_id = k.c
    WHERE r.cum_invoices[cardinality(r.cum_invoices)] > 0),
  one AS (
    SELECT c.tenant_id, c.customer_id, min(c.currency) AS currency, count(*) AS currencies, coalesce(bool_or(m.amount > 0), false) AS live
    FROM cur c LEFT JOIN customer_mrr_now m ON m.tenant_id = c.tenant_id
      AND m.customer_id = CASE WHEN c.customer_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN c.customer_id::uuid END
    GROUP BY 1, 2),
  act AS (
    SELECT x.tenant_id, x.customer_id, x.currency, x.m, x.rev, coalesce(lag(x.m) OVER (PARTITION BY x.tenant_id, x.customer_id ORDER BY x.m), 0) AS p
    FROM (
      SELECT c.tenant_id, c.customer_id, c.currency, c.first_month + i - 1 AS m,
        c.cum_invoices[i] - coalesce(c.cum_invoices[i - 1], 0) AS n, c.cum_total[i] - coalesce(c.cum_total[i - 1], 0) AS rev
      FROM cur c JOIN one o ON o.tenant_id = c.tenant_id AND o.customer_id = c.customer_id AND o.currencies = 1
      CROSS JOIN generate_subscripts(c.cum_invoices, 1) AS i) x
    WHERE x.n > 0),
  uses AS (
    SELECT f.tenant_id, f.customer_id, f.rule, extract(year from f.month)::int * 12 + extract(month from f.month)::int - 1 AS u
    FROM promotion_facts f JOIN one o ON o.tenant_id = f.tenant_id AND o.customer_id = f.customer_id AND o.currencies = 1
    GROUP BY 1, 2, 3, 4 HAVING sum(f.lines) > 0),
  ev AS (
    SELECT a.tenant_id, a.customer_id, r.rule, a.m, NULL::int AS u, a.rev
    FROM act a JOIN (SELECT DISTINCT tenant_id, customer_id, rule FROM uses) r ON r.tenant_id = a.tenant_id AND r.customer_id = a.customer_id
    UNION ALL
    SELECT tenant_id, customer_id, rule, u, u, NULL FROM uses),
  k4 AS (
    SELECT tenant_id, customer_id, rule, m, u, rev,
      max(u) OVER (PARTITION BY tenant_id, customer_id, rule ORDER BY m, u IS NULL ROWS UNBOUNDED PRECEDING) AS pu,
      min(u) OVER (PARTITION BY tenant_id, customer_id, rule ORDER BY m DESC, u IS NULL ROWS UNBOUNDED PRECEDING) AS nu
    FROM ev),
  rows AS (
    SELECT tenant_id, customer_id, 0::smallint AS kind, '' AS currency, '' AS rule, 0 AS m, 0 AS p, 0 AS q, false AS live, 0 AS n, 0::numeric AS rev
    FROM one WHERE currencies > 1
    UNION ALL
    SELECT a.tenant_id, a.customer_id, 1::smallint, a.currency, '', a.m, a.p, 0, o.live, 1, a.rev
    FROM act a JOIN one o ON o.tenant_id = a.tenant_id AND o.customer_id = a.customer_id
    UNION ALL
    SELECT s.tenant_id, s.customer_id, 3::smallint, o.currency, s.rule, s.u,
      coalesce(lag(s.u) OVER (PARTITION BY s.tenant_id, s.customer_id, s.rule ORDER BY s.u), 0), 0, o.live, 1, 0
    FROM uses s JOIN one o ON o.tenant_id = s.tenant_id AND o.customer_id = s.customer_id
    UNION ALL
    SELECT k.tenant_id, k.customer_id, 4::smallint, o.currency, k.rule, k.m, coalesce(k.pu, 0), coalesce(k.nu, 2147483647), false, 0, k.rev
    FROM k4 k JOIN one o ON o.tenant_id = k.tenant_id AND o.customer_id = k.customer_id
    WHERE k.u IS NULL AND k.rev <> 0),
  ins AS (
    INSERT INTO promotion_roi_customer_rows (tenant_id, customer_id, kind, currency, rule, m, p, q, live, n, rev)
    SELECT * FROM rows RETURNING *)
  INSERT INTO promotion_roi_facts (tenant_id, kind, currency, rule, m, p, q, live, n, rev)
  SELECT tenant_id, kind, currency, rule, m, p, q, live, sum(n), sum(rev) FROM ins WHERE kind > 0 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
END $$;
--> statement-breakpoint
-- a customer's revenue rows changed (customer_revenue_months is only ever inserted into and updated)
CREATE FUNCTION bw_promo_roi_revenue() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ts uuid[]; cs text[];
BEGIN
  SELECT array_agg(tenant_id), array_agg(customer_id) INTO ts, cs FROM new_rows;
  PERFORM bw_promo_roi_recompute(ts, cs, true);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER customer_revenue_months_promo_roi_ins AFTER INSERT ON customer_revenue_months REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_promo_roi_revenue();--> statement-breakpoint
CREATE TRIGGER customer_revenue_months_promo_roi_upd AFTER UPDATE ON customer_revenue_months REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_promo_roi_revenue();--> statement-breakpoint
-- a customer's uses of rules changed (not when the nightly fold rewrites promotion_facts into the same sums)
CREATE FUNCTION bw_promo_roi_uses() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ts uuid[]; cs text[];
BEGIN
  IF current_setting('bw.folding_facts', true) = 'on' THEN RETURN NULL; END IF;
  SELECT array_agg(tenant_id), array_agg(customer_id) INTO ts, cs FROM (SELECT DISTINCT tenant_id, customer_id FROM new_rows WHERE customer_id IS NOT NULL AND lines <> 0) x;
  PERFORM bw_promo_roi_recompute(ts, cs, true);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER promotion_facts_promo_roi_ins AFTER INSERT ON promotion_facts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_promo_roi_uses();--> statement-breakpoint
-- a customer came to have MRR or stopped having it
CREATE FUNCTION bw_promo_roi_mrr() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ts uuid[]; cs text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(tenant_id), array_agg(customer_id::text) INTO ts, cs FROM new_rows WHERE amount > 0;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(tenant_id), array_agg(customer_id::text) INTO ts, cs FROM old_rows WHERE amount > 0;
  ELSE
    SELECT array_agg(n.tenant_id), array_agg(n.customer_id::text) INTO ts, cs
    FROM old_rows o JOIN new_rows n ON n.tenant_id = o.tenant_id AND n.customer_id = o.customer_id WHERE (o.amount > 0) <> (n.amount > 0);
  END IF;
  PERFORM bw_promo_roi_recompute(ts, cs, true);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER customer_mrr_now_promo_roi_ins AFTER INSERT ON customer_mrr_now REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_promo_roi_mrr();--> statement-breakpoint
CREATE TRIGGER customer_mrr_now_promo_roi_upd AFTER UPDATE ON customer_mrr_now REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_promo_roi_mrr();--> statement-breakpoint
CREATE TRIGGER customer_mrr_now_promo_roi_del AFTER DELETE ON customer_mrr_now REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_promo_roi_mrr();--> statement-breakpoint
-- what the facts hold today, a 64th of the customers at a time (no locks: nothing else runs during a migration)
DO $$
DECLARE ts uuid[]; cs text[];
BEGIN
  FOR k IN 0..63 LOOP
    SELECT array_agg(tenant_id), array_agg(customer_id) INTO ts, cs FROM (
      SELECT DISTINCT tenant_id, customer_id FROM customer_revenue_months WHERE abs(hashtext(customer_id)) % 64 = k) x;
    PERFORM bw_promo_roi_recompute(ts, cs, false);
  END LOOP;
END $$;
