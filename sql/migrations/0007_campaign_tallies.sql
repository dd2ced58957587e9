-- 0007: what a campaign's list line, header and funnel need is stored when it is
-- evaluated, so that they cost the same in year five as in month one; and a what-if
-- recomputes the funnel from the stored evaluation instead of segmenting again.
--
-- * campaigns.evaluated_count and selected_count: the list reads them, instead of a
--   count over campaign_accounts per campaign (0.4 s for three campaigns of 50,000).
-- * campaign_tallies: the funnel of the last evaluation, a few dozen rows per campaign.
-- * campaign_accounts.rule_mask: which of RULES.md's rules an account failed before
--   the capacity and the control group were applied, as bits. From it, the balance, the
--   days past due, the use class and the billing mode, cartero.campaign_funnel() recomputes
--   a funnel for other thresholds, minimum days, capacity or control group without
--   reading payments or letters again. Windows (payment, letter) still need the
--   segmentation itself: the stored rows hold no dates.
--
-- Bits of a mask, in RULES.md's order: 1 cobro_juridico, 2 saneamiento, 4 abono_reciente,
-- 8 carta_reciente, 16 saldo_bajo_umbral, 32 mora_insuficiente, 64 sin_direccion,
-- 128 caso_abierto, 256 fuera_de_capacidad, 512 grupo_control.

SET LOCAL ROLE cartero_owner;

ALTER TABLE cartero.campaigns
    ADD COLUMN evaluated_count integer,
    ADD COLUMN selected_count integer;
COMMENT ON COLUMN cartero.campaigns.evaluated_count IS 'Accounts its last evaluation looked at; NULL before the first.';
COMMENT ON COLUMN cartero.campaigns.selected_count IS 'Accounts its last evaluation selected for a letter (within capacity, outside the control group); NULL before the first.';

ALTER TABLE cartero.campaign_accounts ADD COLUMN rule_mask smallint;
COMMENT ON COLUMN cartero.campaign_accounts.rule_mask IS
'The rules the account failed, as bits in RULES.md''s order (1 cobro_juridico ... 64 sin_direccion, 128 caso_abierto), before capacity and control group; 0 when it passed them all. NULL for rows evaluated before this column existed (read reasons instead).';

CREATE TABLE cartero.campaign_tallies (
    campaign_id bigint NOT NULL,
    regional text NOT NULL,
    dimension text NOT NULL CHECK (dimension IN ('motivo', 'total', 'uso', 'facturacion')),
    clave text NOT NULL,
    orden integer NOT NULL,
    cuentas bigint NOT NULL,
    cuentas_primer_motivo bigint NOT NULL,
    saldo_mora numeric NOT NULL,
    saldo_mora_primer_motivo numeric NOT NULL,
    PRIMARY KEY (campaign_id, dimension, clave)
);
COMMENT ON TABLE cartero.campaign_tallies IS
'The funnel of a campaign''s last evaluation, written with it by evaluate_campaign: per reason (dimension motivo), the totals (evaluadas, seleccionadas), and the selection per use class and billing mode. A list or a preview reads these few rows, never the million of campaign_accounts.';
COMMENT ON COLUMN cartero.campaign_tallies.campaign_id IS 'The campaign.';
COMMENT ON COLUMN cartero.campaign_tallies.regional IS 'The campaign''s regional, copied for row-level security.';
COMMENT ON COLUMN cartero.campaign_tallies.dimension IS 'motivo (one row per reason, zeros included), total (evaluadas, seleccionadas), uso or facturacion (of the selection).';
COMMENT ON COLUMN cartero.campaign_tallies.clave IS 'The reason code, evaluadas or seleccionadas, the use class, or the billing mode.';
COMMENT ON COLUMN cartero.campaign_tallies.orden IS 'Order within the dimension: RULES.md''s for reasons, UseClass''s for uses, directa before conjunta.';
COMMENT ON COLUMN cartero.campaign_tallies.cuentas IS 'Accounts: failing the reason, or in the total, use class or billing mode.';
COMMENT ON COLUMN cartero.campaign_tallies.cuentas_primer_motivo IS 'For a reason, the accounts for which it is the first failing rule (they add up to the excluded); elsewhere equal to cuentas.';
COMMENT ON COLUMN cartero.campaign_tallies.saldo_mora IS 'Overdue balance of those accounts, COP.';
COMMENT ON COLUMN cartero.campaign_tallies.saldo_mora_primer_motivo IS 'For a reason, the balance of the accounts for which it is the first failing rule; elsewhere equal to saldo_mora.';

