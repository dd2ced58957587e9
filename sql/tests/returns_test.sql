-- Tests of RULES.md section 3 up to the opening of cases (sql/migrations/0010): the
-- courier's results, the returns register and its scans, the routing of each cause,
-- caso_abierto, and who may record them.
-- Run with psql, as a superuser, on a freshly migrated, otherwise empty database:
--     psql -v ON_ERROR_STOP=1 -f sql/tests/returns_test.sql "$DATABASE_URL"
\set ON_ERROR_STOP 1
\o /dev/null
SET client_min_messages = notice;
\ir helpers.sql

-- The consecutivo of the letter written to an account.
CREATE FUNCTION pg_temp.letter(p_cuenta text) RETURNS text
LANGUAGE sql AS $$ SELECT consecutivo FROM cartero.letters WHERE cuenta = p_cuenta $$;

-- record_courier_results for rows 'cuenta estado causal [days after dispatch]', as
-- a file of them would; returns 'recorded/unchanged/cases'.
CREATE FUNCTION pg_temp.results(VARIADIC p_rows text[]) RETURNS text
LANGUAGE sql AS $$
    SELECT r.recorded || '/' || r.unchanged || '/' || r.cases_opened
      FROM cartero.record_courier_results('resultados.csv', repeat('c', 64), cardinality(p_rows),
               ARRAY(SELECT ROW(coalesce(pg_temp.letter(split_part(x, ' ', 1)), split_part(x, ' ', 1)),
                                'G-' || split_part(x, ' ', 1), split_part(x, ' ', 2),
                                current_date + coalesce(nullif(split_part(x, ' ', 4), '')::int, 0),
                                split_part(x, ' ', 3), 'obs')::cartero.courier_result
                       FROM unnest(p_rows) x)) r
$$;

-- The cases, one line: cuenta:destino:causal
CREATE FUNCTION pg_temp.cases() RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(cuenta || ':' || destino || ':' || causal, ' ' ORDER BY cuenta, destino), '')
      FROM cartero.cases
$$;

-- ---------------------------------------------------------------------------
-- NORTE's letters to N1…N9 dispatched today; SUR's to S1

SET ROLE cartero_app;
SELECT pg_temp.act_as('admin');
INSERT INTO cartero.regionals (code, name) VALUES ('NORTE', 'Regional Norte'), ('SUR', 'Regional Sur');
INSERT INTO cartero.staff (login, full_name, role, regional) VALUES
    ('coord', 'C', 'coordinador', 'NORTE'), ('oficina', 'O', 'auxiliar_oficina', 'NORTE'),
    ('terreno', 'T', 'auxiliar_terreno', 'NORTE'), ('factura', 'F', 'facturacion', 'NORTE'),
    ('analista', 'A', 'analista', 'NORTE'), ('oficina.sur', 'OS', 'auxiliar_oficina', 'SUR');
INSERT INTO cartero.import_batches (kind, file_name, sha256) VALUES ('accounts', 'a.csv', repeat('a', 64));
INSERT INTO cartero.accounts (cuenta, regional, titular, direccion, municipio, uso, facturacion,
                              saldo_mora, fecha_mora, cobro_juridico, import_batch_id)
SELECT c, r, 'T ' || c, 'Calle ' || c, 'Cali', 'residencial', 'directa', 500000, '2026-01-01', false, 1
  FROM (SELECT 'N' || i, 'NORTE' FROM generate_series(1, 9) i UNION ALL SELECT 'S1', 'SUR') v(c, r);
INSERT INTO cartero.campaigns (regional, name, cut_date) VALUES ('NORTE', 'n', current_date), ('SUR', 's', current_date);
SELECT cartero.evaluate_campaign(id), cartero.approve_campaign(id), cartero.generate_letters(id) FROM cartero.campaigns;
SELECT cartero.dispatch_letters(id, current_date) FROM cartero.campaigns;
SELECT pg_temp.letter('S1') AS s1, pg_temp.letter('N7') AS n7_letter, pg_temp.letter('N9') AS n9_letter \gset

SELECT pg_temp.expect('the causes are RULES.md''s, with their routes',
    (SELECT string_agg(code || ':' || route, ' ' ORDER BY code) FROM cartero.return_causes),
    'CERRADO:ninguna DEMOLIDO:facturacion DESCONOCIDO:ninguna DIR_DEFICIENTE:terreno DIR_INEXISTENTE:terreno '
    'FALLECIDO:ninguna LOTE:facturacion NO_RESIDE:ninguna OTRO:ninguna REHUSADO:ninguna');

