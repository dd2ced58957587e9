-- 0022: the what-if over 1,000,000 evaluated accounts in under a second, whatever other
-- campaigns the table holds.
--
-- campaign_funnel (0007) grouped every account by its recomputed mask: a key the planner
-- cannot estimate (a product of the balance's and the days' distinct values), so it
-- never aggregated in parallel, and the leader hashed 800,000 rows alone (0.58 s here).
-- Its second pass sorted every account that passes the rules to number them, then
-- sorted them again to group them (0.45 s). Now:
--   1. one pass groups by the stored columns rule_mask, uso and facturacion, whose few
--      distinct values the planner knows, and by whether the threshold and the days
--      rules fail for c's values (two booleans): every worker aggregates its share;
--   2. only with a capacity or a control group, the accounts within capacity are the
--      first max_letters of the passing ones in priority order: a top-N sort (ORDER BY
--      … LIMIT), which keeps max_letters rows, not all of them; the control group is
--      drawn among those exactly as before. Past capacity is what passes minus what is
--      within, per use class and billing mode, from the first pass's groups.
-- The result is the same funnel: sql/tests/rules_test.sql compares it with the
-- segmentation's for the same parameters.

SET LOCAL ROLE cartero_owner;

-- Every evaluation since 0007 writes it, and 0007 filled it for the earlier ones.
UPDATE cartero.campaign_accounts SET rule_mask = cartero.reason_mask(reasons) & 255 WHERE rule_mask IS NULL;
ALTER TABLE cartero.campaign_accounts ALTER COLUMN rule_mask SET NOT NULL;
COMMENT ON COLUMN cartero.campaign_accounts.rule_mask IS
'The rules the account failed, as bits in RULES.md''s order (1 cobro_juridico ... 64 sin_direccion, 128 caso_abierto), before capacity and control group; 0 when it passed them all.';

-- The two rules a what-if may move, for c's values; LANGUAGE sql, one expression: inlined.
CREATE FUNCTION cartero.below_threshold(p_saldo_mora numeric, p_uso text, c cartero.campaigns) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT p_saldo_mora <= CASE p_uso WHEN 'residencial' THEN c.threshold_residencial
                                      WHEN 'comercial'   THEN c.threshold_comercial
                                      WHEN 'industrial'  THEN c.threshold_industrial
                                      WHEN 'oficial'     THEN c.threshold_oficial
                                      ELSE c.threshold_especial END
$$;
COMMENT ON FUNCTION cartero.below_threshold(numeric, text, cartero.campaigns) IS
'Whether an overdue balance of this use class fails c''s threshold (saldo_bajo_umbral).';
GRANT EXECUTE ON FUNCTION cartero.below_threshold(numeric, text, cartero.campaigns) TO cartero_app;

CREATE FUNCTION cartero.too_few_days(p_dias_mora integer, c cartero.campaigns) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT p_dias_mora IS NULL OR p_dias_mora <= c.min_days_past_due
$$;
COMMENT ON FUNCTION cartero.too_few_days(integer, cartero.campaigns) IS
'Whether days past due fail c''s minimum (mora_insuficiente); no fecha_mora fails it.';
GRANT EXECUTE ON FUNCTION cartero.too_few_days(integer, cartero.campaigns) TO cartero_app;

CREATE OR REPLACE FUNCTION cartero.funnel_mask(p_rule_mask integer, p_reasons text[], p_saldo_mora numeric, p_dias_mora integer,
                                               p_uso text, c cartero.campaigns) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT (coalesce(p_rule_mask, cartero.reason_mask(p_reasons)) & 207)
         | CASE WHEN cartero.below_threshold(p_saldo_mora, p_uso, c) THEN 16 ELSE 0 END
         | CASE WHEN cartero.too_few_days(p_dias_mora, c) THEN 32 ELSE 0 END
$$;

-- LANGUAGE sql, one SELECT, no SET: the planner inlines it into the caller's statement,
-- so it is planned for this campaign's id and values and reads only its rows.
-- The windows and the cut date are not re-applied: they are the stored evaluation's.
CREATE OR REPLACE FUNCTION cartero.campaign_funnel(c cartero.campaigns)
RETURNS TABLE (dimension text, clave text, orden integer, cuentas bigint, cuentas_primer_motivo bigint,
               saldo_mora numeric, saldo_mora_primer_motivo numeric)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
