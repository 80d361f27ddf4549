CREATE TABLE "promotion_roi_as_of" (
	"tenant_id" uuid PRIMARY KEY NOT NULL,
	"as_of" date NOT NULL
);
--> statement-breakpoint
-- promotion_roi_facts' `live` as of a date per tenant (promotion_roi_as_of) instead of over every MRR movement, so
-- that the customers with movements dated after today (a cancellation at the period end) are not all read one by one
-- on every request: the nightly fold moves the date to the tenant's today and recomputes the customers with
-- movements dated in between (bw_promo_roi_roll); a request reads one by one only the customers with movements
-- dated between that date and its today (server/analytics/promotion-roi-users.ts).
CREATE OR REPLACE FUNCTION bw_promo_roi_recompute(ts uuid[], cs text[], lock boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(cardinality(cs), 0) = 0 THEN RETURN; END IF;
  -- a tenant's first recompute fixes its as-of date (the nightly fold moves it)
  INSERT INTO promotion_roi_as_of (tenant_id, as_of) SELECT DISTINCT t, current_date FROM unnest(ts) AS t WHERE t IS NOT NULL ON CONFLICT (tenant_id) DO NOTHING;
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
  one AS (SELECT tenant_id, customer_id, min(currency) AS currency, count(*) AS currencies FROM cur GROUP BY 1, 2),
  -- has MRR on the tenant's as-of date: its movements dated up to it (mrr_movements_customer_idx)
  live AS (
    SELECT o.tenant_id, o.customer_id, coalesce((
      SELECT sum(mm.amount) FROM mrr_movements mm JOIN promotion_roi_as_of a ON a.tenant_id = mm.tenant_id
      WHERE mm.tenant_id = o.tenant_id AND mm.date <= a.as_of
        AND mm.customer_id = CASE WHEN o.customer_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN o.customer_id::uuid END), 0) > 0 AS live
    FROM one o),
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
    SELECT a.tenant_id, a.customer_id, 1::smallint, a.currency, '', a.m, a.p, 0, l.live, 1, a.rev
    FROM act a JOIN live l ON l.tenant_id = a.tenant_id AND l.customer_id = a.customer_id
    UNION ALL
    SELECT s.tenant_id, s.customer_id, 3::smallint, o.currency, s.rule, s.u,
      coalesce(lag(s.u) OVER (PARTITION BY s.tenant_id, s.customer_id, s.rule ORDER BY s.u), 0), 0, l.live, 1, 0
    FROM uses s JOIN one o ON o.tenant_id = s.tenant_id AND o.customer_id = s.customer_id JOIN live l ON l.tenant_id = s.tenant_id AND l.customer_id = s.customer_id
    UNION ALL
    SELECT k.tenant_id, k.customer_id, 4::smallint, o.currency, k.rule, k.m, coalesce(k.pu, 0), coalesce(k.nu, 2147483647), false, 0, k.rev
    FROM k4 k JOIN one o ON o.tenant_id = k.tenant_id AND o.customer_id = k.customer_id
    WHERE k.u IS NULL AND k.rev <> 0),
  ins AS (
    INSERT INTO promotion_roi_customer_rows (tenant_id, customer_id, kind, currency, rule, m, p, q, live, n, rev)
    SELECT * FROM rows RETURNING *)
  INSERT INTO promotion_roi_facts (tenant_id, kind, currency, rule, m, p, q, live, n, rev)
  SELECT tenant_id, kind, currency, rule, m, p, q, live, sum(n), sum(rev) FROM ins WHERE kind > 0 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
END $$;--> statement-breakpoint
DROP TRIGGER customer_mrr_now_promo_roi_ins ON customer_mrr_now;--> statement-breakpoint
DROP TRIGGER customer_mrr_now_promo_roi_upd ON customer_mrr_now;--> statement-breakpoint
DROP TRIGGER customer_mrr_now_promo_roi_del ON customer_mrr_now;--> statement-breakpoint
DROP FUNCTION bw_promo_roi_mrr();--> statement-breakpoint
-- a movement dated up to the tenant's as-of date changes whether its customer has MRR on that date
CREATE FUNCTION bw_promo_roi_movements() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ts uuid[]; cs text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(x.tenant_id), array_agg(x.c) INTO ts, cs FROM (
      SELECT DISTINCT n.tenant_id, n.customer_id::text AS c FROM new_rows n LEFT JOIN promotion_roi_as_of a ON a.tenant_id = n.tenant_id
      WHERE n.date <= coalesce(a.as_of, current_date)) x;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(x.tenant_id), array_agg(x.c) INTO ts, cs FROM (
      SELECT DISTINCT o.tenant_id, o.customer_id::text AS c FROM old_rows o LEFT JOIN promotion_roi_as_of a ON a.tenant_id = o.tenant_id
      WHERE o.date <= coalesce(a.as_of, current_date)) x;
  ELSE
    SELECT array_agg(x.tenant_id), array_agg(x.c) INTO ts, cs FROM (
      SELECT DISTINCT r.tenant_id, r.customer_id::text AS c FROM (SELECT tenant_id, customer_id, date FROM old_rows UNION ALL SELECT tenant_id, customer_id, date FROM new_rows) r
      LEFT JOIN promotion_roi_as_of a ON a.tenant_id = r.tenant_id WHERE r.date <= coalesce(a.as_of, current_date)) x;
  END IF;
  PERFORM bw_promo_roi_recompute(ts, cs, true);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER mrr_movements_promo_roi_ins AFTER INSERT ON mrr_movements REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_promo_roi_movements();--> statement-breakpoint
CREATE TRIGGER mrr_movements_promo_roi_upd AFTER UPDATE ON mrr_movements REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_promo_roi_movements();--> statement-breakpoint
CREATE TRIGGER mrr_movements_promo_roi_del AFTER DELETE ON mrr_movements REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_promo_roi_movements();--> statement-breakpoint
-- moves a tenant's as-of date to `d` and recomputes the customers with movements dated between the two; returns how many
CREATE FUNCTION bw_promo_roi_roll(t uuid, d date) RETURNS int LANGUAGE plpgsql AS $$
DECLARE was date; cs text[];
BEGIN
  INSERT INTO promotion_roi_as_of (tenant_id, as_of) VALUES (t, current_date) ON CONFLICT (tenant_id) DO NOTHING;
  SELECT as_of INTO was FROM promotion_roi_as_of WHERE tenant_id = t FOR UPDATE;
  IF was = d THEN RETURN 0; END IF;
  UPDATE promotion_roi_as_of SET as_of = d WHERE tenant_id = t;
  SELECT array_agg(DISTINCT customer_id::text) INTO cs FROM mrr_movements WHERE tenant_id = t AND date > least(was, d) AND date <= greatest(was, d);
  IF cs IS NULL THEN RETURN 0; END IF;
  PERFORM bw_promo_roi_recompute(array_fill(t, ARRAY[cardinality(cs)]), cs, true);
  RETURN cardinality(cs);
END $$;
--> statement-breakpoint
-- the facts so far were as of every movement (as of infinity): roll each tenant to today
INSERT INTO promotion_roi_as_of (tenant_id, as_of) SELECT DISTINCT tenant_id, 'infinity'::date FROM promotion_roi_customer_rows;--> statement-breakpoint
SELECT bw_promo_roi_roll(tenant_id, current_date) FROM promotion_roi_as_of;
