-- 0023: campaign_accounts partitioned by campaign, one partition per evaluated campaign.
--
-- Five years of monthly campaigns of 1,000,000 evaluated accounts are 60 million rows
-- (about 8 GB). What reads them reads one campaign at a time (the what-if, the
-- selection and exclusions, the generation of its letters), and what removes them
-- removes one campaign at a time (a refresh, and the retention of docs/operations.md).
-- In one table behind a BRIN index, a refresh's DELETE left holes that the next
-- campaign's rows filled, so the index's ranges came to cover several campaigns and a
-- campaign's reads grew with the table. A partition per campaign keeps a campaign's
-- rows together for good: the planner reads only its partition (the id is a constant
-- of every statement that reads it), a refresh empties it (TRUNCATE), and the
-- retention drops it or keeps only what reports need (cartero.retain_evaluation).
--
-- Partitions are made by cartero.campaign_partition(id) when a campaign is first
-- evaluated: created alone, then attached, which takes only a SHARE UPDATE EXCLUSIVE
-- lock on the parent (reads and other campaigns' writes go on; two first evaluations
-- at the same moment attach one after the other). They are named
-- campaign_accounts_<id>, owned by cartero_owner, granted to no one: every read goes
-- through cartero.campaign_accounts and its row rules. Each has row-level security
-- and a policy that refuses all, so that a grant made by mistake shows nothing.

SET LOCAL ROLE cartero_owner;

ALTER TABLE cartero.campaign_accounts RENAME TO campaign_accounts_before_0023;

CREATE TABLE cartero.campaign_accounts (
    campaign_id bigint NOT NULL,
    prioridad integer,
    dias_mora integer,
    cuenta text COLLATE "C" NOT NULL,
    regional text NOT NULL,
    saldo_mora numeric(14,2) NOT NULL,
    uso text NOT NULL,
    facturacion text NOT NULL,
    reasons text[] NOT NULL,
    rule_mask smallint NOT NULL
) PARTITION BY LIST (campaign_id);
COMMENT ON TABLE cartero.campaign_accounts IS 'Result of a campaign''s last evaluation: one row per account of its regional, with all its exclusion reasons, or its rank when selected. Partitioned by campaign (campaign_accounts_<id>, made by campaign_partition); a campaign past the retention keeps only its selected accounts and control group.';
COMMENT ON COLUMN cartero.campaign_accounts.campaign_id IS 'The campaign evaluated.';
COMMENT ON COLUMN cartero.campaign_accounts.prioridad IS 'Rank 1..n among the selected accounts (letter order); NULL when the account is excluded.';
COMMENT ON COLUMN cartero.campaign_accounts.dias_mora IS 'Days past due at the cut date: cut_date - fecha_mora; NULL when the account had no fecha_mora.';
COMMENT ON COLUMN cartero.campaign_accounts.cuenta IS 'The account evaluated.';
COMMENT ON COLUMN cartero.campaign_accounts.regional IS 'The campaign''s regional, copied for row-level security.';
COMMENT ON COLUMN cartero.campaign_accounts.saldo_mora IS 'Overdue balance when evaluated (printed on the letter).';
COMMENT ON COLUMN cartero.campaign_accounts.uso IS 'Use class when evaluated (picked the threshold).';
COMMENT ON COLUMN cartero.campaign_accounts.facturacion IS 'Billing mode when evaluated (directa ranks first).';
COMMENT ON COLUMN cartero.campaign_accounts.reasons IS
'Every exclusion reason, in RULES.md''s order: cobro_juridico, saneamiento, abono_reciente, carta_reciente, saldo_bajo_umbral, mora_insuficiente, sin_direccion, caso_abierto, fuera_de_capacidad, grupo_control. Empty when selected.';
COMMENT ON COLUMN cartero.campaign_accounts.rule_mask IS
'The rules the account failed, as bits in RULES.md''s order (1 cobro_juridico ... 64 sin_direccion, 128 caso_abierto), before capacity and control group; 0 when it passed them all.';

ALTER TABLE cartero.campaign_accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members who see their regional see its evaluations" ON cartero.campaign_accounts
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional()) AND (SELECT cartero.current_staff_sees_regional())));
CREATE POLICY "an analyst of every regional reads every regional's campaigns' evaluations" ON cartero.campaign_accounts
    FOR SELECT TO cartero_analyst USING ((SELECT cartero.current_analyst_reads_every_regional()));
-- Written only by evaluate_campaign and the retention, as the owner.
GRANT SELECT ON cartero.campaign_accounts TO cartero_app;
GRANT SELECT (campaign_id, prioridad, dias_mora, cuenta, regional, saldo_mora, uso, facturacion, reasons)
    ON cartero.campaign_accounts TO cartero_analyst;

