-- 0006: what each role may do holds in PostgreSQL, not only in Swift.
--
-- * Writes to the portfolio (accounts, payments, letter history, marks, address
--   changes, import batches) are an administrator's or a coordinator's of the
--   regional; every other member only reads his regional.
-- * Derived tables (campaign_accounts, account_reservations) and a campaign's status
--   are written only by SECURITY DEFINER functions: cartero_app holds no INSERT,
--   UPDATE or DELETE on them, so the regional of a row is always its campaign's.
-- * cartero_app holds no DELETE and no TRUNCATE anywhere, and column grants keep it
--   from forging who did something (created_by, imported_by) or from reading
--   staff.password_hash, which only cartero.sign_in() reads, inside the database.
-- * When an import moves accounts to another regional, cartero.move_account_copies()
--   moves the rows that copy their regional and releases their reservations.
-- * Free-text columns get a maximum length; campaign parameters a sensible range.
--   Added NOT VALID: rows already stored stay as they are, every new or changed row
--   is checked.
--
-- Errors raised by Cartero's functions use SQLSTATE class CA, and their message is a
-- sentence for the user, written here (PostgreSQL translates its own messages when it
-- runs with lc_messages in Spanish, never these):
--   CA403  the acting member may not do this        CA404  it does not exist (or is hidden)
--   CA409  the state changed under the request      CA412  not in the state this needs
--   CA422  the input breaks a rule
-- Clients decide on the SQLSTATE, never on a message's text.

-- pgcrypto checks passwords inside the database, so no hash ever leaves it. Created
-- by the login running migrations (CREATE on the database is enough: it is a trusted
-- extension), in a schema of its own that only cartero_owner may use; where a DBA has
-- already installed it in another schema, that one is used.
DO $$
DECLARE
    v_schema text;
BEGIN
    SELECT n.nspname INTO v_schema
      FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
     WHERE e.extname = 'pgcrypto';
    IF NOT FOUND THEN
        CREATE SCHEMA cartero_crypto;
        COMMENT ON SCHEMA cartero_crypto IS 'pgcrypto, for cartero.sign_in() only; no role but cartero_owner may use it.';
        CREATE EXTENSION pgcrypto SCHEMA cartero_crypto;
        REVOKE ALL ON SCHEMA cartero_crypto FROM PUBLIC;
        v_schema := 'cartero_crypto';
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO cartero_owner', v_schema);
    PERFORM set_config('cartero.crypto_schema', v_schema, true);
END
$$;

SET LOCAL ROLE cartero_owner;

-- ---------------------------------------------------------------------------
-- schema_migrations: everyone acting may see which migrations ran (cartero db status)

ALTER TABLE cartero.schema_migrations ENABLE ROW LEVEL SECURITY;
CREATE POLICY "the service sees which migrations are applied" ON cartero.schema_migrations
    FOR SELECT
    USING (true);

-- ---------------------------------------------------------------------------
-- regionals and staff

ALTER TABLE cartero.regionals
    ADD CONSTRAINT regionals_name_length CHECK (char_length(name) BETWEEN 1 AND 80) NOT VALID;

ALTER TABLE cartero.staff
    ADD CONSTRAINT staff_full_name_length CHECK (char_length(full_name) BETWEEN 1 AND 120) NOT VALID,
    ADD CONSTRAINT staff_password_hash_is_bcrypt CHECK (password_hash ~ '^\$2[aby]\$[0-9]{2}\$[./A-Za-z0-9]{53}$') NOT VALID;

-- Nobody acting through the service reads password_hash, nor sets db_login (only
-- create_db_login does), nor forges a member's id.
REVOKE SELECT, INSERT, UPDATE ON cartero.staff FROM cartero_app;
GRANT SELECT (id, login, full_name, role, regional, active, db_login, created_at) ON cartero.staff TO cartero_app;
GRANT INSERT (login, full_name, role, regional, password_hash) ON cartero.staff TO cartero_app;
GRANT UPDATE (full_name, role, regional, active, password_hash) ON cartero.staff TO cartero_app;

