-- Tests of the analysts' views of 0020 on a crafted set, each figure computed by hand
-- here: the portfolio's bands, the letters and their returns, the cases' backlog and the
-- field agents' output, and a campaign's effect against its control group with its 95%
-- confidence interval. Read as an analyst's own login (cartero_test_reporter, kept if it
-- exists): his regional only, no base column beyond the views', no write, no forging.
-- Run with psql, as a superuser, on a freshly migrated, otherwise empty database:
--     psql -v ON_ERROR_STOP=1 -f sql/tests/reporting_test.sql "$DATABASE_URL"
\set ON_ERROR_STOP 1
\o /dev/null
SET client_min_messages = notice;
\ir helpers.sql

INSERT INTO cartero.regionals (code, name) VALUES ('NORTE', 'Norte'), ('SUR', 'Sur');
INSERT INTO cartero.staff (login, full_name, role, regional) VALUES
    ('t1', 'T1', 'auxiliar_terreno', 'NORTE'), ('f1', 'F1', 'facturacion', 'NORTE'),
    ('ts', 'TS', 'auxiliar_terreno', 'SUR'), ('cartero_test_reporter', 'Analista', 'analista', 'NORTE'),
    ('cartero_test_reporter_all', 'Analista general', 'analista', NULL);
INSERT INTO cartero.import_batches (kind, file_name, sha256, imported_by) VALUES ('accounts', 'a.csv', repeat('a', 64), 1);

-- The portfolio: one account per band, one of another use class, one of SUR.
INSERT INTO cartero.accounts (cuenta, regional, titular, documento, direccion, municipio, uso, estrato, facturacion,
                              saldo_mora, fecha_mora, cobro_juridico, import_batch_id)
VALUES ('N-A', 'NORTE', 'A', '11', 'Calle 1', 'Cali', 'residencial', 2, 'directa', 100, current_date - 30, false, 1),
       ('N-B', 'NORTE', 'B', '12', 'Calle 2', 'Cali', 'residencial', 2, 'directa', 200, current_date - 75, false, 1),
       ('N-C', 'NORTE', 'C', '13', 'Calle 3', 'Cali', 'residencial', 2, 'directa', 300, current_date - 200, false, 1),
       ('N-D', 'NORTE', 'D', '14', 'Calle 4', 'Cali', 'comercial', NULL, 'directa', 400, current_date - 400, false, 1),
       ('N-E', 'NORTE', 'E', '15', 'Calle 5', 'Cali', 'residencial', 2, 'directa', 0, NULL, false, 1),
       ('N-F', 'NORTE', 'F', '16', 'Calle 6', 'Cali', 'residencial', 2, 'directa', 50, current_date - 60, false, 1),
       ('S-A', 'SUR', 'S', '21', 'Calle 9', 'Pasto', 'residencial', 2, 'directa', 999, current_date - 75, false, 1);

-- Campaign 1 of NORTE, cut 2026-01-31, dispatched 2026-02-10: ten letters to M1…M10 and
-- a control group of K1…K4, every balance 1000. Campaign 2 of SUR: one letter.
INSERT INTO cartero.campaigns (regional, name, cut_date, created_by, status) VALUES
    ('NORTE', 'enero', '2026-01-31', 1, 'despachada'), ('SUR', 'sur', '2026-01-31', 1, 'despachada');
INSERT INTO cartero.letters (campaign_id, regional, cuenta, consecutivo, anio, numero, prioridad, titular, direccion,
                             barrio, municipio, ruta, saldo_mora, dias_mora, generated_by, status, dispatched_on, dispatched_by)
SELECT 1, 'NORTE', 'M' || n, 'NORTE-2026-' || lpad(n::text, 6, '0'), 2026, n, n, 'T', 'Calle', '', 'Cali', '', 1000, 90, 1,
       'despachada', DATE '2026-02-10', 1
  FROM generate_series(1, 10) n