-- ---------------------------------------------------------------------------
-- a campaign's partition

CREATE FUNCTION cartero.campaign_partition(p_campaign_id bigint) RETURNS regclass
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, cartero
AS $$
DECLARE
    v_name text := format('campaign_accounts_%s', p_campaign_id);
    v_partition regclass := to_regclass(format('cartero.%I', v_name));
BEGIN
    IF v_partition IS NOT NULL THEN
        RETURN v_partition;
    END IF;
    -- Created alone, then attached: CREATE TABLE … PARTITION OF would lock the parent
    -- against every reader for the rest of the evaluation's transaction.
    EXECUTE format('CREATE TABLE cartero.%I (LIKE cartero.campaign_accounts INCLUDING COMMENTS)', v_name);
    -- The partition's constraint, stated before attaching, spares the attach a scan.
    EXECUTE format('ALTER TABLE cartero.%I ADD CONSTRAINT %I CHECK (campaign_id = %s)', v_name, v_name || '_campaign', p_campaign_id);
    EXECUTE format('ALTER TABLE cartero.%I ENABLE ROW LEVEL SECURITY', v_name);
    EXECUTE format('CREATE POLICY "read through cartero.campaign_accounts, never directly" ON cartero.%I USING (false)', v_name);
    EXECUTE format('COMMENT ON TABLE cartero.%I IS %L', v_name,
                   format('Campaign %s''s evaluation: a partition of cartero.campaign_accounts, read through it.', p_campaign_id));
    EXECUTE format('ALTER TABLE cartero.campaign_accounts ATTACH PARTITION cartero.%I FOR VALUES IN (%s)', v_name, p_campaign_id);
    RETURN format('cartero.%I', v_name)::regclass;
END
$$;
COMMENT ON FUNCTION cartero.campaign_partition(bigint) IS
'The partition of cartero.campaign_accounts that holds a campaign''s evaluation, made (empty) when there is none. For the evaluation, as the owner; not granted to the service.';
REVOKE ALL ON FUNCTION cartero.campaign_partition(bigint) FROM PUBLIC;

-- The evaluations stored so far, each into its campaign's partition.
DO $$
DECLARE
    v_campaign bigint;
BEGIN
    FOR v_campaign IN SELECT DISTINCT campaign_id FROM cartero.campaign_accounts_before_0023 ORDER BY 1 LOOP
        PERFORM cartero.campaign_partition(v_campaign);
    END LOOP;
END
$$;
INSERT INTO cartero.campaign_accounts SELECT * FROM cartero.campaign_accounts_before_0023;

-- The views over it were bound to the old table when they were made: made again from
-- their own definitions, they read the new one (their comments and grants stay).
DO $$
DECLARE
    v_view regclass;
BEGIN
    FOR v_view IN SELECT DISTINCT r.ev_class::regclass
                    FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
                   WHERE d.refobjid = 'cartero.campaign_accounts_before_0023'::regclass AND r.ev_class <> d.refobjid
    LOOP
        EXECUTE format('CREATE OR REPLACE VIEW %s WITH (security_invoker = true) AS %s', v_view,
                       replace(pg_get_viewdef(v_view), 'campaign_accounts_before_0023', 'campaign_accounts'));
    END LOOP;
END
$$;
DROP TABLE cartero.campaign_accounts_before_0023;

-- ---------------------------------------------------------------------------
-- the evaluation, into the campaign's partition

CREATE OR REPLACE FUNCTION cartero.evaluate_campaign(p_campaign_id bigint) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET jit = off
SET work_mem = '64MB'
SET search_path = pg_catalog, cartero
AS $$
DECLARE
    c cartero.campaigns := cartero.lock_campaign(p_campaign_id, 'evaluate');
    v_partition regclass;
    v_rows integer;
BEGIN
    IF c.status <> 'borrador' THEN
        RAISE EXCEPTION 'campaign % is %; only a draft can be evaluated', c.id, c.status
            USING ERRCODE = 'CA412';
    END IF;
    -- A refresh empties the campaign's partition: no dead rows left behind.
    v_partition := cartero.campaign_partition(c.id);
    EXECUTE format('TRUNCATE %s', v_partition);
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
    -- Without statistics, the planner expects a handful of rows and sorts a million
    -- on disk where a hash would do, here and in every what-if after. The partition
    -- alone is sampled (about 0.15 s), whatever the other campaigns hold.
    EXECUTE format('ANALYZE %s', v_partition);
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