ALTER TABLE cartero.campaign_tallies ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members see the tallies of their own regional's campaigns" ON cartero.campaign_tallies
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
-- Written by evaluate_campaign only.
GRANT SELECT ON cartero.campaign_tallies TO cartero_app;
GRANT SELECT ON cartero.campaign_tallies TO cartero_analyst;

-- ---------------------------------------------------------------------------
-- masks

CREATE FUNCTION cartero.reason_mask(p_reasons text[]) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog
AS $$
    SELECT coalesce(sum(DISTINCT CASE r WHEN 'cobro_juridico' THEN 1 WHEN 'saneamiento' THEN 2
                                         WHEN 'abono_reciente' THEN 4 WHEN 'carta_reciente' THEN 8
                                         WHEN 'saldo_bajo_umbral' THEN 16 WHEN 'mora_insuficiente' THEN 32
                                         WHEN 'sin_direccion' THEN 64 WHEN 'caso_abierto' THEN 128
                                         WHEN 'fuera_de_capacidad' THEN 256 WHEN 'grupo_control' THEN 512 END), 0)::integer
      FROM unnest(p_reasons) r
$$;
COMMENT ON FUNCTION cartero.reason_mask(text[]) IS 'The reasons of a campaign_accounts row as bits (1 cobro_juridico ... 512 grupo_control).';
GRANT EXECUTE ON FUNCTION cartero.reason_mask(text[]) TO cartero_app;

-- ---------------------------------------------------------------------------
-- the priority order, in one place for the segmentation and the funnel

-- Inlined where it is called (LANGUAGE sql, IMMUTABLE, one expression, no SET).
CREATE FUNCTION cartero.priority_key(p_saldo_mora numeric, p_facturacion text) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    -- saldo_mora in cents (numeric(14,2) < 10^12, so cents < 10^14), plus 10^15 for
    -- directa so that billing mode stays first. An integer: sorting on the numeric
    -- itself detoasts it at every comparison, several times slower.
    SELECT (p_saldo_mora * 100)::bigint + CASE WHEN p_facturacion = 'directa' THEN 1000000000000000 ELSE 0 END
$$;
COMMENT ON FUNCTION cartero.priority_key(numeric, text) IS
'RULES.md''s priority, highest first: directa before conjunta, then the overdue balance; ties go to dias_mora (most first), then cuenta in byte order.';
GRANT EXECUTE ON FUNCTION cartero.priority_key(numeric, text) TO cartero_app;

-- ---------------------------------------------------------------------------
-- the funnel of a campaign, from its stored evaluation

CREATE TYPE cartero.funnel_group AS (mask integer, uso text, facturacion text, n bigint, saldo numeric);
COMMENT ON TYPE cartero.funnel_group IS
'Evaluated accounts grouped by their reasons'' bits, use class and billing mode: n accounts owing saldo. A funnel is summed from a few hundred of these.';

CREATE FUNCTION cartero.funnel_lines(p_groups cartero.funnel_group[])
RETURNS TABLE (dimension text, clave text, orden integer, cuentas bigint, cuentas_primer_motivo bigint,
               saldo_mora numeric, saldo_mora_primer_motivo numeric)
LANGUAGE sql IMMUTABLE
AS $$
SELECT 'motivo', r.motivo, r.orden,
       coalesce(sum(g.n) FILTER (WHERE g.mask & r.bit <> 0), 0),
       coalesce(sum(g.n) FILTER (WHERE g.mask & (-g.mask) = r.bit), 0),
       coalesce(sum(g.saldo) FILTER (WHERE g.mask & r.bit <> 0), 0),
       coalesce(sum(g.saldo) FILTER (WHERE g.mask & (-g.mask) = r.bit), 0)
  FROM (VALUES (1, 'cobro_juridico', 1), (2, 'saneamiento', 2), (3, 'abono_reciente', 4),
               (4, 'carta_reciente', 8), (5, 'saldo_bajo_umbral', 16), (6, 'mora_insuficiente', 32),
               (7, 'sin_direccion', 64), (8, 'caso_abierto', 128), (9, 'fuera_de_capacidad', 256),
               (10, 'grupo_control', 512)) r(orden, motivo, bit)
  LEFT JOIN unnest(p_groups) g ON true
 GROUP BY r.orden, r.motivo
