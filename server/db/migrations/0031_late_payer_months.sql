CREATE TABLE "late_payer_months" (
	"tenant_id" uuid NOT NULL,
	"bill_to" uuid NOT NULL,
	"first_month" integer NOT NULL,
	"cum_late" integer[] NOT NULL,
	"cum_days" bigint[] NOT NULL,
	"late" integer NOT NULL,
	CONSTRAINT "late_payer_months_tenant_id_bill_to_pk" PRIMARY KEY("tenant_id","bill_to")
);
--> statement-breakpoint
ALTER TABLE "late_payer_months" ADD CONSTRAINT "late_payer_months_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "late_payer_months_tenant_late_idx" ON "late_payer_months" USING btree ("tenant_id","late" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "late_payer_facts_tenant_bill_to_idx" ON "late_payer_facts" USING btree ("tenant_id","bill_to","month");--> statement-breakpoint
-- late_payer_months (server/db/schema/payment-facts.ts): each bill-to party's late_payer_facts as
-- running totals per month, rebuilt for the parties a statement on late_payer_facts touched. The
-- parties' rows are created when new and locked in key order first, and the rebuild reads the facts
-- after that (a new snapshot per command), so two writers of one party take turns and the second
-- sees the first's facts. The nightly fold of late_payer_facts (payment-facts-compact.ts) changes no
-- sum and sets bw.folding_facts to skip this.
CREATE FUNCTION bw_late_payer_months_rebuild(ts uuid[], bs uuid[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ts IS NULL THEN RETURN; END IF;
  INSERT INTO late_payer_months (tenant_id, bill_to, first_month, cum_late, cum_days, late)
  SELECT k.t, k.b, 0, '{}', '{}', 0 FROM unnest(ts, bs) AS k(t, b) ORDER BY 1, 2 ON CONFLICT DO NOTHING;
  PERFORM 1 FROM late_payer_months p JOIN unnest(ts, bs) AS k(t, b) ON p.tenant_id = k.t AND p.bill_to = k.b ORDER BY p.tenant_id, p.bill_to FOR UPDATE OF p;
  WITH k AS (SELECT * FROM unnest(ts, bs) AS k(t, b)),
  m AS (
    SELECT f.tenant_id, f.bill_to, (extract(year from f.month)::int * 12 + extract(month from f.month)::int - 1) AS mn, sum(f.late) AS l, sum(f.days_late) AS d
    FROM late_payer_facts f JOIN k ON f.tenant_id = k.t AND f.bill_to = k.b GROUP BY 1, 2, 3),
  b AS (SELECT tenant_id, bill_to, min(mn) AS lo, max(mn) AS hi FROM m GROUP BY 1, 2),
  x AS (
    SELECT b.tenant_id, b.bill_to, b.lo, g.mn, sum(coalesce(m.l, 0)) OVER w AS cl, sum(coalesce(m.d, 0)) OVER w AS cd
    FROM b CROSS JOIN generate_series(b.lo, b.hi) AS g(mn)
    LEFT JOIN m ON m.tenant_id = b.tenant_id AND m.bill_to = b.bill_to AND m.mn = g.mn
    WINDOW w AS (PARTITION BY b.tenant_id, b.bill_to ORDER BY g.mn)),
  r AS (SELECT tenant_id, bill_to, lo, array_agg(cl::int ORDER BY mn) AS cl, array_agg(cd::bigint ORDER BY mn) AS cd FROM x GROUP BY 1, 2, 3)
  UPDATE late_payer_months p SET first_month = coalesce(r.lo, 0), cum_late = coalesce(r.cl, '{}'), cum_days = coalesce(r.cd, '{}'), late = coalesce(r.cl[cardinality(r.cl)], 0)
  FROM k LEFT JOIN r ON r.tenant_id = k.t AND r.bill_to = k.b
  WHERE p.tenant_id = k.t AND p.bill_to = k.b;
END $$;
--> statement-breakpoint
CREATE FUNCTION bw_late_payer_months() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ts uuid[]; bs uuid[];
BEGIN
  IF current_setting('bw.folding_facts', true) = 'on' THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(tenant_id ORDER BY tenant_id, bill_to), array_agg(bill_to ORDER BY tenant_id, bill_to) INTO ts, bs FROM (SELECT DISTINCT tenant_id, bill_to FROM new_rows) k;
  ELSE
    SELECT array_agg(tenant_id ORDER BY tenant_id, bill_to), array_agg(bill_to ORDER BY tenant_id, bill_to) INTO ts, bs FROM (SELECT DISTINCT tenant_id, bill_to FROM old_rows) k;
  END IF;
  PERFORM bw_late_payer_months_rebuild(ts, bs);
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER bw_late_payer_months_ins AFTER INSERT ON late_payer_facts REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_late_payer_months();--> statement-breakpoint
CREATE TRIGGER bw_late_payer_months_del AFTER DELETE ON late_payer_facts REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_late_payer_months();--> statement-breakpoint
-- what the facts hold today (the trigger keeps it from here)
SELECT bw_late_payer_months_rebuild(array_agg(tenant_id ORDER BY tenant_id, bill_to), array_agg(bill_to ORDER BY tenant_id, bill_to))
FROM (SELECT DISTINCT tenant_id, bill_to FROM late_payer_facts) k;