-- ---------------------------------------------------------------------------
-- the courier's results

SELECT pg_temp.act_as('oficina');
SELECT pg_temp.expect('a file records each result and opens a case per routed return',
    pg_temp.results('N1 ENTREGADA', 'N2 DEVUELTA DIR_INEXISTENTE', 'N3 DEVUELTA DEMOLIDO', 'N4 DEVUELTA REHUSADO',
                    'N8 DEVUELTA LOTE'),
    '5/0/3');
SELECT pg_temp.expect('each cause routed: terreno, facturacion, none',
    pg_temp.cases(), 'N2:terreno:DIR_INEXISTENTE N3:facturacion:DEMOLIDO N8:facturacion:LOTE');
SELECT pg_temp.expect('the same file again changes nothing',
    pg_temp.results('N1 ENTREGADA', 'N2 DEVUELTA DIR_INEXISTENTE', 'N3 DEVUELTA DEMOLIDO', 'N4 DEVUELTA REHUSADO',
                    'N8 DEVUELTA LOTE')
    || ' ' || (SELECT count(*) FROM cartero.cases),
    '0/5/0 3');
SELECT pg_temp.expect('a letter twice with the same result is one result',
    pg_temp.results('N5 ENTREGADA', 'N5 ENTREGADA'), '1/1/0');
SELECT pg_temp.expect('the batch says who and what',
    (SELECT kind || ' ' || rows_read || ' ' || rows_inserted || ' ' || rows_unchanged || ' ' || (imported_by = cartero.current_staff_id())
       FROM cartero.import_batches ORDER BY id DESC LIMIT 1),
    'courier_results 2 1 1 true');

SELECT pg_temp.expect_error('delivered, then returned: a contradiction',
    $q$SELECT pg_temp.results('N6 ENTREGADA', 'N1 DEVUELTA LOTE')$q$, 'CA409', '%letter NORTE-%contradicts the one stored');
SELECT pg_temp.expect_error('returned with another cause: a contradiction',
    $q$SELECT pg_temp.results('N2 DEVUELTA DIR_DEFICIENTE')$q$, 'CA409', '%contradicts the one stored');
SELECT pg_temp.expect_error('two results for one letter in a file',
    $q$SELECT pg_temp.results('N6 ENTREGADA', 'N6 DEVUELTA LOTE')$q$, 'CA409', '%gives letter % two different results');
SELECT pg_temp.expect('and nothing of a refused file stays',
    (SELECT count(*) FROM cartero.courier_results WHERE letter_id = (SELECT id FROM cartero.letters WHERE cuenta = 'N6'))::text, '0');
SELECT pg_temp.expect_error('an unknown consecutivo',
    $q$SELECT pg_temp.results('NORTE-2026-999999 ENTREGADA')$q$, 'CA422', '%no letter of your regional has the consecutivo NORTE-2026-999999');
SELECT pg_temp.expect_error('another regional''s letter is unknown',
    format($q$SELECT pg_temp.results(%L)$q$, :'s1' || ' ENTREGADA'), 'CA422', '%no letter of your regional has the consecutivo SUR-%');
SELECT pg_temp.expect_error('a return without a cause',
    $q$SELECT pg_temp.results('N6 DEVUELTA')$q$, 'CA422', '%a DEVUELTA has a cause, an ENTREGADA none');
SELECT pg_temp.expect_error('a delivery with a cause',
    $q$SELECT pg_temp.results('N6 ENTREGADA LOTE')$q$, 'CA422', '%a DEVUELTA has a cause, an ENTREGADA none');
SELECT pg_temp.expect_error('a cause that is not in the table',
    $q$SELECT pg_temp.results('N6 DEVUELTA MUDADO')$q$, 'CA422', '%MUDADO is not a return cause');
SELECT pg_temp.expect_error('an estado that is not ENTREGADA or DEVUELTA',
    $q$SELECT pg_temp.results('N6 PERDIDA')$q$, 'CA422', '%must be ENTREGADA or DEVUELTA');
SELECT pg_temp.expect_error('a date before the dispatch',
    $q$SELECT pg_temp.results('N6 ENTREGADA  -1')$q$, 'CA422', '%must be from its dispatch to today');
SELECT pg_temp.expect_error('a date after today',
    $q$SELECT pg_temp.results('N6 ENTREGADA  1')$q$, 'CA422', '%must be from its dispatch to today');
SELECT pg_temp.expect('the dispatch day itself is a valid date', pg_temp.results('N6 ENTREGADA  0'), '1/0/0');

