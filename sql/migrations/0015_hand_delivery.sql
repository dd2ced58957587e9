-- 0015: hand delivery, as the procedure allows ("con el apoyo de empresas de mensajería
-- y/o los auxiliares de cartera"). At dispatch, the letters of some routes are handed to
-- the regional's auxiliares de terreno instead of the courier: each route to one agent,
-- the least loaded with letters to deliver. The agent records each letter as delivered
-- or returned, with the courier's causes and rules, and a return opens the same cases.
--
-- Who may: a coordinador of the regional or an admin dispatches; the agent who carries a
-- letter, a coordinador of its regional or an admin records its delivery. The agent sees
-- the letters he carries.

SET LOCAL ROLE cartero_owner;

ALTER TABLE cartero.letters
    ADD COLUMN carrier bigint REFERENCES cartero.staff,
    ADD CONSTRAINT letters_carried_once_dispatched CHECK (carrier IS NULL OR status = 'despachada');
COMMENT ON COLUMN cartero.letters.carrier IS
'The auxiliar de terreno who delivers it by hand (its route was handed to the regional''s agents at dispatch); NULL when the courier does.';
CREATE INDEX letters_carrier ON cartero.letters (carrier) WHERE carrier IS NOT NULL;

-- A result recorded by hand belongs to no imported file.
ALTER TABLE cartero.courier_results
    ALTER COLUMN import_batch_id DROP NOT NULL,
    ADD COLUMN recorded_by bigint,
    ADD CONSTRAINT courier_results_from_a_file_or_a_hand CHECK ((import_batch_id IS NULL) <> (recorded_by IS NULL));
COMMENT ON COLUMN cartero.courier_results.import_batch_id IS
'The import of resultados.csv that recorded it (who and when); NULL for a letter delivered by hand (recorded_by).';
COMMENT ON COLUMN cartero.courier_results.recorded_by IS 'The member who recorded a hand delivery; NULL for the courier''s file.';

DROP POLICY "members see their regional's letters, field and billing staff only those of their cases" ON cartero.letters;
CREATE POLICY "members see their regional's letters, field and billing staff only those they carry or of their cases" ON cartero.letters
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND ((SELECT cartero.current_staff_sees_regional()) OR carrier = (SELECT cartero.current_staff_id())
                    OR cartero.letter_in_my_cases(id))));

