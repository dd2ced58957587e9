-- 0017: what changed in the functions of 0010 to 0014 after they shipped, made here so
-- that the databases that applied them get it too (0010 to 0014 are as they shipped).
--
-- * Permission checks that a NULL cannot pass: `NOT (a OR b = c)` is NULL, and so lets
--   the caller through, when the acting member has no regional or no one acts; each is
--   now `NOT coalesce(…, false)`.
-- * Assignment and the history triggers run with JIT off: without statistics on
--   transition tables the planner guesses big and compiled for longer than the INSERT
--   took (assigning 10,020 cases: 0.96 s to 0.4 s).
-- * The triggers and open_return_cases read the acting member once per statement, not
--   once per row; cases_history finds both logins of a reassignment with one join each.
-- Each function is created again whole, as its file now in git history last had it.

SET LOCAL ROLE cartero_owner;

-- ---------------------------------------------------------------------------
-- of 0010

CREATE OR REPLACE FUNCTION cartero.record_courier_results(p_file_name text, p_sha256 text, p_rows_read integer,
                                               p_results cartero.courier_result[])
RETURNS TABLE (batch_id bigint, recorded integer, unchanged integer, cases_opened integer)
LANGUAGE plpgsql SECURITY DEFINER
SET jit = off
SET search_path = pg_catalog, cartero
AS $$
DECLARE
    v_is_admin boolean := cartero.current_staff_is_admin();
    v_regional text := cartero.current_staff_regional();
    v_problem text[];
    v_batch bigint;
    v_recorded integer;
    v_opened integer;