-- who may
SELECT pg_temp.act_as(login), pg_temp.expect_error(login || ' may not import results',
    $q$SELECT pg_temp.results('N7 ENTREGADA')$q$, 'CA403', 'only an auxiliar de oficina, a coordinator or an administrator may record%')
  FROM unnest(ARRAY['terreno', 'factura', 'analista', '']) login;
SELECT pg_temp.act_as('oficina.sur');
SELECT pg_temp.expect_error('nor a clerk of another regional',
    format($q$SELECT pg_temp.results(%L)$q$, :'n7_letter' || ' ENTREGADA'), 'CA422', '%no letter of your regional has the consecutivo NORTE-%');
SELECT pg_temp.expect('who sees none of NORTE''s results or cases',
    (SELECT count(*) FROM cartero.courier_results) || ' ' || (SELECT count(*) FROM cartero.cases), '0 0');

-- ---------------------------------------------------------------------------
-- the returns register

SELECT pg_temp.act_as('coord');
SELECT pg_temp.expect('a return registered by hand opens its case',
    (SELECT created || ' ' || cases_opened FROM cartero.register_return(pg_temp.letter('N7'), 'DIR_DEFICIENTE', 'Sin nomenclatura'))
    || ' ' || pg_temp.cases(),
    'true 1 N2:terreno:DIR_INEXISTENTE N3:facturacion:DEMOLIDO N7:terreno:DIR_DEFICIENTE N8:facturacion:LOTE');
SELECT pg_temp.expect('the same return again is the same registration',
    (SELECT created || ' ' || cases_opened FROM cartero.register_return(pg_temp.letter('N7'), 'DIR_DEFICIENTE', 'otra')),
    'false 0');
SELECT pg_temp.expect('a return the file brought first gets no second case',
    (SELECT created || ' ' || cases_opened FROM cartero.register_return(pg_temp.letter('N2'), 'DIR_INEXISTENTE', '')),
    'true 0');
SELECT pg_temp.expect('nor does the file for a return registered first',
    pg_temp.results('N7 DEVUELTA DIR_DEFICIENTE') || ' ' || (SELECT count(*) FROM cartero.cases WHERE cuenta = 'N7'),
    '1/0/0 1');
SELECT pg_temp.expect('a return that only the register knows',
    (SELECT created || ' ' || cases_opened FROM cartero.register_return(pg_temp.letter('N9'), 'DIR_INEXISTENTE', '')), 'true 1');
SELECT pg_temp.expect_error('another cause for a registered return',
    $q$SELECT cartero.register_return(pg_temp.letter('N9'), 'LOTE', '')$q$, 'CA409', '%registered as returned with cause DIR_INEXISTENTE already');
SELECT pg_temp.expect_error('a delivered letter cannot be registered as returned',
    $q$SELECT cartero.register_return(pg_temp.letter('N1'), 'LOTE', '')$q$, 'CA409', 'the courier reported letter % as ENTREGADA%');
SELECT pg_temp.expect_error('a cause the courier did not give',
    $q$SELECT cartero.register_return(pg_temp.letter('N3'), 'LOTE', '')$q$, 'CA409', 'the courier reported letter % as DEVUELTA DEMOLIDO%');
SELECT pg_temp.expect_error('an unknown cause',
    $q$SELECT cartero.register_return(pg_temp.letter('N9'), 'MUDADO', '')$q$, 'CA422', 'MUDADO is not a return cause');
SELECT pg_temp.expect_error('an unknown letter',
    $q$SELECT cartero.register_return('NORTE-2026-999999', 'LOTE', '')$q$, 'CA404', 'no letter of your regional has the consecutivo NORTE-2026-999999');
SELECT pg_temp.expect_error('then the file cannot say it was delivered',
    $q$SELECT pg_temp.results('N9 ENTREGADA')$q$, 'CA409', '%contradicts the returns register');
SELECT pg_temp.act_as(login), pg_temp.expect_error(login || ' may not register a return',
    format($q$SELECT cartero.register_return(%L, 'LOTE', '')$q$, :'n9_letter'), 'CA403', 'only an auxiliar de oficina%')
  FROM unnest(ARRAY['terreno', 'factura', 'analista']) login;
SELECT pg_temp.act_as('oficina.sur');
SELECT pg_temp.expect_error('nor a clerk of another regional',
    format($q$SELECT cartero.register_return(%L, 'LOTE', '')$q$, :'n9_letter'),
    'CA404', 'no letter of your regional has the consecutivo NORTE-%');

