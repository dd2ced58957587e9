-- 0007: approvals reserve accounts in one global order, so two racing approvals of a
-- regional cannot deadlock.
--
-- 0004's approve_campaign inserted its reservations in the order it read its
-- campaign_accounts (about its own ranks). Two campaigns evaluated at different
-- times rank shared accounts differently (an import changed their balances), so two
-- approvals running at once could each hold an account the other was about to insert,
-- and PostgreSQL aborted one of them with "deadlock detected" (40P01) instead of the
-- sentence RULES.md asks for. Measured with 20,000 accounts ranked in opposite orders:
-- the deadlock came on the first try.
--
-- Inserting in account order (byte order, as the ranking's last key) makes every
-- approval meet the accounts in the same sequence: the second one waits for the
-- first to commit at the first account they share, then finds them all taken and
-- fails with 'K accounts were reserved by campaign X after this one was evaluated;
-- refresh it' (CA409). Nothing else changes.

SET LOCAL ROLE cartero_owner;

CREATE OR REPLACE FUNCTION cartero.approve_campaign(p_campaign_id bigint) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, cartero
AS $$
DECLARE
    c cartero.campaigns := cartero.lock_campaign(p_campaign_id, 'approve');
    v_selected integer;
    v_reserved integer;
    v_other bigint;
BEGIN
    IF c.status <> 'borrador' THEN
        RAISE EXCEPTION 'campaign % is %; only a draft can be approved', c.id, c.status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF c.evaluated_at IS NULL THEN
        RAISE EXCEPTION 'campaign % was changed after its last evaluation; refresh it', c.id
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT count(*) INTO v_selected
      FROM cartero.campaign_accounts
     WHERE campaign_id = c.id AND prioridad IS NOT NULL;
    IF v_selected = 0 THEN
        RAISE EXCEPTION 'campaign % selects no account; there is nothing to approve', c.id
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    -- In account order: every approval takes the accounts in the same sequence (see above).
    INSERT INTO cartero.account_reservations (cuenta, campaign_id, regional)
    SELECT ca.cuenta, c.id, c.regional
      FROM cartero.campaign_accounts ca
     WHERE ca.campaign_id = c.id AND ca.prioridad IS NOT NULL
     ORDER BY ca.cuenta COLLATE "C"
    ON CONFLICT (cuenta) DO NOTHING;
    GET DIAGNOSTICS v_reserved = ROW_COUNT;
    IF v_reserved < v_selected THEN
        SELECT r.campaign_id INTO v_other
          FROM cartero.campaign_accounts ca
          JOIN cartero.account_reservations r ON r.cuenta = ca.cuenta
         WHERE ca.campaign_id = c.id AND ca.prioridad IS NOT NULL AND r.campaign_id <> c.id
         GROUP BY r.campaign_id
         ORDER BY count(*) DESC, r.campaign_id
         LIMIT 1;
        -- The exception rolls back every reservation made above.
        RAISE EXCEPTION '% accounts were reserved by campaign % after this one was evaluated; refresh it',
                        v_selected - v_reserved, v_other
            USING ERRCODE = 'CA409';
    END IF;
    UPDATE cartero.campaigns
       SET status = 'aprobada', approved_by = cartero.current_staff_id(), approved_at = now()
     WHERE id = c.id;
    RETURN v_reserved;
END
$$;
COMMENT ON FUNCTION cartero.approve_campaign(bigint) IS
'Approves a draft campaign: reserves its selected accounts (all or none, in account order so that racing approvals never deadlock) and returns how many. Coordinador of the regional or admin.';
