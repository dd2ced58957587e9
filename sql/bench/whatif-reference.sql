-- Hand-written reference for the what-if benchmark (scripts/bench whatif): the funnel a
-- campaign of the regional would have with thresholds 150000 (residencial) / 300000, 90
-- days past due, payments after D - 1 month, letters after D - 2 months and at most
-- 100,000 letters, computed straight from the portfolio in one statement: per reason
-- the accounts failing it and those for which it is the first, past capacity included.
-- `cartero campaign preview ID --threshold residencial=150000 --min-days 90
-- --max-letters 100000` is measured against it. Run it as a superuser:
--
--     psql -v regional=NORTE -v cut_date=2026-03-31 -f sql/bench/whatif-reference.sql
SET jit = off;
SET work_mem = '64MB';

\timing on
WITH evaluated AS MATERIALIZED (
    SELECT a.saldo_mora, a.facturacion, :'cut_date'::date - a.fecha_mora AS dias_mora, a.cuenta,
             CASE WHEN a.cobro_juridico THEN 1 ELSE 0 END
           | CASE WHEN a.saneamiento IS NOT NULL OR marked.cuenta IS NOT NULL THEN 2 ELSE 0 END
           | CASE WHEN paid.cuenta IS NOT NULL THEN 4 ELSE 0 END
           | CASE WHEN lettered.cuenta IS NOT NULL THEN 8 ELSE 0 END
           | CASE WHEN a.saldo_mora <= CASE a.uso WHEN 'residencial' THEN 150000 ELSE 300000 END THEN 16 ELSE 0 END
           | CASE WHEN a.fecha_mora IS NULL OR :'cut_date'::date - a.fecha_mora <= 90 THEN 32 ELSE 0 END
           | CASE WHEN a.direccion !~ '\S' THEN 64 ELSE 0 END AS failed
      FROM cartero.accounts a
      LEFT JOIN (SELECT DISTINCT m.cuenta FROM cartero.account_cleanup_marks m
                  WHERE m.regional = :'regional' AND m.cleared_at IS NULL) marked
             ON marked.cuenta = a.cuenta
      LEFT JOIN (SELECT DISTINCT p.cuenta FROM cartero.payments p
                  WHERE p.regional = :'regional' AND p.fecha > (:'cut_date'::date - interval '1 month')::date) paid
             ON paid.cuenta = a.cuenta
      LEFT JOIN (SELECT h.cuenta FROM cartero.letter_history h
                  WHERE h.regional = :'regional' AND h.fecha_envio > (:'cut_date'::date - interval '2 months')::date
                 UNION
                 SELECT r.cuenta FROM cartero.account_reservations r WHERE r.regional = :'regional') lettered
             ON lettered.cuenta = a.cuenta
     WHERE a.regional = :'regional'
),
placed AS (
    SELECT e.failed FROM evaluated e WHERE e.failed <> 0
    UNION ALL
    SELECT CASE WHEN row_number() OVER (ORDER BY (e.saldo_mora * 100)::bigint
                                                 + CASE WHEN e.facturacion = 'directa' THEN 1000000000000000 ELSE 0 END DESC,
                                                 e.dias_mora DESC, e.cuenta COLLATE "C") > 100000
                THEN 256 ELSE 0 END
      FROM evaluated e WHERE e.failed = 0
)
SELECT b.bit, count(*) FILTER (WHERE p.failed & b.bit <> 0) AS failing,
       count(*) FILTER (WHERE p.failed & (-p.failed) = b.bit) AS first_failing
  FROM placed p
 CROSS JOIN (VALUES (1), (2), (4), (8), (16), (32), (64), (256)) b(bit)
 GROUP BY b.bit
 ORDER BY b.bit;
\timing off