UNION ALL
SELECT 'total', t.clave, t.orden, t.n, t.n, t.saldo, t.saldo
  FROM (SELECT 'evaluadas' AS clave, 1 AS orden, coalesce(sum(g.n), 0) AS n, coalesce(sum(g.saldo), 0) AS saldo
          FROM unnest(p_groups) g
        UNION ALL
        SELECT 'seleccionadas', 2, coalesce(sum(g.n) FILTER (WHERE g.mask = 0), 0),
               coalesce(sum(g.saldo) FILTER (WHERE g.mask = 0), 0)
          FROM unnest(p_groups) g) t
UNION ALL
SELECT 'uso', u.uso, u.orden, coalesce(sum(g.n), 0), coalesce(sum(g.n), 0),
       coalesce(sum(g.saldo), 0), coalesce(sum(g.saldo), 0)
  FROM (VALUES ('residencial', 1), ('comercial', 2), ('industrial', 3), ('oficial', 4), ('especial', 5)) u(uso, orden)
  LEFT JOIN unnest(p_groups) g ON g.uso = u.uso AND g.mask = 0
 GROUP BY u.uso, u.orden
UNION ALL
SELECT 'facturacion', f.facturacion, f.orden, coalesce(sum(g.n), 0), coalesce(sum(g.n), 0),
       coalesce(sum(g.saldo), 0), coalesce(sum(g.saldo), 0)
  FROM (VALUES ('directa', 1), ('conjunta', 2)) f(facturacion, orden)
  LEFT JOIN unnest(p_groups) g ON g.facturacion = f.facturacion AND g.mask = 0
 GROUP BY f.facturacion, f.orden
$$;
COMMENT ON FUNCTION cartero.funnel_lines(cartero.funnel_group[]) IS
'The lines of a funnel from grouped accounts: per reason (failing, first failing: the lowest bit), the totals (evaluadas, seleccionadas: mask 0), and the selection per use class and billing mode; zeros included.';
GRANT EXECUTE ON FUNCTION cartero.funnel_lines(cartero.funnel_group[]) TO cartero_app;

-- An account's mask for c's parameters: the stored rules that do not depend on them
-- (cobro_juridico, saneamiento, abono_reciente, carta_reciente, sin_direccion,
-- caso_abierto: 1 | 2 | 4 | 8 | 64 | 128 = 207), plus the threshold and days rules for
-- c's values. LANGUAGE sql, one expression, no SET: inlined where it is called.
CREATE FUNCTION cartero.funnel_mask(p_rule_mask integer, p_reasons text[], p_saldo_mora numeric, p_dias_mora integer,
                                    p_uso text, c cartero.campaigns) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT (coalesce(p_rule_mask, cartero.reason_mask(p_reasons)) & 207)
         | CASE WHEN p_saldo_mora <= CASE p_uso WHEN 'residencial' THEN c.threshold_residencial
                                                WHEN 'comercial'   THEN c.threshold_comercial
                                                WHEN 'industrial'  THEN c.threshold_industrial
                                                WHEN 'oficial'     THEN c.threshold_oficial
                                                ELSE c.threshold_especial END
                THEN 16 ELSE 0 END
         | CASE WHEN p_dias_mora IS NULL OR p_dias_mora <= c.min_days_past_due THEN 32 ELSE 0 END
$$;
COMMENT ON FUNCTION cartero.funnel_mask(integer, text[], numeric, integer, text, cartero.campaigns) IS
'The rules a stored evaluation row fails for c''s thresholds and minimum days, as bits (before capacity and control group).';
GRANT EXECUTE ON FUNCTION cartero.funnel_mask(integer, text[], numeric, integer, text, cartero.campaigns) TO cartero_app;