-- Written with the schema pgcrypto lives in (see the top of this file).
DO $$
BEGIN
    EXECUTE format($f$
        CREATE FUNCTION cartero.sign_in(p_login text, p_password text) RETURNS bigint
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, cartero
        AS $body$
            -- Hashes are written by the service as bcrypt $2b$; pgcrypto knows the same
            -- algorithm as $2a$ (they differ only past 255 bytes of password, and bcrypt
            -- reads at most 72), so the prefix is swapped for the comparison.
            SELECT s.id
              FROM cartero.staff s
             WHERE s.login = p_login AND s.active AND s.password_hash IS NOT NULL
               AND octet_length(p_password) BETWEEN 1 AND 72
               AND %1$I.crypt(p_password, '$2a' || substr(s.password_hash, 4)) = '$2a' || substr(s.password_hash, 4)
        $body$
        $f$, current_setting('cartero.crypto_schema'));
END
$$;
COMMENT ON FUNCTION cartero.sign_in(text, text) IS
'The id of the active member with that login and web password, or NULL. The only reader of staff.password_hash: the hash never leaves the database.';
GRANT EXECUTE ON FUNCTION cartero.sign_in(text, text) TO cartero_app;

CREATE OR REPLACE FUNCTION cartero.set_own_password_hash(p_password_hash text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
BEGIN
    UPDATE cartero.staff SET password_hash = p_password_hash WHERE id = cartero.current_staff_id();
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no staff member is acting' USING ERRCODE = 'CA403';
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION cartero.create_db_login(p_login text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    v_staff_id bigint;
    v_role pg_catalog.pg_roles;
BEGIN
    IF NOT cartero.current_staff_is_admin() THEN
        RAISE EXCEPTION 'only an administrator may create database logins' USING ERRCODE = 'CA403';
    END IF;
    SELECT s.id INTO v_staff_id FROM cartero.staff s WHERE s.login = p_login AND s.active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no active staff member has login %', p_login USING ERRCODE = 'CA404';
    END IF;
    -- PostgreSQL reserves pg_* and a few words; Cartero's own roles are not people.
    IF p_login LIKE 'pg\_%'
       OR p_login IN ('public', 'none', 'current_user', 'current_role', 'session_user',
                      'cartero_owner', 'cartero_app', 'cartero_analyst') THEN
        RAISE EXCEPTION 'the database login % is a name PostgreSQL or Cartero keeps for itself; give the member another login', p_login
            USING ERRCODE = 'CA422';
    END IF;
    SELECT * INTO v_role FROM pg_catalog.pg_roles r WHERE r.rolname = p_login;
    IF NOT FOUND THEN
        EXECUTE format('CREATE ROLE %I LOGIN', p_login);
        EXECUTE format('GRANT cartero_analyst TO %I', p_login);
    ELSIF NOT EXISTS (SELECT FROM pg_catalog.pg_auth_members m
                       WHERE m.roleid = 'cartero_analyst'::regrole AND m.member = v_role.oid)
          OR v_role.rolsuper OR v_role.rolbypassrls OR v_role.rolcreaterole OR v_role.rolcreatedb
          OR pg_has_role(p_login, 'cartero_app', 'MEMBER')
          OR pg_has_role(p_login, 'cartero_owner', 'MEMBER') THEN
        -- Mapping any other existing role to a member would lend it his identity, or
        -- make a role of someone else's (pg_read_all_data, a DBA) an analyst.
        RAISE EXCEPTION 'the database role % already exists and is not an analyst''s login', p_login
            USING ERRCODE = 'CA403';
    END IF;
    UPDATE cartero.staff SET db_login = true WHERE id = v_staff_id;
END
$$;
COMMENT ON FUNCTION cartero.create_db_login(text) IS
'Admins only: creates the PostgreSQL login role of an active member (no password: the DBA sets how it authenticates) and makes it a cartero_analyst, or links an existing analyst''s login; refuses pg_* names, Cartero''s roles and any other existing role. Sets staff.db_login.';

-- ---------------------------------------------------------------------------
-- the portfolio: members read their regional; admins and its coordinators write it

ALTER TABLE cartero.accounts
    ADD CONSTRAINT accounts_text_lengths CHECK (
        char_length(titular) BETWEEN 1 AND 200 AND char_length(documento) <= 30
        AND char_length(direccion) <= 200 AND char_length(barrio) <= 100
        AND char_length(municipio) BETWEEN 1 AND 100 AND char_length(ruta) <= 40) NOT VALID;
DROP POLICY "members work on the accounts of their own regional" ON cartero.accounts;
CREATE POLICY "members see the accounts of their own regional" ON cartero.accounts
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
CREATE POLICY "coordinators import the accounts of their own regional" ON cartero.accounts
    FOR INSERT
    WITH CHECK ((SELECT cartero.current_staff_is_admin())
                OR (regional = (SELECT cartero.current_staff_regional())
                    AND (SELECT cartero.current_staff_role()) = 'coordinador'));
CREATE POLICY "coordinators update the accounts of their own regional" ON cartero.accounts
    FOR UPDATE
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND (SELECT cartero.current_staff_role()) = 'coordinador'))
    WITH CHECK ((SELECT cartero.current_staff_is_admin())
                OR (regional = (SELECT cartero.current_staff_regional())
                    AND (SELECT cartero.current_staff_role()) = 'coordinador'));
