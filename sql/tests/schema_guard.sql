-- The schema guard: what every table, column and function of Cartero must be, so that
-- each table a later migration adds inherits the rules of DESIGN.md ("Who may see
-- what"). Run with psql, as a superuser, on a freshly migrated database:
--     psql -v ON_ERROR_STOP=1 -f sql/tests/schema_guard.sql "$DATABASE_URL"
-- It fails when:
--   * a table of schema cartero lacks row-level security or a policy;
--   * a schema, table, view, column or function of cartero or reporting has no COMMENT;
--   * a function of cartero or reporting is executable by PUBLIC;
--   * cartero_app holds TRUNCATE or DELETE anywhere, or any privilege that the list
--     below does not give it (a new table must be added to the list, on purpose);
--   * cartero_analyst can read a column of cartero whose comment says it holds
--     personal data or a secret, or cartero_app can read a secret.
-- Then it plants each of those faults in a transaction it rolls back, and checks that
-- the guard names every one.
\set ON_ERROR_STOP 1
\o /dev/null
SET client_min_messages = notice;

CREATE FUNCTION pg_temp.schema_problems() RETURNS SETOF text
LANGUAGE sql AS $$
    -- tables without row-level security or without a policy
    SELECT format('table %s has no row-level security', c.oid::regclass)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'cartero' AND c.relkind IN ('r', 'p') AND NOT c.relrowsecurity
    UNION ALL
    SELECT format('table %s has no policy', c.oid::regclass)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'cartero' AND c.relkind IN ('r', 'p')
       AND NOT EXISTS (SELECT FROM pg_policy p WHERE p.polrelid = c.oid)
    -- comments
    UNION ALL
    SELECT format('schema %s has no comment', n.nspname)
      FROM pg_namespace n
     WHERE n.nspname IN ('cartero', 'reporting') AND obj_description(n.oid, 'pg_namespace') IS NULL
    UNION ALL
    SELECT format('%s %s has no comment', CASE c.relkind WHEN 'v' THEN 'view' ELSE 'table' END, c.oid::regclass)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname IN ('cartero', 'reporting') AND c.relkind IN ('r', 'p', 'v', 'm')
       AND obj_description(c.oid, 'pg_class') IS NULL
    UNION ALL
    SELECT format('column %s.%I has no comment', c.oid::regclass, a.attname)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     WHERE n.nspname IN ('cartero', 'reporting') AND c.relkind IN ('r', 'p', 'v', 'm')
       AND col_description(c.oid, a.attnum) IS NULL
    UNION ALL
    SELECT format('function %s has no comment', p.oid::regprocedure)
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname IN ('cartero', 'reporting') AND obj_description(p.oid, 'pg_proc') IS NULL
    -- functions anyone may run
    UNION ALL
    SELECT format('function %s is executable by PUBLIC', p.oid::regprocedure)
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname IN ('cartero', 'reporting')
       AND (p.proacl IS NULL
            OR EXISTS (SELECT FROM aclexplode(p.proacl) x WHERE x.grantee = 0 AND x.privilege_type = 'EXECUTE'))
    -- what cartero_app may do, table by table: exactly the list, no DELETE, no TRUNCATE
    UNION ALL
    SELECT format('cartero_app may %s %s, which is not in the guard''s list', g.privilege, g.relation)
      FROM (SELECT c.oid::regclass::text AS relation, pr.privilege
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             CROSS JOIN unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) pr(privilege)
             WHERE n.nspname IN ('cartero', 'reporting') AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
               AND (has_table_privilege('cartero_app', c.oid, pr.privilege)
                    OR (pr.privilege IN ('SELECT', 'INSERT', 'UPDATE', 'REFERENCES')
                        AND has_any_column_privilege('cartero_app', c.oid, pr.privilege)))) g
     WHERE g.privilege IN ('DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER')
        OR (g.relation, g.privilege) NOT IN (
            -- the service's reads and writes; column grants narrow several of these
            ('cartero.schema_migrations', 'SELECT'),
            ('cartero.regionals', 'SELECT'), ('cartero.regionals', 'INSERT'), ('cartero.regionals', 'UPDATE'),
            ('cartero.staff', 'SELECT'), ('cartero.staff', 'INSERT'), ('cartero.staff', 'UPDATE'),
            ('cartero.import_batches', 'SELECT'), ('cartero.import_batches', 'INSERT'), ('cartero.import_batches', 'UPDATE'),
            ('cartero.accounts', 'SELECT'), ('cartero.accounts', 'INSERT'), ('cartero.accounts', 'UPDATE'),
            ('cartero.account_cleanup_marks', 'SELECT'), ('cartero.account_cleanup_marks', 'INSERT'),
            ('cartero.account_cleanup_marks', 'UPDATE'),
            ('cartero.account_address_changes', 'SELECT'), ('cartero.account_address_changes', 'INSERT'),
            ('cartero.payments', 'SELECT'), ('cartero.payments', 'INSERT'),
            ('cartero.letter_history', 'SELECT'), ('cartero.letter_history', 'INSERT'),
            ('cartero.campaigns', 'SELECT'), ('cartero.campaigns', 'INSERT'), ('cartero.campaigns', 'UPDATE'),
            ('cartero.campaign_accounts', 'SELECT'),
            ('cartero.account_reservations', 'SELECT'), ('cartero.campaign_tallies', 'SELECT'),
            ('cartero.letter_counters', 'SELECT'), ('cartero.letters', 'SELECT'),
            ('cartero.letter_settings', 'SELECT'), ('cartero.letter_settings', 'UPDATE'),
            ('cartero.return_causes', 'SELECT'), ('cartero.return_causes', 'INSERT'), ('cartero.return_causes', 'UPDATE'),
            ('cartero.courier_results', 'SELECT'), ('cartero.return_registrations', 'SELECT'),
            ('cartero.return_scans', 'SELECT'), ('cartero.cases', 'SELECT'), ('cartero.case_photos', 'SELECT'),
            ('cartero.history', 'SELECT'), ('cartero.change_exports', 'SELECT'),
            ('reporting.accounts', 'SELECT'), ('reporting.payments', 'SELECT'), ('reporting.campaigns', 'SELECT'),
            ('reporting.campaign_selection', 'SELECT'), ('reporting.campaign_exclusions', 'SELECT'),
            ('reporting.campaign_funnel', 'SELECT'),
            ('reporting.portfolio', 'SELECT'), ('reporting.campaign_letters', 'SELECT'), ('reporting.returns_by_cause', 'SELECT'),
            ('reporting.case_backlog', 'SELECT'), ('reporting.field_productivity', 'SELECT'), ('reporting.campaign_effectiveness', 'SELECT'))
    -- personal data and secrets
    UNION ALL
    SELECT format('%s can read %s.%I, which holds %s', r.role, c.oid::regclass, a.attname,
                  CASE WHEN col_description(c.oid, a.attnum) ~ '^Secret' THEN 'a secret' ELSE 'personal data' END)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     CROSS JOIN (VALUES ('cartero_analyst'), ('cartero_app')) r(role)
     WHERE n.nspname = 'cartero' AND c.relkind IN ('r', 'p', 'v', 'm')
       AND col_description(c.oid, a.attnum) ~ CASE r.role WHEN 'cartero_analyst' THEN '^(Personal data|Secret)' ELSE '^Secret' END
       AND has_column_privilege(r.role, c.oid, a.attnum, 'SELECT')
