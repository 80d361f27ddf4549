CREATE TABLE "late_payer_facts" (
	"tenant_id" uuid NOT NULL,
	"month" date NOT NULL,
	"currency" text NOT NULL,
	"bill_to" uuid NOT NULL,
	"late" integer NOT NULL,
	"days_late" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_allocation_facts" (
	"tenant_id" uuid NOT NULL,
	"month" date NOT NULL,
	"method" text NOT NULL,
	"currency" text NOT NULL,
	"customer_type" text NOT NULL,
	"bucket" text NOT NULL,
	"n" integer NOT NULL,
	"on_time" integer NOT NULL,
	"late" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_facts" (
	"tenant_id" uuid NOT NULL,
	"day" date NOT NULL,
	"hour" smallint NOT NULL,
	"method" text NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"decline_code" text,
	"n" integer NOT NULL,
	"amount" numeric(40, 15) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "late_payer_facts" ADD CONSTRAINT "late_payer_facts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_allocation_facts" ADD CONSTRAINT "payment_allocation_facts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "payment_facts" ADD CONSTRAINT "payment_facts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "late_payer_facts_tenant_month_idx" ON "late_payer_facts" USING btree ("tenant_id","month","currency","bill_to","late","days_late");--> statement-breakpoint
CREATE INDEX "payment_allocation_facts_tenant_month_idx" ON "payment_allocation_facts" USING btree ("tenant_id","month");--> statement-breakpoint
CREATE INDEX "payment_facts_tenant_day_idx" ON "payment_facts" USING btree ("tenant_id","day");--> statement-breakpoint
-- payment_facts, payment_allocation_facts and late_payer_facts (server/db/schema/payment-facts.ts) kept by
-- statement-level triggers, append-only like receivable_facts (0026): each statement inserts what the
-- changed rows contribute now (NEW TABLE) minus what they contributed before (OLD TABLE), grouped, in
-- the writer's transaction. Contributions, as payment-patterns.ts defines them:
--   a payment: one count and its amount on (received day, hour of created_at in the tenant's zone,
--     method, currency, status, decline code);
--   an allocation: one count on (month received, method, currency, customer type of the invoice,
--     days-to-pay bucket), on time or late against the due date; a late one also on (month, currency,
--     bill-to) with its days late.
-- An allocation depends on its payment, invoice and customer: updates of the columns it reads move it.
-- Generated from one template (the sources are swapped for OLD/NEW TABLE), so the five functions agree.
CREATE FUNCTION bw_payment_facts_payments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO payment_facts (tenant_id, day, hour, method, currency, status, decline_code, n, amount)
    SELECT t, d, h, m, c, s, dc, sum(n), sum(a) FROM (
      SELECT p.tenant_id, p.received_on, extract(hour from p.created_at at time zone t.timezone)::smallint, p.method, p.currency, p.status, p.decline_code, 1, 1 * p.amount
      FROM new_rows p JOIN tenants t ON t.id = p.tenant_id WHERE true
    ) x(t, d, h, m, c, s, dc, n, a) GROUP BY t, d, h, m, c, s, dc HAVING sum(n) <> 0 OR sum(a) <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO payment_facts (tenant_id, day, hour, method, currency, status, decline_code, n, amount)
    SELECT t, d, h, m, c, s, dc, sum(n), sum(a) FROM (
      SELECT p.tenant_id, p.received_on, extract(hour from p.created_at at time zone t.timezone)::smallint, p.method, p.currency, p.status, p.decline_code, -1, -1 * p.amount
      FROM old_rows p JOIN tenants t ON t.id = p.tenant_id WHERE true
    ) x(t, d, h, m, c, s, dc, n, a) GROUP BY t, d, h, m, c, s, dc HAVING sum(n) <> 0 OR sum(a) <> 0;
  ELSE
    IF (SELECT count(*) FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.received_on, o.created_at, o.method, o.currency, o.status, o.decline_code, o.amount) IS DISTINCT FROM (n.tenant_id, n.received_on, n.created_at, n.method, n.currency, n.status, n.decline_code, n.amount)) > 0 THEN
    INSERT INTO payment_facts (tenant_id, day, hour, method, currency, status, decline_code, n, amount)
    SELECT t, d, h, m, c, s, dc, sum(n), sum(a) FROM (
      SELECT p.tenant_id, p.received_on, extract(hour from p.created_at at time zone t.timezone)::smallint, p.method, p.currency, p.status, p.decline_code, -1, -1 * p.amount
      FROM old_rows p JOIN tenants t ON t.id = p.tenant_id WHERE p.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.received_on, o.created_at, o.method, o.currency, o.status, o.decline_code, o.amount) IS DISTINCT FROM (n.tenant_id, n.received_on, n.created_at, n.method, n.currency, n.status, n.decline_code, n.amount))
      UNION ALL
      SELECT p.tenant_id, p.received_on, extract(hour from p.created_at at time zone t.timezone)::smallint, p.method, p.currency, p.status, p.decline_code, 1, 1 * p.amount
      FROM new_rows p JOIN tenants t ON t.id = p.tenant_id WHERE p.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.received_on, o.created_at, o.method, o.currency, o.status, o.decline_code, o.amount) IS DISTINCT FROM (n.tenant_id, n.received_on, n.created_at, n.method, n.currency, n.status, n.decline_code, n.amount))
    ) x(t, d, h, m, c, s, dc, n, a) GROUP BY t, d, h, m, c, s, dc HAVING sum(n) <> 0 OR sum(a) <> 0;
    END IF;
    IF (SELECT count(*) FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.received_on, o.method, o.currency) IS DISTINCT FROM (n.tenant_id, n.received_on, n.method, n.currency)) > 0 THEN
    INSERT INTO payment_allocation_facts (tenant_id, month, method, currency, customer_type, bucket, n, on_time, late)
    SELECT t, m, me, c, ct, b, sum(n), sum(o), sum(l) FROM (
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.method, p.currency, coalesce(c.type, 'unknown'), CASE WHEN p.received_on - i.issue_date <= 7 THEN '0-7' WHEN p.received_on - i.issue_date <= 14 THEN '8-14' WHEN p.received_on - i.issue_date <= 30 THEN '15-30' WHEN p.received_on - i.issue_date <= 60 THEN '31-60' ELSE '60+' END, -1, -1 * (p.received_on <= i.due_date IS TRUE)::int, -1 * (p.received_on > i.due_date IS TRUE)::int
      FROM payment_allocations a JOIN old_rows p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN invoices i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id LEFT JOIN customers c ON c.id = i.customer_id WHERE p.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.received_on, o.method, o.currency) IS DISTINCT FROM (n.tenant_id, n.received_on, n.method, n.currency))
      UNION ALL
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.method, p.currency, coalesce(c.type, 'unknown'), CASE WHEN p.received_on - i.issue_date <= 7 THEN '0-7' WHEN p.received_on - i.issue_date <= 14 THEN '8-14' WHEN p.received_on - i.issue_date <= 30 THEN '15-30' WHEN p.received_on - i.issue_date <= 60 THEN '31-60' ELSE '60+' END, 1, 1 * (p.received_on <= i.due_date IS TRUE)::int, 1 * (p.received_on > i.due_date IS TRUE)::int
      FROM payment_allocations a JOIN new_rows p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN invoices i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id LEFT JOIN customers c ON c.id = i.customer_id WHERE p.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.received_on, o.method, o.currency) IS DISTINCT FROM (n.tenant_id, n.received_on, n.method, n.currency))
    ) x(t, m, me, c, ct, b, n, o, l) GROUP BY t, m, me, c, ct, b HAVING sum(n) <> 0 OR sum(o) <> 0 OR sum(l) <> 0;
    INSERT INTO late_payer_facts (tenant_id, month, currency, bill_to, late, days_late)
    SELECT t, m, c, b, sum(l), sum(d) FROM (
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.currency, i.bill_to, -1, -1 * (p.received_on - i.due_date)
      FROM payment_allocations a JOIN old_rows p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN invoices i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id LEFT JOIN customers c ON c.id = i.customer_id WHERE p.received_on > i.due_date AND p.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.received_on, o.method, o.currency) IS DISTINCT FROM (n.tenant_id, n.received_on, n.method, n.currency))
      UNION ALL
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.currency, i.bill_to, 1, 1 * (p.received_on - i.due_date)
      FROM payment_allocations a JOIN new_rows p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN invoices i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id LEFT JOIN customers c ON c.id = i.customer_id WHERE p.received_on > i.due_date AND p.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.received_on, o.method, o.currency) IS DISTINCT FROM (n.tenant_id, n.received_on, n.method, n.currency))
    ) x(t, m, c, b, l, d) GROUP BY t, m, c, b HAVING sum(l) <> 0 OR sum(d) <> 0;
    END IF;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION bw_payment_facts_allocations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO payment_allocation_facts (tenant_id, month, method, currency, customer_type, bucket, n, on_time, late)
    SELECT t, m, me, c, ct, b, sum(n), sum(o), sum(l) FROM (
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.method, p.currency, coalesce(c.type, 'unknown'), CASE WHEN p.received_on - i.issue_date <= 7 THEN '0-7' WHEN p.received_on - i.issue_date <= 14 THEN '8-14' WHEN p.received_on - i.issue_date <= 30 THEN '15-30' WHEN p.received_on - i.issue_date <= 60 THEN '31-60' ELSE '60+' END, 1, 1 * (p.received_on <= i.due_date IS TRUE)::int, 1 * (p.received_on > i.due_date IS TRUE)::int
      FROM new_rows a JOIN payments p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN invoices i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id LEFT JOIN customers c ON c.id = i.customer_id WHERE true
    ) x(t, m, me, c, ct, b, n, o, l) GROUP BY t, m, me, c, ct, b HAVING sum(n) <> 0 OR sum(o) <> 0 OR sum(l) <> 0;
    INSERT INTO late_payer_facts (tenant_id, month, currency, bill_to, late, days_late)
    SELECT t, m, c, b, sum(l), sum(d) FROM (
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.currency, i.bill_to, 1, 1 * (p.received_on - i.due_date)
      FROM new_rows a JOIN payments p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN invoices i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id LEFT JOIN customers c ON c.id = i.customer_id WHERE p.received_on > i.due_date AND true
    ) x(t, m, c, b, l, d) GROUP BY t, m, c, b HAVING sum(l) <> 0 OR sum(d) <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO payment_allocation_facts (tenant_id, month, method, currency, customer_type, bucket, n, on_time, late)
    SELECT t, m, me, c, ct, b, sum(n), sum(o), sum(l) FROM (
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.method, p.currency, coalesce(c.type, 'unknown'), CASE WHEN p.received_on - i.issue_date <= 7 THEN '0-7' WHEN p.received_on - i.issue_date <= 14 THEN '8-14' WHEN p.received_on - i.issue_date <= 30 THEN '15-30' WHEN p.received_on - i.issue_date <= 60 THEN '31-60' ELSE '60+' END, -1, -1 * (p.received_on <= i.due_date IS TRUE)::int, -1 * (p.received_on > i.due_date IS TRUE)::int
      FROM old_rows a JOIN payments p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN invoices i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id LEFT JOIN customers c ON c.id = i.customer_id WHERE true
    ) x(t, m, me, c, ct, b, n, o, l) GROUP BY t, m, me, c, ct, b HAVING sum(n) <> 0 OR sum(o) <> 0 OR sum(l) <> 0;
    INSERT INTO late_payer_facts (tenant_id, month, currency, bill_to, late, days_late)
    SELECT t, m, c, b, sum(l), sum(d) FROM (
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.currency, i.bill_to, -1, -1 * (p.received_on - i.due_date)
      FROM old_rows a JOIN payments p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN invoices i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id LEFT JOIN customers c ON c.id = i.customer_id WHERE p.received_on > i.due_date AND true
    ) x(t, m, c, b, l, d) GROUP BY t, m, c, b HAVING sum(l) <> 0 OR sum(d) <> 0;
  ELSE
    INSERT INTO payment_allocation_facts (tenant_id, month, method, currency, customer_type, bucket, n, on_time, late)
    SELECT t, m, me, c, ct, b, sum(n), sum(o), sum(l) FROM (
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.method, p.currency, coalesce(c.type, 'unknown'), CASE WHEN p.received_on - i.issue_date <= 7 THEN '0-7' WHEN p.received_on - i.issue_date <= 14 THEN '8-14' WHEN p.received_on - i.issue_date <= 30 THEN '15-30' WHEN p.received_on - i.issue_date <= 60 THEN '31-60' ELSE '60+' END, -1, -1 * (p.received_on <= i.due_date IS TRUE)::int, -1 * (p.received_on > i.due_date IS TRUE)::int
      FROM old_rows a JOIN payments p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN invoices i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id LEFT JOIN customers c ON c.id = i.customer_id WHERE true
      UNION ALL
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.method, p.currency, coalesce(c.type, 'unknown'), CASE WHEN p.received_on - i.issue_date <= 7 THEN '0-7' WHEN p.received_on - i.issue_date <= 14 THEN '8-14' WHEN p.received_on - i.issue_date <= 30 THEN '15-30' WHEN p.received_on - i.issue_date <= 60 THEN '31-60' ELSE '60+' END, 1, 1 * (p.received_on <= i.due_date IS TRUE)::int, 1 * (p.received_on > i.due_date IS TRUE)::int
      FROM new_rows a JOIN payments p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN invoices i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id LEFT JOIN customers c ON c.id = i.customer_id WHERE true
    ) x(t, m, me, c, ct, b, n, o, l) GROUP BY t, m, me, c, ct, b HAVING sum(n) <> 0 OR sum(o) <> 0 OR sum(l) <> 0;
    INSERT INTO late_payer_facts (tenant_id, month, currency, bill_to, late, days_late)
    SELECT t, m, c, b, sum(l), sum(d) FROM (
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.currency, i.bill_to, -1, -1 * (p.received_on - i.due_date)
      FROM old_rows a JOIN payments p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN invoices i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id LEFT JOIN customers c ON c.id = i.customer_id WHERE p.received_on > i.due_date AND true
      UNION ALL
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.currency, i.bill_to, 1, 1 * (p.received_on - i.due_date)
      FROM new_rows a JOIN payments p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN invoices i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id LEFT JOIN customers c ON c.id = i.customer_id WHERE p.received_on > i.due_date AND true
    ) x(t, m, c, b, l, d) GROUP BY t, m, c, b HAVING sum(l) <> 0 OR sum(d) <> 0;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION bw_payment_facts_invoices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT count(*) FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.issue_date, o.due_date, o.customer_id, o.bill_to) IS DISTINCT FROM (n.tenant_id, n.issue_date, n.due_date, n.customer_id, n.bill_to)) > 0 THEN
    INSERT INTO payment_allocation_facts (tenant_id, month, method, currency, customer_type, bucket, n, on_time, late)
    SELECT t, m, me, c, ct, b, sum(n), sum(o), sum(l) FROM (
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.method, p.currency, coalesce(c.type, 'unknown'), CASE WHEN p.received_on - i.issue_date <= 7 THEN '0-7' WHEN p.received_on - i.issue_date <= 14 THEN '8-14' WHEN p.received_on - i.issue_date <= 30 THEN '15-30' WHEN p.received_on - i.issue_date <= 60 THEN '31-60' ELSE '60+' END, -1, -1 * (p.received_on <= i.due_date IS TRUE)::int, -1 * (p.received_on > i.due_date IS TRUE)::int
      FROM payment_allocations a JOIN payments p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN old_rows i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id LEFT JOIN customers c ON c.id = i.customer_id WHERE i.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.issue_date, o.due_date, o.customer_id, o.bill_to) IS DISTINCT FROM (n.tenant_id, n.issue_date, n.due_date, n.customer_id, n.bill_to))
      UNION ALL
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.method, p.currency, coalesce(c.type, 'unknown'), CASE WHEN p.received_on - i.issue_date <= 7 THEN '0-7' WHEN p.received_on - i.issue_date <= 14 THEN '8-14' WHEN p.received_on - i.issue_date <= 30 THEN '15-30' WHEN p.received_on - i.issue_date <= 60 THEN '31-60' ELSE '60+' END, 1, 1 * (p.received_on <= i.due_date IS TRUE)::int, 1 * (p.received_on > i.due_date IS TRUE)::int
      FROM payment_allocations a JOIN payments p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN new_rows i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id LEFT JOIN customers c ON c.id = i.customer_id WHERE i.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.issue_date, o.due_date, o.customer_id, o.bill_to) IS DISTINCT FROM (n.tenant_id, n.issue_date, n.due_date, n.customer_id, n.bill_to))
    ) x(t, m, me, c, ct, b, n, o, l) GROUP BY t, m, me, c, ct, b HAVING sum(n) <> 0 OR sum(o) <> 0 OR sum(l) <> 0;
    INSERT INTO late_payer_facts (tenant_id, month, currency, bill_to, late, days_late)
    SELECT t, m, c, b, sum(l), sum(d) FROM (
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.currency, i.bill_to, -1, -1 * (p.received_on - i.due_date)
      FROM payment_allocations a JOIN payments p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN old_rows i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id LEFT JOIN customers c ON c.id = i.customer_id WHERE p.received_on > i.due_date AND i.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.issue_date, o.due_date, o.customer_id, o.bill_to) IS DISTINCT FROM (n.tenant_id, n.issue_date, n.due_date, n.customer_id, n.bill_to))
      UNION ALL
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.currency, i.bill_to, 1, 1 * (p.received_on - i.due_date)
      FROM payment_allocations a JOIN payments p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN new_rows i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id LEFT JOIN customers c ON c.id = i.customer_id WHERE p.received_on > i.due_date AND i.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.tenant_id, o.issue_date, o.due_date, o.customer_id, o.bill_to) IS DISTINCT FROM (n.tenant_id, n.issue_date, n.due_date, n.customer_id, n.bill_to))
    ) x(t, m, c, b, l, d) GROUP BY t, m, c, b HAVING sum(l) <> 0 OR sum(d) <> 0;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION bw_payment_facts_customers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT count(*) FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.type) IS DISTINCT FROM (n.type)) > 0 THEN
    INSERT INTO payment_allocation_facts (tenant_id, month, method, currency, customer_type, bucket, n, on_time, late)
    SELECT t, m, me, c, ct, b, sum(n), sum(o), sum(l) FROM (
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.method, p.currency, coalesce(c.type, 'unknown'), CASE WHEN p.received_on - i.issue_date <= 7 THEN '0-7' WHEN p.received_on - i.issue_date <= 14 THEN '8-14' WHEN p.received_on - i.issue_date <= 30 THEN '15-30' WHEN p.received_on - i.issue_date <= 60 THEN '31-60' ELSE '60+' END, -1, -1 * (p.received_on <= i.due_date IS TRUE)::int, -1 * (p.received_on > i.due_date IS TRUE)::int
      FROM payment_allocations a JOIN payments p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN invoices i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id JOIN old_rows c ON c.id = i.customer_id WHERE c.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.type) IS DISTINCT FROM (n.type))
      UNION ALL
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.method, p.currency, coalesce(c.type, 'unknown'), CASE WHEN p.received_on - i.issue_date <= 7 THEN '0-7' WHEN p.received_on - i.issue_date <= 14 THEN '8-14' WHEN p.received_on - i.issue_date <= 30 THEN '15-30' WHEN p.received_on - i.issue_date <= 60 THEN '31-60' ELSE '60+' END, 1, 1 * (p.received_on <= i.due_date IS TRUE)::int, 1 * (p.received_on > i.due_date IS TRUE)::int
      FROM payment_allocations a JOIN payments p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN invoices i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id JOIN new_rows c ON c.id = i.customer_id WHERE c.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.type) IS DISTINCT FROM (n.type))
    ) x(t, m, me, c, ct, b, n, o, l) GROUP BY t, m, me, c, ct, b HAVING sum(n) <> 0 OR sum(o) <> 0 OR sum(l) <> 0;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE FUNCTION bw_payment_facts_tenants() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (SELECT count(*) FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.timezone) IS DISTINCT FROM (n.timezone)) > 0 THEN
    INSERT INTO payment_facts (tenant_id, day, hour, method, currency, status, decline_code, n, amount)
    SELECT t, d, h, m, c, s, dc, sum(n), sum(a) FROM (
      SELECT p.tenant_id, p.received_on, extract(hour from p.created_at at time zone t.timezone)::smallint, p.method, p.currency, p.status, p.decline_code, -1, -1 * p.amount
      FROM payments p JOIN old_rows t ON t.id = p.tenant_id WHERE t.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.timezone) IS DISTINCT FROM (n.timezone))
      UNION ALL
      SELECT p.tenant_id, p.received_on, extract(hour from p.created_at at time zone t.timezone)::smallint, p.method, p.currency, p.status, p.decline_code, 1, 1 * p.amount
      FROM payments p JOIN new_rows t ON t.id = p.tenant_id WHERE t.id IN (SELECT o.id FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.timezone) IS DISTINCT FROM (n.timezone))
    ) x(t, d, h, m, c, s, dc, n, a) GROUP BY t, d, h, m, c, s, dc HAVING sum(n) <> 0 OR sum(a) <> 0;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER payments_pay_facts_ins AFTER INSERT ON payments REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_payment_facts_payments();