REVOKE UPDATE ON cartero.accounts FROM cartero_app;
GRANT UPDATE (regional, titular, documento, direccion, barrio, municipio, ruta, uso, estrato, facturacion,
              saldo_mora, fecha_mora, cobro_juridico, saneamiento, import_batch_id, updated_at)
    ON cartero.accounts TO cartero_app;

ALTER TABLE cartero.payments
    ADD CONSTRAINT payments_referencia_length CHECK (char_length(referencia) <= 60) NOT VALID;
DROP POLICY "members work on the payments of their own regional" ON cartero.payments;
CREATE POLICY "members see the payments of their own regional" ON cartero.payments
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
CREATE POLICY "coordinators import the payments of their own regional" ON cartero.payments
    FOR INSERT
    WITH CHECK ((SELECT cartero.current_staff_is_admin())
                OR (regional = (SELECT cartero.current_staff_regional())
                    AND (SELECT cartero.current_staff_role()) = 'coordinador'));
-- The regional moves with its account through move_account_copies() only.
REVOKE UPDATE ON cartero.payments FROM cartero_app;

DROP POLICY "members work on the letter history of their own regional" ON cartero.letter_history;
CREATE POLICY "members see the letter history of their own regional" ON cartero.letter_history
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
CREATE POLICY "coordinators import the letter history of their own regional" ON cartero.letter_history
    FOR INSERT
    WITH CHECK ((SELECT cartero.current_staff_is_admin())
                OR (regional = (SELECT cartero.current_staff_regional())
                    AND (SELECT cartero.current_staff_role()) = 'coordinador'));
REVOKE UPDATE ON cartero.letter_history FROM cartero_app;

-- Marks and address changes: set today by an admin or coordinator; the resolution of
-- a facturación case will set them through a function of its own.
ALTER TABLE cartero.account_cleanup_marks
    ADD CONSTRAINT account_cleanup_marks_note_length CHECK (char_length(note) <= 500) NOT VALID;
DROP POLICY "members work on the clean-up marks of their own regional" ON cartero.account_cleanup_marks;
CREATE POLICY "members see the clean-up marks of their own regional" ON cartero.account_cleanup_marks
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
CREATE POLICY "coordinators set the clean-up marks of their own regional" ON cartero.account_cleanup_marks
    FOR INSERT
    WITH CHECK ((SELECT cartero.current_staff_is_admin())
                OR (regional = (SELECT cartero.current_staff_regional())
                    AND (SELECT cartero.current_staff_role()) = 'coordinador'));
CREATE POLICY "coordinators lift the clean-up marks of their own regional" ON cartero.account_cleanup_marks
    FOR UPDATE
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND (SELECT cartero.current_staff_role()) = 'coordinador'))
    WITH CHECK ((SELECT cartero.current_staff_is_admin())
                OR (regional = (SELECT cartero.current_staff_regional())
                    AND (SELECT cartero.current_staff_role()) = 'coordinador'));
REVOKE INSERT, UPDATE ON cartero.account_cleanup_marks FROM cartero_app;
GRANT INSERT (cuenta, regional, mark, note) ON cartero.account_cleanup_marks TO cartero_app;
GRANT UPDATE (cleared_by, cleared_at) ON cartero.account_cleanup_marks TO cartero_app;

ALTER TABLE cartero.account_address_changes
    ADD CONSTRAINT account_address_changes_lengths CHECK (
        char_length(new_direccion) <= 200 AND char_length(new_barrio) <= 100 AND char_length(note) <= 500) NOT VALID;
DROP POLICY "members work on the address changes of their own regional" ON cartero.account_address_changes;
CREATE POLICY "members see the address changes of their own regional" ON cartero.account_address_changes
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
CREATE POLICY "coordinators change the addresses of their own regional" ON cartero.account_address_changes
    FOR INSERT
    WITH CHECK ((SELECT cartero.current_staff_is_admin())
                OR (regional = (SELECT cartero.current_staff_regional())
                    AND (SELECT cartero.current_staff_role()) = 'coordinador'));
