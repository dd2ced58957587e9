-- Tests of the schema against RULES.md section 1 and the row rules of DESIGN.md.
-- Run with psql, as a superuser, on a freshly migrated, otherwise empty database:
--     psql -v ON_ERROR_STOP=1 -f sql/tests/rules_test.sql "$DATABASE_URL"
-- It acts as the application does (SET ROLE cartero_app + cartero.staff_id), prints
-- "ok <check>" per check and stops at the first failure. It creates the cluster-wide
-- login role cartero_test_analyst (kept if it exists). sql/tests/race.sh tests two
-- approvals racing in two sessions.
\set ON_ERROR_STOP 1
\o /dev/null
SET client_min_messages = notice;
\ir helpers.sql

-- Every account's result in one line: cuenta=prioridad{reasons}
CREATE FUNCTION pg_temp.result(p_campaign_name text) RETURNS text
LANGUAGE sql AS $$
    SELECT string_agg(ca.cuenta || '=' || coalesce(ca.prioridad::text, '') || ca.reasons::text, ' ' ORDER BY ca.cuenta)
      FROM cartero.campaign_accounts ca
      JOIN cartero.campaigns c ON c.id = ca.campaign_id
     WHERE c.name = p_campaign_name
$$;

CREATE FUNCTION pg_temp.campaign(p_name text) RETURNS bigint
LANGUAGE sql AS $$ SELECT id FROM cartero.campaigns WHERE name = p_name $$;

-- ---------------------------------------------------------------------------
-- the portfolio, loaded by the built-in admin

SET ROLE cartero_app;
SELECT pg_temp.act_as('admin');
INSERT INTO cartero.regionals (code, name) VALUES ('NORTE', 'Regional Norte'), ('SUR', 'Regional Sur');
INSERT INTO cartero.staff (login, full_name, role, regional) VALUES
    ('coord.n', 'Coordinadora Norte', 'coordinador', 'NORTE'),
    ('coord.n2', 'Coordinador Norte 2', 'coordinador', 'NORTE'),
    ('coord.s', 'Coordinador Sur', 'coordinador', 'SUR'),
    ('aux.n', 'Auxiliar Norte', 'auxiliar_oficina', 'NORTE'),
    ('cartero_test_analyst', 'Analista Norte', 'analista', 'NORTE');
INSERT INTO cartero.import_batches (kind, file_name, sha256) VALUES ('accounts', 'accounts.csv', repeat('a', 64));