-- One statement over the campaign's campaign_accounts (found through their BRIN
-- index), with c's parameters, which may differ from the stored ones (a what-if):
--   1. one pass groups the accounts by (mask, uso, facturacion): a few hundred groups,
--      from which funnel_lines sums every line of the funnel;
--   2. only with a capacity or a control group, a second pass reads the accounts that
--      pass every rule, ranks them exactly as cartero.segmentation ranks them, and draws
--      the control group as it draws it (the same key, the same md5 order); their
--      groups replace the selected ones of the first pass.
-- Nothing is kept between the passes, so each may run in parallel: keeping the million
-- evaluated rows once (a MATERIALIZED CTE) spilled to disk and cost more than reading
-- them twice.
-- LANGUAGE sql, one SELECT, no SET: the planner inlines it into the caller's statement,
-- so it is planned for this campaign's id and reads only its rows.
-- The windows and the cut date are not re-applied: they are the stored evaluation's.
CREATE FUNCTION cartero.campaign_funnel(c cartero.campaigns)
RETURNS TABLE (dimension text, clave text, orden integer, cuentas bigint, cuentas_primer_motivo bigint,
               saldo_mora numeric, saldo_mora_primer_motivo numeric)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
SELECT f.* FROM cartero.funnel_lines(ARRAY(
    -- every account, grouped; the selected ones only when nothing ranks them
    SELECT ROW(g.mask, g.uso, g.facturacion, count(*), sum(g.saldo_mora))::cartero.funnel_group
      FROM (SELECT cartero.funnel_mask(ca.rule_mask, ca.reasons, ca.saldo_mora, ca.dias_mora, ca.uso, c) AS mask,
                   ca.uso, ca.facturacion, ca.saldo_mora
              FROM cartero.campaign_accounts ca
             WHERE ca.campaign_id = c.id) g
     WHERE g.mask <> 0 OR (c.max_letters IS NULL AND c.control_group_pct IS NULL)
     GROUP BY g.mask, g.uso, g.facturacion
    UNION ALL
    -- the selected ones, placed: 0 gets a letter, 256 is past capacity, 512 is held back
    SELECT ROW(p.mask, p.uso, p.facturacion, count(*), sum(p.saldo_mora))::cartero.funnel_group
      FROM (SELECT CASE WHEN c.max_letters IS NOT NULL AND d.r > c.max_letters THEN 256
                        WHEN d.h <= floor(d.within * c.control_group_pct / 100) THEN 512
                        ELSE 0 END AS mask,
                   d.uso, d.facturacion, d.saldo_mora
              FROM (SELECT k.*,
                           -- the control group: floor(n * pct / 100) of the n within capacity, in md5 order
                           CASE WHEN c.max_letters IS NULL OR k.r <= c.max_letters
                                THEN row_number() OVER (PARTITION BY c.max_letters IS NULL OR k.r <= c.max_letters
                                                        ORDER BY CASE WHEN c.control_group_pct IS NOT NULL
                                                                      THEN md5(c.id::text || ':' || k.cuenta) END COLLATE "C")
                           END AS h,
                           count(*) FILTER (WHERE c.max_letters IS NULL OR k.r <= c.max_letters) OVER () AS within
                      FROM (SELECT ca.cuenta, ca.saldo_mora, ca.uso, ca.facturacion,
                                   row_number() OVER (ORDER BY cartero.priority_key(ca.saldo_mora, ca.facturacion) DESC,
                                                               ca.dias_mora DESC, ca.cuenta COLLATE "C") AS r
                              FROM cartero.campaign_accounts ca
                             WHERE ca.campaign_id = c.id
                               AND (c.max_letters IS NOT NULL OR c.control_group_pct IS NOT NULL)
                               AND cartero.funnel_mask(ca.rule_mask, ca.reasons, ca.saldo_mora, ca.dias_mora, ca.uso, c) = 0) k
                   ) d
           ) p
     GROUP BY p.mask, p.uso, p.facturacion)) f
$$;
COMMENT ON FUNCTION cartero.campaign_funnel(cartero.campaigns) IS
'The funnel of c''s stored evaluation recomputed for c''s thresholds, minimum days, capacity and control group (the windows and cut date stay the evaluation''s): per reason, the totals, and the selection per use class and billing mode. evaluate_campaign stores it for the campaign''s own parameters; a what-if passes other values. Reads under the acting member''s row rules.';
GRANT EXECUTE ON FUNCTION cartero.campaign_funnel(cartero.campaigns) TO cartero_app;