REVOKE INSERT, UPDATE ON cartero.account_address_changes FROM cartero_app;
GRANT INSERT (cuenta, regional, old_direccion, old_barrio, new_direccion, new_barrio, note)
    ON cartero.account_address_changes TO cartero_app;

ALTER TABLE cartero.import_batches
    ADD CONSTRAINT import_batches_file_name_length CHECK (char_length(file_name) BETWEEN 1 AND 255) NOT VALID;
DROP POLICY "members record their own imports" ON cartero.import_batches;
DROP POLICY "members complete their own imports" ON cartero.import_batches;
CREATE POLICY "coordinators record their own imports" ON cartero.import_batches
    FOR INSERT
    WITH CHECK (imported_by = (SELECT cartero.current_staff_id())
                AND (SELECT cartero.current_staff_role()) IN ('admin', 'coordinador'));
CREATE POLICY "coordinators complete their own imports" ON cartero.import_batches
    FOR UPDATE
    USING (imported_by = (SELECT cartero.current_staff_id())
           AND (SELECT cartero.current_staff_role()) IN ('admin', 'coordinador'))
    WITH CHECK (imported_by = (SELECT cartero.current_staff_id())
                AND (SELECT cartero.current_staff_role()) IN ('admin', 'coordinador'));
REVOKE INSERT ON cartero.import_batches FROM cartero_app;
GRANT INSERT (kind, file_name, sha256, rows_read) ON cartero.import_batches TO cartero_app;

CREATE FUNCTION cartero.move_account_copies(p_cuentas text[], p_regionals text[]) RETURNS integer
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
    -- A reservation belongs to a campaign of the old regional, which can no longer
    -- mail the account: released, so that the new regional's campaigns may.
    DELETE FROM cartero.account_reservations r
     USING unnest(p_cuentas, p_regionals) AS m(cuenta, regional)
     WHERE r.cuenta = m.cuenta AND r.regional <> m.regional;
    GET DIAGNOSTICS v_released = ROW_COUNT;
    RETURN v_released;
END
$$;
COMMENT ON FUNCTION cartero.move_account_copies(text[], text[]) IS
'Admins only, called by the accounts import in the transaction that moves accounts to another regional: moves the rows that copy each account''s regional (payments, letter history, marks, address changes) and releases the reservations that campaigns of the old regional held on them; returns how many were released.';
GRANT EXECUTE ON FUNCTION cartero.move_account_copies(text[], text[]) TO cartero_app;

-- ---------------------------------------------------------------------------
-- campaigns: parameters in range; status and results only through the functions

ALTER TABLE cartero.campaigns
    ADD CONSTRAINT campaigns_name_length CHECK (char_length(name) BETWEEN 1 AND 120) NOT VALID,
    ADD CONSTRAINT campaigns_cut_date_range CHECK (cut_date BETWEEN date '2000-01-01' AND date '2099-12-31') NOT VALID,
    ADD CONSTRAINT campaigns_parameters_range CHECK (
        min_days_past_due <= 3650 AND payment_window_months <= 120 AND letter_window_months <= 120
        AND max_letters <= 10000000) NOT VALID;

REVOKE INSERT, UPDATE ON cartero.campaigns FROM cartero_app;
GRANT INSERT (regional, name, cut_date, threshold_residencial, threshold_comercial, threshold_industrial,
              threshold_oficial, threshold_especial, min_days_past_due, payment_window_months,
              letter_window_months, max_letters, control_group_pct)
    ON cartero.campaigns TO cartero_app;
GRANT UPDATE (name, cut_date, threshold_residencial, threshold_comercial, threshold_industrial,
              threshold_oficial, threshold_especial, min_days_past_due, payment_window_months,
              letter_window_months, max_letters, control_group_pct)
    ON cartero.campaigns TO cartero_app;

DROP POLICY "coordinators write and discard the evaluations of their own regional" ON cartero.campaign_accounts;
REVOKE INSERT, DELETE ON cartero.campaign_accounts FROM cartero_app;
DROP POLICY "coordinators reserve and release accounts of their own regional" ON cartero.account_reservations;
REVOKE INSERT, DELETE ON cartero.account_reservations FROM cartero_app;

