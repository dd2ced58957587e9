-- 0012: a case is resolved with an outcome (RULES.md section 3), and what the agent
-- found flows back into the portfolio:
--   terreno      direccion_correcta   the address exists; the account may be mailed again
--                direccion_errada     a facturación case opens for the account, carrying the
--                                     corrected address when the agent found one
--                predio_demolido, lote  a facturación case opens for the clean-up
--   facturación  depurada             the account gets a clean-up mark (saneamiento honours
--                                     it; no extract erases it)
--                direccion_actualizada  the account's address is replaced, the old one kept
--                                     in its address history (later extracts that still
--                                     carry the old one do not undo it)
--                sin_cambio
-- Only the case's assignee, or a coordinador of its regional, or an admin resolves it
-- (resolve_case, SECURITY DEFINER: the marks and addresses it writes are not the
-- service's to write). Photos of a case follow the scans' rules.

SET LOCAL ROLE cartero_owner;

ALTER TABLE cartero.cases
    ADD COLUMN outcome text CHECK (outcome IN ('direccion_correcta', 'direccion_errada', 'predio_demolido', 'lote',
                                               'depurada', 'direccion_actualizada', 'sin_cambio')),
    ADD COLUMN nota text NOT NULL DEFAULT '' CHECK (char_length(nota) <= 500),
    ADD COLUMN direccion_hallada text NOT NULL DEFAULT '' CHECK (char_length(direccion_hallada) <= 200),
    ADD COLUMN origin_case_id bigint REFERENCES cartero.cases,
    ADD COLUMN resolved_by bigint REFERENCES cartero.staff,
    ADD COLUMN resolved_at timestamptz,
    ADD CONSTRAINT cases_resolved_with_an_outcome
        CHECK ((estado = 'resuelto') = (outcome IS NOT NULL) AND (outcome IS NULL) = (resolved_at IS NULL)
               AND (resolved_at IS NULL) = (resolved_by IS NULL)),
    ADD CONSTRAINT cases_outcome_of_its_destination
        CHECK (outcome IS NULL
               OR (destino = 'terreno' AND outcome IN ('direccion_correcta', 'direccion_errada', 'predio_demolido', 'lote'))
               OR (destino = 'facturacion' AND outcome IN ('depurada', 'direccion_actualizada', 'sin_cambio')));
COMMENT ON COLUMN cartero.cases.outcome IS
'How it was resolved: terreno direccion_correcta, direccion_errada, predio_demolido or lote; facturacion depurada, direccion_actualizada or sin_cambio. NULL until resuelto.';
COMMENT ON COLUMN cartero.cases.nota IS 'What whoever resolved it wrote; '''' when nothing.';
COMMENT ON COLUMN cartero.cases.direccion_hallada IS
'The address the field agent found (direccion_errada), carried to the facturación case it opens; '''' when none.';
COMMENT ON COLUMN cartero.cases.origin_case_id IS 'The terreno case whose outcome opened this facturación case; NULL for a case opened by a return.';
COMMENT ON COLUMN cartero.cases.resolved_by IS 'The member who resolved it.';
COMMENT ON COLUMN cartero.cases.resolved_at IS 'When it was resolved.';

ALTER TABLE cartero.account_cleanup_marks ADD COLUMN case_id bigint REFERENCES cartero.cases;
COMMENT ON COLUMN cartero.account_cleanup_marks.case_id IS 'The facturación case whose outcome (depurada) set the mark; NULL when set otherwise.';
ALTER TABLE cartero.account_address_changes ADD COLUMN case_id bigint REFERENCES cartero.cases;
COMMENT ON COLUMN cartero.account_address_changes.case_id IS 'The facturación case whose outcome (direccion_actualizada) changed the address; NULL when changed otherwise.';

-- ---------------------------------------------------------------------------
-- photos of a case

CREATE TABLE cartero.case_photos (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id bigint NOT NULL REFERENCES cartero.cases,
    regional text NOT NULL,
    file_name text NOT NULL CHECK (char_length(file_name) BETWEEN 1 AND 255),
    media_type text NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg', 'image/png', 'image/tiff')),
    byte_size integer NOT NULL CHECK (byte_size BETWEEN 1 AND 10485760),
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    content bytea NOT NULL,
    added_by bigint NOT NULL REFERENCES cartero.staff,
    added_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT case_photos_once_per_case UNIQUE (case_id, sha256),
    CONSTRAINT case_photos_size_is_the_content CHECK (byte_size = octet_length(content))
);
ALTER TABLE cartero.case_photos ALTER COLUMN content SET STORAGE EXTERNAL;
COMMENT ON TABLE cartero.case_photos IS
'Photos (or scans) a member attaches to a case when he resolves it: the property, the façade, a document. Same rules as return_scans. Written only by resolve_case.';
COMMENT ON COLUMN cartero.case_photos.id IS 'Surrogate key.';
COMMENT ON COLUMN cartero.case_photos.case_id IS 'The case.';
COMMENT ON COLUMN cartero.case_photos.regional IS 'The case''s regional, copied for row-level security.';
COMMENT ON COLUMN cartero.case_photos.file_name IS 'The file''s name as given (no folder).';
COMMENT ON COLUMN cartero.case_photos.media_type IS 'application/pdf, image/jpeg, image/png or image/tiff, as its first bytes say.';
COMMENT ON COLUMN cartero.case_photos.byte_size IS 'Its size in bytes, at most 10 MB.';
COMMENT ON COLUMN cartero.case_photos.sha256 IS 'SHA-256 of the content, lowercase hex.';
COMMENT ON COLUMN cartero.case_photos.content IS 'Personal data: a photo of the property or a document of its holder.';
COMMENT ON COLUMN cartero.case_photos.added_by IS 'The member who attached it.';
COMMENT ON COLUMN cartero.case_photos.added_at IS 'When it was attached.';
CREATE INDEX case_photos_case ON cartero.case_photos (case_id);

ALTER TABLE cartero.case_photos ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members see their regional's case photos, field and billing staff only those of their cases" ON cartero.case_photos
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND ((SELECT cartero.current_staff_sees_regional())
                    OR EXISTS (SELECT FROM cartero.cases k WHERE k.id = case_id AND k.assigned_to = (SELECT cartero.current_staff_id())))));
