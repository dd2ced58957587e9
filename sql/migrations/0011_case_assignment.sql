-- 0011: each returned-letter case belongs to one person (RULES.md section 3): terreno
-- cases to the regional's active auxiliares de terreno, facturación cases to its active
-- facturación members, balancing open work and, for terreno, keeping an area (the
-- route, else the neighbourhood) with the agent who holds cases there while his load is
-- within 2 of the least loaded agent's. Cases are assigned as they are opened, and by a
-- coordinator (`cases assign`) when the team was empty then; a coordinator reassigns.
--
-- Row rules: an auxiliar de terreno or a facturación member sees only the cases assigned
-- to him, and the letters, accounts, results, registered returns, scans, payments,
-- letter history, marks and address changes of those cases' accounts; no campaign. The
-- other members see their regional, an admin all, as before.

SET LOCAL ROLE cartero_owner;

-- ---------------------------------------------------------------------------
-- the case's area and its assignment

ALTER TABLE cartero.cases
    ADD COLUMN zona text NOT NULL DEFAULT '',
    ADD COLUMN assigned_at timestamptz,
    ADD CONSTRAINT cases_assigned_has_an_assignee CHECK (estado <> 'asignado' OR assigned_to IS NOT NULL),
    ADD CONSTRAINT cases_open_has_no_assignee CHECK (estado <> 'abierto' OR assigned_to IS NULL);
