-- 0024: what stays of a campaign's evaluation once its letters have done their work.
--
-- A campaign's evaluation (a row per account of its regional) serves its what-if,
-- its selection and exclusions, the generation of its letters and, once they are
-- dispatched, the measure of their effect against the control group
-- (reporting.campaign_effectiveness, 90 days after the dispatch). Past that, of the
-- million rows only two kinds are ever read again: the selected accounts (the
-- letters hold them too) and the control group. cartero.retain_evaluations keeps
-- those and empties the rest; a cancelled campaign keeps nothing. Its funnel stays
-- whole in campaign_tallies. docs/operations.md gives the decision and the figures.

SET LOCAL ROLE cartero_owner;

ALTER TABLE cartero.campaigns ADD COLUMN evaluation_retained_at timestamptz;
COMMENT ON COLUMN cartero.campaigns.evaluation_retained_at IS
'When its evaluation was reduced to the selected accounts and the control group (cartero.retain_evaluations), or emptied if it was cancelled; NULL while it is whole. Its funnel (campaign_tallies) stays whole.';

CREATE FUNCTION cartero.retain_evaluations(p_dispatched_before date, p_cancelled_before date) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, cartero
AS $$
DECLARE
    c record;
    v_campaigns integer := 0;
BEGIN
    IF NOT coalesce(cartero.current_staff_is_admin(), false) THEN
        RAISE EXCEPTION 'only an administrator applies the retention of evaluations' USING ERRCODE = 'CA403';
    END IF;
    FOR c IN
        SELECT k.id, k.status, p.oid::regclass AS partition
          FROM cartero.campaigns k
          JOIN pg_class p ON p.relname = format('campaign_accounts_%s', k.id)
                         AND p.relnamespace = 'cartero'::regnamespace
         WHERE k.evaluation_retained_at IS NULL
           AND ((k.status = 'anulada' AND k.cancelled_at < p_cancelled_before)
                OR (k.status IN ('despachada', 'cerrada')
                    AND (SELECT max(l.dispatched_on) FROM cartero.letters l WHERE l.campaign_id = k.id) < p_dispatched_before))
         ORDER BY k.id
         FOR UPDATE OF k
    LOOP
        -- Copied aside, then the partition emptied and refilled: TRUNCATE gives its
        -- space back at once (a DELETE would leave it to VACUUM) and locks only it.
        CREATE TEMPORARY TABLE retained ON COMMIT DROP AS
            SELECT * FROM cartero.campaign_accounts
             WHERE campaign_id = c.id AND c.status <> 'anulada'
               AND (prioridad IS NOT NULL OR reasons = ARRAY['grupo_control']);
        EXECUTE format('TRUNCATE %s', c.partition);
        INSERT INTO cartero.campaign_accounts SELECT * FROM retained;
        DROP TABLE retained;
        UPDATE cartero.campaigns SET evaluation_retained_at = now() WHERE id = c.id;
        v_campaigns := v_campaigns + 1;
    END LOOP;
    RETURN v_campaigns;
END
$$;
COMMENT ON FUNCTION cartero.retain_evaluations(date, date) IS
'Reduces the evaluation of every campaign dispatched before p_dispatched_before to its selected accounts and control group, and empties that of every campaign cancelled before p_cancelled_before; returns how many campaigns it reduced. Administrators only.';
REVOKE ALL ON FUNCTION cartero.retain_evaluations(date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cartero.retain_evaluations(date, date) TO cartero_app;