BEGIN
    PERFORM cartero.require_returns_clerk(CASE WHEN v_is_admin THEN NULL ELSE v_regional END);
    PERFORM pg_advisory_xact_lock(hashtext('cartero.returns'));

    -- The import checked every row and named its line; this is the guard, so that no
    -- other caller can record what the import would refuse. The first problem wins.
    CREATE TEMP TABLE courier_incoming ON COMMIT DROP AS
    SELECT r.*, l.id AS letter_id, l.regional, l.status, l.dispatched_on
      FROM (SELECT x.consecutivo, x.guia, x.estado, x.fecha, nullif(x.causal, '') AS causal,
                   coalesce(x.observacion, '') AS observacion
              FROM unnest(p_results) x) r
      LEFT JOIN cartero.letters l ON l.consecutivo = r.consecutivo;
    SELECT p.problem INTO v_problem
      FROM (SELECT CASE
                     WHEN i.letter_id IS NULL OR NOT coalesce(v_is_admin OR i.regional = v_regional, false)
                       THEN ARRAY['CA422', format('no letter of your regional has the consecutivo %s', i.consecutivo)]
                     WHEN i.status <> 'despachada'
                       THEN ARRAY['CA422', format('letter %s was not dispatched', i.consecutivo)]
                     WHEN i.estado IS NULL OR i.estado NOT IN ('ENTREGADA', 'DEVUELTA')
                       THEN ARRAY['CA422', format('the result of letter %s must be ENTREGADA or DEVUELTA', i.consecutivo)]
                     WHEN (i.estado = 'DEVUELTA') <> (i.causal IS NOT NULL)
                       THEN ARRAY['CA422', format('letter %s: a DEVUELTA has a cause, an ENTREGADA none', i.consecutivo)]
                     WHEN i.causal IS NOT NULL AND NOT EXISTS (SELECT FROM cartero.return_causes rc WHERE rc.code = i.causal)
                       THEN ARRAY['CA422', format('%s is not a return cause', i.causal)]
                     WHEN i.guia IS NULL OR char_length(i.guia) NOT BETWEEN 1 AND 60 OR char_length(i.observacion) > 500
                       THEN ARRAY['CA422', format('letter %s: the tracking number or the observation is blank or too long', i.consecutivo)]
                     WHEN i.fecha IS NULL OR i.fecha < i.dispatched_on OR i.fecha > current_date
                       THEN ARRAY['CA422', format('the date of letter %s''s result must be from its dispatch to today', i.consecutivo)]
                     WHEN EXISTS (SELECT FROM cartero.courier_results s
                                   WHERE s.letter_id = i.letter_id AND (s.estado, s.causal) IS DISTINCT FROM (i.estado, i.causal))
                       THEN ARRAY['CA409', format('the result for letter %s contradicts the one stored', i.consecutivo)]
                     WHEN EXISTS (SELECT FROM cartero.return_registrations g
                                   WHERE g.letter_id = i.letter_id AND (i.estado, i.causal) IS DISTINCT FROM ('DEVUELTA', g.causal))
                       THEN ARRAY['CA409', format('the result for letter %s contradicts the returns register', i.consecutivo)]
                   END AS problem
              FROM courier_incoming i) p
     WHERE p.problem IS NOT NULL
     LIMIT 1;
    IF v_problem IS NULL THEN
        -- A letter the file gives two different results (one hashed pass; a window over
        -- the file would sort it).
        SELECT ARRAY['CA409', format('the file gives letter %s two different results', d.consecutivo)]
          INTO v_problem
          FROM courier_incoming d
         GROUP BY d.consecutivo
        HAVING min(d.estado || '/' || coalesce(d.causal, '')) <> max(d.estado || '/' || coalesce(d.causal, ''))
         LIMIT 1;
    END IF;
    IF v_problem IS NOT NULL THEN
        RAISE EXCEPTION 'the courier''s results were not recorded: %', v_problem[2] USING ERRCODE = v_problem[1];
    END IF;

    INSERT INTO cartero.import_batches (kind, file_name, sha256, rows_read)
    VALUES ('courier_results', p_file_name, p_sha256, p_rows_read)
    RETURNING id INTO v_batch;
    -- Only the new results open cases: a file imported again changes nothing, and a
    -- letter registered by hand has its case already (one per letter and destination).
    WITH recorded AS (
        INSERT INTO cartero.courier_results (letter_id, consecutivo, regional, guia, estado, fecha, causal, observacion, import_batch_id)
        SELECT DISTINCT ON (i.letter_id) i.letter_id, i.consecutivo, i.regional, i.guia, i.estado, i.fecha, i.causal, i.observacion, v_batch
          FROM courier_incoming i
         WHERE NOT EXISTS (SELECT FROM cartero.courier_results s WHERE s.letter_id = i.letter_id)
         ORDER BY i.letter_id
        RETURNING letter_id, causal
    )
    SELECT count(*),
           cartero.open_return_cases(array_agg(r.letter_id) FILTER (WHERE r.causal IS NOT NULL),
                                     array_agg(r.causal) FILTER (WHERE r.causal IS NOT NULL))
      INTO v_recorded, v_opened
      FROM recorded r;
    UPDATE cartero.import_batches
       SET rows_inserted = v_recorded, rows_unchanged = p_rows_read - v_recorded
     WHERE id = v_batch;
    DROP TABLE courier_incoming;
    RETURN QUERY SELECT v_batch, v_recorded, p_rows_read - v_recorded, coalesce(v_opened, 0);
END
$$;

CREATE OR REPLACE FUNCTION cartero.register_return(p_consecutivo text, p_causal text, p_observacion text)
RETURNS TABLE (registration_id bigint, created boolean, cases_opened integer)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    l cartero.letters;
    v_stored cartero.courier_results;
    v_registered cartero.return_registrations;
    v_opened integer;
