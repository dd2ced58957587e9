-- 0002: regionals, staff members, and the functions that tell every policy who is acting.
--
-- Who is acting: the service (a login that is a member of cartero_app, or a superuser
-- in dev) says so per transaction with set_config('cartero.staff_id', id, true). Any
-- other login (an analyst's own role) is mapped to the active staff member with
-- db_login = true whose login equals the session's login; setting cartero.staff_id
-- gains such a login nothing.
--
-- Policies call the current_staff_* helpers as scalar subqueries, (SELECT f()), so each
-- is evaluated once per statement (an InitPlan), not once per row.

SET LOCAL ROLE cartero_owner;

-- ---------------------------------------------------------------------------
-- regionals

CREATE TABLE cartero.regionals (
    code text PRIMARY KEY CHECK (code ~ '^[A-Z]{2,8}$'),
    name text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE cartero.regionals IS 'The company''s regional offices; every account, campaign and member (but an admin) belongs to one.';
COMMENT ON COLUMN cartero.regionals.code IS 'Short code, 2 to 8 capital letters; appears in consecutivos (REGIONAL-YYYY-NNNNNN).';
COMMENT ON COLUMN cartero.regionals.name IS 'Name shown to people.';
COMMENT ON COLUMN cartero.regionals.created_at IS 'When the regional was added.';

-- ---------------------------------------------------------------------------
-- staff

CREATE TABLE cartero.staff (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login text NOT NULL UNIQUE CHECK (login ~ '^[a-z0-9._-]{1,63}$'),
    full_name text NOT NULL,
    role text NOT NULL CHECK (role IN ('admin', 'coordinador', 'auxiliar_oficina',
                                       'auxiliar_terreno', 'facturacion', 'analista')),
    regional text REFERENCES cartero.regionals,
    active boolean NOT NULL DEFAULT true,
    password_hash text,
    db_login boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT staff_regional_unless_admin CHECK (role = 'admin' OR regional IS NOT NULL)
);
COMMENT ON TABLE cartero.staff IS 'Members of the cartera teams who use Cartero; their role and regional decide what they see and do.';
COMMENT ON COLUMN cartero.staff.id IS 'Surrogate key; cartero.staff_id holds it while the service acts for the member.';
COMMENT ON COLUMN cartero.staff.login IS 'Login name (lowercase letters, digits, . _ -); also the PostgreSQL role name when db_login.';
COMMENT ON COLUMN cartero.staff.full_name IS 'Name shown on pages and in histories.';
COMMENT ON COLUMN cartero.staff.role IS 'admin, coordinador, auxiliar_oficina, auxiliar_terreno, facturacion or analista.';
COMMENT ON COLUMN cartero.staff.regional IS 'The member''s regional; NULL only for an admin, who sees every regional.';
COMMENT ON COLUMN cartero.staff.active IS 'False when the member left: he can no longer act, his history stays.';
COMMENT ON COLUMN cartero.staff.password_hash IS 'Hash of the web password (the service''s format); NULL when he cannot log in to the web.';
COMMENT ON COLUMN cartero.staff.db_login IS 'True when a PostgreSQL login role of the same name exists for him (analysts querying with SQL).';
COMMENT ON COLUMN cartero.staff.created_at IS 'When the member was added.';

-- The built-in member the CLI acts as when neither --as nor CARTERO_USER is given.
INSERT INTO cartero.staff (login, full_name, role) VALUES ('admin', 'Administrador', 'admin');

-- ---------------------------------------------------------------------------
-- who is acting

CREATE FUNCTION cartero.current_staff_id() RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
    SELECT CASE WHEN pg_has_role(session_user, 'cartero_app', 'MEMBER')
                THEN (SELECT s.id FROM cartero.staff s
                       WHERE s.id = nullif(current_setting('cartero.staff_id', true), '')::bigint
                         AND s.active)
                ELSE (SELECT s.id FROM cartero.staff s
                       WHERE s.login = session_user AND s.db_login AND s.active)
           END
$$;
COMMENT ON FUNCTION cartero.current_staff_id() IS
'The active staff member acting now, or NULL. For the service''s login (a member of cartero_app, or a superuser) it is cartero.staff_id; for any other login, the member with db_login whose login is that login.';
GRANT EXECUTE ON FUNCTION cartero.current_staff_id() TO cartero_app;

CREATE FUNCTION cartero.current_staff_regional() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$ SELECT s.regional FROM cartero.staff s WHERE s.id = cartero.current_staff_id() $$;
COMMENT ON FUNCTION cartero.current_staff_regional() IS 'Regional of the acting member; NULL for an admin or when no one acts.';
GRANT EXECUTE ON FUNCTION cartero.current_staff_regional() TO cartero_app;

CREATE FUNCTION cartero.current_staff_role() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$ SELECT s.role FROM cartero.staff s WHERE s.id = cartero.current_staff_id() $$;
COMMENT ON FUNCTION cartero.current_staff_role() IS 'Role of the acting member; NULL when no one acts.';
GRANT EXECUTE ON FUNCTION cartero.current_staff_role() TO cartero_app;

CREATE FUNCTION cartero.current_staff_is_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$ SELECT coalesce(cartero.current_staff_role() = 'admin', false) $$;
COMMENT ON FUNCTION cartero.current_staff_is_admin() IS 'True when the acting member is an admin; false when he is not or no one acts.';
GRANT EXECUTE ON FUNCTION cartero.current_staff_is_admin() TO cartero_app;

CREATE FUNCTION cartero.staff_id_for_login(p_login text) RETURNS bigint
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$ SELECT s.id FROM cartero.staff s WHERE s.login = p_login AND s.active $$;
COMMENT ON FUNCTION cartero.staff_id_for_login(text) IS
'Id of the active member with that login (NULL if none): the service resolves --as LOGIN or a web login with it before it acts; then the member''s own staff row is visible to it.';
GRANT EXECUTE ON FUNCTION cartero.staff_id_for_login(text) TO cartero_app;

-- ---------------------------------------------------------------------------
-- staff rows: admins see and change all; members see their regional's staff and themselves

ALTER TABLE cartero.staff ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members see their own regional's staff and themselves" ON cartero.staff
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR regional = (SELECT cartero.current_staff_regional())
           OR id = (SELECT cartero.current_staff_id()));
CREATE POLICY "only admins add staff" ON cartero.staff
    FOR INSERT
    WITH CHECK ((SELECT cartero.current_staff_is_admin()));
CREATE POLICY "only admins change staff" ON cartero.staff
    FOR UPDATE
    USING ((SELECT cartero.current_staff_is_admin()))
    WITH CHECK ((SELECT cartero.current_staff_is_admin()));
-- No DELETE: a member who leaves is deactivated; histories keep pointing at him.
GRANT SELECT, INSERT, UPDATE ON cartero.staff TO cartero_app;

CREATE FUNCTION cartero.create_db_login(p_login text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    v_staff_id bigint;
    v_role pg_catalog.pg_roles;
BEGIN
    IF NOT cartero.current_staff_is_admin() THEN
        RAISE EXCEPTION 'only an administrator may create database logins'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT s.id INTO v_staff_id FROM cartero.staff s WHERE s.login = p_login AND s.active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no active staff member has login %', p_login
            USING ERRCODE = 'no_data_found';
    END IF;
    SELECT * INTO v_role FROM pg_catalog.pg_roles r WHERE r.rolname = p_login;
    IF NOT FOUND THEN
        EXECUTE format('CREATE ROLE %I LOGIN', p_login);
    ELSIF v_role.rolsuper OR v_role.rolbypassrls
          OR pg_has_role(p_login, 'cartero_app', 'MEMBER')
          OR pg_has_role(p_login, 'cartero_owner', 'MEMBER') THEN
        -- Mapping an existing privileged role to a member would lend it his identity.
        RAISE EXCEPTION 'database role % already exists and is not an analyst''s login', p_login
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    EXECUTE format('GRANT cartero_analyst TO %I', p_login);
    UPDATE cartero.staff SET db_login = true WHERE id = v_staff_id;
END
$$;
COMMENT ON FUNCTION cartero.create_db_login(text) IS
'Admins only: creates the PostgreSQL login role of an active member (if missing; no password: the DBA sets how it authenticates), makes it a cartero_analyst and sets staff.db_login.';
GRANT EXECUTE ON FUNCTION cartero.create_db_login(text) TO cartero_app;

CREATE FUNCTION cartero.set_own_password_hash(p_password_hash text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
BEGIN
    UPDATE cartero.staff SET password_hash = p_password_hash WHERE id = cartero.current_staff_id();
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no staff member is acting' USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;
COMMENT ON FUNCTION cartero.set_own_password_hash(text) IS
'Lets the acting member change his own web password (only admins may update staff rows otherwise).';
GRANT EXECUTE ON FUNCTION cartero.set_own_password_hash(text) TO cartero_app;

-- ---------------------------------------------------------------------------
-- regionals rows: everyone acting reads them; only admins add or rename them

ALTER TABLE cartero.regionals ENABLE ROW LEVEL SECURITY;
CREATE POLICY "everyone acting sees the regionals" ON cartero.regionals
    FOR SELECT
    USING ((SELECT cartero.current_staff_id()) IS NOT NULL);
CREATE POLICY "only admins add regionals" ON cartero.regionals
    FOR INSERT
    WITH CHECK ((SELECT cartero.current_staff_is_admin()));
CREATE POLICY "only admins rename regionals" ON cartero.regionals
    FOR UPDATE
    USING ((SELECT cartero.current_staff_is_admin()))
    WITH CHECK ((SELECT cartero.current_staff_is_admin()));
GRANT SELECT, INSERT ON cartero.regionals TO cartero_app;
GRANT UPDATE (name) ON cartero.regionals TO cartero_app;
