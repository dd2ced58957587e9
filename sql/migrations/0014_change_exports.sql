-- 0014: back to the commercial system (issue 9). The commercial system stays the system
-- of record: the addresses and clean-up marks that facturación decides here are written
-- to a CSV its team loads there (`cartero export changes`). Each export is recorded
-- with the interval it covered, so that `--since last` starts where the previous export
-- of that regional ended: no change is left out or sent twice.
--
-- Who may: a coordinador or a facturación member of the regional, or an admin (for one
-- regional or all). The export reads every change of the regional, whoever's case made
-- it: a SECURITY DEFINER function, the only way to write the record of exports.

SET LOCAL ROLE cartero_owner;

-- ---------------------------------------------------------------------------
-- no change falls between two exports
--
-- A change is stamped with the clock when it is written (not its transaction's start),
-- under a shared lock that an export takes exclusively: an export waits for the changes
-- being written, and one written after it began is stamped after its end. So the
-- interval [since, until) of each export holds every change stamped in it, committed.

CREATE FUNCTION cartero.stamp_address_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, cartero
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(hashtext('cartero.changes'));
    NEW.changed_at := clock_timestamp();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION cartero.stamp_address_change() IS
'Before an address change is recorded: stamped with the clock, under the lock exports take (export_changes).';
CREATE TRIGGER stamp_address_change BEFORE INSERT ON cartero.account_address_changes
    FOR EACH ROW EXECUTE FUNCTION cartero.stamp_address_change();

CREATE FUNCTION cartero.stamp_cleanup_mark() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, cartero
AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared(hashtext('cartero.changes'));
    IF TG_OP = 'INSERT' THEN
        NEW.set_at := clock_timestamp();
    ELSIF NEW.cleared_at IS NOT NULL AND OLD.cleared_at IS NULL THEN
        NEW.cleared_at := clock_timestamp();
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION cartero.stamp_cleanup_mark() IS
'Before a clean-up mark is set or lifted: stamped with the clock, under the lock exports take (export_changes).';
CREATE TRIGGER stamp_cleanup_mark BEFORE INSERT OR UPDATE ON cartero.account_cleanup_marks
    FOR EACH ROW EXECUTE FUNCTION cartero.stamp_cleanup_mark();

CREATE TABLE cartero.change_exports (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    regional text REFERENCES cartero.regionals,
    since timestamptz NOT NULL,
    until timestamptz NOT NULL,
    changes integer NOT NULL DEFAULT 0 CHECK (changes >= 0),
    exported_by bigint NOT NULL REFERENCES cartero.staff,
    exported_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT change_exports_interval CHECK (since <= until)
);
COMMENT ON TABLE cartero.change_exports IS
'Every export of changes for the commercial system: which regional, the interval of changes it covered [since, until), how many, who and when. --since last starts at the until of the regional''s previous export. Written only by export_changes.';
COMMENT ON COLUMN cartero.change_exports.id IS 'The export''s number.';
COMMENT ON COLUMN cartero.change_exports.regional IS 'The regional exported; NULL when an admin exported them all.';
COMMENT ON COLUMN cartero.change_exports.since IS 'The first instant covered (changes at or after it).';
COMMENT ON COLUMN cartero.change_exports.until IS 'The end of the interval (changes before it): the export''s transaction time.';
COMMENT ON COLUMN cartero.change_exports.changes IS 'How many changes the file held.';
COMMENT ON COLUMN cartero.change_exports.exported_by IS 'The member who exported.';
COMMENT ON COLUMN cartero.change_exports.exported_at IS 'When.';
CREATE INDEX change_exports_regional ON cartero.change_exports (regional, id);

ALTER TABLE cartero.change_exports ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members who see their regional see its exports" ON cartero.change_exports
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND ((SELECT cartero.current_staff_sees_regional()) OR (SELECT cartero.current_staff_role()) = 'facturacion')));
GRANT SELECT ON cartero.change_exports TO cartero_app;

