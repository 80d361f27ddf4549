-- bw_promo_roi_recompute, cheaper for the one-invoice writes it runs in: its statement is planned once per connection
-- (a generic plan; planning the large statement for every call cost more than running it, ≈ 2 ms an invoice status
-- change in psql on the bench database), many customers go through it a thousand at a time, and only the rows of a
-- customer that changed are written (with their deltas), not all of them out and in again.
CREATE OR REPLACE FUNCTION bw_promo_roi_recompute(ts uuid[], cs text[], lock boolean) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF coalesce(cardinality(cs), 0) = 0 THEN RETURN; END IF;
  IF cardinality(cs) > 1000 THEN
    SELECT array_agg(t ORDER BY t, c), array_agg(c ORDER BY t, c) INTO ts, cs FROM (SELECT DISTINCT t, c FROM unnest(ts, cs) AS u(t, c) WHERE c IS NOT NULL) x;
    FOR i IN 1..coalesce(cardinality(cs), 0) BY 1000 LOOP
      PERFORM bw_promo_roi_recompute(ts[i:i + 999], cs[i:i + 999], lock);
    END LOOP;
    RETURN;
  END IF;
  -- a tenant's first recompute fixes its as-of date (the nightly fold moves it)
  INSERT INTO promotion_roi_as_of (tenant_id, as_of) SELECT DISTINCT t, current_date FROM unnest(ts) AS t WHERE t IS NOT NULL ON CONFLICT (tenant_id) DO NOTHING;
  IF lock THEN
    PERFORM 1 FROM customer_revenue_months r JOIN (SELECT DISTINCT t, c FROM unnest(ts, cs) AS u(t, c)) k ON r.tenant_id = k.t AND r.customer_id = k.c
      ORDER BY r.tenant_id, r.customer_id, r.currency FOR UPDATE OF r;
  END IF;
  WITH k AS (SELECT DISTINCT t, c FROM unnest(ts, cs) AS u(t, c)),
  cur AS (
    SELECT r.tenant_id, r.customer_id, r.currency, r.first_month, r.cum_total, r.cum_invoices
    FROM customer_revenue_months r JOIN k ON r.tenant_id = k.t AND r.customer_id = k.c
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
  -- only the rows that changed are written: a new invoice of this month changes a few of a customer's rows
  old AS (
    SELECT r.tenant_id, r.customer_id, r.kind, r.currency, r.rule, r.m, r.p, r.q, r.live, r.n, r.rev
    FROM promotion_roi_customer_rows r JOIN k ON r.tenant_id = k.t AND r.customer_id = k.c),
  gone AS (SELECT * FROM old EXCEPT ALL SELECT * FROM rows),
  came AS (SELECT * FROM rows EXCEPT ALL SELECT * FROM old),
  del AS (
    DELETE FROM promotion_roi_customer_rows r USING gone g
    WHERE r.tenant_id = g.tenant_id AND r.customer_id = g.customer_id AND r.kind = g.kind AND r.currency = g.currency AND r.rule = g.rule AND r.m = g.m
      AND r.p = g.p AND r.q = g.q AND r.live = g.live AND r.n = g.n AND r.rev = g.rev),
  ins AS (
    INSERT INTO promotion_roi_customer_rows (tenant_id, customer_id, kind, currency, rule, m, p, q, live, n, rev) SELECT * FROM came)
  INSERT INTO promotion_roi_facts (tenant_id, kind, currency, rule, m, p, q, live, n, rev)
  SELECT tenant_id, kind, currency, rule, m, p, q, live, sum(n), sum(rev) FROM (
    SELECT tenant_id, kind, currency, rule, m, p, q, live, -n AS n, -rev AS rev FROM gone
    UNION ALL SELECT tenant_id, kind, currency, rule, m, p, q, live, n, rev FROM came) x
  WHERE kind > 0 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
END $$;
--> statement-breakpoint
ALTER FUNCTION bw_promo_roi_recompute(uuid[], text[], boolean) SET plan_cache_mode = force_generic_plan;
