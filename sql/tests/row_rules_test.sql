-- Row rules per actor and role, for every table: what each member sees, and what each
-- may write, acting as the service does (SET ROLE cartero_app + cartero.staff_id).
-- Run with psql, as a superuser, on a freshly migrated, otherwise empty database:
--     psql -v ON_ERROR_STOP=1 -f sql/tests/row_rules_test.sql "$DATABASE_URL"
-- Every write is tried in a subtransaction that is always rolled back, and reported as
-- ok (it wrote), none (allowed, but row-level security left it no row) or the SQLSTATE
-- that refused it. A new table gets a line in both lists.
\set ON_ERROR_STOP 1
\o /dev/null
SET client_min_messages = notice;
\ir helpers.sql

-- ---------------------------------------------------------------------------
-- two regionals, a member of every role in NORTE, a coordinator in SUR; in each
-- regional an account with a payment, a letter, a mark and an address change, and an
-- approved campaign holding reservations

SET ROLE cartero_app;
SELECT pg_temp.act_as('admin');
INSERT INTO cartero.regionals (code, name) VALUES ('NORTE', 'Norte'), ('SUR', 'Sur');
INSERT INTO cartero.staff (login, full_name, role, regional) VALUES
    ('coordinador', 'C', 'coordinador', 'NORTE'), ('auxiliar_oficina', 'O', 'auxiliar_oficina', 'NORTE'),
    ('auxiliar_terreno', 'T', 'auxiliar_terreno', 'NORTE'), ('facturacion', 'F', 'facturacion', 'NORTE'),
    ('analista', 'A', 'analista', 'NORTE'), ('coordinador_sur', 'S', 'coordinador', 'SUR');
INSERT INTO cartero.import_batches (kind, file_name, sha256) VALUES ('accounts', 'a.csv', repeat('a', 64));
INSERT INTO cartero.accounts (cuenta, regional, titular, documento, direccion, municipio, uso, facturacion,
                              saldo_mora, fecha_mora, cobro_juridico, import_batch_id)
SELECT c, r, 'T ' || c, '900', 'Calle 1', 'Cali', 'residencial', 'directa', 500000, '2026-01-01', false, 1
  FROM (VALUES ('N1', 'NORTE'), ('N2', 'NORTE'), ('S1', 'SUR')) v(c, r);
INSERT INTO cartero.payments (cuenta, regional, fecha, valor, import_batch_id)
VALUES ('N2', 'NORTE', '2025-01-01', 10, 1), ('S1', 'SUR', '2025-01-01', 10, 1);
INSERT INTO cartero.letter_history (cuenta, regional, fecha_envio, import_batch_id)
VALUES ('N2', 'NORTE', '2025-01-01', 1), ('S1', 'SUR', '2025-01-01', 1);
INSERT INTO cartero.account_cleanup_marks (cuenta, regional, mark) VALUES ('N2', 'NORTE', 'lote'), ('S1', 'SUR', 'lote');
INSERT INTO cartero.account_address_changes (cuenta, regional, old_direccion, old_barrio, new_direccion, new_barrio)
VALUES ('N2', 'NORTE', 'a', 'b', 'c', 'd'), ('S1', 'SUR', 'a', 'b', 'c', 'd');
UPDATE cartero.account_cleanup_marks SET cleared_by = cartero.current_staff_id(), cleared_at = now() WHERE cuenta = 'S1';
INSERT INTO cartero.campaigns (regional, name, cut_date) VALUES ('NORTE', 'n', '2026-06-30'), ('SUR', 's', '2026-06-30');
SELECT cartero.evaluate_campaign(id), cartero.approve_campaign(id) FROM cartero.campaigns;
SELECT cartero.generate_letters(id) FROM cartero.campaigns;
-- and a later campaign per regional whose letter (to N3, S3) came back: a result, a
-- registered return with its scan, a terreno case
INSERT INTO cartero.accounts (cuenta, regional, titular, direccion, municipio, uso, facturacion,
                              saldo_mora, fecha_mora, cobro_juridico, import_batch_id)
