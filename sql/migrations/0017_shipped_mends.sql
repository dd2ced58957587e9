-- 0017: what changed in 0006 and 0007 after they shipped, made here so that the
-- databases that applied them get it too (0006 and 0007 are as they shipped).
--
-- * The what-if reads the evaluation in two passes that may run in parallel, inlined
--   into the caller's statement: campaign_funnel and funnel_lines lose their SET
--   search_path (a function with SET is never inlined), and the mask of a stored row
--   for a campaign's parameters is one function, funnel_mask.
-- * carta_reciente's sources are one function, recently_lettered (0008 gave it
--   Cartero's dispatched letters; 0010's segmentation reads it): granted here.
-- * Evaluation analyzes campaign_id and summarizes the BRIN ranges it added, so that
--   the next what-if and evaluation are planned for this campaign and read only its
--   pages.
-- Left out: 0006 was later changed to use a pgcrypto that a DBA installed elsewhere;
-- a database in that state cannot pass 0006 as it shipped, and no later migration can
-- mend that. Such a database needs pgcrypto dropped (or moved) before migrating.

SET LOCAL ROLE cartero_owner;

-- ---------------------------------------------------------------------------
-- the what-if

ALTER FUNCTION cartero.funnel_lines(cartero.funnel_group[]) RESET search_path;

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
CREATE OR REPLACE FUNCTION cartero.campaign_funnel(c cartero.campaigns)
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
-- carta_reciente, as 0008 left it

GRANT EXECUTE ON FUNCTION cartero.recently_lettered(cartero.campaigns) TO cartero_app;

-- ---------------------------------------------------------------------------
-- evaluation

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