-- ---------------------------------------------------------------------------
-- segmentation and evaluation, now also writing the mask, the counts and the tallies

-- carta_reciente's accounts, in a function of their own so that a later source of
-- letters (Cartero's own, dispatched) replaces this one function, not the segmentation.
-- LANGUAGE sql, one SELECT, no SET: inlined into the segmentation's statement, which
-- hash-joins it to the accounts as before.
CREATE FUNCTION cartero.recently_lettered(c cartero.campaigns) RETURNS TABLE (cuenta text)
LANGUAGE sql STABLE
AS $$
    SELECT h.cuenta
      FROM cartero.letter_history h
     WHERE h.regional = c.regional
       AND h.fecha_envio > (c.cut_date - make_interval(months => c.letter_window_months))::date
    UNION
    SELECT r.cuenta
      FROM cartero.account_reservations r
     WHERE r.regional = c.regional AND r.campaign_id <> c.id
$$;
COMMENT ON FUNCTION cartero.recently_lettered(cartero.campaigns) IS
'RULES.md''s carta_reciente for campaign c: the accounts of its regional with a letter from the imported history after the cut date minus the letter window, or reserved by another approved campaign (a letter not dispatched yet).';
GRANT EXECUTE ON FUNCTION cartero.recently_lettered(cartero.campaigns) TO cartero_app;

-- The same statement as in 0004, with the mask kept (its return type changes, so the
-- function is dropped and created again) and carta_reciente read from recently_lettered.
DROP FUNCTION cartero.segmentation(cartero.campaigns);
CREATE FUNCTION cartero.segmentation(c cartero.campaigns)
RETURNS TABLE (cuenta text, regional text, prioridad integer, reasons text[],
               saldo_mora numeric, dias_mora integer, uso text, facturacion text, rule_mask integer)
LANGUAGE sql STABLE
AS $$
WITH evaluated AS MATERIALIZED (
    SELECT a.cuenta, a.saldo_mora, c.cut_date - a.fecha_mora AS dias_mora, a.uso, a.facturacion,
             CASE WHEN a.cobro_juridico THEN 1 ELSE 0 END
           | CASE WHEN a.saneamiento IS NOT NULL OR marked.cuenta IS NOT NULL THEN 2 ELSE 0 END
           | CASE WHEN paid.cuenta IS NOT NULL THEN 4 ELSE 0 END
           | CASE WHEN lettered.cuenta IS NOT NULL THEN 8 ELSE 0 END
           | CASE WHEN a.saldo_mora <= CASE a.uso WHEN 'residencial' THEN c.threshold_residencial
                                                  WHEN 'comercial'   THEN c.threshold_comercial
                                                  WHEN 'industrial'  THEN c.threshold_industrial
                                                  WHEN 'oficial'     THEN c.threshold_oficial
                                                  ELSE c.threshold_especial END
                  THEN 16 ELSE 0 END
           | CASE WHEN a.fecha_mora IS NULL OR c.cut_date - a.fecha_mora <= c.min_days_past_due
                  THEN 32 ELSE 0 END
           | CASE WHEN a.direccion !~ '\S' THEN 64 ELSE 0 END AS failed
      FROM cartero.accounts a
      LEFT JOIN (SELECT DISTINCT m.cuenta
                   FROM cartero.account_cleanup_marks m
                  WHERE m.regional = c.regional AND m.cleared_at IS NULL) marked
             ON marked.cuenta = a.cuenta
      LEFT JOIN (SELECT DISTINCT p.cuenta
                   FROM cartero.payments p
                  WHERE p.regional = c.regional
                    AND p.fecha > (c.cut_date - make_interval(months => c.payment_window_months))::date) paid
             ON paid.cuenta = a.cuenta
      LEFT JOIN cartero.recently_lettered(c) lettered ON lettered.cuenta = a.cuenta
     WHERE a.regional = c.regional
),
ranked AS (  -- only read with a control group
    SELECT e.cuenta, e.saldo_mora, e.dias_mora, e.uso, e.facturacion,
           row_number() OVER (ORDER BY cartero.priority_key(e.saldo_mora, e.facturacion) DESC,
                                       e.dias_mora DESC, e.cuenta COLLATE "C") AS r
      FROM evaluated e
     WHERE e.failed = 0
),
control AS (
    -- floor(n * pct / 100) of the n accounts within capacity, in md5 order: the same
    -- campaign draws the same set.
    SELECT d.cuenta
      FROM (SELECT k.cuenta,
                   row_number() OVER (ORDER BY md5(c.id::text || ':' || k.cuenta) COLLATE "C") AS h,
                   count(*) OVER () AS n
              FROM ranked k
             WHERE c.max_letters IS NULL OR k.r <= c.max_letters) d
     WHERE d.h <= floor(d.n * c.control_group_pct / 100)
),
placed AS (
    -- 0 gets a letter, 1 is past capacity, 2 is in the control group
    SELECT k.*, CASE WHEN k.r > c.max_letters THEN 1 WHEN ctl.cuenta IS NOT NULL THEN 2 ELSE 0 END AS place
      FROM ranked k
      LEFT JOIN control ctl ON ctl.cuenta = k.cuenta
)
-- selected, no control group: ranked once, in the same order as "ranked" above
SELECT s.cuenta, c.regional,
       CASE WHEN c.max_letters IS NULL OR s.r <= c.max_letters THEN s.r::integer END,
       CASE WHEN s.r > c.max_letters THEN '{fuera_de_capacidad}'::text[] ELSE '{}'::text[] END,
       s.saldo_mora, s.dias_mora, s.uso, s.facturacion, 0
  FROM (SELECT e.*,
               row_number() OVER (ORDER BY cartero.priority_key(e.saldo_mora, e.facturacion) DESC,
                                           e.dias_mora DESC, e.cuenta COLLATE "C") AS r
          FROM evaluated e
         WHERE e.failed = 0 AND c.control_group_pct IS NULL) s
UNION ALL
-- selected, with a control group: the rest re-ranked 1..m in the same order
SELECT p.cuenta, c.regional,
       CASE WHEN p.place = 0 THEN (row_number() OVER (PARTITION BY p.place ORDER BY p.r))::integer END,
       CASE p.place WHEN 1 THEN '{fuera_de_capacidad}'::text[]
                    WHEN 2 THEN '{grupo_control}'::text[]
                    ELSE '{}'::text[] END,
       p.saldo_mora, p.dias_mora, p.uso, p.facturacion, 0
  FROM placed p
 WHERE c.control_group_pct IS NOT NULL
UNION ALL
-- excluded
SELECT e.cuenta, c.regional, NULL::integer,
       array_remove(ARRAY[CASE WHEN e.failed & 1 <> 0 THEN 'cobro_juridico' END,
                          CASE WHEN e.failed & 2 <> 0 THEN 'saneamiento' END,
                          CASE WHEN e.failed & 4 <> 0 THEN 'abono_reciente' END,
                          CASE WHEN e.failed & 8 <> 0 THEN 'carta_reciente' END,
                          CASE WHEN e.failed & 16 <> 0 THEN 'saldo_bajo_umbral' END,
                          CASE WHEN e.failed & 32 <> 0 THEN 'mora_insuficiente' END,
                          CASE WHEN e.failed & 64 <> 0 THEN 'sin_direccion' END], NULL),
       e.saldo_mora, e.dias_mora, e.uso, e.facturacion, e.failed
  FROM evaluated e
 WHERE e.failed <> 0
$$;
COMMENT ON FUNCTION cartero.segmentation(cartero.campaigns) IS
'RULES.md section 1: every account of the campaign''s regional that the acting member can see, with all its exclusion reasons (and their bits, rule_mask, before capacity and control group), or its rank (prioridad) when selected. Reads, never writes; evaluate_campaign stores it.';
GRANT EXECUTE ON FUNCTION cartero.segmentation(cartero.campaigns) TO cartero_app;

CREATE OR REPLACE FUNCTION cartero.evaluate_campaign(p_campaign_id bigint) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET jit = off
SET work_mem = '64MB'
SET search_path = pg_catalog, cartero
AS $$
DECLARE
    c cartero.campaigns := cartero.lock_campaign(p_campaign_id, 'evaluate');
    v_rows integer;
BEGIN
    IF c.status <> 'borrador' THEN
        RAISE EXCEPTION 'campaign % is %; only a draft can be evaluated', c.id, c.status
            USING ERRCODE = 'CA412';
    END IF;
    DELETE FROM cartero.campaign_accounts WHERE campaign_id = c.id;
    DELETE FROM cartero.campaign_tallies WHERE campaign_id = c.id;
    -- EXECUTE plans each statement for this campaign's values every time (never a
    -- generic plan cached by a long-lived session). As the owner, the segmentation
    -- reads every account of the campaign's regional, whoever evaluates it.
    EXECUTE 'INSERT INTO cartero.campaign_accounts
                    (campaign_id, cuenta, regional, prioridad, reasons, saldo_mora, dias_mora, uso, facturacion, rule_mask)
             SELECT $1.id, s.cuenta, s.regional, s.prioridad, s.reasons, s.saldo_mora, s.dias_mora, s.uso, s.facturacion, s.rule_mask
               FROM cartero.segmentation($1) s'
        USING c;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    -- Without statistics that know this campaign_id, the planner expects one row of
    -- it and sorts a million on disk where a hash would do (2.4 s instead of 0.5 s,
    -- here and in every what-if after). Sampling the one column costs about 0.15 s.
    ANALYZE cartero.campaign_accounts (campaign_id);
    -- The BRIN index returns every page of a range it has not summarized: until
    -- autovacuum came by, a what-if on any campaign read all the campaigns evaluated
    -- since. Summarizing the new ranges now costs about 0.5 s per million rows.
    PERFORM brin_summarize_new_values('cartero.campaign_accounts_campaign_brin');
    EXECUTE 'INSERT INTO cartero.campaign_tallies
                    (campaign_id, regional, dimension, clave, orden, cuentas, cuentas_primer_motivo, saldo_mora, saldo_mora_primer_motivo)
             SELECT $1.id, $1.regional, f.* FROM cartero.campaign_funnel($1) f'
        USING c;
    UPDATE cartero.campaigns
       SET evaluated_at = now(), evaluated_count = v_rows,
           selected_count = (SELECT t.cuentas FROM cartero.campaign_tallies t
                              WHERE t.campaign_id = c.id AND t.dimension = 'total' AND t.clave = 'seleccionadas')
     WHERE id = c.id;
    RETURN v_rows;