UNION ALL
SELECT 2, 'SUR', 'SM1', 'SUR-2026-000001', 2026, 1, 1, 'T', 'Calle', '', 'Pasto', '', 1000, 90, 1, 'despachada', '2026-02-10', 1;
SELECT cartero.campaign_partition(1);
INSERT INTO cartero.campaign_accounts (campaign_id, prioridad, dias_mora, cuenta, regional, saldo_mora, uso, facturacion, reasons, rule_mask)
SELECT 1, NULL::integer, 90, 'K' || n, 'NORTE', 1000, 'residencial', 'directa', ARRAY['grupo_control'], 0 FROM generate_series(1, 4) n
UNION ALL
SELECT 1, NULL, 90, 'X1', 'NORTE', 1000, 'residencial', 'directa', ARRAY['grupo_control', 'caso_abierto'], 128;

-- What came back: six delivered, M7 and M8 returned with DIR_INEXISTENTE, M9 with LOTE
-- (then registered by the office as DEMOLIDO), M10 only registered by the office (REHUSADO).
INSERT INTO cartero.import_batches (kind, file_name, sha256, imported_by) VALUES ('courier_results', 'r.csv', repeat('b', 64), 1);
INSERT INTO cartero.courier_results (letter_id, consecutivo, regional, guia, estado, fecha, causal, import_batch_id)
SELECT id, consecutivo, regional, 'G' || numero,
       CASE WHEN numero <= 6 OR regional = 'SUR' THEN 'ENTREGADA' ELSE 'DEVUELTA' END, '2026-02-15',
       CASE WHEN regional = 'SUR' OR numero <= 6 THEN NULL WHEN numero IN (7, 8) THEN 'DIR_INEXISTENTE' ELSE 'LOTE' END, 2
  FROM cartero.letters WHERE numero <= 9;
INSERT INTO cartero.return_registrations (letter_id, consecutivo, regional, causal, registered_by)
SELECT id, consecutivo, regional, CASE numero WHEN 9 THEN 'DEMOLIDO' ELSE 'REHUSADO' END, 1
  FROM cartero.letters WHERE regional = 'NORTE' AND numero IN (9, 10);

-- Payments after the dispatch (day 0 = 2026-02-10): M1 500 on day 10, M2 1000 on day 45,
-- M3 200 on day 80, M4 on day 0 (not after), M5 on day 95 (outside); K1 300 on day 20,
-- K2 100 on day 70; X1 (not only control) 999 on day 5.
INSERT INTO cartero.import_batches (kind, file_name, sha256, imported_by) VALUES ('payments', 'p.csv', repeat('c', 64), 1);
INSERT INTO cartero.payments (cuenta, regional, fecha, valor, import_batch_id)
SELECT c, 'NORTE', DATE '2026-02-10' + d, v, 3
  FROM (VALUES ('M1', 10, 500), ('M2', 45, 1000), ('M3', 80, 200), ('M4', 0, 700), ('M5', 95, 800),
               ('K1', 20, 300), ('K2', 70, 100), ('X1', 5, 999)) p(c, d, v);

-- Cases: M7's with t1 opened 3 days ago, M8's unassigned 20 days ago; resolved: M9's by
-- f1 in 4 days, M1's and M2's by t1 in 2.5 and 1.5 days, the same week; one of SUR.
INSERT INTO cartero.cases (letter_id, consecutivo, cuenta, regional, causal, destino, zona, estado, assigned_to, opened_by,
                           opened_at, outcome, resolved_by, resolved_at)
SELECT l.id, l.consecutivo, l.cuenta, l.regional, v.causal, v.destino, '', v.estado, cartero.staff_id_for_login(v.quien), 1,
       v.abierto, v.resultado, cartero.staff_id_for_login(v.resolvio), v.resuelto
  FROM (VALUES ('NORTE-2026-000007', 'DIR_INEXISTENTE', 'terreno', 'asignado', 't1', now() - interval '3 days', NULL, NULL, NULL::timestamptz),
               ('NORTE-2026-000008', 'DIR_INEXISTENTE', 'terreno', 'abierto', NULL, now() - interval '20 days', NULL, NULL, NULL),
               ('NORTE-2026-000009', 'LOTE', 'facturacion', 'resuelto', 'f1', timestamptz '2026-02-16 08:00', 'depurada', 'f1', timestamptz '2026-02-20 08:00'),
               ('NORTE-2026-000001', 'DIR_INEXISTENTE', 'terreno', 'resuelto', 't1', timestamptz '2026-02-16 00:00', 'direccion_correcta', 't1', timestamptz '2026-02-18 12:00'),
               ('NORTE-2026-000002', 'DIR_INEXISTENTE', 'terreno', 'resuelto', 't1', timestamptz '2026-02-16 00:00', 'direccion_correcta', 't1', timestamptz '2026-02-17 12:00'),
               ('SUR-2026-000001', 'DIR_INEXISTENTE', 'terreno', 'asignado', 'ts', now() - interval '40 days', NULL, NULL, NULL))
       AS v(consecutivo, causal, destino, estado, quien, abierto, resultado, resolvio, resuelto)
  JOIN cartero.letters l ON l.consecutivo = v.consecutivo;

