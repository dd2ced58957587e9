-- What the SQL tests share; each includes it with \ir helpers.sql. Functions of
-- pg_temp: they go with the session.

-- Says "ok label" as a NOTICE, or stops the test with what it got and wanted.
CREATE FUNCTION pg_temp.expect(label text, got text, want text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF got IS DISTINCT FROM want THEN
        RAISE EXCEPTION E'FAIL %:\n got  %\n want %', label, coalesce(got, 'NULL'), coalesce(want, 'NULL');
    END IF;
    RAISE NOTICE 'ok %', label;
END $$;

-- Runs sql, which must fail with that SQLSTATE and a message matching the pattern.
CREATE FUNCTION pg_temp.expect_error(label text, sql text, state text, pattern text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_state text;
    v_message text;
BEGIN
    BEGIN
        EXECUTE sql;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT;
    END;
    IF v_state IS DISTINCT FROM state OR v_message NOT LIKE pattern THEN
        RAISE EXCEPTION 'FAIL %: got % "%", want % "%"', label, v_state, v_message, state, pattern;
    END IF;
    RAISE NOTICE 'ok %', label;
END $$;

-- Acts as the member with that login, as the service does (cartero.staff_id); '' for nobody.
CREATE FUNCTION pg_temp.act_as(p_login text) RETURNS void
LANGUAGE sql AS $$ SELECT set_config('cartero.staff_id', coalesce(cartero.staff_id_for_login(p_login)::text, ''), false) $$;

-- Runs a write and undoes it whatever happens; says what happened: ok (it wrote), none
-- (allowed, but row-level security left it no row) or the SQLSTATE that refused it.
CREATE FUNCTION pg_temp.try(p_sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_rows bigint;
    v_state text;
    v_message text;
BEGIN
    BEGIN
        EXECUTE p_sql;
        GET DIAGNOSTICS v_rows = ROW_COUNT;
        RAISE EXCEPTION USING ERRCODE = 'ZZ000', MESSAGE = v_rows::text;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS v_state = RETURNED_SQLSTATE, v_message = MESSAGE_TEXT;
    END;
    RETURN CASE WHEN v_state <> 'ZZ000' THEN v_state WHEN v_message = '0' THEN 'none' ELSE 'ok' END;
END $$;

-- A login role (roles are cluster-wide: kept from an earlier run), an analyst's when asked.
CREATE FUNCTION pg_temp.login_role(p_role text, p_analyst boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = p_role) THEN
        EXECUTE format('CREATE ROLE %I LOGIN', p_role);
    END IF;
    IF p_analyst AND NOT pg_has_role(p_role, 'cartero_analyst', 'MEMBER') THEN
        EXECUTE format('GRANT cartero_analyst TO %I', p_role);
    END IF;
END $$;