CREATE OR REPLACE FUNCTION cartero.require_campaign_manager(p_regional text, p_action text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, cartero
AS $$
BEGIN
    IF NOT (cartero.current_staff_is_admin()
            OR (cartero.current_staff_role() = 'coordinador'
                AND cartero.current_staff_regional() = p_regional)) THEN
        RAISE EXCEPTION 'only a coordinator or an administrator may % campaigns of regional %', p_action, p_regional
            USING ERRCODE = 'CA403';
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION cartero.campaigns_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, cartero
AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.regional IS DISTINCT FROM OLD.regional THEN
        RAISE EXCEPTION 'a campaign cannot move to another regional' USING ERRCODE = 'CA412';
    END IF;
    PERFORM cartero.require_campaign_manager(NEW.regional,
                                             CASE TG_OP WHEN 'INSERT' THEN 'create' ELSE 'change' END);
    IF TG_OP = 'UPDATE' THEN
        IF (NEW.cut_date, NEW.threshold_residencial, NEW.threshold_comercial, NEW.threshold_industrial,
            NEW.threshold_oficial, NEW.threshold_especial, NEW.min_days_past_due,
            NEW.payment_window_months, NEW.letter_window_months, NEW.max_letters, NEW.control_group_pct)
           IS DISTINCT FROM
           (OLD.cut_date, OLD.threshold_residencial, OLD.threshold_comercial, OLD.threshold_industrial,
            OLD.threshold_oficial, OLD.threshold_especial, OLD.min_days_past_due,
            OLD.payment_window_months, OLD.letter_window_months, OLD.max_letters, OLD.control_group_pct)
        THEN
            IF OLD.status <> 'borrador' THEN
                RAISE EXCEPTION 'campaign % is %; only a draft can be changed', OLD.id, OLD.status
                    USING ERRCODE = 'CA412';
            END IF;
            NEW.evaluated_at := NULL;  -- its campaign_accounts no longer match its parameters
        END IF;
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION cartero.lock_campaign(p_campaign_id bigint, p_action text) RETURNS cartero.campaigns
LANGUAGE plpgsql SET search_path = pg_catalog, cartero
AS $$
DECLARE
    v_regional text;
    c cartero.campaigns;
BEGIN
    -- Called from SECURITY DEFINER functions, where row-level security does not
    -- apply: visibility is checked here, as the policy on campaigns would.
    SELECT k.regional INTO v_regional FROM cartero.campaigns k WHERE k.id = p_campaign_id;
    IF NOT FOUND OR NOT (cartero.current_staff_is_admin() OR v_regional = cartero.current_staff_regional()) THEN
        RAISE EXCEPTION 'campaign % does not exist or belongs to another regional', p_campaign_id
            USING ERRCODE = 'CA404';
    END IF;
    PERFORM cartero.require_campaign_manager(v_regional, p_action);
    SELECT * INTO STRICT c FROM cartero.campaigns k WHERE k.id = p_campaign_id FOR UPDATE;
    RETURN c;
END
$$;
REVOKE EXECUTE ON FUNCTION cartero.lock_campaign(bigint, text) FROM cartero_app;

CREATE OR REPLACE FUNCTION cartero.evaluate_campaign(p_campaign_id bigint) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET jit = off
SET work_mem = '64MB'
SET search_path = pg_catalog, cartero
AS $$
DECLARE
    c cartero.campaigns := cartero.lock_campaign(p_campaign_id, 'evaluate');
    v_rows integer;
BEGIN
    IF c.status <> 'borrador' THEN
        RAISE EXCEPTION 'campaign % is %; only a draft can be evaluated', c.id, c.status
            USING ERRCODE = 'CA412';
    END IF;
    DELETE FROM cartero.campaign_accounts WHERE campaign_id = c.id;
    -- EXECUTE plans the statement for this campaign's values every time (never a
    -- generic plan cached by a long-lived session). As the owner, the segmentation
    -- reads every account of the campaign's regional, whoever evaluates it.
    EXECUTE 'INSERT INTO cartero.campaign_accounts
                    (campaign_id, cuenta, regional, prioridad, reasons, saldo_mora, dias_mora, uso, facturacion)
             SELECT $1.id, s.cuenta, s.regional, s.prioridad, s.reasons, s.saldo_mora, s.dias_mora, s.uso, s.facturacion
               FROM cartero.segmentation($1) s'
        USING c;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    UPDATE cartero.campaigns SET evaluated_at = now() WHERE id = c.id;
    RETURN v_rows;
END
$$;