-- The analysts' own logins: one of NORTE, one of every regional.
SELECT pg_temp.login_role('cartero_test_reporter', true), pg_temp.login_role('cartero_test_reporter_all', true);
SET ROLE cartero_app;
SELECT pg_temp.act_as('admin');
SELECT cartero.create_db_login('cartero_test_reporter'), cartero.create_db_login('cartero_test_reporter_all');
RESET ROLE;

SET SESSION AUTHORIZATION cartero_test_reporter;
SELECT set_config('cartero.staff_id', '1', false);  -- the admin's id: forged, ignored

SELECT pg_temp.expect('portfolio: accounts and balance by band, NORTE only',
    (SELECT string_agg(concat_ws('/', regional, uso, estrato, facturacion, franja_mora, cuentas, saldo_mora), ' '
                       ORDER BY uso, franja_mora) FROM reporting.portfolio),
    'NORTE/comercial/directa/mas_de_360/1/400.00 NORTE/residencial/2/directa/1-60/2/150.00 '
    || 'NORTE/residencial/2/directa/181-360/1/300.00 NORTE/residencial/2/directa/61-90/1/200.00 '
    || 'NORTE/residencial/2/directa/al_dia/1/0.00');

SELECT pg_temp.expect('campaign_letters: every letter of NORTE with its result and cause',
    (SELECT string_agg(concat_ws(':', right(consecutivo, 2), coalesce(resultado, '-'), coalesce(causal, '-'),
                                 (registrada_en_oficina IS NOT NULL)::text), ' ' ORDER BY consecutivo)
       FROM reporting.campaign_letters),
    '01:ENTREGADA:-:false 02:ENTREGADA:-:false 03:ENTREGADA:-:false 04:ENTREGADA:-:false 05:ENTREGADA:-:false '
    || '06:ENTREGADA:-:false 07:DEVUELTA:DIR_INEXISTENTE:false 08:DEVUELTA:DIR_INEXISTENTE:false '
    || '09:DEVUELTA:DEMOLIDO:true 10:DEVUELTA:REHUSADO:true');
SELECT pg_temp.expect('with the cut, the balance and the dispatch',
    (SELECT DISTINCT concat_ws(' ', campaign_id, fecha_corte, saldo_mora, dias_mora, fecha_despacho, entrega_en_mano::text)
       FROM reporting.campaign_letters), '1 2026-01-31 1000.00 90 2026-02-10 false');

SELECT pg_temp.expect('returns_by_cause: letters and share of the campaign''s ten',
    (SELECT string_agg(concat_ws(':', campaign_id, causal, cartas, proporcion), ' ' ORDER BY causal) FROM reporting.returns_by_cause),
    '1:DEMOLIDO:1:0.1000 1:DIR_INEXISTENTE:2:0.2000 1:REHUSADO:1:0.1000');

SELECT pg_temp.expect('case_backlog: open cases by assignee and age, the unassigned too',
    (SELECT string_agg(concat_ws(':', destino, coalesce(responsable, '-'), franja_edad, casos), ' ' ORDER BY franja_edad)
       FROM reporting.case_backlog), 'terreno:t1:0-7:1 terreno:-:16-30:1');

SELECT pg_temp.expect('field_productivity: per member, week and outcome, the median days',
    (SELECT string_agg(concat_ws(':', responsable, semana, resultado, casos, mediana_dias), ' ' ORDER BY responsable)
       FROM reporting.field_productivity),
    'f1:2026-02-16:depurada:1:4.0 t1:2026-02-16:direccion_correcta:2:2.0');