BEGIN
    SELECT * INTO l FROM cartero.letters k WHERE k.consecutivo = p_consecutivo;
    IF NOT FOUND OR NOT coalesce(cartero.current_staff_is_admin() OR l.regional = cartero.current_staff_regional(), false) THEN
        RAISE EXCEPTION 'no letter of your regional has the consecutivo %', coalesce(p_consecutivo, 'NULL')
            USING ERRCODE = 'CA404';
    END IF;
    PERFORM cartero.require_returns_clerk(l.regional);
    PERFORM pg_advisory_xact_lock(hashtext('cartero.returns'));
    IF l.status <> 'despachada' THEN
        RAISE EXCEPTION 'letter % was not dispatched: a letter never mailed cannot come back', l.consecutivo
            USING ERRCODE = 'CA412';
    END IF;
    IF NOT EXISTS (SELECT FROM cartero.return_causes rc WHERE rc.code = p_causal) THEN
        RAISE EXCEPTION '% is not a return cause', coalesce(p_causal, 'NULL') USING ERRCODE = 'CA422';
    END IF;
    IF char_length(coalesce(p_observacion, '')) > 500 THEN
        RAISE EXCEPTION 'the observation is longer than 500 characters' USING ERRCODE = 'CA422';
    END IF;
    SELECT * INTO v_stored FROM cartero.courier_results s WHERE s.letter_id = l.id;
    IF FOUND AND (v_stored.estado, v_stored.causal) IS DISTINCT FROM ('DEVUELTA', p_causal) THEN
        RAISE EXCEPTION 'the courier reported letter % as % % on %', l.consecutivo, v_stored.estado,
                        coalesce(v_stored.causal, ''), v_stored.fecha
            USING ERRCODE = 'CA409';
    END IF;
    SELECT * INTO v_registered FROM cartero.return_registrations g WHERE g.letter_id = l.id;
    IF FOUND THEN
        IF v_registered.causal <> p_causal THEN
            RAISE EXCEPTION 'letter % was registered as returned with cause % already', l.consecutivo, v_registered.causal
                USING ERRCODE = 'CA409';
        END IF;
        -- The same return again (more scans, say): the registration stands as it was.
        RETURN QUERY SELECT v_registered.id, false, 0;
        RETURN;
    END IF;
    INSERT INTO cartero.return_registrations (letter_id, consecutivo, regional, causal, observacion, registered_by)
    VALUES (l.id, l.consecutivo, l.regional, p_causal, coalesce(p_observacion, ''), cartero.current_staff_id())
    RETURNING * INTO v_registered;
    v_opened := cartero.open_return_cases(ARRAY[l.id], ARRAY[p_causal]);
    RETURN QUERY SELECT v_registered.id, true, v_opened;
END
$$;