CREATE FUNCTION cartero.export_changes(p_regional text, p_since timestamptz)
RETURNS TABLE (export_id bigint, cuenta text, regional text, cambio text, antes text, despues text, caso bigint,
               quien text, cuando timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    v_is_admin boolean := cartero.current_staff_is_admin();
    v_since timestamptz := p_since;
    v_export bigint;
    v_count integer;
BEGIN
    IF NOT (v_is_admin
            OR (p_regional IS NOT DISTINCT FROM cartero.current_staff_regional()
                AND cartero.current_staff_role() IN ('coordinador', 'facturacion'))) THEN
        RAISE EXCEPTION 'only a coordinator or a facturación member of regional %, or an administrator, may export its changes',
                        coalesce(p_regional, '(all)')
            USING ERRCODE = 'CA403';
    END IF;
    IF p_regional IS NOT NULL AND NOT EXISTS (SELECT FROM cartero.regionals r WHERE r.code = p_regional) THEN
        RAISE EXCEPTION 'regional % does not exist', p_regional USING ERRCODE = 'CA404';
    END IF;
    -- Exports take turns, so that "last" is the one before; and they wait for the changes
    -- being written (stamp_address_change, stamp_cleanup_mark).
    PERFORM pg_advisory_xact_lock(hashtext('cartero.changes'));
    IF v_since IS NULL THEN
        SELECT e.until INTO v_since FROM cartero.change_exports e
         WHERE e.regional IS NOT DISTINCT FROM p_regional ORDER BY e.id DESC LIMIT 1;
        v_since := coalesce(v_since, '-infinity');
    END IF;
    IF v_since > now() THEN
        RAISE EXCEPTION 'the export cannot start after now (%)', v_since USING ERRCODE = 'CA422';
    END IF;
    INSERT INTO cartero.change_exports (regional, since, until, exported_by)
    VALUES (p_regional, v_since, now(), cartero.current_staff_id())
    RETURNING id INTO v_export;
    RETURN QUERY
    SELECT v_export, x.cuenta::text, x.regional, x.cambio, x.antes, x.despues, x.caso, s.login, x.cuando
      FROM (SELECT a.cuenta, a.regional, 'direccion' AS cambio, a.old_direccion AS antes, a.new_direccion AS despues,
                   a.case_id AS caso, a.changed_by AS who, a.changed_at AS cuando, a.id AS n, 1 AS kind
              FROM cartero.account_address_changes a
             WHERE a.changed_at >= v_since AND a.changed_at < now()
            UNION ALL
            SELECT m.cuenta, m.regional, 'saneamiento', '', m.mark, m.case_id, m.set_by, m.set_at, m.id, 2
              FROM cartero.account_cleanup_marks m
             WHERE m.set_at >= v_since AND m.set_at < now()
            UNION ALL
            SELECT m.cuenta, m.regional, 'saneamiento', m.mark, '', m.case_id, m.cleared_by, m.cleared_at, m.id, 3
              FROM cartero.account_cleanup_marks m
             WHERE m.cleared_at >= v_since AND m.cleared_at < now()) x
      LEFT JOIN cartero.staff s ON s.id = x.who
     WHERE p_regional IS NULL OR x.regional = p_regional
     ORDER BY x.cuando, x.kind, x.n;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    UPDATE cartero.change_exports SET changes = v_count WHERE id = v_export;
END
$$;
COMMENT ON FUNCTION cartero.export_changes(text, timestamptz) IS
'The address changes and clean-up marks (set or lifted) of a regional (NULL: all, admins only) from p_since (NULL: where the regional''s previous export ended) to now, oldest first, with the case, who and when; records the export. Coordinador or facturación member of the regional, or admin.';
GRANT EXECUTE ON FUNCTION cartero.export_changes(text, timestamptz) TO cartero_app;