CREATE OR REPLACE FUNCTION cartero.approve_campaign(p_campaign_id bigint) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    c cartero.campaigns := cartero.lock_campaign(p_campaign_id, 'approve');
    v_selected integer;
    v_moved integer;
    v_reserved integer;
    v_other bigint;
BEGIN
    IF c.status <> 'borrador' THEN
        RAISE EXCEPTION 'campaign % is %; only a draft can be approved', c.id, c.status
            USING ERRCODE = 'CA412';
    END IF;
    IF c.evaluated_at IS NULL THEN
        RAISE EXCEPTION 'campaign % was changed after its last evaluation; refresh it', c.id
            USING ERRCODE = 'CA412';
    END IF;
    -- Only accounts still in the campaign's regional are reserved: an extract may
    -- have moved some since the evaluation. The accounts go in in account order, the
    -- same for every approval: two approvals sharing accounts then meet them in the
    -- same sequence, so the second waits for the first instead of deadlocking.
    WITH selected AS (
        SELECT ca.cuenta, a.regional = c.regional AS still_here
          FROM cartero.campaign_accounts ca
          JOIN cartero.accounts a ON a.cuenta = ca.cuenta
         WHERE ca.campaign_id = c.id AND ca.prioridad IS NOT NULL
    ), reserved AS (
        INSERT INTO cartero.account_reservations (cuenta, campaign_id, regional)
        SELECT s.cuenta, c.id, c.regional FROM selected s
         WHERE s.still_here
         ORDER BY s.cuenta COLLATE "C"
        ON CONFLICT (cuenta) DO NOTHING
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM selected), (SELECT count(*) FROM selected WHERE NOT still_here),
           (SELECT count(*) FROM reserved)
      INTO v_selected, v_moved, v_reserved;
    IF v_selected = 0 THEN
        RAISE EXCEPTION 'campaign % selects no account; there is nothing to approve', c.id
            USING ERRCODE = 'CA412';
    END IF;
    -- Each exception rolls back every reservation made above.
    IF v_moved > 0 THEN
        RAISE EXCEPTION '% accounts moved to another regional after this campaign was evaluated; refresh it', v_moved
            USING ERRCODE = 'CA409';
    END IF;
    IF v_reserved < v_selected THEN
        SELECT r.campaign_id INTO v_other
          FROM cartero.campaign_accounts ca
          JOIN cartero.account_reservations r ON r.cuenta = ca.cuenta
         WHERE ca.campaign_id = c.id AND ca.prioridad IS NOT NULL AND r.campaign_id <> c.id
         GROUP BY r.campaign_id
         ORDER BY count(*) DESC, r.campaign_id
         LIMIT 1;
        RAISE EXCEPTION '% accounts were reserved by %after this one was evaluated; refresh it',
                        v_selected - v_reserved,
                        coalesce('campaign ' || v_other || ' ', 'another campaign ')
            USING ERRCODE = 'CA409';
    END IF;
    UPDATE cartero.campaigns
       SET status = 'aprobada', approved_by = cartero.current_staff_id(), approved_at = now()
     WHERE id = c.id;
    RETURN v_reserved;
END
$$;

CREATE OR REPLACE FUNCTION cartero.cancel_campaign(p_campaign_id bigint) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    c cartero.campaigns := cartero.lock_campaign(p_campaign_id, 'cancel');
    v_released integer;
BEGIN
    IF c.status NOT IN ('borrador', 'aprobada') THEN
        RAISE EXCEPTION 'campaign % is %; only a draft or an approved campaign can be cancelled', c.id, c.status
            USING ERRCODE = 'CA412';
    END IF;
    DELETE FROM cartero.account_reservations WHERE campaign_id = c.id;
    GET DIAGNOSTICS v_released = ROW_COUNT;
    UPDATE cartero.campaigns
       SET status = 'anulada', cancelled_by = cartero.current_staff_id(), cancelled_at = now()
     WHERE id = c.id;
    RETURN v_released;
END
$$;

-- What the schema guard (sql/tests/schema_guard.sql) reads: a column whose comment
-- starts with "Personal data" or "Secret" is read by no analyst outside reporting,
-- and a secret by nobody through the service.
COMMENT ON COLUMN cartero.accounts.documento IS 'Personal data: the holder''s id number, never in reporting views; '''' when the extract has none.';
COMMENT ON COLUMN cartero.staff.password_hash IS 'Secret: bcrypt hash of the web password, read only by cartero.sign_in() inside the database; NULL when he cannot sign in to the web.';