SELECT c, r, 'T ' || c, 'Calle 3', 'Cali', 'residencial', 'directa', 500000, '2026-01-01', false, 1
  FROM (VALUES ('N3', 'NORTE'), ('S3', 'SUR')) v(c, r);
INSERT INTO cartero.campaigns (regional, name, cut_date) VALUES ('NORTE', 'n3', '2026-06-30'), ('SUR', 's3', '2026-06-30');
SELECT cartero.evaluate_campaign(id), cartero.approve_campaign(id), cartero.generate_letters(id),
       cartero.dispatch_letters(id, current_date)
  FROM cartero.campaigns WHERE name IN ('n3', 's3');
SELECT cartero.record_courier_results('r.csv', repeat('c', 64), 2,
           array_agg(ROW(consecutivo, 'G-' || cuenta, 'DEVUELTA', current_date, 'DIR_INEXISTENTE', '')::cartero.courier_result))
  FROM cartero.letters WHERE cuenta IN ('N3', 'S3');
SELECT cartero.add_return_scan((cartero.register_return(consecutivo, 'DIR_INEXISTENTE', '')).registration_id,
                               'devuelta.pdf', '\x255044462d312e34'::bytea)
  FROM cartero.letters WHERE cuenta IN ('N3', 'S3');

-- ---------------------------------------------------------------------------
-- what each member sees

CREATE FUNCTION pg_temp.visible() RETURNS text
LANGUAGE sql AS $$
    SELECT concat_ws(' ',
        'regionals:' || (SELECT count(*) FROM cartero.regionals),
        'staff:' || (SELECT count(*) FROM cartero.staff),
        'batches:' || (SELECT count(*) FROM cartero.import_batches),
        'accounts:' || (SELECT count(*) FROM cartero.accounts),
        'payments:' || (SELECT count(*) FROM cartero.payments),
        'letters:' || (SELECT count(*) FROM cartero.letter_history),
        'marks:' || (SELECT count(*) FROM cartero.account_cleanup_marks),
        'addresses:' || (SELECT count(*) FROM cartero.account_address_changes),
        'campaigns:' || (SELECT count(*) FROM cartero.campaigns),
        'evaluated:' || (SELECT count(*) FROM cartero.campaign_accounts),
        'reserved:' || (SELECT count(*) FROM cartero.account_reservations),
        'letters:' || (SELECT count(*) FROM cartero.letters),
        'counters:' || (SELECT count(*) FROM cartero.letter_counters),
        'settings:' || (SELECT count(*) FROM cartero.letter_settings),
        'causes:' || (SELECT count(*) FROM cartero.return_causes),
        'results:' || (SELECT count(*) FROM cartero.courier_results),
        'returns:' || (SELECT count(*) FROM cartero.return_registrations),
        'scans:' || (SELECT count(*) FROM cartero.return_scans),
        'cases:' || (SELECT count(*) FROM cartero.cases),
        'photos:' || (SELECT count(*) FROM cartero.case_photos),
        'migrations:' || (SELECT sign(count(*)) FROM cartero.schema_migrations))
$$;

SELECT pg_temp.expect('an admin sees every regional',
    pg_temp.visible(), 'regionals:2 staff:7 batches:2 accounts:5 payments:2 letters:2 marks:2 addresses:2 campaigns:4 evaluated:8 reserved:2 letters:4 counters:2 settings:2 causes:10 results:2 returns:2 scans:2 cases:2 photos:0 migrations:1');
SELECT pg_temp.act_as(login), pg_temp.expect(login || ' sees NORTE and its own regional''s staff only',
    pg_temp.visible(), 'regionals:2 staff:5 batches:2 accounts:3 payments:1 letters:1 marks:1 addresses:1 campaigns:2 evaluated:5 reserved:1 letters:2 counters:1 settings:1 causes:10 results:1 returns:1 scans:1 cases:1 photos:0 migrations:1')
  FROM unnest(ARRAY['coordinador', 'auxiliar_oficina', 'analista']) login;