GRANT SELECT ON cartero.case_photos TO cartero_app;

-- ---------------------------------------------------------------------------
-- resolving

CREATE FUNCTION cartero.resolve_case(p_case_id bigint, p_outcome text, p_address text, p_note text, p_mark text)
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
    IF NOT FOUND OR NOT (cartero.current_staff_is_admin()
                         OR (k.regional = cartero.current_staff_regional()
                             AND (cartero.current_staff_sees_regional() OR k.assigned_to = cartero.current_staff_id()))) THEN
        RAISE EXCEPTION 'case % does not exist or is not yours to see', p_case_id USING ERRCODE = 'CA404';
    END IF;
    IF NOT (k.assigned_to = cartero.current_staff_id() OR cartero.current_staff_is_admin()
            OR (cartero.current_staff_role() = 'coordinador' AND cartero.current_staff_regional() = k.regional)) THEN
        RAISE EXCEPTION 'only the member case % is assigned to, a coordinator of regional % or an administrator may resolve it',
                        p_case_id, k.regional
            USING ERRCODE = 'CA403';
    END IF;
    IF k.estado = 'resuelto' THEN
        RAISE EXCEPTION 'case % is resolved already (%)', p_case_id, k.outcome USING ERRCODE = 'CA412';
    END IF;
    IF NOT (k.destino = 'terreno' AND p_outcome IN ('direccion_correcta', 'direccion_errada', 'predio_demolido', 'lote'))
       AND NOT (k.destino = 'facturacion' AND p_outcome IN ('depurada', 'direccion_actualizada', 'sin_cambio')) THEN
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
COMMENT ON FUNCTION cartero.resolve_case(bigint, text, text, text, text) IS
'Resolves a case with an outcome of its destination and carries it into the portfolio: a terreno direccion_errada, predio_demolido or lote opens (and assigns) a facturación case for the account, carrying the address found; a facturación depurada sets a clean-up mark (p_mark, else the one its cause or field visit names); direccion_actualizada replaces the account''s address (p_address, else the one found in the field) and keeps the old one. Returns the facturación case opened, if any. The assignee, a coordinador of the regional, or an admin.';
GRANT EXECUTE ON FUNCTION cartero.resolve_case(bigint, text, text, text, text) TO cartero_app;

CREATE FUNCTION cartero.add_case_photo(p_case_id bigint, p_file_name text, p_content bytea)
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
    IF NOT FOUND OR NOT (cartero.current_staff_is_admin()
                         OR (k.regional = cartero.current_staff_regional()
                             AND (cartero.current_staff_sees_regional() OR k.assigned_to = cartero.current_staff_id()))) THEN
        RAISE EXCEPTION 'case % does not exist or is not yours to see', p_case_id USING ERRCODE = 'CA404';
    END IF;
    IF NOT (k.assigned_to = cartero.current_staff_id() OR cartero.current_staff_is_admin()
            OR (cartero.current_staff_role() = 'coordinador' AND cartero.current_staff_regional() = k.regional)) THEN
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
COMMENT ON FUNCTION cartero.add_case_photo(bigint, text, bytea) IS
'Attaches a photo to a case, with the scans'' rules (require_scan) and its SHA-256; the same file twice is kept once (created false). The assignee, a coordinador of the regional, or an admin.';
GRANT EXECUTE ON FUNCTION cartero.add_case_photo(bigint, text, bytea) TO cartero_app;

-- A case's photos follow it when its account moves to another regional.
CREATE FUNCTION cartero.case_photos_follow_their_case() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, cartero
AS $$
BEGIN
    UPDATE cartero.case_photos SET regional = NEW.regional WHERE case_id = NEW.id AND regional <> NEW.regional;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION cartero.case_photos_follow_their_case() IS 'After a case moves to another regional: its photos'' regional.';
CREATE TRIGGER case_photos_follow_their_case AFTER UPDATE OF regional ON cartero.cases
    FOR EACH ROW WHEN (NEW.regional IS DISTINCT FROM OLD.regional) EXECUTE FUNCTION cartero.case_photos_follow_their_case();
