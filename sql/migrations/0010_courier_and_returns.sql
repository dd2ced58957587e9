-- 0010: what the courier brings back (RULES.md section 3, up to the opening of cases):
-- the causes of return and where each routes, the courier's delivery results
-- (resultados.csv), the REGISTRO DE INFORMACIÓN DE MENSAJERÍA with its scans, and the
-- cases a routed return opens. An open case excludes its account from later campaigns
-- (caso_abierto).
--
-- * return_causes: RULES.md's table as data; an administrator changes a route or adds
--   a cause. A route applies to the returns recorded after the change.
-- * courier_results: one result per letter, ENTREGADA or DEVUELTA with its cause.
--   Written only by record_courier_results (SECURITY DEFINER), which the import calls
--   with the validated rows of the file.
-- * return_registrations and return_scans: a returned letter handled in the office, and
--   the scans of the letter and of the courier's support (PDF, JPEG, PNG or TIFF, at
--   most 10 MB, with their SHA-256). Written only by register_return and
--   add_return_scan.
-- * cases: one per letter and destination (terreno or facturación), whichever way the
--   return arrived first. Opened only by those functions (open_return_cases).
-- A letter has one return cause: the file and the register must agree, and a letter the
-- courier delivered cannot be registered as returned (CA409 otherwise). Imports of
-- results and registrations take turns (one advisory lock), so the check and the write
-- cannot be overtaken.
--
-- Who may: every member of the regional reads its results, registrations, scans and
-- cases (an admin all of them); only an auxiliar de oficina, a coordinador or an admin
-- of the letter's regional records results and returns (CA403 otherwise); only an admin
-- changes the causes.

SET LOCAL ROLE cartero_owner;

-- ---------------------------------------------------------------------------
-- return_causes