SELECT pg_temp.expect('campaign_effectiveness: mailed against control at 30, 60 and 90 days',
    (SELECT string_agg(concat_ws(' ', dias, cuentas_con_carta, pagaron_con_carta, tasa_con_carta, pagado_con_carta,
                                 recuperacion_con_carta, cuentas_control, pagaron_control, tasa_control, pagado_control,
                                 recuperacion_control), ' | ' ORDER BY dias)
       FROM reporting.campaign_effectiveness),
    '30 10 1 0.1000 500.00 0.0500 4 1 0.2500 300.00 0.0750 | 60 10 2 0.2000 1500.00 0.1500 4 1 0.2500 300.00 0.0750 | '
    || '90 10 3 0.3000 1700.00 0.1700 4 2 0.5000 400.00 0.1000');
SELECT pg_temp.expect('the difference and its 95% confidence interval',
    (SELECT string_agg(concat_ws(' ', dias, diferencia, ic95_desde, ic95_hasta), ' | ' ORDER BY dias)
       FROM reporting.campaign_effectiveness),
    '30 -0.1500 -0.6133 0.3133 | 60 -0.0500 -0.5415 0.4415 | 90 -0.2000 -0.7664 0.3664');

SELECT pg_temp.expect('no view shows SUR to a NORTE analyst, whatever cartero.staff_id says',
    ((SELECT count(*) FROM reporting.campaign_letters WHERE regional = 'SUR')
     + (SELECT count(*) FROM reporting.case_backlog WHERE regional = 'SUR')
     + (SELECT count(*) FROM reporting.portfolio WHERE regional = 'SUR')
     + (SELECT count(*) FROM reporting.field_productivity WHERE regional = 'SUR')
     + (SELECT count(*) FROM reporting.returns_by_cause WHERE regional = 'SUR')
     + (SELECT count(*) FROM reporting.campaign_effectiveness WHERE regional = 'SUR'))::text, '0');
SELECT pg_temp.expect_error('the base tables'' other columns stay closed: a case''s note',
    'SELECT nota FROM cartero.cases', '42501', 'permission denied for table cases');
SELECT pg_temp.expect_error('a letter''s holder and address',
    'SELECT titular, direccion FROM cartero.letters', '42501', 'permission denied for table letters');
SELECT pg_temp.expect_error('the holder''s id number',
    'SELECT documento FROM cartero.accounts', '42501', 'permission denied for table accounts');
SELECT pg_temp.expect_error('and an analyst writes nothing',
    $$UPDATE cartero.cases SET estado = 'resuelto'$$, '42501', 'permission denied for table cases');
RESET SESSION AUTHORIZATION;

-- An analyst without a regional reads every regional's rows (0021), and writes nothing either.
SET SESSION AUTHORIZATION cartero_test_reporter_all;
SELECT pg_temp.expect('an analyst of every regional sees NORTE''s and SUR''s letters, cases and accounts',
    (SELECT string_agg(regional || ':' || n, ' ' ORDER BY regional) FROM
       (SELECT regional, count(*) AS n FROM reporting.campaign_letters GROUP BY regional) x) || ' / '
    || (SELECT string_agg(DISTINCT regional, ',') FROM reporting.case_backlog) || ' / '
    || (SELECT string_agg(DISTINCT regional, ',') FROM reporting.portfolio), 'NORTE:10 SUR:1 / NORTE,SUR / NORTE,SUR');
SELECT pg_temp.expect_error('and he too writes nothing', $$UPDATE cartero.cases SET estado = 'resuelto'$$, '42501', 'permission denied for table cases');
RESET SESSION AUTHORIZATION;
-- Through the service, acting as him, his rule does not apply: the policy is for analysts' own logins.
SET ROLE cartero_app;
SELECT pg_temp.act_as('cartero_test_reporter_all');
SELECT pg_temp.expect('through the service he reads nothing', (SELECT count(*) FROM cartero.letters)::text, '0');
RESET ROLE;
\echo reporting checks passed