-- a letter never dispatched
SELECT pg_temp.act_as('admin');
INSERT INTO cartero.accounts (cuenta, regional, titular, direccion, municipio, uso, facturacion,
                              saldo_mora, fecha_mora, cobro_juridico, import_batch_id)
VALUES ('N10', 'NORTE', 'T N10', 'Calle 10', 'Cali', 'residencial', 'directa', 500000, '2026-01-01', false, 1);
INSERT INTO cartero.campaigns (regional, name, cut_date) VALUES ('NORTE', 'undispatched', current_date);
SELECT cartero.evaluate_campaign(id), cartero.approve_campaign(id), cartero.generate_letters(id)
  FROM cartero.campaigns WHERE name = 'undispatched';
SELECT pg_temp.expect_error('a letter not dispatched cannot come back by hand',
    $q$SELECT cartero.register_return(pg_temp.letter('N10'), 'LOTE', '')$q$, 'CA412', 'letter % was not dispatched%');
SELECT pg_temp.expect_error('nor by file',
    $q$SELECT pg_temp.results('N10 ENTREGADA')$q$, 'CA422', '%letter % was not dispatched');

-- ---------------------------------------------------------------------------
-- scans

SELECT pg_temp.act_as('oficina');
SELECT registration_id AS n9 FROM cartero.register_return(pg_temp.letter('N9'), 'DIR_INEXISTENTE', '') \gset
SELECT pg_temp.expect('each type is found from the first bytes',
    (SELECT string_agg(coalesce(cartero.scan_media_type(b), 'none'), ' ')
       FROM unnest(ARRAY['\x255044462d312e37'::bytea, '\xffd8ffe0'::bytea, '\x89504e470d0a1a0a00'::bytea,
                         '\x49492a0008'::bytea, '\x4d4d002a00'::bytea, '\x47494638396101'::bytea, '\x255044'::bytea,
                         convert_to('cuenta,fecha', 'UTF8')]) b),
    'application/pdf image/jpeg image/png image/tiff image/tiff none none none');
SELECT pg_temp.expect('a scan is stored with its SHA-256',
    (SELECT created || ' ' || (sha256 = encode(sha256('\x255044462d312e37'::bytea), 'hex'))
       FROM cartero.add_return_scan(:n9, 'devuelta.pdf', '\x255044462d312e37'::bytea)),
    'true true');
SELECT pg_temp.expect('the same file again is kept once',
    (SELECT created FROM cartero.add_return_scan(:n9, 'otra vez.pdf', '\x255044462d312e37'::bytea))
    || ' ' || (SELECT count(*) FROM cartero.return_scans),
    'false 1');
SELECT cartero.add_return_scan(:n9, 'grande.pdf', '\x255044462d'::bytea || convert_to(repeat('x', 10485755), 'UTF8'));
SELECT pg_temp.expect('exactly 10 MB is accepted',
    (SELECT byte_size || ' ' || media_type FROM cartero.return_scans WHERE file_name = 'grande.pdf'), '10485760 application/pdf');
SELECT pg_temp.expect_error('one byte more is refused',
    format($q$SELECT cartero.add_return_scan(%s, 'enorme.pdf', '\x255044462d'::bytea || convert_to(repeat('x', 10485756), 'UTF8'))$q$, :n9),
    'CA422', 'a scan must hold from 1 byte to 10 MB; enorme.pdf has 10485761');
SELECT pg_temp.expect_error('so is an empty file',
    format($q$SELECT cartero.add_return_scan(%s, 'vacio.pdf', ''::bytea)$q$, :n9), 'CA422', 'a scan must hold from 1 byte%');
SELECT pg_temp.expect_error('and a GIF',
    format($q$SELECT cartero.add_return_scan(%s, 'foto.gif', '\x47494638396101'::bytea)$q$, :n9), 'CA422', 'foto.gif is not a PDF, JPEG, PNG or TIFF file');
SELECT pg_temp.act_as('terreno');
SELECT pg_temp.expect_error('a field agent may not add scans',
    format($q$SELECT cartero.add_return_scan(%s, 'x.pdf', '\x255044462d'::bytea)$q$, :n9), 'CA403', 'only an auxiliar de oficina%');
SELECT pg_temp.act_as('oficina.sur');
SELECT pg_temp.expect_error('nor a clerk of another regional, who does not see the registration',
    format($q$SELECT cartero.add_return_scan(%s, 'x.pdf', '\x255044462d'::bytea)$q$, :n9), 'CA404', 'registered return % does not exist or belongs to another regional');