-- NORTE's case (N3's returned letter) was assigned to its only field agent when it opened.
SELECT pg_temp.act_as('auxiliar_terreno');
SELECT pg_temp.expect('a field agent sees his case, its letter and account, and no campaign',
    pg_temp.visible(), 'regionals:2 staff:5 batches:2 accounts:1 payments:0 letters:0 marks:0 addresses:0 campaigns:0 evaluated:0 reserved:0 letters:1 counters:0 settings:1 causes:10 results:1 returns:1 scans:1 cases:1 photos:0 migrations:1');
SELECT pg_temp.act_as('facturacion');
SELECT pg_temp.expect('a billing member with no case sees no account, letter or case',
    pg_temp.visible(), 'regionals:2 staff:5 batches:2 accounts:0 payments:0 letters:0 marks:0 addresses:0 campaigns:0 evaluated:0 reserved:0 letters:0 counters:0 settings:1 causes:10 results:0 returns:0 scans:0 cases:0 photos:0 migrations:1');
SELECT pg_temp.act_as('coordinador_sur');
SELECT pg_temp.expect('the coordinator of SUR sees SUR only',
    pg_temp.visible(), 'regionals:2 staff:1 batches:2 accounts:2 payments:1 letters:1 marks:1 addresses:1 campaigns:2 evaluated:3 reserved:1 letters:2 counters:1 settings:1 causes:10 results:1 returns:1 scans:1 cases:1 photos:0 migrations:1');
SELECT set_config('cartero.staff_id', '', false);
SELECT pg_temp.expect('no one acting sees no row but the migrations',
    pg_temp.visible(), 'regionals:0 staff:0 batches:0 accounts:0 payments:0 letters:0 marks:0 addresses:0 campaigns:0 evaluated:0 reserved:0 letters:0 counters:0 settings:0 causes:0 results:0 returns:0 scans:0 cases:0 photos:0 migrations:1');

-- ---------------------------------------------------------------------------
-- what each member may write

