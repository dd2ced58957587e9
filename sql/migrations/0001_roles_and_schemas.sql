-- 0001: the three roles of Cartero, its two schemas, and who may enter them.
--
-- Runs as the migrator's login (a superuser in dev/CI; in production a role with
-- CREATEROLE, which this file makes a member of cartero_owner). The migrator has already created
-- schema cartero and table cartero.schema_migrations. Roles are cluster-wide, so they
-- are created only when missing: several databases of one cluster (tests) share them.
--
-- From 0002 on every migration starts with SET LOCAL ROLE cartero_owner, so that role
-- owns every object and the login that runs migrations owns nothing.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'cartero_owner') THEN
        -- CREATEROLE: create_db_login() (0002) creates analysts' login roles as this role.
        CREATE ROLE cartero_owner NOLOGIN CREATEROLE;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'cartero_app') THEN
        -- The service and the CLI: a login role that is a member of it (production:
        -- CREATE ROLE cartero_service LOGIN IN ROLE cartero_app), or a superuser in dev
        -- doing SET ROLE cartero_app. No ownership, no BYPASSRLS.
        CREATE ROLE cartero_app NOLOGIN NOBYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'cartero_analyst') THEN
        -- The group of analysts' own login roles (see cartero.create_db_login).
        CREATE ROLE cartero_analyst NOLOGIN NOBYPASSRLS;
    END IF;
END
$$;

COMMENT ON ROLE cartero_owner IS 'Owns every object of Cartero and runs its migrations; creates analysts'' login roles.';
COMMENT ON ROLE cartero_app IS 'The Cartero service and CLI: no ownership, no BYPASSRLS; row-level security applies to it.';
COMMENT ON ROLE cartero_analyst IS 'Group of the analysts'' login roles: SELECT on the reporting views only.';

-- The login running migrations acts as cartero_owner (SET LOCAL ROLE) from 0002 on; a
-- superuser may, any other login must be a member.
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT cartero_owner TO %I', current_user);
    END IF;
END
$$;

-- PostgreSQL 16 asks for ADMIN OPTION on a role before granting it; PostgreSQL 15's
-- CREATEROLE is enough. Granting it now keeps create_db_login working after an upgrade.
GRANT cartero_analyst TO cartero_owner WITH ADMIN OPTION;

ALTER SCHEMA cartero OWNER TO cartero_owner;
ALTER TABLE cartero.schema_migrations OWNER TO cartero_owner;
COMMENT ON SCHEMA cartero IS 'Cartero''s tables and functions; every table with regional data has row-level security.';
COMMENT ON TABLE cartero.schema_migrations IS 'Migrations applied to this database, one row per sql/migrations file.';
COMMENT ON COLUMN cartero.schema_migrations.version IS 'The NNNN prefix of the migration file.';
COMMENT ON COLUMN cartero.schema_migrations.name IS 'The rest of the file name, for people reading the list.';
COMMENT ON COLUMN cartero.schema_migrations.checksum IS 'Checksum of the file as applied: a shipped migration is never edited.';
COMMENT ON COLUMN cartero.schema_migrations.applied_at IS 'When the migration was applied.';

CREATE SCHEMA reporting AUTHORIZATION cartero_owner;
COMMENT ON SCHEMA reporting IS 'Documented views for analysts (security_invoker: the same row rules apply; no personal id numbers).';

REVOKE ALL ON SCHEMA cartero FROM PUBLIC;
REVOKE ALL ON SCHEMA reporting FROM PUBLIC;
GRANT USAGE ON SCHEMA cartero TO cartero_app;
GRANT SELECT ON cartero.schema_migrations TO cartero_app;  -- cartero db status
GRANT USAGE ON SCHEMA reporting TO cartero_app, cartero_analyst;

-- Functions are executable by PUBLIC unless told otherwise: no function of Cartero is.
-- Each function grants EXECUTE next to its definition to the roles that need it.
ALTER DEFAULT PRIVILEGES FOR ROLE cartero_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