$$;

DO $$
DECLARE
    v_problems text;
BEGIN
    SELECT string_agg(p, E'\n' ORDER BY p) INTO v_problems FROM pg_temp.schema_problems() p;
    IF v_problems IS NOT NULL THEN
        RAISE EXCEPTION E'FAIL the schema guard:\n%', v_problems;
    END IF;
    RAISE NOTICE 'ok the schema guard: row-level security, policies, comments, grants, personal data';
END $$;

-- The guard catches each fault planted here (rolled back at the end).
BEGIN;
SET LOCAL ROLE cartero_owner;
CREATE TABLE cartero.planted (id int, documento text);
CREATE FUNCTION cartero.planted_function() RETURNS int LANGUAGE sql AS 'SELECT 1';
GRANT EXECUTE ON FUNCTION cartero.planted_function() TO PUBLIC;
GRANT SELECT, DELETE ON cartero.planted TO cartero_app;
COMMENT ON COLUMN cartero.planted.documento IS 'Personal data: planted.';
GRANT SELECT (documento) ON cartero.planted TO cartero_analyst;
GRANT TRUNCATE ON cartero.payments TO cartero_app;
ALTER TABLE cartero.campaign_accounts DISABLE ROW LEVEL SECURITY;
DROP POLICY "members who see their regional see its reservations" ON cartero.account_reservations;
COMMENT ON COLUMN cartero.accounts.titular IS NULL;
GRANT SELECT (password_hash) ON cartero.staff TO cartero_app;
GRANT INSERT ON cartero.account_reservations TO cartero_app;
DO $$
DECLARE
    v_found text[] := ARRAY(SELECT pg_temp.schema_problems());
    v_want text[] := ARRAY[
        'table cartero.planted has no row-level security',
        'table cartero.planted has no policy',
        'table cartero.planted has no comment',
        'column cartero.planted.id has no comment',
        'function cartero.planted_function() has no comment',
        'function cartero.planted_function() is executable by PUBLIC',
        'cartero_app may DELETE cartero.planted, which is not in the guard''s list',
        'cartero_app may SELECT cartero.planted, which is not in the guard''s list',
        'cartero_app may TRUNCATE cartero.payments, which is not in the guard''s list',
        'cartero_app may INSERT cartero.account_reservations, which is not in the guard''s list',
        'table cartero.campaign_accounts has no row-level security',
        'table cartero.account_reservations has no policy',
        'column cartero.accounts.titular has no comment',
        'cartero_analyst can read cartero.planted.documento, which holds personal data',
        'cartero_app can read cartero.staff.password_hash, which holds a secret'];
    v_missed text;
BEGIN
    SELECT string_agg(w, E'\n') INTO v_missed FROM unnest(v_want) w WHERE w <> ALL (v_found);
    IF v_missed IS NOT NULL THEN
        RAISE EXCEPTION E'FAIL the schema guard missed planted faults:\n%\nit found:\n%', v_missed, array_to_string(v_found, E'\n');
    END IF;
    RAISE NOTICE 'ok the schema guard names every planted fault';
END $$;
ROLLBACK;
\echo schema guard passed