CREATE TABLE cartero.return_causes (
    code text PRIMARY KEY CHECK (code ~ '^[A-Z][A-Z0-9_]{0,29}$'),
    descripcion text NOT NULL CHECK (char_length(descripcion) BETWEEN 1 AND 120),
    route text NOT NULL CHECK (route IN ('terreno', 'facturacion', 'ninguna')),
    updated_by bigint REFERENCES cartero.staff,
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE cartero.return_causes IS
'The causes with which the courier returns a letter (RULES.md section 3) and where a return with each one goes: terreno (a field visit to confirm the address), facturacion (validate and clean up the account) or ninguna (recorded only). Data, not code: an administrator changes a route or adds a cause; a change applies to returns recorded after it.';
COMMENT ON COLUMN cartero.return_causes.code IS 'The code the courier''s results and the register use: capitals, digits and _, as DIR_INEXISTENTE.';
COMMENT ON COLUMN cartero.return_causes.descripcion IS 'What the cause means, in Spanish, as the office reads it.';
COMMENT ON COLUMN cartero.return_causes.route IS 'Where a return with this cause opens a case: terreno, facturacion, or ninguna (no case).';
COMMENT ON COLUMN cartero.return_causes.updated_by IS 'The administrator who last changed or added the cause; NULL for RULES.md''s seed.';
COMMENT ON COLUMN cartero.return_causes.updated_at IS 'When the cause was last changed or added.';

ALTER TABLE cartero.return_causes ENABLE ROW LEVEL SECURITY;
CREATE POLICY "everyone acting reads the return causes" ON cartero.return_causes
    FOR SELECT
    USING ((SELECT cartero.current_staff_id()) IS NOT NULL);
CREATE POLICY "only admins add return causes" ON cartero.return_causes
    FOR INSERT
    WITH CHECK ((SELECT cartero.current_staff_is_admin()) AND updated_by = (SELECT cartero.current_staff_id()));
CREATE POLICY "only admins change return causes" ON cartero.return_causes
    FOR UPDATE
    USING ((SELECT cartero.current_staff_is_admin()))
    WITH CHECK ((SELECT cartero.current_staff_is_admin()) AND updated_by = (SELECT cartero.current_staff_id()));
GRANT SELECT ON cartero.return_causes TO cartero_app;
GRANT INSERT (code, descripcion, route, updated_by) ON cartero.return_causes TO cartero_app;
GRANT UPDATE (descripcion, route, updated_by, updated_at) ON cartero.return_causes TO cartero_app;

INSERT INTO cartero.return_causes (code, descripcion, route) VALUES
    ('DEMOLIDO', 'Predio demolido', 'facturacion'),
    ('LOTE', 'El predio es un lote', 'facturacion'),
    ('DIR_INEXISTENTE', 'Dirección inexistente', 'terreno'),
    ('DIR_DEFICIENTE', 'Dirección deficiente (incompleta o errada)', 'terreno'),
    ('DESCONOCIDO', 'Destinatario desconocido', 'ninguna'),
    ('REHUSADO', 'Rehusado por el destinatario', 'ninguna'),
    ('CERRADO', 'Predio cerrado', 'ninguna'),
    ('NO_RESIDE', 'El destinatario no reside en el predio', 'ninguna'),
    ('FALLECIDO', 'Destinatario fallecido', 'ninguna'),
    ('OTRO', 'Otra causal', 'ninguna');

-- ---------------------------------------------------------------------------
-- courier_results

ALTER TABLE cartero.import_batches DROP CONSTRAINT import_batches_kind_check;
ALTER TABLE cartero.import_batches
    ADD CONSTRAINT import_batches_kind_check CHECK (kind IN ('accounts', 'payments', 'letters', 'courier_results'));
COMMENT ON COLUMN cartero.import_batches.kind IS 'Which file: accounts, payments or letters (extracts of the commercial system) or courier_results (the courier''s resultados.csv).';

-- 100,000 rows may come in one file: no foreign keys (checked row by row, they cost
-- 0.45 s per 100,000 results); record_courier_results finds every letter and cause, and
-- writes the batch, before it writes them.
CREATE TABLE cartero.courier_results (
    letter_id bigint PRIMARY KEY,
    consecutivo text COLLATE "C" NOT NULL,
    regional text NOT NULL,
    guia text NOT NULL CHECK (char_length(guia) BETWEEN 1 AND 60),
    estado text NOT NULL CHECK (estado IN ('ENTREGADA', 'DEVUELTA')),
    fecha date NOT NULL,
    causal text,
    observacion text NOT NULL DEFAULT '' CHECK (char_length(observacion) <= 500),
    import_batch_id bigint NOT NULL,
    CONSTRAINT courier_results_cause_only_on_return CHECK ((estado = 'DEVUELTA') = (causal IS NOT NULL))
);
COMMENT ON TABLE cartero.courier_results IS
'The courier''s delivery result per letter, from its resultados.csv: delivered, or returned with a cause. One per letter; a later file with the same result is skipped and one that contradicts it is refused. Written only by record_courier_results.';
COMMENT ON COLUMN cartero.courier_results.letter_id IS 'The letter (cartero.letters.id).';
COMMENT ON COLUMN cartero.courier_results.consecutivo IS 'The letter''s consecutivo, as the file names it (unique as the letter is: no index of its own).';
COMMENT ON COLUMN cartero.courier_results.regional IS 'The letter''s regional, copied for row-level security; moved with the account.';
COMMENT ON COLUMN cartero.courier_results.guia IS 'The courier''s tracking number.';
COMMENT ON COLUMN cartero.courier_results.estado IS 'ENTREGADA (delivered) or DEVUELTA (returned).';
COMMENT ON COLUMN cartero.courier_results.fecha IS 'The day of the delivery or of the return; not before the letter''s dispatch.';
COMMENT ON COLUMN cartero.courier_results.causal IS 'The return cause (return_causes) of a DEVUELTA; NULL for ENTREGADA.';
COMMENT ON COLUMN cartero.courier_results.observacion IS 'The courier''s observation; '''' when none.';
COMMENT ON COLUMN cartero.courier_results.import_batch_id IS 'The import of resultados.csv that recorded it (who and when).';
CREATE INDEX courier_results_regional_fecha ON cartero.courier_results (regional, fecha);

ALTER TABLE cartero.courier_results ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members see the courier results of their own regional" ON cartero.courier_results
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
GRANT SELECT ON cartero.courier_results TO cartero_app;

-- ---------------------------------------------------------------------------
-- the returns register and its scans

CREATE TABLE cartero.return_registrations (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    letter_id bigint NOT NULL UNIQUE REFERENCES cartero.letters,
    consecutivo text COLLATE "C" NOT NULL UNIQUE,
    regional text NOT NULL,
    causal text NOT NULL REFERENCES cartero.return_causes,
    observacion text NOT NULL DEFAULT '' CHECK (char_length(observacion) <= 500),
    registered_by bigint NOT NULL REFERENCES cartero.staff,
    registered_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE cartero.return_registrations IS
'The REGISTRO DE INFORMACIÓN DE MENSAJERÍA: a returned letter recorded in the office with its cause and the courier''s observation; its scans are in return_scans. One per letter. Written only by register_return.';
COMMENT ON COLUMN cartero.return_registrations.id IS 'Surrogate key.';
COMMENT ON COLUMN cartero.return_registrations.letter_id IS 'The returned letter.';
COMMENT ON COLUMN cartero.return_registrations.consecutivo IS 'The letter''s consecutivo.';
COMMENT ON COLUMN cartero.return_registrations.regional IS 'The letter''s regional, copied for row-level security; moved with the account.';
COMMENT ON COLUMN cartero.return_registrations.causal IS 'The return cause (return_causes).';
COMMENT ON COLUMN cartero.return_registrations.observacion IS 'The courier''s observation as written on the return; '''' when none.';
COMMENT ON COLUMN cartero.return_registrations.registered_by IS 'The member who recorded it.';
COMMENT ON COLUMN cartero.return_registrations.registered_at IS 'When it was recorded.';

ALTER TABLE cartero.return_registrations ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members see the returns registered in their own regional" ON cartero.return_registrations
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
GRANT SELECT ON cartero.return_registrations TO cartero_app;

CREATE TABLE cartero.return_scans (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    registration_id bigint NOT NULL REFERENCES cartero.return_registrations,
    regional text NOT NULL,
    file_name text NOT NULL CHECK (char_length(file_name) BETWEEN 1 AND 255),
    media_type text NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png', 'image/tiff')),
    byte_size integer NOT NULL CHECK (byte_size BETWEEN 1 AND 10485760),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content bytea NOT NULL,
    added_by bigint NOT NULL REFERENCES cartero.staff,
    added_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT return_scans_once_per_registration UNIQUE (registration_id, sha256),
    CONSTRAINT return_scans_size_is_the_content CHECK (byte_size = octet_length(content))
);
-- Scans are written once and read rarely: out of line, not compressed again (PDF and
-- images are compressed already).
ALTER TABLE cartero.return_scans ALTER COLUMN content SET STORAGE EXTERNAL;
COMMENT ON TABLE cartero.return_scans IS
'The scans of a registered return: the returned letter and the courier''s support, as the office scanned them. Their type is read from their first bytes; at most 10 MB each; the same file twice on one registration is kept once. Written only by add_return_scan.';
COMMENT ON COLUMN cartero.return_scans.id IS 'Surrogate key.';
COMMENT ON COLUMN cartero.return_scans.registration_id IS 'The registered return the scan supports.';
COMMENT ON COLUMN cartero.return_scans.regional IS 'The letter''s regional, copied for row-level security; moved with the account.';
COMMENT ON COLUMN cartero.return_scans.file_name IS 'The file''s name as given (no folder), to name it again when it is taken out.';
COMMENT ON COLUMN cartero.return_scans.media_type IS 'application/pdf, image/jpeg, image/png or image/tiff, as its first bytes say.';
COMMENT ON COLUMN cartero.return_scans.byte_size IS 'Its size in bytes, at most 10 MB (10,485,760).';
COMMENT ON COLUMN cartero.return_scans.sha256 IS 'SHA-256 of the content, lowercase hex: proves the scan is the one stored.';
COMMENT ON COLUMN cartero.return_scans.content IS 'Personal data: the scanned letter shows the holder''s name and address.';
COMMENT ON COLUMN cartero.return_scans.added_by IS 'The member who stored it.';
COMMENT ON COLUMN cartero.return_scans.added_at IS 'When it was stored.';
CREATE INDEX return_scans_registration ON cartero.return_scans (registration_id);

ALTER TABLE cartero.return_scans ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members see the scans of their own regional" ON cartero.return_scans
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
GRANT SELECT ON cartero.return_scans TO cartero_app;

-- ---------------------------------------------------------------------------
-- cases

CREATE TABLE cartero.cases (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    letter_id bigint NOT NULL REFERENCES cartero.letters,
    consecutivo text COLLATE "C" NOT NULL,
    cuenta text COLLATE "C" NOT NULL,
    regional text NOT NULL,
    causal text NOT NULL REFERENCES cartero.return_causes,
    destino text NOT NULL CHECK (destino IN ('terreno', 'facturacion')),
    estado text NOT NULL DEFAULT 'abierto' CHECK (estado IN ('abierto', 'asignado', 'resuelto')),
    assigned_to bigint REFERENCES cartero.staff,
    opened_by bigint NOT NULL REFERENCES cartero.staff,
    opened_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT cases_one_per_letter_and_destination UNIQUE (letter_id, destino)
);
COMMENT ON TABLE cartero.cases IS
'Work that a routed return opens in the letter''s regional: a field visit (terreno) or the account''s clean-up (facturacion). One per letter and destination, whichever way the return came (the courier''s file or the register). Opened only by record_courier_results and register_return.';
COMMENT ON COLUMN cartero.cases.id IS 'The case''s number.';
COMMENT ON COLUMN cartero.cases.letter_id IS 'The returned letter.';
COMMENT ON COLUMN cartero.cases.consecutivo IS 'The letter''s consecutivo.';
COMMENT ON COLUMN cartero.cases.cuenta IS 'The account the letter was written to.';
COMMENT ON COLUMN cartero.cases.regional IS 'The account''s regional: who works the case; moved with the account.';
COMMENT ON COLUMN cartero.cases.causal IS 'The return cause that routed it.';
COMMENT ON COLUMN cartero.cases.destino IS 'terreno (auxiliares de terreno) or facturacion (the facturación team).';
COMMENT ON COLUMN cartero.cases.estado IS 'abierto (no one has it yet), asignado (assigned_to works it) or resuelto. Until a case of an account is resuelto, the account is left out of campaigns (caso_abierto).';
COMMENT ON COLUMN cartero.cases.assigned_to IS 'The member who works it; NULL until it is assigned.';
COMMENT ON COLUMN cartero.cases.opened_by IS 'The member whose import or registration opened it.';
COMMENT ON COLUMN cartero.cases.opened_at IS 'When it was opened.';
-- Segmentation: the accounts of a regional with a case not resolved yet.
CREATE INDEX cases_regional_open ON cartero.cases (regional) INCLUDE (cuenta) WHERE estado <> 'resuelto';

ALTER TABLE cartero.cases ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members see the cases of their own regional" ON cartero.cases
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
GRANT SELECT ON cartero.cases TO cartero_app;

-- ---------------------------------------------------------------------------
-- who records returns

CREATE FUNCTION cartero.require_returns_clerk(p_regional text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, cartero
AS $$
BEGIN
    -- coalesce: with no one acting, or no regional, the test is NULL, which IF takes as false.
    IF NOT coalesce(cartero.current_staff_is_admin()
                    OR (cartero.current_staff_role() IN ('auxiliar_oficina', 'coordinador')
                        AND cartero.current_staff_regional() = p_regional), false) THEN
        RAISE EXCEPTION 'only an auxiliar de oficina, a coordinator or an administrator may record the returns of regional %',
                        coalesce(p_regional, 'NULL')
            USING ERRCODE = 'CA403';
    END IF;
END
$$;
COMMENT ON FUNCTION cartero.require_returns_clerk(text) IS
'Raises CA403 unless the acting member is an admin, or an auxiliar de oficina or coordinador of the regional.';

-- ---------------------------------------------------------------------------
-- routing: the cases a set of returns opens

CREATE FUNCTION cartero.open_return_cases(p_letter_ids bigint[], p_causales text[]) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, cartero
AS $$
DECLARE
    v_opened integer;
BEGIN
    INSERT INTO cartero.cases (letter_id, consecutivo, cuenta, regional, causal, destino, opened_by)
    SELECT l.id, l.consecutivo, l.cuenta, l.regional, r.causal, rc.route, cartero.current_staff_id()
      FROM unnest(p_letter_ids, p_causales) AS r(letter_id, causal)
      JOIN cartero.letters l ON l.id = r.letter_id
      JOIN cartero.return_causes rc ON rc.code = r.causal AND rc.route <> 'ninguna'
     ORDER BY l.id
        ON CONFLICT ON CONSTRAINT cases_one_per_letter_and_destination DO NOTHING;
    GET DIAGNOSTICS v_opened = ROW_COUNT;
    RETURN v_opened;
END
$$;
COMMENT ON FUNCTION cartero.open_return_cases(bigint[], text[]) IS
'For returned letters and their causes: a case in the letter''s regional for every cause that routes to terreno or facturacion, unless the letter has one for that destination already; returns how many were opened. Called by the SECURITY DEFINER functions that record returns, never by the service.';

-- ---------------------------------------------------------------------------
-- the courier's results

CREATE TYPE cartero.courier_result AS (
    consecutivo text, guia text, estado text, fecha date, causal text, observacion text
);
COMMENT ON TYPE cartero.courier_result IS 'One row of resultados.csv, typed: what record_courier_results receives.';

CREATE FUNCTION cartero.record_courier_results(p_file_name text, p_sha256 text, p_rows_read integer,
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
                     WHEN i.letter_id IS NULL OR NOT (v_is_admin OR i.regional = v_regional)
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
COMMENT ON FUNCTION cartero.record_courier_results(text, text, integer, cartero.courier_result[]) IS
'Records the rows of a resultados.csv (the import has validated them and named each bad line; this refuses the whole call at the first problem: CA422 for an unknown letter or a bad value, CA409 for a contradiction), skips the results stored already, opens the cases the returns route to, and records the batch. Returns the batch, how many results were new, how many were skipped, and how many cases were opened. Auxiliar de oficina or coordinador of the letters'' regional, or admin.';
GRANT EXECUTE ON FUNCTION cartero.record_courier_results(text, text, integer, cartero.courier_result[]) TO cartero_app;

-- ---------------------------------------------------------------------------
-- the returns register

CREATE FUNCTION cartero.register_return(p_consecutivo text, p_causal text, p_observacion text)
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
    IF NOT FOUND OR NOT (cartero.current_staff_is_admin() OR l.regional = cartero.current_staff_regional()) THEN
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
COMMENT ON FUNCTION cartero.register_return(text, text, text) IS
'The REGISTRO DE INFORMACIÓN DE MENSAJERÍA for a returned letter: records its cause and observation and opens the case its cause routes to (unless the courier''s file opened it already). The same letter and cause again returns the registration as it is; another cause, or a letter the courier reported delivered, is refused (CA409); a letter not dispatched too (CA412). Returns the registration, whether it is new, and how many cases it opened. Auxiliar de oficina or coordinador of the letter''s regional, or admin.';
GRANT EXECUTE ON FUNCTION cartero.register_return(text, text, text) TO cartero_app;

CREATE FUNCTION cartero.scan_media_type(p_content bytea) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
             WHEN substring(p_content FROM 1 FOR 5) = '\x255044462d'::bytea THEN 'application/pdf'   -- %PDF-
             WHEN substring(p_content FROM 1 FOR 3) = '\xffd8ff'::bytea THEN 'image/jpeg'
             WHEN substring(p_content FROM 1 FOR 8) = '\x89504e470d0a1a0a'::bytea THEN 'image/png'
             WHEN substring(p_content FROM 1 FOR 4) IN ('\x49492a00'::bytea, '\x4d4d002a'::bytea) THEN 'image/tiff'  -- II*. MM.*
           END
$$;
COMMENT ON FUNCTION cartero.scan_media_type(bytea) IS
'The type of a scan from its first bytes: application/pdf, image/jpeg, image/png or image/tiff; NULL for anything else.';
GRANT EXECUTE ON FUNCTION cartero.scan_media_type(bytea) TO cartero_app;

-- Every file Cartero keeps (scans of returns, photos of cases) passes the same check.
CREATE FUNCTION cartero.require_scan(p_file_name text, p_content bytea) RETURNS text
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog, cartero
AS $$
DECLARE
    v_type text := cartero.scan_media_type(p_content);
BEGIN
    IF coalesce(octet_length(p_content), 0) = 0 OR octet_length(p_content) > 10485760 THEN
        RAISE EXCEPTION 'a scan must hold from 1 byte to 10 MB; % has %', p_file_name, coalesce(octet_length(p_content), 0)
            USING ERRCODE = 'CA422';
    END IF;
    IF v_type IS NULL THEN
        RAISE EXCEPTION '% is not a PDF, JPEG, PNG or TIFF file', p_file_name USING ERRCODE = 'CA422';
    END IF;
    IF char_length(coalesce(p_file_name, '')) NOT BETWEEN 1 AND 255 THEN
        RAISE EXCEPTION 'a scan needs a file name of 1 to 255 characters' USING ERRCODE = 'CA422';
    END IF;
    RETURN v_type;
END
$$;
COMMENT ON FUNCTION cartero.require_scan(text, bytea) IS
'The media type of a file Cartero may keep: a PDF, JPEG, PNG or TIFF (read from its first bytes) of 1 byte to 10 MB with a name; CA422 for anything else.';

CREATE FUNCTION cartero.add_return_scan(p_registration_id bigint, p_file_name text, p_content bytea)
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
    IF NOT FOUND OR NOT (cartero.current_staff_is_admin() OR g.regional = cartero.current_staff_regional()) THEN
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
COMMENT ON FUNCTION cartero.add_return_scan(bigint, text, bytea) IS
'Stores a scan of a registered return with its SHA-256: a PDF, JPEG, PNG or TIFF (read from its first bytes) of 1 byte to 10 MB, else CA422 and nothing stored. The same file twice on one registration is kept once (created false). Auxiliar de oficina or coordinador of the regional, or admin.';
GRANT EXECUTE ON FUNCTION cartero.add_return_scan(bigint, text, bytea) TO cartero_app;

-- ---------------------------------------------------------------------------
-- caso_abierto: an open case keeps its account out of campaigns

-- LANGUAGE sql, one SELECT, no SET: inlined into the segmentation's statement.
CREATE FUNCTION cartero.accounts_under_review(c cartero.campaigns) RETURNS TABLE (cuenta text)
LANGUAGE sql STABLE
AS $$
    SELECT DISTINCT k.cuenta
      FROM cartero.cases k
     WHERE k.regional = c.regional AND k.estado <> 'resuelto'
$$;
COMMENT ON FUNCTION cartero.accounts_under_review(cartero.campaigns) IS
'RULES.md''s caso_abierto for campaign c: the accounts of its regional with a returned-letter case not resolved yet (their address or their account is being checked).';
GRANT EXECUTE ON FUNCTION cartero.accounts_under_review(cartero.campaigns) TO cartero_app;

-- The statement of 0007 with caso_abierto (bit 128) from accounts_under_review.
CREATE OR REPLACE FUNCTION cartero.segmentation(c cartero.campaigns)
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
           | CASE WHEN a.direccion !~ '\S' THEN 64 ELSE 0 END
           | CASE WHEN reviewed.cuenta IS NOT NULL THEN 128 ELSE 0 END AS failed
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
      LEFT JOIN cartero.accounts_under_review(c) reviewed ON reviewed.cuenta = a.cuenta
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
                          CASE WHEN e.failed & 64 <> 0 THEN 'sin_direccion' END,
                          CASE WHEN e.failed & 128 <> 0 THEN 'caso_abierto' END], NULL),
       e.saldo_mora, e.dias_mora, e.uso, e.facturacion, e.failed
  FROM evaluated e
 WHERE e.failed <> 0
$$;

-- ---------------------------------------------------------------------------
-- moves: the copies of a letter's regional follow its account

-- 0008 checked that a consecutivo starts with the letter's regional, and also moved the
-- letter's regional with its account: a moved account with a letter failed that check
-- and stopped its import. The consecutivo keeps the regional that issued it (it is
-- printed and the courier names it); regional is where the account is now.
ALTER TABLE cartero.letters DROP CONSTRAINT letters_consecutivo_spells_its_parts;
ALTER TABLE cartero.letters ADD CONSTRAINT letters_consecutivo_spells_its_parts
    CHECK (consecutivo LIKE '%_-' || anio || '-' || lpad(numero::text, 6, '0'));
COMMENT ON COLUMN cartero.letters.regional IS
'The account''s regional, copied for row-level security; moved with the account by the importer. The regional that issued the letter is the consecutivo''s first part.';

CREATE OR REPLACE FUNCTION cartero.move_account_copies(p_cuentas text[], p_regionals text[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    v_released integer;
BEGIN
    IF NOT cartero.current_staff_is_admin() THEN
        RAISE EXCEPTION 'only an administrator may move accounts to another regional' USING ERRCODE = 'CA403';
    END IF;
    IF cardinality(p_cuentas) IS DISTINCT FROM cardinality(p_regionals) THEN
        RAISE EXCEPTION 'move_account_copies needs one regional per account' USING ERRCODE = 'CA422';
    END IF;
    IF EXISTS (SELECT FROM unnest(p_regionals) AS m(regional)
                WHERE NOT EXISTS (SELECT FROM cartero.regionals r WHERE r.code = m.regional)) THEN
        RAISE EXCEPTION 'an account cannot move to a regional that does not exist' USING ERRCODE = 'CA422';
    END IF;
    UPDATE cartero.payments t SET regional = m.regional
      FROM unnest(p_cuentas, p_regionals) AS m(cuenta, regional) WHERE t.cuenta = m.cuenta AND t.regional <> m.regional;
    UPDATE cartero.letter_history t SET regional = m.regional
      FROM unnest(p_cuentas, p_regionals) AS m(cuenta, regional) WHERE t.cuenta = m.cuenta AND t.regional <> m.regional;
    UPDATE cartero.account_cleanup_marks t SET regional = m.regional
      FROM unnest(p_cuentas, p_regionals) AS m(cuenta, regional) WHERE t.cuenta = m.cuenta AND t.regional <> m.regional;
    UPDATE cartero.account_address_changes t SET regional = m.regional
      FROM unnest(p_cuentas, p_regionals) AS m(cuenta, regional) WHERE t.cuenta = m.cuenta AND t.regional <> m.regional;
    UPDATE cartero.letters t SET regional = m.regional
      FROM unnest(p_cuentas, p_regionals) AS m(cuenta, regional) WHERE t.cuenta = m.cuenta AND t.regional <> m.regional;
    UPDATE cartero.cases t SET regional = m.regional
      FROM unnest(p_cuentas, p_regionals) AS m(cuenta, regional) WHERE t.cuenta = m.cuenta AND t.regional <> m.regional;
    -- Results, registrations and scans name the letter, not the account.
    UPDATE cartero.courier_results t SET regional = l.regional
      FROM cartero.letters l WHERE l.id = t.letter_id AND l.cuenta = ANY (p_cuentas) AND t.regional <> l.regional;
    UPDATE cartero.return_registrations t SET regional = l.regional
      FROM cartero.letters l WHERE l.id = t.letter_id AND l.cuenta = ANY (p_cuentas) AND t.regional <> l.regional;
    UPDATE cartero.return_scans t SET regional = g.regional
      FROM cartero.return_registrations g
      JOIN cartero.letters l ON l.id = g.letter_id
     WHERE g.id = t.registration_id AND l.cuenta = ANY (p_cuentas) AND t.regional <> g.regional;
    -- A reservation belongs to a campaign of the old regional, which can no longer
    -- mail the account: released, so that the new regional's campaigns may.
    DELETE FROM cartero.account_reservations r
     USING unnest(p_cuentas, p_regionals) AS m(cuenta, regional)
     WHERE r.cuenta = m.cuenta AND r.regional <> m.regional;
    GET DIAGNOSTICS v_released = ROW_COUNT;
    RETURN v_released;
END
$$;