COMMENT ON COLUMN cartero.cases.zona IS
'Where a field agent walks to: the letter''s route, else its neighbourhood; '''' when neither is known. One agent keeps an area where he can; an unknown one is no area.';
COMMENT ON COLUMN cartero.cases.assigned_at IS 'When it was last assigned; NULL while abierto.';
UPDATE cartero.cases k SET zona = coalesce(nullif(l.ruta, ''), l.barrio) FROM cartero.letters l WHERE l.id = k.letter_id;
-- Each member's open load, read at every assignment.
CREATE INDEX cases_assignee_open ON cartero.cases (assigned_to) WHERE estado = 'asignado';
CREATE INDEX cases_regional_unassigned ON cartero.cases (regional, destino, zona) WHERE estado = 'abierto';

-- Who works the cases of a destination.
CREATE FUNCTION cartero.case_role(p_destino text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE p_destino WHEN 'terreno' THEN 'auxiliar_terreno' WHEN 'facturacion' THEN 'facturacion' END $$;
COMMENT ON FUNCTION cartero.case_role(text) IS 'The role that works the cases of a destination: terreno → auxiliar_terreno, facturacion → facturacion.';
GRANT EXECUTE ON FUNCTION cartero.case_role(text) TO cartero_app;

-- One pass over the regional's unassigned cases of each destination, in area order,
-- keeping every member's load in arrays (a team is tens of people): each case costs a
-- few array reads, and one UPDATE writes them all. The rows are taken FOR UPDATE SKIP
-- LOCKED: two assigners at once never take the same case; each balances against the
-- loads it read.
CREATE FUNCTION cartero.assign_cases_of(p_regional text) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, cartero
AS $$
DECLARE
    v_destino text;
    v_members bigint[];
    v_loads integer[];
    v_n integer;
    v_least integer;
    v_zona text;
    v_keeper integer;
    v_pick integer;
    v_cases bigint[] := '{}';
    v_assignees bigint[] := '{}';
    k record;
BEGIN
    FOREACH v_destino IN ARRAY ARRAY['terreno', 'facturacion'] LOOP
        SELECT array_agg(s.id ORDER BY s.id), array_agg(coalesce(o.n, 0)::integer ORDER BY s.id)
          INTO v_members, v_loads
          FROM cartero.staff s
          LEFT JOIN (SELECT c.assigned_to, count(*) AS n FROM cartero.cases c
                      WHERE c.estado = 'asignado' GROUP BY c.assigned_to) o ON o.assigned_to = s.id
         WHERE s.regional = p_regional AND s.active AND s.role = cartero.case_role(v_destino);
        CONTINUE WHEN v_members IS NULL;
        v_n := cardinality(v_members);
        v_zona := NULL;
        FOR k IN
            SELECT c.id, c.zona, keeper.assigned_to AS keeper
              FROM cartero.cases c
              LEFT JOIN (SELECT DISTINCT ON (h.zona) h.zona, h.assigned_to
                           FROM cartero.cases h
                          WHERE h.regional = p_regional AND h.destino = v_destino AND h.estado = 'asignado'
                          GROUP BY h.zona, h.assigned_to
                          ORDER BY h.zona, count(*) DESC, h.assigned_to) keeper
                     ON keeper.zona = c.zona AND v_destino = 'terreno'
             WHERE c.regional = p_regional AND c.destino = v_destino AND c.estado = 'abierto'
             ORDER BY c.zona, c.id
               FOR UPDATE OF c SKIP LOCKED
        LOOP
            -- An unknown area ('') binds no case to anyone.
            IF k.zona IS DISTINCT FROM v_zona THEN
                v_zona := k.zona;
                v_keeper := CASE WHEN v_destino = 'terreno' AND k.zona <> '' THEN array_position(v_members, k.keeper) END;
            END IF;
            v_least := v_loads[1];
            FOR i IN 2 .. v_n LOOP
                IF v_loads[i] < v_least THEN v_least := v_loads[i]; END IF;
            END LOOP;
            IF v_keeper IS NOT NULL AND v_loads[v_keeper] <= v_least + 2 THEN
                v_pick := v_keeper;
            ELSE
                v_pick := array_position(v_loads, v_least);
                IF v_destino = 'terreno' AND k.zona <> '' THEN v_keeper := v_pick; END IF;
            END IF;
            v_loads[v_pick] := v_loads[v_pick] + 1;
            v_cases := v_cases || k.id;
            v_assignees := v_assignees || v_members[v_pick];
        END LOOP;
    END LOOP;
    UPDATE cartero.cases c SET estado = 'asignado', assigned_to = a.assignee, assigned_at = now()
      FROM unnest(v_cases, v_assignees) AS a(id, assignee)
     WHERE c.id = a.id;
    RETURN cardinality(v_cases);
END
$$;
COMMENT ON FUNCTION cartero.assign_cases_of(text) IS
'Assigns every unassigned case of the regional that no other transaction holds: terreno cases to its active auxiliares de terreno, facturacion cases to its active facturacion members, each to the least loaded (open cases assigned), except that a terreno case goes to the agent who holds most cases of its area while his load is within 2 of the least loaded''s. Returns how many. No check of who calls: called by assign_cases and when cases are opened.';

CREATE FUNCTION cartero.require_case_manager(p_regional text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, cartero
AS $$
BEGIN
    IF NOT coalesce(cartero.current_staff_is_admin()
                    OR (cartero.current_staff_role() = 'coordinador' AND cartero.current_staff_regional() = p_regional), false) THEN
        RAISE EXCEPTION 'only a coordinator or an administrator may assign the cases of regional %', coalesce(p_regional, 'NULL')
            USING ERRCODE = 'CA403';
    END IF;
END
$$;
COMMENT ON FUNCTION cartero.require_case_manager(text) IS
'Raises CA403 unless the acting member is an admin or the regional''s coordinador.';

CREATE FUNCTION cartero.assign_cases(p_regional text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM cartero.regionals r WHERE r.code = p_regional)
       OR NOT (cartero.current_staff_is_admin() OR cartero.current_staff_regional() = p_regional) THEN
        RAISE EXCEPTION 'regional % does not exist or is not yours', coalesce(p_regional, 'NULL') USING ERRCODE = 'CA404';
    END IF;
    PERFORM cartero.require_case_manager(p_regional);
    RETURN cartero.assign_cases_of(p_regional);
END
$$;
COMMENT ON FUNCTION cartero.assign_cases(text) IS
'cases assign: assigns the regional''s unassigned cases (assign_cases_of) and returns how many. Coordinador of the regional or admin.';
GRANT EXECUTE ON FUNCTION cartero.assign_cases(text) TO cartero_app;

-- The member a case may go to: active, of the case's regional, of the destination's role.
CREATE FUNCTION cartero.case_assignee(p_login text, p_regional text, p_destino text) RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, cartero
AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT s.id INTO v_id FROM cartero.staff s
     WHERE s.login = p_login AND s.active AND s.regional = p_regional AND s.role = cartero.case_role(p_destino);
    IF v_id IS NULL THEN
        RAISE EXCEPTION '% is not an active % of regional %', coalesce(p_login, 'NULL'), cartero.case_role(p_destino), p_regional
            USING ERRCODE = 'CA422';
    END IF;
    RETURN v_id;
END
$$;
COMMENT ON FUNCTION cartero.case_assignee(text, text, text) IS
'The id of the member with that login if he may work cases of that regional and destination; CA422 otherwise.';

CREATE FUNCTION cartero.reassign_case(p_case_id bigint, p_to text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    k cartero.cases;
BEGIN
    SELECT * INTO k FROM cartero.cases c WHERE c.id = p_case_id FOR UPDATE;
    IF NOT FOUND OR NOT (cartero.current_staff_is_admin() OR k.regional = cartero.current_staff_regional()) THEN
        RAISE EXCEPTION 'case % does not exist or belongs to another regional', p_case_id USING ERRCODE = 'CA404';
    END IF;
    PERFORM cartero.require_case_manager(k.regional);
    IF k.estado = 'resuelto' THEN
        RAISE EXCEPTION 'case % is resolved; it cannot be reassigned', p_case_id USING ERRCODE = 'CA412';
    END IF;
    UPDATE cartero.cases
       SET estado = 'asignado', assigned_to = cartero.case_assignee(p_to, k.regional, k.destino), assigned_at = now()
     WHERE id = p_case_id;
END
$$;
COMMENT ON FUNCTION cartero.reassign_case(bigint, text) IS
'Gives an open or assigned case to the member with that login (active, of its regional, of its destination''s role). Coordinador of the regional or admin.';
GRANT EXECUTE ON FUNCTION cartero.reassign_case(bigint, text) TO cartero_app;

CREATE FUNCTION cartero.reassign_cases(p_from text, p_to text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    v_from cartero.staff;
    v_moved integer;
BEGIN
    SELECT * INTO v_from FROM cartero.staff s WHERE s.login = p_from;
    IF NOT FOUND OR v_from.role NOT IN ('auxiliar_terreno', 'facturacion')
       OR NOT (cartero.current_staff_is_admin() OR v_from.regional = cartero.current_staff_regional()) THEN
        RAISE EXCEPTION '% is not an auxiliar de terreno or a facturación member of your regional', coalesce(p_from, 'NULL')
            USING ERRCODE = 'CA404';
    END IF;
    PERFORM cartero.require_case_manager(v_from.regional);
    UPDATE cartero.cases c
       SET assigned_to = cartero.case_assignee(p_to, v_from.regional, c.destino), assigned_at = now()
     WHERE c.assigned_to = v_from.id AND c.estado = 'asignado';
    GET DIAGNOSTICS v_moved = ROW_COUNT;
    RETURN v_moved;
END
$$;
COMMENT ON FUNCTION cartero.reassign_cases(text, text) IS
'Moves every assigned case of one member (an agent on leave, or one who left, active or not) to another of the same regional and role; returns how many. Coordinador of the regional or admin.';
GRANT EXECUTE ON FUNCTION cartero.reassign_cases(text, text) TO cartero_app;

-- Cases are assigned as they are opened, with their area.
CREATE OR REPLACE FUNCTION cartero.open_return_cases(p_letter_ids bigint[], p_causales text[]) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, cartero
AS $$
DECLARE
    v_opened integer;
    v_regionals text[];
BEGIN
    WITH opened AS (
        INSERT INTO cartero.cases (letter_id, consecutivo, cuenta, regional, causal, destino, zona, opened_by)
        SELECT l.id, l.consecutivo, l.cuenta, l.regional, r.causal, rc.route, coalesce(nullif(l.ruta, ''), l.barrio),
               cartero.current_staff_id()
          FROM unnest(p_letter_ids, p_causales) AS r(letter_id, causal)
          JOIN cartero.letters l ON l.id = r.letter_id
          JOIN cartero.return_causes rc ON rc.code = r.causal AND rc.route <> 'ninguna'
         ORDER BY l.id
            ON CONFLICT ON CONSTRAINT cases_one_per_letter_and_destination DO NOTHING
        RETURNING regional
    )
    SELECT count(*), array_agg(DISTINCT regional) INTO v_opened, v_regionals FROM opened;
    PERFORM cartero.assign_cases_of(r) FROM unnest(v_regionals) r ORDER BY r;
    RETURN v_opened;
END
$$;

-- ---------------------------------------------------------------------------
-- row rules: field and billing staff see their own cases and what belongs to them
-- (an analyst's own login is under the same policies: he may run what they call)

-- Who is acting may be asked in a parallel worker: the setting it reads travels with
-- the query's other settings, and the staff row is a plain read. Marked unsafe (the
-- default), they kept every query under row-level security from running in parallel.
ALTER FUNCTION cartero.current_staff_id() PARALLEL SAFE;
ALTER FUNCTION cartero.current_staff_role() PARALLEL SAFE;
ALTER FUNCTION cartero.current_staff_regional() PARALLEL SAFE;
ALTER FUNCTION cartero.current_staff_is_admin() PARALLEL SAFE;

CREATE FUNCTION cartero.current_staff_sees_regional() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT coalesce(cartero.current_staff_role() NOT IN ('auxiliar_terreno', 'facturacion'), false) $$;
COMMENT ON FUNCTION cartero.current_staff_sees_regional() IS
'True when the acting member sees his whole regional (admin, coordinador, auxiliar de oficina, analista); false for an auxiliar de terreno or a facturación member, who see their own cases, or when no one acts.';
GRANT EXECUTE ON FUNCTION cartero.current_staff_sees_regional() TO cartero_app, cartero_analyst;

CREATE FUNCTION cartero.account_in_my_cases(p_cuenta text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$ SELECT EXISTS (SELECT FROM cartero.cases k WHERE k.cuenta = p_cuenta AND k.assigned_to = cartero.current_staff_id()) $$;
COMMENT ON FUNCTION cartero.account_in_my_cases(text) IS 'True when a case of the account is assigned to the acting member.';
GRANT EXECUTE ON FUNCTION cartero.account_in_my_cases(text) TO cartero_app, cartero_analyst;

CREATE FUNCTION cartero.letter_in_my_cases(p_letter_id bigint) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$ SELECT EXISTS (SELECT FROM cartero.cases k WHERE k.letter_id = p_letter_id AND k.assigned_to = cartero.current_staff_id()) $$;
COMMENT ON FUNCTION cartero.letter_in_my_cases(bigint) IS 'True when a case of the letter is assigned to the acting member.';
GRANT EXECUTE ON FUNCTION cartero.letter_in_my_cases(bigint) TO cartero_app, cartero_analyst;

DROP POLICY "members see the cases of their own regional" ON cartero.cases;
CREATE POLICY "members see their regional's cases, field and billing staff only their own" ON cartero.cases
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND ((SELECT cartero.current_staff_sees_regional()) OR assigned_to = (SELECT cartero.current_staff_id()))));

DROP POLICY "members see the letters of their own regional" ON cartero.letters;
CREATE POLICY "members see their regional's letters, field and billing staff only those of their cases" ON cartero.letters
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND ((SELECT cartero.current_staff_sees_regional()) OR cartero.letter_in_my_cases(id))));

DROP POLICY "members see the courier results of their own regional" ON cartero.courier_results;
CREATE POLICY "members see their regional's courier results, field and billing staff only those of their cases" ON cartero.courier_results
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND ((SELECT cartero.current_staff_sees_regional()) OR cartero.letter_in_my_cases(letter_id))));

DROP POLICY "members see the returns registered in their own regional" ON cartero.return_registrations;
CREATE POLICY "members see their regional's registered returns, field and billing staff only those of their cases" ON cartero.return_registrations
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND ((SELECT cartero.current_staff_sees_regional()) OR cartero.letter_in_my_cases(letter_id))));

DROP POLICY "members see the scans of their own regional" ON cartero.return_scans;
CREATE POLICY "members see their regional's scans, field and billing staff only those of their cases" ON cartero.return_scans
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND ((SELECT cartero.current_staff_sees_regional())
                    OR cartero.letter_in_my_cases((SELECT g.letter_id FROM cartero.return_registrations g WHERE g.id = registration_id)))));

DROP POLICY "members see the accounts of their own regional" ON cartero.accounts;
CREATE POLICY "members see their regional's accounts, field and billing staff only those of their cases" ON cartero.accounts
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND ((SELECT cartero.current_staff_sees_regional()) OR cartero.account_in_my_cases(cuenta))));

DROP POLICY "members see the payments of their own regional" ON cartero.payments;
CREATE POLICY "members see their regional's payments, field and billing staff only those of their cases' accounts" ON cartero.payments
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND ((SELECT cartero.current_staff_sees_regional()) OR cartero.account_in_my_cases(cuenta))));

DROP POLICY "members see the letter history of their own regional" ON cartero.letter_history;
CREATE POLICY "members see their regional's letter history, field and billing staff only that of their cases' accounts" ON cartero.letter_history
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND ((SELECT cartero.current_staff_sees_regional()) OR cartero.account_in_my_cases(cuenta))));

DROP POLICY "members see the clean-up marks of their own regional" ON cartero.account_cleanup_marks;
CREATE POLICY "members see their regional's clean-up marks, field and billing staff only those of their cases' accounts" ON cartero.account_cleanup_marks
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND ((SELECT cartero.current_staff_sees_regional()) OR cartero.account_in_my_cases(cuenta))));

DROP POLICY "members see the address changes of their own regional" ON cartero.account_address_changes;
CREATE POLICY "members see their regional's address changes, field and billing staff only those of their cases' accounts" ON cartero.account_address_changes
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND ((SELECT cartero.current_staff_sees_regional()) OR cartero.account_in_my_cases(cuenta))));

-- Campaigns are the coordinators' and the office's: field and billing staff see none.
DROP POLICY "members see the campaigns of their own regional" ON cartero.campaigns;
CREATE POLICY "members who see their regional see its campaigns" ON cartero.campaigns
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional()) AND (SELECT cartero.current_staff_sees_regional())));
DROP POLICY "members see the evaluations of their own regional" ON cartero.campaign_accounts;
CREATE POLICY "members who see their regional see its evaluations" ON cartero.campaign_accounts
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional()) AND (SELECT cartero.current_staff_sees_regional())));
DROP POLICY "members see the reservations of their own regional" ON cartero.account_reservations;
CREATE POLICY "members who see their regional see its reservations" ON cartero.account_reservations
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional()) AND (SELECT cartero.current_staff_sees_regional())));
DROP POLICY "members see the tallies of their own regional's campaigns" ON cartero.campaign_tallies;
CREATE POLICY "members who see their regional see its campaigns' tallies" ON cartero.campaign_tallies
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional()) AND (SELECT cartero.current_staff_sees_regional())));
DROP POLICY "members see the counters of their own regional" ON cartero.letter_counters;
CREATE POLICY "members who see their regional see its counters" ON cartero.letter_counters
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional()) AND (SELECT cartero.current_staff_sees_regional())));

-- ---------------------------------------------------------------------------
-- a moved account's unresolved cases go back to be assigned in their new regional

CREATE FUNCTION cartero.cases_follow_their_regional() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, cartero
AS $$
BEGIN
    IF NEW.regional IS DISTINCT FROM OLD.regional AND NEW.estado = 'asignado' THEN
        NEW.estado := 'abierto';
        NEW.assigned_to := NULL;
        NEW.assigned_at := NULL;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION cartero.cases_follow_their_regional() IS
'Before a case moves to another regional (its account moved): an assigned case becomes abierto again, for the new regional''s team.';
CREATE TRIGGER cases_follow_their_regional BEFORE UPDATE OF regional ON cartero.cases
    FOR EACH ROW EXECUTE FUNCTION cartero.cases_follow_their_regional();