CREATE FUNCTION pg_temp.writes() RETURNS text
LANGUAGE sql AS $$
    SELECT string_agg(w.label || '=' || pg_temp.try(w.statement), ' ' ORDER BY w.n)
      FROM (VALUES
        (1, 'regional+', $q$INSERT INTO cartero.regionals (code, name) VALUES ('ESTE', 'Este')$q$),
        (2, 'staff+', $q$INSERT INTO cartero.staff (login, full_name, role, regional) VALUES ('x', 'x', 'facturacion', 'NORTE')$q$),
        (3, 'staff~', $q$UPDATE cartero.staff SET role = 'coordinador' WHERE login = 'facturacion'$q$),
        (4, 'batch+', $q$INSERT INTO cartero.import_batches (kind, file_name, sha256) VALUES ('payments', 'p.csv', repeat('b', 64))$q$),
        (5, 'account+', $q$INSERT INTO cartero.accounts (cuenta, regional, titular, municipio, uso, facturacion, saldo_mora, cobro_juridico, import_batch_id)
                           VALUES ('N9', 'NORTE', 't', 'm', 'residencial', 'directa', 1, false, 1)$q$),
        (6, 'account~', $q$UPDATE cartero.accounts SET cobro_juridico = true, saldo_mora = 0 WHERE regional = 'NORTE'$q$),
        (7, 'sur~', $q$UPDATE cartero.accounts SET saldo_mora = 0 WHERE cuenta = 'S1'$q$),
        (8, 'payment+', $q$INSERT INTO cartero.payments (cuenta, regional, fecha, valor, import_batch_id) VALUES ('N1', 'NORTE', '2026-01-01', 5, 1)$q$),
        (9, 'payment~', $q$UPDATE cartero.payments SET regional = 'SUR'$q$),
        (10, 'letter+', $q$INSERT INTO cartero.letter_history (cuenta, regional, fecha_envio, import_batch_id) VALUES ('N1', 'NORTE', '2026-01-01', 1)$q$),
        (11, 'mark+', $q$INSERT INTO cartero.account_cleanup_marks (cuenta, regional, mark) VALUES ('N1', 'NORTE', 'demolido')$q$),
        (12, 'mark~', $q$UPDATE cartero.account_cleanup_marks SET cleared_at = now(), cleared_by = cartero.current_staff_id() WHERE cuenta = 'N2'$q$),
        (13, 'address+', $q$INSERT INTO cartero.account_address_changes (cuenta, regional, old_direccion, old_barrio, new_direccion, new_barrio)
                           VALUES ('N1', 'NORTE', 'a', 'b', 'c', 'd')$q$),
        (14, 'campaign+', $q$INSERT INTO cartero.campaigns (regional, name, cut_date) VALUES ('NORTE', 'x', '2026-06-30')$q$),
        (15, 'campaign~', $q$UPDATE cartero.campaigns SET name = 'y' WHERE regional = 'NORTE'$q$),
        (16, 'status~', $q$UPDATE cartero.campaigns SET status = 'despachada' WHERE regional = 'NORTE'$q$),
        (17, 'evaluated+', $q$INSERT INTO cartero.campaign_accounts (campaign_id, cuenta, regional, prioridad, saldo_mora, uso, facturacion, reasons)
                             SELECT id, 'S1', 'NORTE', 1, 1, 'residencial', 'directa', '{}' FROM cartero.campaigns WHERE regional = 'NORTE'$q$),
        (18, 'reserved+', $q$INSERT INTO cartero.account_reservations (cuenta, campaign_id, regional)
                            SELECT 'N9', id, 'NORTE' FROM cartero.campaigns WHERE regional = 'NORTE'$q$),
        (19, 'reserved-', $q$DELETE FROM cartero.account_reservations$q$),
        (20, 'account-', $q$DELETE FROM cartero.accounts$q$),
        (21, 'truncate', $q$TRUNCATE cartero.payments$q$),
        (22, 'moved', $q$SELECT cartero.move_account_copies(ARRAY['N2'], ARRAY['SUR'])$q$),
        (23, 'letter+', $q$INSERT INTO cartero.letters (campaign_id, regional, cuenta, consecutivo, anio, numero, prioridad, titular,
                                                          direccion, barrio, municipio, ruta, saldo_mora, generated_by)
                          VALUES (1, 'NORTE', 'N2', 'NORTE-2026-000099', 2026, 99, 1, 't', 'd', '', 'm', '', 1, 1)$q$),
        (24, 'dispatch', $q$SELECT cartero.dispatch_letters((SELECT id FROM cartero.campaigns WHERE name = 'n'), current_date)$q$),
        (25, 'settings~', $q$UPDATE cartero.letter_settings SET firmante = 'x' WHERE regional = 'NORTE'$q$),
        (26, 'settings+', $q$INSERT INTO cartero.letter_settings (regional) VALUES ('NORTE')$q$),
        (27, 'cause+', $q$INSERT INTO cartero.return_causes (code, descripcion, route, updated_by)
                          VALUES ('NUEVA', 'x', 'ninguna', cartero.current_staff_id())$q$),
        (28, 'cause~', $q$UPDATE cartero.return_causes SET route = 'terreno', updated_by = cartero.current_staff_id() WHERE code = 'REHUSADO'$q$),
        (29, 'result+', $q$INSERT INTO cartero.courier_results (letter_id, consecutivo, regional, guia, estado, fecha, import_batch_id)
                           SELECT id, consecutivo, 'NORTE', 'g', 'ENTREGADA', current_date, 1 FROM cartero.letters WHERE cuenta = 'N1'$q$),
        (30, 'results', $q$SELECT cartero.record_courier_results('r.csv', repeat('c', 64), 1, ARRAY[ROW(
                               (SELECT consecutivo FROM cartero.letters WHERE cuenta = 'N3'), 'G-N3', 'DEVUELTA', current_date,
                               'DIR_INEXISTENTE', '')::cartero.courier_result])$q$),
        (31, 'return', $q$SELECT cartero.register_return((SELECT consecutivo FROM cartero.letters WHERE cuenta = 'N3'), 'DIR_INEXISTENTE', '')$q$),
        (32, 'scan', $q$SELECT cartero.add_return_scan((SELECT min(id) FROM cartero.return_registrations), 'x.png', '\x89504e470d0a1a0a'::bytea)$q$),
        (33, 'scan-', $q$DELETE FROM cartero.return_scans$q$),
        (34, 'case+', $q$INSERT INTO cartero.cases (letter_id, consecutivo, cuenta, regional, causal, destino, opened_by)
                         SELECT id, consecutivo, cuenta, 'NORTE', 'LOTE', 'facturacion', 1 FROM cartero.letters WHERE cuenta = 'N1'$q$),
        (35, 'case~', $q$UPDATE cartero.cases SET assigned_to = cartero.current_staff_id()$q$),
        (36, 'photo+', $q$INSERT INTO cartero.case_photos (case_id, regional, file_name, media_type, byte_size, sha256, content, added_by)
                          SELECT id, regional, 'x.png', 'image/png', 1, repeat('a', 64), '\x89'::bytea, 1 FROM cartero.cases$q$),
        (37, 'resolve', $q$SELECT cartero.resolve_case((SELECT id FROM cartero.cases WHERE cuenta = 'N3'), 'direccion_correcta', NULL, NULL, NULL)$q$),
        (38, 'history+', $q$INSERT INTO cartero.history (regional, entity, entity_id, what) VALUES ('NORTE', 'case', '1', 'forged')$q$),
        (39, 'history~', $q$UPDATE cartero.history SET after = 'forged'$q$)
      ) w(n, label, statement)
