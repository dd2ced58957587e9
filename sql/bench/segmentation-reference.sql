-- Hand-written reference for the segmentation benchmark (sql/bench/README.md): the same
-- ranks and reasons as cartero.evaluate_campaign() gives a campaign with the default
-- parameters (thresholds 100000 / 300000, 60 days, payments after D - 1 month, letters
-- after D - 2 months, no max_letters, no control group), written by one INSERT ... SELECT
-- into a plain table: no function, no row-level security (run it as a superuser), no
-- index. evaluate_campaign() is measured against it.
--
--     psql -v regional=BENCH -v cut_date=2026-03-31 -f sql/bench/segmentation-reference.sql
--
-- Same session settings as evaluate_campaign() sets for itself.
SET jit = off;
SET work_mem = '64MB';

DROP TABLE IF EXISTS ref;
CREATE TABLE ref (
    campaign_id bigint NOT NULL,
    prioridad integer,
    dias_mora integer,
    cuenta text NOT NULL,
    regional text NOT NULL,
    saldo_mora numeric(14,2) NOT NULL,
    uso text NOT NULL,
    facturacion text NOT NULL,
    reasons text[] NOT NULL
);

\timing on
INSERT INTO ref (campaign_id, cuenta, regional, prioridad, reasons, saldo_mora, dias_mora, uso, facturacion)
WITH evaluated AS MATERIALIZED (
    SELECT a.cuenta, a.saldo_mora, :'cut_date'::date - a.fecha_mora AS dias_mora, a.uso, a.facturacion,
             CASE WHEN a.cobro_juridico THEN 1 ELSE 0 END
           | CASE WHEN a.saneamiento IS NOT NULL OR marked.cuenta IS NOT NULL THEN 2 ELSE 0 END
           | CASE WHEN paid.cuenta IS NOT NULL THEN 4 ELSE 0 END
           | CASE WHEN lettered.cuenta IS NOT NULL THEN 8 ELSE 0 END
           | CASE WHEN a.saldo_mora <= CASE a.uso WHEN 'residencial' THEN 100000 ELSE 300000 END THEN 16 ELSE 0 END
           | CASE WHEN a.fecha_mora IS NULL OR :'cut_date'::date - a.fecha_mora <= 60 THEN 32 ELSE 0 END
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
)
SELECT 0, s.cuenta, :'regional', s.r::integer, '{}'::text[], s.saldo_mora, s.dias_mora, s.uso, s.facturacion
  FROM (SELECT e.*,
               row_number() OVER (ORDER BY (e.saldo_mora * 100)::bigint
                                           + CASE WHEN e.facturacion = 'directa' THEN 1000000000000000 ELSE 0 END DESC,
                                           e.dias_mora DESC, e.cuenta COLLATE "C") AS r
          FROM evaluated e
         WHERE e.failed = 0) s
UNION ALL
SELECT 0, e.cuenta, :'regional', NULL::integer,
       array_remove(ARRAY[CASE WHEN e.failed & 1 <> 0 THEN 'cobro_juridico' END,
                          CASE WHEN e.failed & 2 <> 0 THEN 'saneamiento' END,
                          CASE WHEN e.failed & 4 <> 0 THEN 'abono_reciente' END,
                          CASE WHEN e.failed & 8 <> 0 THEN 'carta_reciente' END,
                          CASE WHEN e.failed & 16 <> 0 THEN 'saldo_bajo_umbral' END,
                          CASE WHEN e.failed & 32 <> 0 THEN 'mora_insuficiente' END,
                          CASE WHEN e.failed & 64 <> 0 THEN 'sin_direccion' END], NULL),
       e.saldo_mora, e.dias_mora, e.uso, e.facturacion
  FROM evaluated e
 WHERE e.failed <> 0;
\timing off
