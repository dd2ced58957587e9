-- `scripts/bench --years N web`: what N years of monthly campaigns leave behind the daily
-- pages, added to the web benchmark's database before it is measured. Per month: a
-- dispatched campaign of :per_month letters (consecutivos of their year), their courier
-- results (one in ten returned), and for each return a case, resolved, with the history
-- the triggers write. The benchmark's accounts (C1 to C10500; -v accounts) get a letter every
-- third month, like accounts that stay overdue; the rest go to other accounts.
-- Run as a superuser: psql -v months=60 -v per_month=75000 -v accounts=10500 -f sql/bench/five-years.sql
\set ON_ERROR_STOP 1
SELECT set_config('cartero.staff_id', '1', false) \g /dev/null

INSERT INTO cartero.campaigns (regional, name, cut_date, created_by, status, evaluated_at, evaluated_count, selected_count,
                               evaluation_retained_at)
SELECT 'NORTE', 'history ' || m, current_date - ((:months - m + 1) * 30 + 10), 1, 'despachada', now(), 1000000, :per_month, now()
  FROM generate_series(1, :months) m;

CREATE TEMPORARY TABLE history_months AS
SELECT c.id AS campaign_id, row_number() OVER (ORDER BY c.id) AS m, c.cut_date + 10 AS dispatched_on
  FROM cartero.campaigns c WHERE c.name LIKE 'history %';

-- Numbered within their year, after the benchmark's own :accounts of this year: at most 13
-- months fall in a year, so per_month <= 75,000.
INSERT INTO cartero.letters (campaign_id, regional, cuenta, consecutivo, anio, numero, prioridad, titular, direccion,
                             barrio, municipio, ruta, saldo_mora, generated_by, generated_at, status, dispatched_on, dispatched_by)
SELECT n.campaign_id, 'NORTE', n.cuenta, 'NORTE-' || n.anio || '-' || lpad(n.numero::text, 6, '0'), n.anio, n.numero, n.g,
       'T', 'Calle ' || n.g, 'B' || (n.g % 50), 'Cali', 'R-' || (n.g % 200), 1000, 1, n.dispatched_on, 'despachada',
       n.dispatched_on, 1
  FROM (SELECT h.campaign_id, h.dispatched_on, g, extract(year FROM h.dispatched_on)::int AS anio,
               CASE WHEN h.m % 3 = 0 AND g <= :accounts THEN 'C' || g ELSE 'H' || (h.m * :per_month + g) END AS cuenta,
               :accounts + row_number() OVER (PARTITION BY extract(year FROM h.dispatched_on) ORDER BY h.m, g) AS numero
          FROM history_months h CROSS JOIN generate_series(1, :per_month) g) n;

\ir history-outcomes.sql