$$;

SELECT pg_temp.act_as('admin');
SELECT pg_temp.expect('an admin writes the portfolio, never the derived tables',
    pg_temp.writes(),
    'regional+=ok staff+=ok staff~=ok batch+=ok account+=ok account~=ok sur~=ok payment+=ok payment~=42501 '
    'letter+=ok mark+=ok mark~=ok address+=ok campaign+=ok campaign~=ok status~=42501 evaluated+=42501 '
    'reserved+=42501 reserved-=42501 account-=42501 truncate=42501 moved=ok letter+=42501 dispatch=ok settings~=ok settings+=42501 '
    'cause+=ok cause~=ok result+=42501 results=ok return=ok scan=ok scan-=42501 case+=42501 case~=42501 photo+=42501 resolve=ok history+=42501 history~=42501');
SELECT pg_temp.act_as('coordinador');
SELECT pg_temp.expect('a coordinator writes his regional''s portfolio and campaigns',
    pg_temp.writes(),
    'regional+=42501 staff+=42501 staff~=none batch+=ok account+=ok account~=ok sur~=none payment+=ok payment~=42501 '
    'letter+=ok mark+=ok mark~=ok address+=ok campaign+=ok campaign~=ok status~=42501 evaluated+=42501 '
    'reserved+=42501 reserved-=42501 account-=42501 truncate=42501 moved=CA403 letter+=42501 dispatch=ok settings~=none settings+=42501 '
    'cause+=42501 cause~=none result+=42501 results=ok return=ok scan=ok scan-=42501 case+=42501 case~=42501 photo+=42501 resolve=ok history+=42501 history~=42501');