CREATE OR REPLACE FUNCTION cartero.add_return_scan(p_registration_id bigint, p_file_name text, p_content bytea)
RETURNS TABLE (scan_id bigint, sha256 text, created boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    g cartero.return_registrations;
    v_type text;
    v_sha256 text;
    v_id bigint;
BEGIN
    SELECT * INTO g FROM cartero.return_registrations k WHERE k.id = p_registration_id;
    IF NOT FOUND OR NOT coalesce(cartero.current_staff_is_admin() OR g.regional = cartero.current_staff_regional(), false) THEN
        RAISE EXCEPTION 'registered return % does not exist or belongs to another regional', p_registration_id
            USING ERRCODE = 'CA404';
    END IF;
    PERFORM cartero.require_returns_clerk(g.regional);
    v_type := cartero.require_scan(p_file_name, p_content);
    v_sha256 := encode(pg_catalog.sha256(p_content), 'hex');
    INSERT INTO cartero.return_scans (registration_id, regional, file_name, media_type, byte_size, sha256, content, added_by)
    VALUES (g.id, g.regional, p_file_name, v_type, octet_length(p_content), v_sha256, p_content, cartero.current_staff_id())
    ON CONFLICT ON CONSTRAINT return_scans_once_per_registration DO NOTHING
    RETURNING id INTO v_id;
    IF v_id IS NOT NULL THEN
        RETURN QUERY SELECT v_id, v_sha256, true;
    ELSE
        RETURN QUERY SELECT s.id, s.sha256, false FROM cartero.return_scans s
                      WHERE s.registration_id = g.id AND s.sha256 = v_sha256;
    END IF;
END
$$;

-- ---------------------------------------------------------------------------
-- of 0011

CREATE OR REPLACE FUNCTION cartero.assign_cases(p_regional text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero SET jit = off
AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM cartero.regionals r WHERE r.code = p_regional)
       OR NOT coalesce(cartero.current_staff_is_admin() OR cartero.current_staff_regional() = p_regional, false) THEN
        RAISE EXCEPTION 'regional % does not exist or is not yours', coalesce(p_regional, 'NULL') USING ERRCODE = 'CA404';
    END IF;
    PERFORM cartero.require_case_manager(p_regional);
    RETURN cartero.assign_cases_of(p_regional);
END
$$;

CREATE OR REPLACE FUNCTION cartero.reassign_case(p_case_id bigint, p_to text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    k cartero.cases;
BEGIN
    SELECT * INTO k FROM cartero.cases c WHERE c.id = p_case_id FOR UPDATE;
    IF NOT FOUND OR NOT coalesce(cartero.current_staff_is_admin() OR k.regional = cartero.current_staff_regional(), false) THEN
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

CREATE OR REPLACE FUNCTION cartero.reassign_cases(p_from text, p_to text) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    v_from cartero.staff;
    v_moved integer;
BEGIN
    SELECT * INTO v_from FROM cartero.staff s WHERE s.login = p_from;
    IF NOT FOUND OR v_from.role NOT IN ('auxiliar_terreno', 'facturacion')
       OR NOT coalesce(cartero.current_staff_is_admin() OR v_from.regional = cartero.current_staff_regional(), false) THEN
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

CREATE OR REPLACE FUNCTION cartero.open_return_cases(p_letter_ids bigint[], p_causales text[]) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, cartero
AS $$
DECLARE
    v_opened integer;
    v_regionals text[];
    v_by bigint := cartero.current_staff_id();
BEGIN
    WITH opened AS (
        INSERT INTO cartero.cases (letter_id, consecutivo, cuenta, regional, causal, destino, zona, opened_by)
        SELECT l.id, l.consecutivo, l.cuenta, l.regional, r.causal, rc.route, coalesce(nullif(l.ruta, ''), l.barrio), v_by
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
-- of 0012

CREATE OR REPLACE FUNCTION cartero.resolve_case(p_case_id bigint, p_outcome text, p_address text, p_note text, p_mark text)
RETURNS TABLE (escalated_case_id bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    k cartero.cases;
    a cartero.accounts;
    v_origin cartero.cases;
    v_address text := nullif(btrim(coalesce(p_address, '')), '');
    v_mark text := nullif(btrim(coalesce(p_mark, '')), '');
    v_escalated bigint;
BEGIN
    SELECT * INTO k FROM cartero.cases c WHERE c.id = p_case_id FOR UPDATE;
    IF NOT FOUND OR NOT coalesce(cartero.current_staff_is_admin()
                         OR (k.regional = cartero.current_staff_regional()
                             AND (cartero.current_staff_sees_regional() OR k.assigned_to = cartero.current_staff_id())), false) THEN
        RAISE EXCEPTION 'case % does not exist or is not yours to see', p_case_id USING ERRCODE = 'CA404';
    END IF;
    IF NOT coalesce(k.assigned_to = cartero.current_staff_id() OR cartero.current_staff_is_admin()
            OR (cartero.current_staff_role() = 'coordinador' AND cartero.current_staff_regional() = k.regional), false) THEN
        RAISE EXCEPTION 'only the member case % is assigned to, a coordinator of regional % or an administrator may resolve it',
                        p_case_id, k.regional
            USING ERRCODE = 'CA403';
    END IF;
    IF k.estado = 'resuelto' THEN
        RAISE EXCEPTION 'case % is resolved already (%)', p_case_id, k.outcome USING ERRCODE = 'CA412';
    END IF;
    IF NOT coalesce(k.destino = 'terreno' AND p_outcome IN ('direccion_correcta', 'direccion_errada', 'predio_demolido', 'lote'), false)
       AND NOT coalesce(k.destino = 'facturacion' AND p_outcome IN ('depurada', 'direccion_actualizada', 'sin_cambio'), false) THEN
        RAISE EXCEPTION 'a % case is resolved as %, not %', k.destino,
                        CASE k.destino WHEN 'terreno' THEN 'direccion_correcta, direccion_errada, predio_demolido or lote'
                                       ELSE 'depurada, direccion_actualizada or sin_cambio' END,
                        coalesce(p_outcome, 'NULL')
            USING ERRCODE = 'CA422';
    END IF;
    IF char_length(coalesce(p_note, '')) > 500 OR char_length(coalesce(v_address, '')) > 200 THEN
        RAISE EXCEPTION 'the note may hold 500 characters and the address 200' USING ERRCODE = 'CA422';
    END IF;
    SELECT * INTO v_origin FROM cartero.cases c WHERE c.id = k.origin_case_id;

    IF p_outcome = 'depurada' THEN
        -- The mark the case's cause or its field visit names, unless one is given.
        v_mark := coalesce(v_mark, CASE WHEN k.causal = 'DEMOLIDO' OR v_origin.outcome = 'predio_demolido' THEN 'demolido'
                                        WHEN k.causal = 'LOTE' OR v_origin.outcome = 'lote' THEN 'lote' END);
        IF v_mark IS NULL OR v_mark NOT IN ('demolido', 'lote', 'doble_facturacion') THEN
            RAISE EXCEPTION 'case % needs the clean-up mark: demolido, lote or doble_facturacion', p_case_id
                USING ERRCODE = 'CA422';
        END IF;
        INSERT INTO cartero.account_cleanup_marks (cuenta, regional, mark, note, set_by, case_id)
        VALUES (k.cuenta, k.regional, v_mark, coalesce(p_note, ''), cartero.current_staff_id(), k.id);
    ELSIF p_outcome = 'direccion_actualizada' THEN
        v_address := coalesce(v_address, nullif(v_origin.direccion_hallada, ''));
        IF v_address IS NULL THEN
            RAISE EXCEPTION 'direccion_actualizada needs the new address (--address)' USING ERRCODE = 'CA422';
        END IF;
        SELECT * INTO a FROM cartero.accounts x WHERE x.cuenta = k.cuenta FOR UPDATE;
        INSERT INTO cartero.account_address_changes (cuenta, regional, old_direccion, old_barrio, new_direccion, new_barrio,
                                                     note, changed_by, case_id)
        VALUES (k.cuenta, k.regional, a.direccion, coalesce(a.barrio, ''), v_address, coalesce(a.barrio, ''),
                coalesce(p_note, ''), cartero.current_staff_id(), k.id);
        UPDATE cartero.accounts SET direccion = v_address, updated_at = now() WHERE cuenta = k.cuenta;
    ELSIF p_outcome IN ('direccion_errada', 'predio_demolido', 'lote') THEN
        INSERT INTO cartero.cases (letter_id, consecutivo, cuenta, regional, causal, destino, zona, origin_case_id,
                                   direccion_hallada, opened_by)
        VALUES (k.letter_id, k.consecutivo, k.cuenta, k.regional, k.causal, 'facturacion', k.zona, k.id,
                CASE WHEN p_outcome = 'direccion_errada' THEN coalesce(v_address, '') ELSE '' END, cartero.current_staff_id())
        ON CONFLICT ON CONSTRAINT cases_one_per_letter_and_destination DO NOTHING
        RETURNING id INTO v_escalated;
    END IF;

    UPDATE cartero.cases
       SET estado = 'resuelto', outcome = p_outcome, nota = coalesce(p_note, ''), resolved_by = cartero.current_staff_id(),
           resolved_at = now(),
           direccion_hallada = CASE WHEN p_outcome = 'direccion_errada' THEN coalesce(v_address, '') ELSE direccion_hallada END
     WHERE id = k.id;
    IF v_escalated IS NOT NULL THEN
        PERFORM cartero.assign_cases_of(k.regional);
    END IF;
    RETURN QUERY SELECT v_escalated;
END
$$;

CREATE OR REPLACE FUNCTION cartero.add_case_photo(p_case_id bigint, p_file_name text, p_content bytea)
RETURNS TABLE (photo_id bigint, sha256 text, created boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    k cartero.cases;
    v_type text;
    v_sha256 text;
    v_id bigint;
BEGIN
    SELECT * INTO k FROM cartero.cases c WHERE c.id = p_case_id;
    IF NOT FOUND OR NOT coalesce(cartero.current_staff_is_admin()
                         OR (k.regional = cartero.current_staff_regional()
                             AND (cartero.current_staff_sees_regional() OR k.assigned_to = cartero.current_staff_id())), false) THEN
        RAISE EXCEPTION 'case % does not exist or is not yours to see', p_case_id USING ERRCODE = 'CA404';
    END IF;
    IF NOT coalesce(k.assigned_to = cartero.current_staff_id() OR cartero.current_staff_is_admin()
            OR (cartero.current_staff_role() = 'coordinador' AND cartero.current_staff_regional() = k.regional), false) THEN
        RAISE EXCEPTION 'only the member case % is assigned to, a coordinator of regional % or an administrator may add its photos',
                        p_case_id, k.regional
            USING ERRCODE = 'CA403';
    END IF;
    v_type := cartero.require_scan(p_file_name, p_content);
    v_sha256 := encode(pg_catalog.sha256(p_content), 'hex');
    INSERT INTO cartero.case_photos (case_id, regional, file_name, media_type, byte_size, sha256, content, added_by)
    VALUES (k.id, k.regional, p_file_name, v_type, octet_length(p_content), v_sha256, p_content, cartero.current_staff_id())
    ON CONFLICT ON CONSTRAINT case_photos_once_per_case DO NOTHING
    RETURNING id INTO v_id;
    RETURN QUERY SELECT coalesce(v_id, (SELECT p.id FROM cartero.case_photos p WHERE p.case_id = k.id AND p.sha256 = v_sha256)),
                        v_sha256, v_id IS NOT NULL;
END
$$;

-- ---------------------------------------------------------------------------
-- of 0013

CREATE OR REPLACE FUNCTION cartero.campaigns_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero SET jit = off
AS $$
DECLARE
    -- Once per statement: asked per row, it is a query per row.
    v_by bigint := cartero.current_staff_id();
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO cartero.history (regional, entity, entity_id, what, before, after, changed_by)
        SELECT n.regional, 'campaign', n.id::text, 'status', NULL, n.status, v_by FROM new_rows n;
    ELSE
        INSERT INTO cartero.history (regional, entity, entity_id, what, before, after, changed_by)
        SELECT n.regional, 'campaign', n.id::text, 'status', o.status, n.status, v_by
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE o.status IS DISTINCT FROM n.status;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION cartero.letters_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero SET jit = off
AS $$
DECLARE
    -- Once per statement: asked per row, it is a query per row.
    v_by bigint := cartero.current_staff_id();
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO cartero.history (regional, entity, entity_id, cuenta, what, before, after, changed_by)
        SELECT n.regional, 'letter', n.consecutivo, n.cuenta, 'numbered', NULL, n.status, v_by
          FROM new_rows n;
    ELSE
        INSERT INTO cartero.history (regional, entity, entity_id, cuenta, what, before, after, changed_by)
        SELECT n.regional, 'letter', n.consecutivo, n.cuenta, c.what, c.before, c.after, v_by
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         CROSS JOIN LATERAL (VALUES ('status', o.status, n.status || coalesce(' ' || n.dispatched_on, '')),
                                    ('regional', o.regional, n.regional)) c(what, before, after)
         WHERE (c.what = 'status' AND o.status IS DISTINCT FROM n.status)
            OR (c.what = 'regional' AND o.regional IS DISTINCT FROM n.regional);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION cartero.cases_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero SET jit = off
AS $$
DECLARE
    -- Once per statement: asked per row, it is a query per row.
    v_by bigint := cartero.current_staff_id();
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO cartero.history (regional, entity, entity_id, cuenta, case_id, what, before, after, changed_by)
        SELECT n.regional, 'case', n.id::text, n.cuenta, n.id, 'opened', NULL,
               n.destino || ' ' || n.causal || coalesce(' from case ' || n.origin_case_id, ''), v_by
          FROM new_rows n;
    ELSE
        INSERT INTO cartero.history (regional, entity, entity_id, cuenta, case_id, what, before, after, changed_by)
        SELECT n.regional, 'case', n.id::text, n.cuenta, n.id, c.what, c.before, c.after, v_by
          FROM new_rows n JOIN old_rows o ON o.id = n.id
          LEFT JOIN cartero.staff was ON was.id = o.assigned_to
          LEFT JOIN cartero.staff now_ ON now_.id = n.assigned_to
         CROSS JOIN LATERAL (VALUES
                ('estado', o.estado, n.estado),
                ('assigned_to', was.login, now_.login),
                ('outcome', o.outcome, n.outcome || CASE WHEN n.direccion_hallada <> '' THEN ' ' || n.direccion_hallada ELSE '' END),
                ('regional', o.regional, n.regional)) c(what, before, after)
         WHERE c.before IS DISTINCT FROM c.after;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION cartero.marks_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero SET jit = off
AS $$
DECLARE
    -- Once per statement: asked per row, it is a query per row.
    v_by bigint := cartero.current_staff_id();
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO cartero.history (regional, entity, entity_id, cuenta, case_id, what, before, after, changed_by)
        SELECT n.regional, 'account', n.cuenta, n.cuenta, n.case_id, 'mark', NULL, n.mark, v_by
          FROM new_rows n;
    ELSE
        INSERT INTO cartero.history (regional, entity, entity_id, cuenta, case_id, what, before, after, changed_by)
        SELECT n.regional, 'account', n.cuenta, n.cuenta, n.case_id, 'mark_cleared', n.mark, NULL, v_by
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE o.cleared_at IS NULL AND n.cleared_at IS NOT NULL;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION cartero.accounts_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero SET jit = off
AS $$
DECLARE
    v_by bigint := cartero.current_staff_id();
BEGIN
    INSERT INTO cartero.history (regional, entity, entity_id, cuenta, case_id, what, before, after, changed_by)
    SELECT n.regional, 'account', n.cuenta, n.cuenta,
           CASE WHEN c.what = 'direccion' THEN
                (SELECT ch.case_id FROM cartero.account_address_changes ch
                  WHERE ch.cuenta = n.cuenta AND ch.new_direccion = n.direccion
                  ORDER BY ch.id DESC LIMIT 1) END,
           c.what, c.before, c.after, v_by
      FROM new_rows n JOIN old_rows o ON o.cuenta = n.cuenta
     CROSS JOIN LATERAL (VALUES ('direccion', o.direccion, n.direccion), ('saneamiento', o.saneamiento, n.saneamiento),
                                ('regional', o.regional, n.regional)) c(what, before, after)
     WHERE c.before IS DISTINCT FROM c.after;
    RETURN NULL;
END
$$;

-- ---------------------------------------------------------------------------
-- of 0014

CREATE OR REPLACE FUNCTION cartero.export_changes(p_regional text, p_since timestamptz)
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
    IF NOT coalesce(v_is_admin
            OR (p_regional IS NOT DISTINCT FROM cartero.current_staff_regional()
                AND cartero.current_staff_role() IN ('coordinador', 'facturacion')), false) THEN
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