--> statement-breakpoint
CREATE TRIGGER payments_pay_facts_upd AFTER UPDATE ON payments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_payment_facts_payments();
--> statement-breakpoint
CREATE TRIGGER payments_pay_facts_del AFTER DELETE ON payments REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_payment_facts_payments();
--> statement-breakpoint
CREATE TRIGGER payment_allocations_pay_facts_ins AFTER INSERT ON payment_allocations REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_payment_facts_allocations();
--> statement-breakpoint
CREATE TRIGGER payment_allocations_pay_facts_upd AFTER UPDATE ON payment_allocations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_payment_facts_allocations();
--> statement-breakpoint
CREATE TRIGGER payment_allocations_pay_facts_del AFTER DELETE ON payment_allocations REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_payment_facts_allocations();
--> statement-breakpoint
CREATE TRIGGER invoices_pay_facts_upd AFTER UPDATE ON invoices REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_payment_facts_invoices();
--> statement-breakpoint
CREATE TRIGGER customers_pay_facts_upd AFTER UPDATE ON customers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_payment_facts_customers();
--> statement-breakpoint
CREATE TRIGGER tenants_pay_facts_upd AFTER UPDATE ON tenants REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION bw_payment_facts_tenants();
--> statement-breakpoint
-- Backfill: what the existing rows contribute.
INSERT INTO payment_facts (tenant_id, day, hour, method, currency, status, decline_code, n, amount)
    SELECT t, d, h, m, c, s, dc, sum(n), sum(a) FROM (
      SELECT p.tenant_id, p.received_on, extract(hour from p.created_at at time zone t.timezone)::smallint, p.method, p.currency, p.status, p.decline_code, 1, 1 * p.amount
      FROM payments p JOIN tenants t ON t.id = p.tenant_id WHERE true
    ) x(t, d, h, m, c, s, dc, n, a) GROUP BY t, d, h, m, c, s, dc HAVING sum(n) <> 0 OR sum(a) <> 0;