CREATE FUNCTION cartero.dispatch_letters(p_campaign_id bigint, p_date date, p_hand_routes text[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    c cartero.campaigns := cartero.lock_campaign(p_campaign_id, 'dispatch the letters of');
    v_letters integer;
    v_route text;
    v_agent bigint;
BEGIN
    v_letters := cartero.dispatch_letters(p_campaign_id, p_date);
    FOREACH v_route IN ARRAY coalesce(p_hand_routes, '{}') LOOP
        IF NOT EXISTS (SELECT FROM cartero.letters l WHERE l.campaign_id = c.id AND l.ruta = v_route) THEN
            RAISE EXCEPTION 'no letter of campaign % is on route %', c.id, v_route USING ERRCODE = 'CA422';
        END IF;
        -- The active agent with the fewest letters left to deliver, the route whole.
        SELECT s.id INTO v_agent
          FROM cartero.staff s
         WHERE s.regional = c.regional AND s.active AND s.role = 'auxiliar_terreno'
         ORDER BY (SELECT count(*) FROM cartero.letters l
                    WHERE l.carrier = s.id AND NOT EXISTS (SELECT FROM cartero.courier_results r WHERE r.letter_id = l.id)),
                  s.id
         LIMIT 1;
        IF v_agent IS NULL THEN
            RAISE EXCEPTION 'regional % has no active auxiliar de terreno to deliver letters by hand', c.regional
                USING ERRCODE = 'CA412';
        END IF;
        UPDATE cartero.letters SET carrier = v_agent WHERE campaign_id = c.id AND ruta = v_route;
    END LOOP;
    RETURN v_letters;
END
$$;
COMMENT ON FUNCTION cartero.dispatch_letters(bigint, date, text[]) IS
'dispatch_letters(campaign, date), then the letters of each route in p_hand_routes are handed, the route whole, to the regional''s active auxiliar de terreno with the fewest letters left to deliver (CA422 for a route without letters, CA412 with no agent). Coordinador of the regional or admin.';
GRANT EXECUTE ON FUNCTION cartero.dispatch_letters(bigint, date, text[]) TO cartero_app;

CREATE FUNCTION cartero.record_hand_delivery(p_consecutivo text, p_estado text, p_causal text, p_observacion text, p_fecha date)
RETURNS TABLE (recorded boolean, cases_opened integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    l cartero.letters;
    v_causal text := nullif(btrim(coalesce(p_causal, '')), '');
    v_stored cartero.courier_results;
    v_registered text;
    v_opened integer := 0;
BEGIN
    SELECT * INTO l FROM cartero.letters k WHERE k.consecutivo = p_consecutivo;
    IF NOT FOUND OR NOT coalesce(cartero.current_staff_is_admin()
                         OR (l.regional = cartero.current_staff_regional()
                             AND (cartero.current_staff_sees_regional() OR l.carrier = cartero.current_staff_id())), false) THEN
        RAISE EXCEPTION 'no letter you carry or may see has the consecutivo %', coalesce(p_consecutivo, 'NULL') USING ERRCODE = 'CA404';
    END IF;
    IF l.carrier IS NULL THEN
        RAISE EXCEPTION 'letter % went by courier: its result comes in the courier''s file', l.consecutivo USING ERRCODE = 'CA412';
    END IF;
    IF NOT coalesce(l.carrier = cartero.current_staff_id() OR cartero.current_staff_is_admin()
            OR (cartero.current_staff_role() = 'coordinador' AND cartero.current_staff_regional() = l.regional), false) THEN
        RAISE EXCEPTION 'only the agent who carries letter %, a coordinator of regional % or an administrator may record its delivery',
                        l.consecutivo, l.regional
            USING ERRCODE = 'CA403';
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('cartero.returns'));
    IF p_estado IS NULL OR p_estado NOT IN ('ENTREGADA', 'DEVUELTA') OR (p_estado = 'DEVUELTA') <> (v_causal IS NOT NULL) THEN
        RAISE EXCEPTION 'a delivery is ENTREGADA without a cause, or DEVUELTA with one' USING ERRCODE = 'CA422';
    END IF;
    IF v_causal IS NOT NULL AND NOT EXISTS (SELECT FROM cartero.return_causes rc WHERE rc.code = v_causal) THEN
        RAISE EXCEPTION '% is not a return cause', v_causal USING ERRCODE = 'CA422';
    END IF;
    IF p_fecha IS NULL OR p_fecha < l.dispatched_on OR p_fecha > current_date THEN
        RAISE EXCEPTION 'the date of a delivery must be from the letter''s dispatch (%) to today', l.dispatched_on
            USING ERRCODE = 'CA422';
    END IF;
    SELECT * INTO v_stored FROM cartero.courier_results r WHERE r.letter_id = l.id;
    IF FOUND THEN
        IF (v_stored.estado, v_stored.causal) IS DISTINCT FROM (p_estado, v_causal) THEN
            RAISE EXCEPTION 'letter % was recorded as % % on % already', l.consecutivo, v_stored.estado,
                            coalesce(v_stored.causal, ''), v_stored.fecha
                USING ERRCODE = 'CA409';
        END IF;
        RETURN QUERY SELECT false, 0;
        RETURN;
    END IF;
    SELECT g.causal INTO v_registered FROM cartero.return_registrations g WHERE g.letter_id = l.id;
    IF FOUND AND (p_estado, v_causal) IS DISTINCT FROM ('DEVUELTA', v_registered) THEN
        RAISE EXCEPTION 'letter % was registered as returned (%) in the office', l.consecutivo, v_registered USING ERRCODE = 'CA409';
    END IF;
    INSERT INTO cartero.courier_results (letter_id, consecutivo, regional, guia, estado, fecha, causal, observacion, recorded_by)
    VALUES (l.id, l.consecutivo, l.regional, 'MANO', p_estado, p_fecha, v_causal, coalesce(p_observacion, ''), cartero.current_staff_id());
    IF v_causal IS NOT NULL THEN
        v_opened := cartero.open_return_cases(ARRAY[l.id], ARRAY[v_causal]);
    END IF;
    RETURN QUERY SELECT true, v_opened;
END
$$;
COMMENT ON FUNCTION cartero.record_hand_delivery(text, text, text, text, date) IS
'Records a letter delivered by hand: ENTREGADA, or DEVUELTA with a cause, dated from its dispatch to today, with the courier''s rules (the same result again changes nothing; another is refused, CA409); a return opens the cases its cause routes to. The agent who carries it, a coordinador of its regional, or an admin.';
GRANT EXECUTE ON FUNCTION cartero.record_hand_delivery(text, text, text, text, date) TO cartero_app;