WITH grouped AS (
    -- every account, by the rules it fails for c's values
    SELECT (a.rule_mask & 207) | CASE WHEN a.b THEN 16 ELSE 0 END | CASE WHEN a.d THEN 32 ELSE 0 END AS mask,
           a.uso, a.facturacion, count(*) AS n, sum(a.saldo_mora) AS s
      FROM (SELECT ca.rule_mask, ca.uso, ca.facturacion, ca.saldo_mora,
                   cartero.below_threshold(ca.saldo_mora, ca.uso, c) AS b, cartero.too_few_days(ca.dias_mora, c) AS d
              FROM cartero.campaign_accounts ca
             WHERE ca.campaign_id = c.id) a
     GROUP BY a.rule_mask, a.uso, a.facturacion, a.b, a.d
), placed AS (
    -- only with a capacity or a control group: the passing accounts within capacity
    -- (a top-N in RULES.md's priority), then the control group drawn among them:
    -- floor(n * pct / 100) of the n, in md5 order. 0 gets a letter, 512 is held back.
    SELECT CASE WHEN w.h <= floor(w.within * c.control_group_pct / 100) THEN 512 ELSE 0 END AS mask,
           w.uso, w.facturacion, count(*) AS n, sum(w.saldo_mora) AS s
      FROM (SELECT t.uso, t.facturacion, t.saldo_mora,
                   row_number() OVER (ORDER BY CASE WHEN c.control_group_pct IS NOT NULL
                                                    THEN md5(c.id::text || ':' || t.cuenta) END COLLATE "C") AS h,
                   count(*) OVER () AS within
              FROM (SELECT ca.cuenta, ca.uso, ca.facturacion, ca.saldo_mora
                      FROM cartero.campaign_accounts ca
                     WHERE ca.campaign_id = c.id
                       AND (c.max_letters IS NOT NULL OR c.control_group_pct IS NOT NULL)
                       AND ca.rule_mask & 207 = 0
                       AND NOT cartero.below_threshold(ca.saldo_mora, ca.uso, c)
                       AND NOT cartero.too_few_days(ca.dias_mora, c)
                     ORDER BY cartero.priority_key(ca.saldo_mora, ca.facturacion) DESC, ca.dias_mora DESC,
                              ca.cuenta COLLATE "C"
                     LIMIT c.max_letters) t
           ) w
     GROUP BY 1, w.uso, w.facturacion
)
SELECT f.* FROM cartero.funnel_lines(ARRAY(
    SELECT ROW(g.mask, g.uso, g.facturacion, g.n, g.s)::cartero.funnel_group
      FROM grouped g
     WHERE g.mask <> 0 OR (c.max_letters IS NULL AND c.control_group_pct IS NULL)
    UNION ALL
    SELECT ROW(p.mask, p.uso, p.facturacion, p.n, p.s)::cartero.funnel_group
      FROM placed p
    UNION ALL
    -- past capacity: what passes every rule, less what is within capacity
    SELECT ROW(256, g.uso, g.facturacion, g.n - coalesce(w.n, 0), g.s - coalesce(w.s, 0))::cartero.funnel_group
      FROM (SELECT g.uso, g.facturacion, sum(g.n) AS n, sum(g.s) AS s
              FROM grouped g WHERE g.mask = 0 GROUP BY g.uso, g.facturacion) g
      LEFT JOIN (SELECT p.uso, p.facturacion, sum(p.n) AS n, sum(p.s) AS s
                   FROM placed p GROUP BY p.uso, p.facturacion) w USING (uso, facturacion)
     WHERE c.max_letters IS NOT NULL AND g.n > coalesce(w.n, 0))) f
$$;
COMMENT ON FUNCTION cartero.campaign_funnel(cartero.campaigns) IS
'The funnel of c''s stored evaluation recomputed for c''s thresholds, minimum days, capacity and control group (the windows and cut date stay the evaluation''s): per reason, the totals, and the selection per use class and billing mode. evaluate_campaign stores it for the campaign''s own parameters; a what-if passes other values. Reads under the acting member''s row rules.';