END
$$;

-- ---------------------------------------------------------------------------
-- campaigns evaluated before this migration: their counts and tallies, from the rows

UPDATE cartero.campaign_accounts SET rule_mask = cartero.reason_mask(reasons) & 255 WHERE rule_mask IS NULL;
INSERT INTO cartero.campaign_tallies
       (campaign_id, regional, dimension, clave, orden, cuentas, cuentas_primer_motivo, saldo_mora, saldo_mora_primer_motivo)
SELECT c.id, c.regional, f.*
  FROM cartero.campaigns c
 CROSS JOIN LATERAL cartero.campaign_funnel(c) f
 WHERE c.evaluated_at IS NOT NULL;
UPDATE cartero.campaigns c
   SET evaluated_count = t.evaluadas, selected_count = t.seleccionadas
  FROM (SELECT campaign_id, max(cuentas) FILTER (WHERE clave = 'evaluadas') AS evaluadas,
               max(cuentas) FILTER (WHERE clave = 'seleccionadas') AS seleccionadas
          FROM cartero.campaign_tallies WHERE dimension = 'total' GROUP BY campaign_id) t
 WHERE t.campaign_id = c.id;

-- ---------------------------------------------------------------------------
-- the analysts' funnel reads the tallies

CREATE OR REPLACE VIEW reporting.campaign_funnel WITH (security_invoker = true) AS
SELECT t.campaign_id, t.regional, t.orden, t.clave AS motivo, t.cuentas, t.cuentas_primer_motivo,
       t.saldo_mora, t.saldo_mora_primer_motivo
  FROM cartero.campaign_tallies t
 WHERE t.dimension = 'motivo';