--> statement-breakpoint
INSERT INTO payment_allocation_facts (tenant_id, month, method, currency, customer_type, bucket, n, on_time, late)
    SELECT t, m, me, c, ct, b, sum(n), sum(o), sum(l) FROM (
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.method, p.currency, coalesce(c.type, 'unknown'), CASE WHEN p.received_on - i.issue_date <= 7 THEN '0-7' WHEN p.received_on - i.issue_date <= 14 THEN '8-14' WHEN p.received_on - i.issue_date <= 30 THEN '15-30' WHEN p.received_on - i.issue_date <= 60 THEN '31-60' ELSE '60+' END, 1, 1 * (p.received_on <= i.due_date IS TRUE)::int, 1 * (p.received_on > i.due_date IS TRUE)::int
      FROM payment_allocations a JOIN payments p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN invoices i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id LEFT JOIN customers c ON c.id = i.customer_id WHERE true
    ) x(t, m, me, c, ct, b, n, o, l) GROUP BY t, m, me, c, ct, b HAVING sum(n) <> 0 OR sum(o) <> 0 OR sum(l) <> 0;
--> statement-breakpoint
INSERT INTO late_payer_facts (tenant_id, month, currency, bill_to, late, days_late)
    SELECT t, m, c, b, sum(l), sum(d) FROM (
      SELECT a.tenant_id, date_trunc('month', p.received_on)::date, p.currency, i.bill_to, 1, 1 * (p.received_on - i.due_date)
      FROM payment_allocations a JOIN payments p ON p.id = a.payment_id AND p.tenant_id = a.tenant_id JOIN invoices i ON i.id = a.invoice_id AND i.tenant_id = a.tenant_id LEFT JOIN customers c ON c.id = i.customer_id WHERE p.received_on > i.due_date AND true
    ) x(t, m, c, b, l, d) GROUP BY t, m, c, b HAVING sum(l) <> 0 OR sum(d) <> 0;

--> statement-breakpoint
-- statistics for the planner right away (the backfill filled them in one go)
ANALYZE payment_facts;
--> statement-breakpoint
ANALYZE payment_allocation_facts;
--> statement-breakpoint
ANALYZE late_payer_facts;