SELECT pg_temp.act_as(login), pg_temp.expect(login || ' writes nothing of the portfolio or the campaigns',
    pg_temp.writes(),
    'regional+=42501 staff+=42501 staff~=none batch+=42501 account+=42501 account~=none sur~=none payment+=42501 '
    'payment~=42501 letter+=42501 mark+=42501 mark~=none address+=42501 campaign+=CA403 campaign~=none status~=42501 '
    'evaluated+=42501 reserved+=42501 reserved-=42501 account-=42501 truncate=42501 moved=CA403 letter+=42501 dispatch=' || CASE login WHEN 'analista' THEN 'CA403' ELSE 'CA404' END || ' settings~=none settings+=42501 '
    -- facturacion sees no letter or registration to name (no case): refused as not found
    'cause+=42501 cause~=none result+=42501 results=CA403 return=' || CASE login WHEN 'facturacion' THEN 'CA404 scan=CA404' ELSE 'CA403 scan=CA403' END
    || ' scan-=42501 case+=42501 case~=42501 photo+=42501 resolve=' || CASE login WHEN 'auxiliar_terreno' THEN 'ok' WHEN 'facturacion' THEN 'CA404' ELSE 'CA403' END
    || ' history+=42501 history~=42501')
  FROM unnest(ARRAY['auxiliar_terreno', 'facturacion', 'analista']) login;
SELECT pg_temp.act_as('auxiliar_oficina');
SELECT pg_temp.expect('an auxiliar de oficina records the courier''s results and returns, and writes nothing else',
    pg_temp.writes(),
    'regional+=42501 staff+=42501 staff~=none batch+=42501 account+=42501 account~=none sur~=none payment+=42501 '
    'payment~=42501 letter+=42501 mark+=42501 mark~=none address+=42501 campaign+=CA403 campaign~=none status~=42501 '
    'evaluated+=42501 reserved+=42501 reserved-=42501 account-=42501 truncate=42501 moved=CA403 letter+=42501 dispatch=CA403 settings~=none settings+=42501 '
    'cause+=42501 cause~=none result+=42501 results=ok return=ok scan=ok scan-=42501 case+=42501 case~=42501 photo+=42501 resolve=CA403 history+=42501 history~=42501');
SELECT set_config('cartero.staff_id', '', false);
SELECT pg_temp.expect('no one acting writes nothing',
    pg_temp.writes(),
    'regional+=42501 staff+=42501 staff~=none batch+=42501 account+=42501 account~=none sur~=none payment+=42501 '
    'payment~=42501 letter+=42501 mark+=42501 mark~=none address+=42501 campaign+=42501 campaign~=none status~=42501 '
    'evaluated+=42501 reserved+=42501 reserved-=42501 account-=42501 truncate=42501 moved=CA403 letter+=42501 dispatch=CA404 settings~=none settings+=42501 '
    'cause+=42501 cause~=none result+=42501 results=CA403 return=CA404 scan=CA404 scan-=42501 case+=42501 case~=42501 photo+=42501 resolve=CA404 history+=42501 history~=42501');

-- ---------------------------------------------------------------------------
-- secrets and forged authorship

SELECT pg_temp.act_as('admin');
SELECT pg_temp.expect('not even an admin reads a password hash through the service',
    pg_temp.try('SELECT password_hash FROM cartero.staff'), '42501');
SELECT pg_temp.expect('nor sets who created a campaign',
    pg_temp.try($q$INSERT INTO cartero.campaigns (regional, name, cut_date, created_by) VALUES ('NORTE', 'x', '2026-06-30', 2)$q$), '42501');
SELECT pg_temp.expect('nor who imported a batch',
    pg_temp.try($q$INSERT INTO cartero.import_batches (kind, file_name, sha256, imported_by) VALUES ('payments', 'p', repeat('b', 64), 2)$q$), '42501');
SELECT pg_temp.expect('nor marks someone as having a database login',
    pg_temp.try($q$UPDATE cartero.staff SET db_login = true WHERE login = 'analista'$q$), '42501');
RESET ROLE;
\echo row rules passed