-- ---------------------------------------------------------------------------
-- routes are data

SELECT pg_temp.act_as('coord');
SELECT pg_temp.expect('a coordinator may not change a route',
    pg_temp.try($q$UPDATE cartero.return_causes SET route = 'terreno', updated_by = cartero.current_staff_id() WHERE code = 'REHUSADO'$q$), 'none');
SELECT pg_temp.act_as('admin');
UPDATE cartero.return_causes SET route = 'terreno', updated_by = cartero.current_staff_id() WHERE code = 'REHUSADO';
SELECT pg_temp.expect('a changed route applies to the returns recorded after it, not to those before',
    pg_temp.results('N6 ENTREGADA', 'N4 DEVUELTA REHUSADO'), '0/2/0');
SELECT pg_temp.expect('a return with the new route opens a case there',
    (SELECT created || ' ' || cases_opened FROM cartero.register_return(pg_temp.letter('S1'), 'REHUSADO', '')), 'true 1');
SELECT pg_temp.expect('in the letter''s regional', (SELECT destino || ' ' || regional FROM cartero.cases WHERE cuenta = 'S1'), 'terreno SUR');

-- ---------------------------------------------------------------------------
-- caso_abierto

INSERT INTO cartero.campaigns (regional, name, cut_date, letter_window_months) VALUES ('NORTE', 'next', current_date, 0);
SELECT cartero.evaluate_campaign(id) FROM cartero.campaigns WHERE name = 'next';
SELECT pg_temp.expect('an open case keeps its account out of the next campaign',
    (SELECT string_agg(ca.cuenta || '=' || ca.reasons::text, ' ' ORDER BY ca.cuenta)
       FROM cartero.campaign_accounts ca JOIN cartero.campaigns c ON c.id = ca.campaign_id
      WHERE c.name = 'next' AND ca.cuenta IN ('N1', 'N2', 'N3', 'N4', 'N7', 'N9')),
    'N1={} N2={caso_abierto} N3={caso_abierto} N4={} N7={caso_abierto} N9={caso_abierto}');
SELECT pg_temp.expect('and the funnel counts them',
    (SELECT cuentas::text FROM cartero.campaign_tallies t JOIN cartero.campaigns c ON c.id = t.campaign_id
      WHERE c.name = 'next' AND t.dimension = 'motivo' AND t.clave = 'caso_abierto'),
    '5');

-- ---------------------------------------------------------------------------
-- a moved account takes its letter's results, registration, scans and cases along

SELECT cartero.move_account_copies(ARRAY['N9'], ARRAY['SUR']);
SELECT pg_temp.expect('N9''s copies moved to SUR',
    (SELECT string_agg(t || ':' || r, ' ' ORDER BY t) FROM (
        SELECT 'case' t, regional r FROM cartero.cases WHERE cuenta = 'N9'
        UNION ALL SELECT 'registration', regional FROM cartero.return_registrations WHERE consecutivo = pg_temp.letter('N9')
        UNION ALL SELECT 'result', regional FROM cartero.courier_results WHERE consecutivo = pg_temp.letter('N9')
        UNION ALL SELECT DISTINCT 'scan', s.regional FROM cartero.return_scans s
                   JOIN cartero.return_registrations g ON g.id = s.registration_id WHERE g.consecutivo = pg_temp.letter('N9')) x),
    'case:SUR registration:SUR scan:SUR');

-- ---------------------------------------------------------------------------
-- hand delivery (0015): the letters of a route handed to a field agent at dispatch

SELECT pg_temp.act_as('admin');
INSERT INTO cartero.accounts (cuenta, regional, titular, direccion, municipio, ruta, uso, facturacion,
                              saldo_mora, fecha_mora, cobro_juridico, import_batch_id)
SELECT c, 'NORTE', 'T ' || c, 'Calle ' || c, 'Cali', r, 'residencial', 'directa', 500000, '2026-01-01', false, 1
  FROM (VALUES ('H1', 'R-H'), ('H2', 'R-H'), ('H3', 'R-H'), ('H4', 'R-X')) v(c, r);
SELECT pg_temp.act_as('coord');
INSERT INTO cartero.campaigns (regional, name, cut_date) VALUES ('NORTE', 'hand', current_date);
SELECT cartero.evaluate_campaign(id), cartero.approve_campaign(id), cartero.generate_letters(id)
  FROM cartero.campaigns WHERE name = 'hand';