-- The cut date of the campaigns below is D = 2026-03-31: D - 1 month = 2026-02-28 (the
-- calendar month clamps to February's end), D - 2 months = 2026-01-31. Unless a column says otherwise an account is residencial,
-- directa, owes 500000, is 100 days past due and has an address.
INSERT INTO cartero.accounts (cuenta, regional, titular, documento, direccion, municipio, uso,
                              facturacion, saldo_mora, fecha_mora, cobro_juridico, saneamiento, import_batch_id)
SELECT v.cuenta, coalesce(v.regional, 'NORTE'), 'Titular ' || v.cuenta, '900123', coalesce(v.direccion, 'Calle 1 # 2-3'),
       'Ciudad', coalesce(v.uso, 'residencial'), coalesce(v.facturacion, 'directa'), coalesce(v.saldo, 500000),
       CASE WHEN v.sin_fecha THEN NULL ELSE date '2026-03-31' - coalesce(v.dias, 100) END,
       coalesce(v.juridico, false), v.saneamiento,
       (SELECT max(id) FROM cartero.import_batches)
  FROM (VALUES
    -- cuenta    regional direccion uso         facturacion saldo      dias  sin_fecha juridico saneamiento
    ('R100000',  NULL,    NULL,     NULL,        NULL,      100000.00, NULL, false,    NULL,    NULL),
    ('R100001',  NULL,    NULL,     NULL,        NULL,      100000.01, NULL, false,    NULL,    NULL),
    ('C300000',  NULL,    NULL,     'comercial', NULL,      300000.00, NULL, false,    NULL,    NULL),
    ('C300001',  NULL,    NULL,     'comercial', NULL,      300000.01, NULL, false,    NULL,    NULL),
    ('I200000',  NULL,    NULL,     'industrial',NULL,      200000.00, NULL, false,    NULL,    NULL),
    ('I300000',  NULL,    NULL,     'industrial',NULL,      300000.00, NULL, false,    NULL,    NULL),
    ('I300001',  NULL,    NULL,     'industrial',NULL,      300000.01, NULL, false,    NULL,    NULL),
    ('O300000',  NULL,    NULL,     'oficial',   NULL,      300000.00, NULL, false,    NULL,    NULL),
    ('E300001',  NULL,    NULL,     'especial',  NULL,      300000.01, NULL, false,    NULL,    NULL),
    ('M60',      NULL,    NULL,     NULL,        NULL,      NULL,      60,   false,    NULL,    NULL),
    ('M61',      NULL,    NULL,     NULL,        NULL,      NULL,      61,   false,    NULL,    NULL),
    ('MNULL',    NULL,    NULL,     NULL,        NULL,      NULL,      NULL, true,     NULL,    NULL),
    ('P0228',    NULL,    NULL,     NULL,        NULL,      NULL,      NULL, false,    NULL,    NULL),
    ('P0301',    NULL,    NULL,     NULL,        NULL,      NULL,      NULL, false,    NULL,    NULL),
    ('PAFTER',   NULL,    NULL,     NULL,        NULL,      NULL,      NULL, false,    NULL,    NULL),
    ('L0131',    NULL,    NULL,     NULL,        NULL,      NULL,      NULL, false,    NULL,    NULL),
    ('L0201',    NULL,    NULL,     NULL,        NULL,      NULL,      NULL, false,    NULL,    NULL),
    ('J',        NULL,    NULL,     NULL,        NULL,      NULL,      NULL, false,    true,    NULL),
    ('S',        NULL,    NULL,     NULL,        NULL,      NULL,      NULL, false,    NULL,    'lote'),
    ('SM',       NULL,    NULL,     NULL,        NULL,      NULL,      NULL, false,    NULL,    NULL),
    ('SMC',      NULL,    NULL,     NULL,        NULL,      NULL,      NULL, false,    NULL,    NULL),
    ('B1',       NULL,    '',       NULL,        NULL,      NULL,      NULL, false,    NULL,    NULL),
    ('B2',       NULL,    E' \t ',  NULL,        NULL,      NULL,      NULL, false,    NULL,    NULL),
    ('MULTI',    NULL,    ' ',      NULL,        NULL,      0,         NULL, true,     true,    'demolido'),
    ('T-A',      NULL,    NULL,     NULL,        'conjunta',900000,    100,  false,    NULL,    NULL),
    ('T-B',      NULL,    NULL,     NULL,        NULL,      200000,    100,  false,    NULL,    NULL),
    ('T-C',      NULL,    NULL,     NULL,        NULL,      900000,    90,   false,    NULL,    NULL),
    ('T-D',      NULL,    NULL,     NULL,        NULL,      900000,    100,  false,    NULL,    NULL),
    ('T-E',      NULL,    NULL,     NULL,        NULL,      900000,    100,  false,    NULL,    NULL),
    ('SUR1',     'SUR',   NULL,     NULL,        NULL,      NULL,      NULL, false,    NULL,    NULL),
    ('SUR2',     'SUR',   NULL,     NULL,        NULL,      NULL,      NULL, false,    NULL,    NULL)
  ) v(cuenta, regional, direccion, uso, facturacion, saldo, dias, sin_fecha, juridico, saneamiento);

INSERT INTO cartero.import_batches (kind, file_name, sha256) VALUES ('payments', 'payments.csv', repeat('b', 64));
INSERT INTO cartero.payments (cuenta, regional, fecha, valor, referencia, import_batch_id)
SELECT v.cuenta, v.regional, v.fecha::date, 1000, v.referencia, (SELECT max(id) FROM cartero.import_batches)
  FROM (VALUES ('P0228', 'NORTE', '2026-02-28', 'r1'),   -- exactly D - 1 month: not recent
               ('P0301', 'NORTE', '2026-03-01', 'r2'),   -- the day after: recent
               ('PAFTER', 'NORTE', '2026-04-15', ''),    -- after D: recent too
               ('SUR2', 'SUR', '2026-03-30', '')) v(cuenta, regional, fecha, referencia);
INSERT INTO cartero.payments (cuenta, regional, fecha, valor, referencia, import_batch_id)
SELECT 'P0228', 'NORTE', '2026-02-28', 1000, 'r1', max(id) FROM cartero.import_batches
    ON CONFLICT DO NOTHING;
SELECT pg_temp.expect('an equal payment is skipped',
                      (SELECT count(*)::text FROM cartero.payments WHERE cuenta = 'P0228'), '1');

INSERT INTO cartero.import_batches (kind, file_name, sha256) VALUES ('letters', 'letters.csv', repeat('c', 64));
INSERT INTO cartero.letter_history (cuenta, regional, fecha_envio, import_batch_id)
SELECT v.cuenta, 'NORTE', v.fecha::date, (SELECT max(id) FROM cartero.import_batches)
  FROM (VALUES ('L0131', '2026-01-31'),                  -- exactly D - 2 months: not recent
               ('L0201', '2026-02-01')) v(cuenta, fecha); -- the day after: recent
INSERT INTO cartero.account_cleanup_marks (cuenta, regional, mark, note)
VALUES ('SM', 'NORTE', 'lote', 'case 1'), ('SMC', 'NORTE', 'demolido', 'case 2');
UPDATE cartero.account_cleanup_marks SET cleared_by = cartero.current_staff_id(), cleared_at = now()
 WHERE cuenta = 'SMC';

-- ---------------------------------------------------------------------------
-- RULES.md section 1, by the coordinator of NORTE

SELECT pg_temp.act_as('coord.n');
INSERT INTO cartero.campaigns (regional, name, cut_date) VALUES ('NORTE', 'marzo', '2026-03-31');
SELECT pg_temp.campaign('marzo') AS marzo_id \gset
SELECT pg_temp.expect('evaluation writes one row per account of the regional',
                      cartero.evaluate_campaign(pg_temp.campaign('marzo'))::text, '29');
SELECT pg_temp.expect('every boundary, every reason in order, ranks and ties', pg_temp.result('marzo'),
    'B1={sin_direccion} B2={sin_direccion} C300000={saldo_bajo_umbral} C300001=8{} E300001=9{} '
    'I200000={saldo_bajo_umbral} I300000={saldo_bajo_umbral} I300001=10{} J={cobro_juridico} '
    'L0131=4{} L0201={carta_reciente} M60={mora_insuficiente} M61=7{} MNULL={mora_insuficiente} '
    'MULTI={cobro_juridico,saneamiento,saldo_bajo_umbral,mora_insuficiente,sin_direccion} '
    'O300000={saldo_bajo_umbral} P0228=5{} P0301={abono_reciente} PAFTER={abono_reciente} '
    'R100000={saldo_bajo_umbral} R100001=12{} S={saneamiento} SM={saneamiento} SMC=6{} '
    'T-A=13{} T-B=11{} T-C=3{} T-D=1{} T-E=2{}');
SELECT pg_temp.expect('dias_mora is D - fecha_mora',
    (SELECT string_agg(cuenta || ':' || coalesce(dias_mora::text, '-'), ' ' ORDER BY cuenta)
       FROM cartero.campaign_accounts WHERE campaign_id = pg_temp.campaign('marzo') AND cuenta IN ('M60', 'M61', 'MNULL')),
    'M60:60 M61:61 MNULL:-');

-- overridden thresholds and windows
INSERT INTO cartero.campaigns (regional, name, cut_date, threshold_residencial, threshold_industrial,
                               min_days_past_due, payment_window_months, letter_window_months)
VALUES ('NORTE', 'overrides', '2026-03-31', 200000, 200000, 59, 0, 1);
SELECT cartero.evaluate_campaign(pg_temp.campaign('overrides'));
SELECT pg_temp.expect('a campaign''s own thresholds, days and windows',
    (SELECT string_agg(cuenta || '=' || reasons::text, ' ' ORDER BY cuenta)
       FROM cartero.campaign_accounts WHERE campaign_id = pg_temp.campaign('overrides')
        AND cuenta IN ('R100001', 'I200000', 'I300000', 'M60', 'P0301', 'PAFTER', 'L0201', 'T-B')),
    'I200000={saldo_bajo_umbral} I300000={} L0201={} M60={} P0301={} PAFTER={abono_reciente} '
    'R100001={saldo_bajo_umbral} T-B={saldo_bajo_umbral}');

-- capacity
INSERT INTO cartero.campaigns (regional, name, cut_date, max_letters) VALUES ('NORTE', 'cap5', '2026-03-31', 5);
SELECT cartero.evaluate_campaign(pg_temp.campaign('cap5'));
SELECT pg_temp.expect('ranks past max_letters get fuera_de_capacidad',
    (SELECT string_agg(cuenta || '=' || coalesce(prioridad::text, '') || reasons::text, ' ' ORDER BY cuenta)
       FROM cartero.campaign_accounts WHERE campaign_id = pg_temp.campaign('cap5') AND (prioridad IS NOT NULL OR reasons <> '{}')
        AND (prioridad IS NOT NULL OR reasons = '{fuera_de_capacidad}')),
    'C300001={fuera_de_capacidad} E300001={fuera_de_capacidad} I300001={fuera_de_capacidad} L0131=4{} '
    'M61={fuera_de_capacidad} P0228=5{} R100001={fuera_de_capacidad} SMC={fuera_de_capacidad} '
    'T-A={fuera_de_capacidad} T-B={fuera_de_capacidad} T-C=3{} T-D=1{} T-E=2{}');

-- control group: 10 within capacity, 35 % -> floor(3.5) = 3 held back, 7 ranked 1..7
INSERT INTO cartero.campaigns (regional, name, cut_date, max_letters, control_group_pct)
VALUES ('NORTE', 'control', '2026-03-31', 10, 35);
SELECT cartero.evaluate_campaign(pg_temp.campaign('control'));
CREATE TEMP TABLE first_draw AS
    SELECT cuenta, prioridad, reasons FROM cartero.campaign_accounts WHERE campaign_id = pg_temp.campaign('control');
SELECT pg_temp.expect('control group size, capacity and contiguous ranks',
    (SELECT count(*) FILTER (WHERE reasons = '{grupo_control}') || ' control, '
            || count(*) FILTER (WHERE reasons = '{fuera_de_capacidad}') || ' past capacity, ranks '
            || string_agg(prioridad::text, ',' ORDER BY prioridad) FILTER (WHERE prioridad IS NOT NULL)
       FROM first_draw),
    '3 control, 3 past capacity, ranks 1,2,3,4,5,6,7');
SELECT pg_temp.expect('the control group is drawn from within capacity',
    (SELECT bool_and(m.prioridad <= 10)::text
       FROM first_draw f
       JOIN cartero.campaign_accounts m ON m.cuenta = f.cuenta AND m.campaign_id = pg_temp.campaign('marzo')
      WHERE f.reasons = '{grupo_control}'), 'true');
SELECT pg_temp.expect('the others keep their order',
    (SELECT string_agg(cuenta, ',' ORDER BY prioridad) FROM first_draw WHERE prioridad IS NOT NULL),
    (SELECT string_agg(m.cuenta, ',' ORDER BY m.prioridad)
       FROM cartero.campaign_accounts m
      WHERE m.campaign_id = pg_temp.campaign('marzo') AND m.prioridad <= 10
        AND m.cuenta NOT IN (SELECT cuenta FROM first_draw WHERE reasons = '{grupo_control}')));
SELECT cartero.evaluate_campaign(pg_temp.campaign('control'));
SELECT pg_temp.expect('the same campaign draws the same control group',
    (SELECT count(*)::text FROM first_draw f
       FULL JOIN (SELECT * FROM cartero.campaign_accounts WHERE campaign_id = pg_temp.campaign('control')) n USING (cuenta)
      WHERE f.prioridad IS DISTINCT FROM n.prioridad OR f.reasons IS DISTINCT FROM n.reasons), '0');

-- the funnel
SELECT pg_temp.expect('funnel: failing, first failing, and the first failing add up to the excluded',
    (SELECT string_agg(motivo || ':' || cuentas || '/' || cuentas_primer_motivo, ' ' ORDER BY orden)
            || ' = ' || sum(cuentas_primer_motivo)
       FROM reporting.campaign_funnel WHERE campaign_id = pg_temp.campaign('marzo')),
    'cobro_juridico:2/2 saneamiento:3/2 abono_reciente:2/2 carta_reciente:1/1 saldo_bajo_umbral:6/5 '
    'mora_insuficiente:3/2 sin_direccion:3/2 caso_abierto:0/0 fuera_de_capacidad:0/0 grupo_control:0/0 = 16');
SELECT pg_temp.expect('exclusions: one row per account and reason',
    (SELECT count(*)::text FROM reporting.campaign_exclusions WHERE campaign_id = pg_temp.campaign('marzo')), '20');
-- (before any approval changes what a segmentation run now would see)
SELECT pg_temp.expect('a what-if from the stored evaluation equals a segmentation run with the same parameters',
    (SELECT count(*)::text FROM (
        SELECT w.overrides, f.* FROM (VALUES ('{}'), ('{"threshold_residencial": 500000, "min_days_past_due": 95}'),
                                            ('{"max_letters": 4}'), ('{"control_group_pct": 50}'),
                                            ('{"max_letters": 6, "control_group_pct": 34, "threshold_comercial": 0}')) w(overrides),
               LATERAL (SELECT (jsonb_populate_record(c, w.overrides::jsonb)).* FROM cartero.campaigns c
                         WHERE c.id = pg_temp.campaign('marzo')) x,
               LATERAL cartero.campaign_funnel(x::cartero.campaigns) f
        EXCEPT
        SELECT w.overrides, f.* FROM (VALUES ('{}'), ('{"threshold_residencial": 500000, "min_days_past_due": 95}'),
                                            ('{"max_letters": 4}'), ('{"control_group_pct": 50}'),
                                            ('{"max_letters": 6, "control_group_pct": 34, "threshold_comercial": 0}')) w(overrides),
               LATERAL (SELECT (jsonb_populate_record(c, w.overrides::jsonb)).* FROM cartero.campaigns c
                         WHERE c.id = pg_temp.campaign('marzo')) x,
               LATERAL cartero.funnel_lines(ARRAY(
                   SELECT ROW(cartero.reason_mask(s.reasons), s.uso, s.facturacion, count(*), sum(s.saldo_mora))::cartero.funnel_group
                     FROM cartero.segmentation(x::cartero.campaigns) s
                    GROUP BY cartero.reason_mask(s.reasons), s.uso, s.facturacion)) f) d),
    '0');

-- ---------------------------------------------------------------------------
-- who may do what

SELECT pg_temp.expect_error('a campaign never moves to another regional',
    format('UPDATE cartero.campaigns SET regional = %L WHERE id = %s', 'SUR', pg_temp.campaign('marzo')),
    '42501', 'permission denied for table campaigns');

SELECT pg_temp.act_as('aux.n');
SELECT pg_temp.expect('an auxiliar sees his regional''s campaigns',
    (SELECT count(*)::text FROM cartero.campaigns WHERE name = 'marzo'), '1');
SELECT pg_temp.expect_error('an auxiliar cannot create a campaign',
    $$INSERT INTO cartero.campaigns (regional, name, cut_date) VALUES ('NORTE', 'x', '2026-03-31')$$,
    'CA403', 'only a coordinator or an administrator may create campaigns of regional NORTE');
SELECT pg_temp.expect_error('an auxiliar cannot evaluate',
    format('SELECT cartero.evaluate_campaign(%s)', pg_temp.campaign('marzo')),
    'CA403', 'only a coordinator or an administrator may evaluate campaigns of regional NORTE');
SELECT pg_temp.expect_error('an auxiliar cannot approve',
    format('SELECT cartero.approve_campaign(%s)', pg_temp.campaign('marzo')),
    'CA403', 'only a coordinator or an administrator may approve campaigns of regional NORTE');
SELECT pg_temp.expect_error('only an admin creates database logins',
    $$SELECT cartero.create_db_login('aux.n')$$, 'CA403', 'only an administrator may create database logins');
SELECT pg_temp.expect_error('only an admin adds staff',
    $$INSERT INTO cartero.staff (login, full_name, role) VALUES ('x', 'x', 'admin')$$,
    '42501', 'new row violates row-level security policy for table "staff"');

SELECT pg_temp.act_as('coord.s');
SELECT pg_temp.expect('a coordinator of SUR sees only SUR',
    (SELECT count(*) || ' accounts, ' || (SELECT count(*) FROM cartero.campaigns) || ' campaigns, '
            || (SELECT count(*) FROM cartero.campaign_accounts) || ' evaluated, '
            || (SELECT count(*) FROM cartero.payments) || ' payments, '
            || (SELECT string_agg(login, ',') FROM cartero.staff) || ' staff'
       FROM cartero.accounts),
    '2 accounts, 0 campaigns, 0 evaluated, 1 payments, coord.s staff');
UPDATE cartero.accounts SET saldo_mora = 1 WHERE cuenta = 'R100001';
SELECT pg_temp.expect_error('a coordinator of SUR cannot evaluate NORTE''s campaign',
    format('SELECT cartero.evaluate_campaign(%s)', :marzo_id),
    'CA404', 'campaign % does not exist or belongs to another regional');
SELECT pg_temp.expect_error('nor create one',
    $$INSERT INTO cartero.campaigns (regional, name, cut_date) VALUES ('NORTE', 'x', '2026-03-31')$$,
    'CA403', 'only a coordinator or an administrator may create campaigns of regional NORTE');
SELECT pg_temp.expect_error('nor write an account there',
    $$INSERT INTO cartero.accounts (cuenta, regional, titular, municipio, uso, facturacion, saldo_mora, cobro_juridico, import_batch_id)
      VALUES ('ZZ', 'NORTE', 't', 'm', 'residencial', 'directa', 1, false, 1)$$,
    '42501', 'new row violates row-level security policy for table "accounts"');

SELECT set_config('cartero.staff_id', '', false);
SELECT pg_temp.expect('no one acting sees nothing',
    (SELECT count(*) || ' ' || (SELECT count(*) FROM cartero.regionals) || ' '
            || (SELECT count(*) FROM cartero.staff) || ' ' || cartero.current_staff_is_admin()
       FROM cartero.accounts), '0 0 0 false');
SELECT pg_temp.act_as('admin');
UPDATE cartero.staff SET active = false WHERE login = 'aux.n';
SELECT set_config('cartero.staff_id', (SELECT id::text FROM cartero.staff WHERE login = 'aux.n'), false);
SELECT pg_temp.expect('an inactive member acts as no one',
    (SELECT count(*)::text FROM cartero.accounts), '0');

SELECT pg_temp.act_as('coord.n');
SELECT pg_temp.expect('NORTE''s account was not changed by SUR',
    (SELECT saldo_mora::text FROM cartero.accounts WHERE cuenta = 'R100001'), '100000.01');

-- ---------------------------------------------------------------------------
-- an analyst's own login: the same rows through reporting, no personal data, no forging

RESET ROLE;
-- Kept from an earlier run: already an analyst's login, which create_db_login links again.
SELECT pg_temp.login_role('cartero_test_analyst', true), pg_temp.login_role('cartero_test_not_analyst', false);
SET ROLE cartero_app;
SELECT pg_temp.act_as('admin');
SELECT cartero.create_db_login('cartero_test_analyst');
INSERT INTO cartero.staff (login, full_name, role, regional) VALUES
    ('pg_read_all_data', 'Intruso', 'analista', 'NORTE'),
    ('cartero_app', 'Intruso', 'analista', 'NORTE'),
    ('cartero_test_not_analyst', 'Intruso', 'analista', 'NORTE');
SELECT pg_temp.expect_error('a database login never takes a pg_ name',
    $$SELECT cartero.create_db_login('pg_read_all_data')$$,
    'CA422', 'the database login pg_read_all_data is a name PostgreSQL or Cartero keeps for itself; give the member another login');
SELECT pg_temp.expect_error('nor a Cartero role''s',
    $$SELECT cartero.create_db_login('cartero_app')$$,
    'CA422', 'the database login cartero_app is a name PostgreSQL or Cartero keeps for itself; give the member another login');
SELECT pg_temp.expect_error('nor an existing role that is not an analyst''s login',
    $$SELECT cartero.create_db_login('cartero_test_not_analyst')$$,
    'CA403', 'the database role cartero_test_not_analyst already exists and is not an analyst''s login');
SELECT pg_temp.expect('and none of them became an analyst',
    (SELECT count(*)::text FROM pg_auth_members m
      WHERE m.roleid = 'cartero_analyst'::regrole
        AND m.member IN ('pg_read_all_data'::regrole, 'cartero_app'::regrole, 'cartero_test_not_analyst'::regrole)), '0');
RESET ROLE;
SET SESSION AUTHORIZATION cartero_test_analyst;
SELECT set_config('cartero.staff_id', (SELECT '1'), false);  -- the admin's id: forged, ignored
SELECT pg_temp.expect('an analyst is his staff member, whatever cartero.staff_id says',
    cartero.current_staff_regional() || ' ' || cartero.current_staff_is_admin(), 'NORTE false');
SELECT pg_temp.expect('an analyst sees his regional through reporting',
    (SELECT string_agg(DISTINCT regional, ',') || ' ' || count(*) FROM reporting.accounts), 'NORTE 29');
SELECT pg_temp.expect_error('an analyst cannot read documento',
    'SELECT documento FROM cartero.accounts', '42501', 'permission denied for table accounts');
SELECT pg_temp.expect_error('nor password hashes',
    'SELECT password_hash FROM cartero.staff', '42501', 'permission denied for table staff');
SELECT pg_temp.expect_error('nor resolve logins as the service does',
    $$SELECT cartero.staff_id_for_login('admin')$$, '42501', 'permission denied for function staff_id_for_login');
RESET SESSION AUTHORIZATION;

-- ---------------------------------------------------------------------------
-- approval, reservations, cancellation

SET ROLE cartero_app;
SELECT pg_temp.act_as('coord.n');
INSERT INTO cartero.campaigns (regional, name, cut_date) VALUES ('NORTE', 'stale', '2026-03-31');
SELECT cartero.evaluate_campaign(pg_temp.campaign('stale'));
SELECT pg_temp.expect('approval returns the reserved count',
    cartero.approve_campaign(pg_temp.campaign('cap5'))::text, '5');
SELECT pg_temp.expect('approval reserves the selected accounts',
    (SELECT string_agg(r.cuenta, ',' ORDER BY r.cuenta) FROM cartero.account_reservations r
      WHERE r.campaign_id = pg_temp.campaign('cap5')), 'L0131,P0228,T-C,T-D,T-E');
SELECT pg_temp.expect_error('an approved campaign is not approved again',
    format('SELECT cartero.approve_campaign(%s)', pg_temp.campaign('cap5')),
    'CA412', 'campaign % is aprobada; only a draft can be approved');
SELECT pg_temp.expect_error('nor evaluated',
    format('SELECT cartero.evaluate_campaign(%s)', pg_temp.campaign('cap5')),
    'CA412', 'campaign % is aprobada; only a draft can be evaluated');
SELECT pg_temp.expect_error('nor changed',
    format('UPDATE cartero.campaigns SET max_letters = 6 WHERE id = %s', pg_temp.campaign('cap5')),
    'CA412', 'campaign % is aprobada; only a draft can be changed');
INSERT INTO cartero.campaigns (regional, name, cut_date) VALUES ('NORTE', 'after', '2026-03-31');
SELECT cartero.evaluate_campaign(pg_temp.campaign('after'));
SELECT pg_temp.expect('a campaign evaluated after an approval sees its accounts as carta_reciente',
    (SELECT string_agg(cuenta || '=' || coalesce(prioridad::text, '') || reasons::text, ' ' ORDER BY cuenta)
       FROM cartero.campaign_accounts WHERE campaign_id = pg_temp.campaign('after') AND cuenta IN ('T-D', 'P0228', 'SMC')),
    'P0228={carta_reciente} SMC=1{} T-D={carta_reciente}');
SELECT pg_temp.expect_error('a campaign evaluated before that approval cannot be approved',
    format('SELECT cartero.approve_campaign(%s)', pg_temp.campaign('stale')),
    'CA409', '5 accounts were reserved by campaign ' || pg_temp.campaign('cap5') || ' after this one was evaluated; refresh it');
SELECT pg_temp.expect('and nothing of it was written',
    (SELECT count(*) || ' ' || (SELECT status FROM cartero.campaigns WHERE name = 'stale')
       FROM cartero.account_reservations WHERE campaign_id = pg_temp.campaign('stale')), '0 borrador');
UPDATE cartero.campaigns SET threshold_residencial = 100000.01 WHERE id = pg_temp.campaign('stale');
SELECT pg_temp.expect_error('a draft changed after its evaluation must be refreshed',
    format('SELECT cartero.approve_campaign(%s)', pg_temp.campaign('stale')),
    'CA412', 'campaign % was changed after its last evaluation; refresh it');
SELECT cartero.evaluate_campaign(pg_temp.campaign('stale'));
SELECT pg_temp.expect('refreshed, it approves what is left',
    cartero.approve_campaign(pg_temp.campaign('stale'))::text, '7');
SELECT pg_temp.expect('cancelling returns the released count',
    cartero.cancel_campaign(pg_temp.campaign('cap5'))::text, '5');
SELECT pg_temp.expect('cancelling releases the reservations',
    (SELECT status FROM cartero.campaigns WHERE name = 'cap5') || ' ' ||
    (SELECT count(*) FROM cartero.account_reservations), 'anulada 7');
SELECT pg_temp.expect_error('a cancelled campaign is not cancelled again',
    format('SELECT cartero.cancel_campaign(%s)', pg_temp.campaign('cap5')),
    'CA412', 'campaign % is anulada; only a draft or an approved campaign can be cancelled');
SELECT pg_temp.expect('who approved and cancelled is recorded',
    (SELECT (approved_by = cartero.current_staff_id() AND cancelled_by = cartero.current_staff_id())::text
       FROM cartero.campaigns WHERE name = 'cap5'), 'true');
RESET ROLE;

-- ---------------------------------------------------------------------------
-- every use class reads its own threshold: each overridden to a different amount,
-- one account exactly at it (excluded) and one a cent above (selected); regional
-- ESTE, so that NORTE's counts above stay as they are

SET ROLE cartero_app;
SELECT pg_temp.act_as('admin');
INSERT INTO cartero.regionals (code, name) VALUES ('ESTE', 'Regional Este');
INSERT INTO cartero.accounts (cuenta, regional, titular, direccion, municipio, uso, facturacion, saldo_mora,
                              fecha_mora, cobro_juridico, import_batch_id)
SELECT u.uso || (CASE WHEN above THEN '-UP' ELSE '-AT' END), 'ESTE', 't', 'Calle 1', 'Ciudad', u.uso, 'directa',
       u.threshold + CASE WHEN above THEN 0.01 ELSE 0 END, '2026-01-01', false, 1
  FROM (VALUES ('residencial', 110000), ('comercial', 120000), ('industrial', 130000),
               ('oficial', 140000), ('especial', 150000)) u(uso, threshold)
 CROSS JOIN (VALUES (false), (true)) a(above);
INSERT INTO cartero.campaigns (regional, name, cut_date, threshold_residencial, threshold_comercial,
                               threshold_industrial, threshold_oficial, threshold_especial)
VALUES ('ESTE', 'per use', '2026-03-31', 110000, 120000, 130000, 140000, 150000);
SELECT cartero.evaluate_campaign(pg_temp.campaign('per use'));
SELECT pg_temp.expect('each use class is measured against its own threshold, strictly greater',
    (SELECT string_agg(cuenta || '=' || reasons::text, ' ' ORDER BY cuenta)
       FROM cartero.campaign_accounts WHERE campaign_id = pg_temp.campaign('per use')),
    'comercial-AT={saldo_bajo_umbral} comercial-UP={} especial-AT={saldo_bajo_umbral} especial-UP={} '
    'industrial-AT={saldo_bajo_umbral} industrial-UP={} oficial-AT={saldo_bajo_umbral} oficial-UP={} '
    'residencial-AT={saldo_bajo_umbral} residencial-UP={}');

-- two campaigns of one regional with the same parameters draw different control
-- groups: the draw is seeded with the campaign, or the same customers would never
-- get a letter
INSERT INTO cartero.accounts (cuenta, regional, titular, direccion, municipio, uso, facturacion, saldo_mora,
                              fecha_mora, cobro_juridico, import_batch_id)
SELECT 'CG' || i, 'ESTE', 't', 'Calle 1', 'Ciudad', 'residencial', 'directa', 500000 + i, '2026-01-01', false, 1
  FROM generate_series(1, 40) i;
INSERT INTO cartero.campaigns (regional, name, cut_date, control_group_pct)
VALUES ('ESTE', 'draw a', '2026-03-31', 50), ('ESTE', 'draw b', '2026-03-31', 50);
SELECT cartero.evaluate_campaign(pg_temp.campaign('draw a')), cartero.evaluate_campaign(pg_temp.campaign('draw b'));
SELECT pg_temp.expect('each campaign draws a control group of its own',
    (SELECT (a.held = b.held)::text || ' ' || cardinality(a.held)
       FROM (SELECT array_agg(cuenta ORDER BY cuenta) AS held FROM cartero.campaign_accounts
              WHERE campaign_id = pg_temp.campaign('draw a') AND reasons = '{grupo_control}') a,
            (SELECT array_agg(cuenta ORDER BY cuenta) AS held FROM cartero.campaign_accounts
              WHERE campaign_id = pg_temp.campaign('draw b') AND reasons = '{grupo_control}') b),
    'false 21');

-- only a draft or an approved campaign can be cancelled, whatever the status
INSERT INTO cartero.campaigns (regional, name, cut_date)
SELECT 'ESTE', 'status ' || s, '2026-03-31'
  FROM unnest(ARRAY['borrador', 'aprobada', 'generada', 'despachada', 'cerrada', 'anulada']) s;
RESET ROLE;
UPDATE cartero.campaigns SET status = substr(name, 8) WHERE name LIKE 'status %';
SET ROLE cartero_app;
SELECT pg_temp.act_as('admin');
CREATE FUNCTION pg_temp.cancel_outcome(p_id bigint) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cartero.cancel_campaign(p_id);
    RETURN 'cancelled';
EXCEPTION WHEN SQLSTATE 'CA412' THEN
    RETURN 'refused';
END $$;
SELECT pg_temp.expect('cancel: borrador and aprobada only',
    (SELECT string_agg(substr(name, 8) || '=' || pg_temp.cancel_outcome(id), ' ' ORDER BY id)
       FROM cartero.campaigns WHERE name LIKE 'status %'),
    'borrador=cancelled aprobada=cancelled generada=refused despachada=refused cerrada=refused anulada=refused');

-- an account that moves to another regional takes its payments along and loses the
-- reservation of its old regional's campaign, whose approval would otherwise block
-- every campaign of the new regional
INSERT INTO cartero.campaigns (regional, name, cut_date)
VALUES ('ESTE', 'holds CG1', '2026-03-31'), ('ESTE', 'evaluated before a move', '2026-03-31');
SELECT cartero.evaluate_campaign(pg_temp.campaign('evaluated before a move'));
SELECT cartero.evaluate_campaign(pg_temp.campaign('holds CG1')), cartero.approve_campaign(pg_temp.campaign('holds CG1'));
INSERT INTO cartero.payments (cuenta, regional, fecha, valor, import_batch_id) VALUES ('CG1', 'ESTE', '2025-01-01', 5, 1);
SELECT pg_temp.expect('moving releases the old regional''s reservation',
    cartero.move_account_copies(ARRAY['CG1'], ARRAY['SUR'])::text, '1');
UPDATE cartero.accounts SET regional = 'SUR' WHERE cuenta = 'CG1';
SELECT pg_temp.expect('and its copies follow it',
    (SELECT string_agg(regional, ',') FROM cartero.payments WHERE cuenta = 'CG1')
    || ' ' || (SELECT count(*) FROM cartero.account_reservations WHERE cuenta = 'CG1'), 'SUR 0');
INSERT INTO cartero.campaigns (regional, name, cut_date) VALUES ('SUR', 'takes CG1', '2026-03-31');
SELECT cartero.evaluate_campaign(pg_temp.campaign('takes CG1'));
SELECT pg_temp.expect('the new regional''s campaign selects and approves it',
    (SELECT prioridad IS NOT NULL FROM cartero.campaign_accounts
      WHERE campaign_id = pg_temp.campaign('takes CG1') AND cuenta = 'CG1')::text
    || ' ' || (cartero.approve_campaign(pg_temp.campaign('takes CG1')) > 0)::text, 'true true');
SELECT cartero.move_account_copies(ARRAY['CG2'], ARRAY['SUR']);
UPDATE cartero.accounts SET regional = 'SUR' WHERE cuenta = 'CG2';
SELECT pg_temp.expect_error('a campaign evaluated before a move does not reserve the moved account',
    format('SELECT cartero.approve_campaign(%s)', pg_temp.campaign('evaluated before a move')),
    'CA409', '2 accounts moved to another regional after this campaign was evaluated; refresh it');
RESET ROLE;

-- ---------------------------------------------------------------------------
-- letters (RULES.md section 2): numbered in rank order without gaps per regional and
-- year, once; dispatched on a date, after which they, not the reservations, exclude

SET ROLE cartero_app;
SELECT pg_temp.act_as('coord.n');
SELECT pg_temp.expect_error('a draft has no letters to generate',
    format('SELECT cartero.generate_letters(%s)', pg_temp.campaign('after')),
    'CA412', 'campaign % is borrador; only an approved campaign''s letters can be generated');
SELECT pg_temp.expect('generating numbers every reserved account',
    cartero.generate_letters(pg_temp.campaign('stale'))::text, '7');
SELECT pg_temp.expect('in rank order, from 1, without gaps, REGIONAL-YYYY-NNNNNN',
    (SELECT string_agg(l.consecutivo || '=' || l.prioridad, ' ' ORDER BY l.numero) FROM cartero.letters l
      WHERE l.campaign_id = pg_temp.campaign('stale')),
    (SELECT string_agg('NORTE-' || extract(year FROM current_date) || '-' || lpad(k::text, 6, '0') || '=' || k, ' ' ORDER BY k)
       FROM generate_series(1, 7) k));
SELECT pg_temp.expect('as mailed: the account''s address and the balance at the cut',
    (SELECT l.titular || '|' || l.direccion || '|' || l.saldo_mora || '|' || l.dias_mora FROM cartero.letters l
      WHERE l.campaign_id = pg_temp.campaign('stale') AND l.numero = 1),
    (SELECT a.titular || '|' || a.direccion || '|' || ca.saldo_mora || '|' || ca.dias_mora
       FROM cartero.campaign_accounts ca JOIN cartero.accounts a USING (cuenta)
      WHERE ca.campaign_id = pg_temp.campaign('stale') AND ca.prioridad = 1));
SELECT pg_temp.expect('generating again changes nothing',
    cartero.generate_letters(pg_temp.campaign('stale'))::text || ' '
    || (SELECT ultimo FROM cartero.letter_counters WHERE regional = 'NORTE') || ' '
    || (SELECT status FROM cartero.campaigns WHERE id = pg_temp.campaign('stale')), '7 7 generada');
SELECT pg_temp.expect_error('letters cannot be dispatched before they were generated',
    format('SELECT cartero.dispatch_letters(%s, current_date - 1)', pg_temp.campaign('stale')),
    'CA422', 'the dispatch date % must be from the day the letters were generated (%) to today');
SELECT pg_temp.expect_error('nor on a day still to come',
    format('SELECT cartero.dispatch_letters(%s, current_date + 1)', pg_temp.campaign('stale')),
    'CA422', 'the dispatch date % must be from the day the letters were generated (%) to today');
SELECT pg_temp.expect_error('a generated campaign is not cancelled: its consecutivos are used',
    format('SELECT cartero.cancel_campaign(%s)', pg_temp.campaign('stale')),
    'CA412', 'campaign % is generada; only a draft or an approved campaign can be cancelled');
SELECT pg_temp.expect('dispatching returns the letters dispatched',
    cartero.dispatch_letters(pg_temp.campaign('stale'), current_date)::text, '7');
SELECT pg_temp.expect('it marks them with the date and releases the reservations',
    (SELECT count(*) FROM cartero.account_reservations WHERE campaign_id = pg_temp.campaign('stale')) || ' '
    || (SELECT string_agg(DISTINCT l.status || ':' || (l.dispatched_on = current_date), ',') FROM cartero.letters l
         WHERE l.campaign_id = pg_temp.campaign('stale')) || ' '
    || (SELECT status FROM cartero.campaigns WHERE id = pg_temp.campaign('stale')), '0 despachada:true despachada');
INSERT INTO cartero.campaigns (regional, name, cut_date) VALUES ('NORTE', 'after dispatch', current_date);
SELECT cartero.evaluate_campaign(pg_temp.campaign('after dispatch'));
SELECT pg_temp.expect('a dispatched letter is a recent letter for the next campaign',
    (SELECT count(*) FILTER (WHERE ca.reasons @> '{carta_reciente}') || '/' || count(*)
       FROM cartero.campaign_accounts ca
      WHERE ca.campaign_id = pg_temp.campaign('after dispatch')
        AND ca.cuenta IN (SELECT cuenta FROM cartero.letters WHERE campaign_id = pg_temp.campaign('stale'))), '7/7');
SELECT pg_temp.act_as('admin');
SELECT cartero.generate_letters(pg_temp.campaign('takes CG1'));
SELECT pg_temp.expect('another regional counts from its own 1',
    (SELECT min(consecutivo) || ' ' || count(*) FROM cartero.letters WHERE campaign_id = pg_temp.campaign('takes CG1')),
    'SUR-' || extract(year FROM current_date) || '-000001 '
    || (SELECT count(*) FROM cartero.account_reservations WHERE campaign_id = pg_temp.campaign('takes CG1')));
SELECT pg_temp.campaign('stale') AS stale_id \gset
SELECT pg_temp.act_as('coord.s');
SELECT pg_temp.expect('a regional sees only its letters and counters',
    (SELECT count(DISTINCT regional) || ' ' || min(regional) FROM cartero.letters) || ' '
    || (SELECT string_agg(regional, ',') FROM cartero.letter_counters), '1 SUR SUR');
SELECT pg_temp.expect_error('and cannot generate another''s',
    format('SELECT cartero.generate_letters(%s)', :stale_id),
    'CA404', 'campaign % does not exist or belongs to another regional');
RESET ROLE;

-- ---------------------------------------------------------------------------
-- the stored funnel (campaign_tallies, recomputed from masks by campaign_funnel) agrees
-- with the reasons the segmentation wrote, for every campaign above: capacity, control
-- group, overrides, moved accounts

SELECT pg_temp.expect('every stored funnel agrees with its campaign''s reasons',
    (SELECT count(*)::text FROM (
        SELECT t.campaign_id, t.clave, t.cuentas, t.cuentas_primer_motivo, t.saldo_mora, t.saldo_mora_primer_motivo
          FROM cartero.campaign_tallies t WHERE t.dimension = 'motivo'
        EXCEPT
        SELECT c.id, m.motivo, count(u.motivo), count(u.motivo) FILTER (WHERE u.n = 1),
               coalesce(sum(ca.saldo_mora) FILTER (WHERE u.motivo IS NOT NULL), 0),
               coalesce(sum(ca.saldo_mora) FILTER (WHERE u.n = 1), 0)
          FROM cartero.campaigns c
         CROSS JOIN unnest(ARRAY['cobro_juridico', 'saneamiento', 'abono_reciente', 'carta_reciente', 'saldo_bajo_umbral',
                                 'mora_insuficiente', 'sin_direccion', 'caso_abierto', 'fuera_de_capacidad', 'grupo_control']) m(motivo)
          LEFT JOIN cartero.campaign_accounts ca ON ca.campaign_id = c.id
          LEFT JOIN LATERAL unnest(ca.reasons) WITH ORDINALITY AS u(motivo, n) ON u.motivo = m.motivo
         WHERE c.evaluated_at IS NOT NULL
         GROUP BY c.id, m.motivo) d),
    '0');
SELECT pg_temp.expect('and its counts agree with its rows',
    (SELECT count(*)::text FROM cartero.campaigns c
      WHERE c.evaluated_at IS NOT NULL
        AND c.evaluated_count || '/' || c.selected_count IS DISTINCT FROM
            (SELECT count(*) || '/' || count(*) FILTER (WHERE ca.prioridad IS NOT NULL)
               FROM cartero.campaign_accounts ca WHERE ca.campaign_id = c.id)),
    '0');
SELECT pg_temp.expect('the funnel is checked on campaigns with capacity and a control group',
    (SELECT string_agg(clave || ':' || cuentas, ' ' ORDER BY clave) FROM cartero.campaign_tallies
      WHERE campaign_id = pg_temp.campaign('control') AND clave IN ('fuera_de_capacidad', 'grupo_control', 'seleccionadas')),
    'fuera_de_capacidad:3 grupo_control:3 seleccionadas:7');
\echo all checks passed