SELECT id AS hand FROM cartero.campaigns WHERE name = 'hand' \gset
SELECT pg_temp.expect_error('a route without letters is refused, and nothing is dispatched',
    format($q$SELECT cartero.dispatch_letters(%s, current_date, ARRAY['R-H', 'R-NADA'])$q$, :hand),
    'CA422', 'no letter of campaign % is on route R-NADA');
SELECT pg_temp.expect('every letter is dispatched', cartero.dispatch_letters(:hand, current_date, ARRAY['R-H'])::text, '5');
SELECT pg_temp.expect('the route''s letters to the field agent, the others to the courier',
    (SELECT string_agg(l.cuenta || '=' || coalesce(s.login, 'courier'), ' ' ORDER BY l.cuenta)
       FROM cartero.letters l LEFT JOIN cartero.staff s ON s.id = l.carrier WHERE l.campaign_id = :hand),
    'H1=terreno H2=terreno H3=terreno H4=courier N9=courier');
SELECT pg_temp.letter('H4') AS h4 \gset
SELECT pg_temp.act_as('terreno');
SELECT pg_temp.expect('the agent sees the letters he carries',
    (SELECT string_agg(cuenta, ' ' ORDER BY cuenta) FROM cartero.letters WHERE campaign_id = :hand), 'H1 H2 H3');
SELECT pg_temp.expect('and records a delivery',
    (SELECT recorded || ' ' || cases_opened FROM cartero.record_hand_delivery(pg_temp.letter('H1'), 'ENTREGADA', NULL, '', current_date)),
    'true 0');
SELECT pg_temp.expect('and a return, which opens its case (his: he is the regional''s field agent)',
    (SELECT recorded || ' ' || cases_opened FROM cartero.record_hand_delivery(pg_temp.letter('H2'), 'DEVUELTA', 'DIR_INEXISTENTE', 'No existe', current_date)),
    'true 1');
SELECT pg_temp.expect('the same result again changes nothing',
    (SELECT recorded::text FROM cartero.record_hand_delivery(pg_temp.letter('H1'), 'ENTREGADA', NULL, '', current_date)), 'false');
SELECT pg_temp.expect_error('another is refused',
    format($q$SELECT cartero.record_hand_delivery(%L, 'DEVUELTA', 'LOTE', '', current_date)$q$, pg_temp.letter('H1')),
    'CA409', 'letter % was recorded as ENTREGADA  on % already');
SELECT pg_temp.expect_error('a delivery needs its cause right',
    format($q$SELECT cartero.record_hand_delivery(%L, 'DEVUELTA', NULL, '', current_date)$q$, pg_temp.letter('H3')),
    'CA422', 'a delivery is ENTREGADA without a cause, or DEVUELTA with one');
SELECT pg_temp.expect_error('and a day from the dispatch to today',
    format($q$SELECT cartero.record_hand_delivery(%L, 'ENTREGADA', NULL, '', current_date + 1)$q$, pg_temp.letter('H3')),
    'CA422', 'the date of a delivery must be from the letter''s dispatch (%) to today');
SELECT pg_temp.expect_error('a letter the agent does not carry is none of his',
    format($q$SELECT cartero.record_hand_delivery(%L, 'ENTREGADA', NULL, '', current_date)$q$, :'h4'),
    'CA404', 'no letter you carry or may see has the consecutivo %');
SELECT pg_temp.act_as('oficina');
SELECT pg_temp.expect_error('the office may not record a hand delivery',
    format($q$SELECT cartero.record_hand_delivery(%L, 'ENTREGADA', NULL, '', current_date)$q$, pg_temp.letter('H3')),
    'CA403', 'only the agent who carries letter %');
SELECT pg_temp.act_as('coord');
SELECT pg_temp.expect_error('a courier letter''s result comes in the courier''s file',
    format($q$SELECT cartero.record_hand_delivery(%L, 'ENTREGADA', NULL, '', current_date)$q$, :'h4'),
    'CA412', 'letter % went by courier%');
SELECT pg_temp.expect('the results by hand name who recorded them',
    (SELECT string_agg(l.cuenta || ':' || r.estado || ':' || s.login || ':' || (r.import_batch_id IS NULL), ' ' ORDER BY l.cuenta)
       FROM cartero.courier_results r JOIN cartero.letters l ON l.id = r.letter_id JOIN cartero.staff s ON s.id = r.recorded_by),
    'H1:ENTREGADA:terreno:true H2:DEVUELTA:terreno:true');
RESET ROLE;
\echo returns checks passed
