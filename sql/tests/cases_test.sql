-- Tests of the cases' assignment (sql/migrations/0011): balance by open work, an area
-- kept with one field agent within 2 of the least loaded, assignment as cases open,
-- reassignment, a moved account's case back to be assigned, and what a field agent or
-- a billing member sees.
-- Run with psql, as a superuser, on a freshly migrated, otherwise empty database:
--     psql -v ON_ERROR_STOP=1 -f sql/tests/cases_test.sql "$DATABASE_URL"
\set ON_ERROR_STOP 1
\o /dev/null
SET client_min_messages = notice;
\ir helpers.sql

-- A letter to the account and a case of it in the area, as a routed return leaves it
-- (assigned to that login when one is given). Written as the owner: the crafted set.
CREATE FUNCTION pg_temp.make_case(p_cuenta text, p_zona text, p_destino text, p_assignee text DEFAULT NULL,
                                  p_regional text DEFAULT 'NORTE') RETURNS bigint
LANGUAGE sql AS $$
    WITH l AS (
        INSERT INTO cartero.letters (campaign_id, regional, cuenta, consecutivo, anio, numero, prioridad, titular, direccion,
                                     barrio, municipio, ruta, saldo_mora, generated_by, status, dispatched_on, dispatched_by)
        SELECT 1, p_regional, p_cuenta, p_regional || '-2026-' || lpad(n::text, 6, '0'), 2026, n, n, 'T ' || p_cuenta,
               'Calle ' || p_cuenta, '', 'Cali', p_zona, 1000, 1, 'despachada', current_date, 1
          FROM (SELECT coalesce(max(numero), 0) + 1 AS n FROM cartero.letters WHERE regional = p_regional) x
        RETURNING id, consecutivo, regional
    )
    INSERT INTO cartero.cases (letter_id, consecutivo, cuenta, regional, causal, destino, zona, estado, assigned_to, assigned_at, opened_by)
    SELECT l.id, l.consecutivo, p_cuenta, l.regional, CASE p_destino WHEN 'terreno' THEN 'DIR_INEXISTENTE' ELSE 'LOTE' END,
           p_destino, p_zona, CASE WHEN p_assignee IS NULL THEN 'abierto' ELSE 'asignado' END,
           cartero.staff_id_for_login(p_assignee), CASE WHEN p_assignee IS NOT NULL THEN now() END, 1
      FROM l
    RETURNING id
$$;

-- Who has each case of NORTE: cuenta=login, in case order.
CREATE FUNCTION pg_temp.assignments() RETURNS text
LANGUAGE sql AS $$
    SELECT string_agg(k.cuenta || '=' || coalesce(s.login, '-'), ' ' ORDER BY k.id)
      FROM cartero.cases k LEFT JOIN cartero.staff s ON s.id = k.assigned_to
$$;

INSERT INTO cartero.regionals (code, name) VALUES ('NORTE', 'Norte'), ('SUR', 'Sur');
INSERT INTO cartero.staff (login, full_name, role, regional, active) VALUES
    ('coord', 'C', 'coordinador', 'NORTE', true), ('oficina', 'O', 'auxiliar_oficina', 'NORTE', true),
    ('t1', 'T1', 'auxiliar_terreno', 'NORTE', true), ('t2', 'T2', 'auxiliar_terreno', 'NORTE', true),
    ('t3', 'T3', 'auxiliar_terreno', 'NORTE', true), ('t0', 'T0', 'auxiliar_terreno', 'NORTE', false),
    ('f1', 'F1', 'facturacion', 'NORTE', true), ('f2', 'F2', 'facturacion', 'NORTE', true),
    ('ts', 'TS', 'auxiliar_terreno', 'SUR', true), ('coord.sur', 'CS', 'coordinador', 'SUR', true);

-- t1 holds two cases in R-1; then six terreno cases and three facturación cases open.
SELECT pg_temp.make_case('A1', 'R-1', 'terreno', 't1'), pg_temp.make_case('A2', 'R-1', 'terreno', 't1');
SELECT pg_temp.make_case(c, z, d)
  FROM (VALUES ('B1', 'R-1', 'terreno'), ('B2', 'R-1', 'terreno'), ('B3', 'R-1', 'terreno'),
               ('C1', 'R-2', 'terreno'), ('C2', 'R-2', 'terreno'), ('D1', 'R-3', 'terreno'),
               ('F1', 'R-1', 'facturacion'), ('F2', 'R-2', 'facturacion'), ('F3', 'R-3', 'facturacion')) v(c, z, d);
SELECT pg_temp.make_case('S1', 'R-9', 'terreno', NULL, 'SUR');

SET ROLE cartero_app;
SELECT pg_temp.act_as('t1');
SELECT pg_temp.expect_error('a field agent may not assign cases',
    $q$SELECT cartero.assign_cases('NORTE')$q$, 'CA403', 'only a coordinator or an administrator may assign the cases of regional NORTE');
SELECT pg_temp.act_as('coord.sur');
SELECT pg_temp.expect_error('nor the coordinator of another regional',
    $q$SELECT cartero.assign_cases('NORTE')$q$, 'CA404', 'regional NORTE does not exist or is not yours');

SELECT pg_temp.act_as('coord');
SELECT pg_temp.expect('the coordinator assigns the nine open cases of NORTE', cartero.assign_cases('NORTE')::text, '9');
-- R-1 stays with t1 while he is within 2 of the least loaded (2 <= 0 + 2), then goes to
-- t2, the least loaded, who keeps it; R-2 goes to t3, who keeps it; R-3 to the least
-- loaded then (t2 and t3 at 2: the first). Facturación: the least loaded in turn. The
-- inactive t0 and SUR's agent get nothing; SUR's case waits for SUR.
SELECT pg_temp.expect('balanced by load, each area kept with one agent within 2 of the least loaded',
    pg_temp.assignments(), 'A1=t1 A2=t1 B1=t1 B2=t2 B3=t2 C1=t3 C2=t3 D1=t2 F1=f1 F2=f2 F3=f1');
SELECT pg_temp.expect('nothing is left to assign', cartero.assign_cases('NORTE')::text, '0');
-- Two cases of unknown area (no route, no neighbourhood): no area to keep, so each goes
-- to the least loaded (t3 at 2, then t1 at 3, the first of three).
RESET ROLE;
SELECT pg_temp.make_case('U1', '', 'terreno'), pg_temp.make_case('U2', '', 'terreno');
SET ROLE cartero_app;
SELECT cartero.assign_cases('NORTE');
SELECT pg_temp.expect('an unknown area is kept by no one',
    (SELECT string_agg(k.cuenta || '=' || s.login, ' ' ORDER BY k.cuenta) FROM cartero.cases k
       JOIN cartero.staff s ON s.id = k.assigned_to WHERE k.zona = ''), 'U1=t3 U2=t1');

-- what each sees
SELECT pg_temp.act_as('t2');
SELECT pg_temp.expect('a field agent sees his cases and their letters only',
    (SELECT string_agg(cuenta, ' ' ORDER BY cuenta) FROM cartero.cases) || ' / '
    || (SELECT string_agg(cuenta, ' ' ORDER BY cuenta) FROM cartero.letters), 'B2 B3 D1 / B2 B3 D1');
SELECT pg_temp.act_as('f2');
SELECT pg_temp.expect('a billing member his', (SELECT string_agg(cuenta, ' ') FROM cartero.cases), 'F2');
SELECT pg_temp.act_as('oficina');
SELECT pg_temp.expect('the office sees the whole regional', (SELECT count(*) FROM cartero.cases)::text, '13');

-- reassignment
SELECT pg_temp.act_as('t1');
SELECT pg_temp.expect_error('an agent may not reassign',
    format($q$SELECT cartero.reassign_case(%s, 't3')$q$, (SELECT id FROM cartero.cases WHERE cuenta = 'B1')),
    'CA403', 'only a coordinator or an administrator%');
SELECT pg_temp.act_as('coord');
SELECT cartero.reassign_case((SELECT id FROM cartero.cases WHERE cuenta = 'B1'), 't3');
SELECT pg_temp.expect('a coordinator gives one case to another agent',
    (SELECT s.login FROM cartero.cases k JOIN cartero.staff s ON s.id = k.assigned_to WHERE k.cuenta = 'B1'), 't3');
SELECT pg_temp.expect_error('only to a member of the destination''s role',
    format($q$SELECT cartero.reassign_case(%s, 'f1')$q$, (SELECT id FROM cartero.cases WHERE cuenta = 'B1')),
    'CA422', 'f1 is not an active auxiliar_terreno of regional NORTE');
SELECT pg_temp.expect_error('of the case''s regional',
    format($q$SELECT cartero.reassign_case(%s, 'ts')$q$, (SELECT id FROM cartero.cases WHERE cuenta = 'B1')),
    'CA422', 'ts is not an active auxiliar_terreno of regional NORTE');
SELECT pg_temp.expect_error('and active',
    format($q$SELECT cartero.reassign_case(%s, 't0')$q$, (SELECT id FROM cartero.cases WHERE cuenta = 'B1')),
    'CA422', 't0 is not an active auxiliar_terreno of regional NORTE');
SELECT pg_temp.expect('an agent on leave hands all his cases over at once',
    cartero.reassign_cases('t1', 't2')::text || ' ' || pg_temp.assignments(),
    '3 A1=t2 A2=t2 B1=t3 B2=t2 B3=t2 C1=t3 C2=t3 D1=t2 F1=f1 F2=f2 F3=f1 U1=t3 U2=t2');
RESET ROLE;
UPDATE cartero.cases SET estado = 'resuelto', outcome = 'direccion_correcta', resolved_at = now(), resolved_by = 1 WHERE cuenta = 'C2';
SET ROLE cartero_app;
SELECT pg_temp.expect_error('a resolved case stays with whoever resolved it',
    format($q$SELECT cartero.reassign_case(%s, 't2')$q$, (SELECT id FROM cartero.cases WHERE cuenta = 'C2')),
    'CA412', 'case % is resolved; it cannot be reassigned');

-- a case opened by a return is assigned at once, to the least loaded (t1, now empty)
RESET ROLE;
INSERT INTO cartero.letters (campaign_id, regional, cuenta, consecutivo, anio, numero, prioridad, titular, direccion,
                             barrio, municipio, ruta, saldo_mora, generated_by, status, dispatched_on, dispatched_by)
VALUES (1, 'NORTE', 'E1', 'NORTE-2026-000900', 2026, 900, 1, 'T', 'Calle', 'Centro', 'Cali', '', 1000, 1, 'despachada', current_date, 1);
SET ROLE cartero_app;
SELECT pg_temp.act_as('oficina');
SELECT cartero.register_return('NORTE-2026-000900', 'DIR_DEFICIENTE', '');
SELECT pg_temp.expect('a return''s case is assigned as it opens, with its area',
    (SELECT s.login || ' ' || k.zona || ' ' || k.estado FROM cartero.cases k JOIN cartero.staff s ON s.id = k.assigned_to
      WHERE k.cuenta = 'E1'), 't1 Centro asignado');

-- ---------------------------------------------------------------------------
-- outcomes (0012), on accounts that exist: the marks and addresses they write name them

RESET ROLE;
INSERT INTO cartero.import_batches (kind, file_name, sha256, imported_by) VALUES ('accounts', 'a.csv', repeat('a', 64), 1);
INSERT INTO cartero.accounts (cuenta, regional, titular, direccion, barrio, municipio, uso, facturacion, saldo_mora,
                              fecha_mora, cobro_juridico, import_batch_id)
SELECT c, 'NORTE', 'T ' || c, 'Calle vieja ' || c, 'Centro', 'Cali', 'residencial', 'directa', 500000, '2026-01-01', false, 1
  FROM unnest(ARRAY['O1', 'O2', 'O3', 'O4', 'O5']) c;
SELECT pg_temp.make_case('O1', 'R-5', 'terreno', 't3'), pg_temp.make_case('O2', 'R-5', 'terreno', 't3'),
       pg_temp.make_case('O3', 'R-5', 'terreno', 't3'), pg_temp.make_case('O4', 'R-5', 'facturacion', 'f2'),
       pg_temp.make_case('O5', 'R-5', 'terreno', 't3');
UPDATE cartero.cases SET causal = 'LOTE' WHERE cuenta = 'O4';
SET ROLE cartero_app;
CREATE FUNCTION pg_temp.case_of(p_cuenta text, p_destino text) RETURNS bigint
LANGUAGE sql AS $$ SELECT id FROM cartero.cases WHERE cuenta = p_cuenta AND destino = p_destino $$;
RESET ROLE;
SELECT pg_temp.case_of('O1', 'terreno') AS o1 \gset
SET ROLE cartero_app;

SELECT pg_temp.act_as('t2');
SELECT pg_temp.expect_error('an agent may not resolve another''s case, which he does not see',
    format($q$SELECT cartero.resolve_case(%s, 'direccion_correcta', NULL, NULL, NULL)$q$, :o1),
    'CA404', 'case % does not exist or is not yours to see');
-- (an open case, assigned to no one, is not a field agent's to resolve)
RESET ROLE;
SELECT pg_temp.make_case('O9', 'R-5', 'terreno') AS o9 \gset
SET ROLE cartero_app;
SELECT pg_temp.expect_error('an agent may not resolve a case assigned to no one',
    format($q$SELECT cartero.resolve_case(%s, 'direccion_correcta', NULL, NULL, NULL)$q$, :o9),
    'CA404', 'case % does not exist or is not yours to see');
SELECT pg_temp.expect_error('nor attach photos to it',
    format($q$SELECT cartero.add_case_photo(%s, 'x.jpg', '\xffd8ff00'::bytea)$q$, :o9),
    'CA404', 'case % does not exist or is not yours to see');
SELECT pg_temp.act_as('oficina');
SELECT pg_temp.expect_error('the office sees it but may not resolve it',
    format($q$SELECT cartero.resolve_case(%s, 'direccion_correcta', NULL, NULL, NULL)$q$, pg_temp.case_of('O1', 'terreno')),
    'CA403', 'only the member case % is assigned to, a coordinator of regional NORTE or an administrator may resolve it');
SELECT pg_temp.act_as('t3');
SELECT pg_temp.expect_error('a terreno case takes a terreno outcome',
    format($q$SELECT cartero.resolve_case(%s, 'depurada', NULL, NULL, NULL)$q$, pg_temp.case_of('O1', 'terreno')),
    'CA422', 'a terreno case is resolved as direccion_correcta, direccion_errada, predio_demolido or lote, not depurada');
SELECT pg_temp.expect('direccion_correcta resolves the case and nothing more',
    (SELECT count(*) FROM cartero.resolve_case(pg_temp.case_of('O1', 'terreno'), 'direccion_correcta', NULL, 'Existe', NULL)
      WHERE escalated_case_id IS NULL)::text, '1');
SELECT pg_temp.expect_error('a resolved case stays resolved',
    format($q$SELECT cartero.resolve_case(%s, 'lote', NULL, NULL, NULL)$q$, pg_temp.case_of('O1', 'terreno')),
    'CA412', 'case % is resolved already (direccion_correcta)');
SELECT cartero.resolve_case(pg_temp.case_of('O2', 'terreno'), 'direccion_errada', 'Calle 9 # 9-99', 'La placa está mal', NULL);
SELECT cartero.resolve_case(pg_temp.case_of('O3', 'terreno'), 'predio_demolido', NULL, NULL, NULL);
SELECT cartero.resolve_case(pg_temp.case_of('O5', 'terreno'), 'lote', NULL, NULL, NULL);
RESET ROLE;
SELECT pg_temp.expect('direccion_errada, predio_demolido and lote open facturación cases, assigned at once, carrying what was found',
    (SELECT string_agg(k.cuenta || ':' || k.estado || ':' || s.login || ':' || k.direccion_hallada || ':' || (o.cuenta = k.cuenta),
                       ' ' ORDER BY k.cuenta)
       FROM cartero.cases k JOIN cartero.staff s ON s.id = k.assigned_to JOIN cartero.cases o ON o.id = k.origin_case_id
      WHERE k.cuenta IN ('O2', 'O3', 'O5') AND k.destino = 'facturacion'),
    'O2:asignado:f1:Calle 9 # 9-99:true O3:asignado:f2:' || ':true O5:asignado:f1:' || ':true');
SELECT pg_temp.case_of('O3', 'facturacion') AS o3f \gset
SET ROLE cartero_app;

-- what the visit found, told to whoever sees the billing case (0018), and to no one else
SELECT pg_temp.act_as('f2');
SELECT pg_temp.expect('the billing member reads what the field visit of his case found',
    (SELECT outcome || ':' || (resolved_at IS NOT NULL) FROM cartero.field_visits(ARRAY[:o3f]::bigint[])), 'predio_demolido:true');
SELECT pg_temp.act_as('coord');
SELECT pg_temp.expect('so does the coordinator', (SELECT outcome FROM cartero.field_visits(ARRAY[:o3f]::bigint[])), 'predio_demolido');
SELECT pg_temp.act_as('f1');
SELECT pg_temp.expect('another billing member reads nothing of it', (SELECT count(*) FROM cartero.field_visits(ARRAY[:o3f]::bigint[]))::text, '0');
SELECT pg_temp.act_as('t3');
SELECT pg_temp.expect('nor does the agent, who does not see the billing case', (SELECT count(*) FROM cartero.field_visits(ARRAY[:o3f]::bigint[]))::text, '0');
SELECT pg_temp.act_as('coord.sur');
SELECT pg_temp.expect('nor another regional''s coordinator', (SELECT count(*) FROM cartero.field_visits(ARRAY[:o3f]::bigint[]))::text, '0');
SELECT pg_temp.act_as('f2');
SELECT pg_temp.expect('a billing member finds by name only the accounts of his cases (0018)',
    (SELECT string_agg(c, ',' ORDER BY c) FROM cartero.accounts_named('t', 50) c), 'O3,O4');
SELECT pg_temp.act_as('oficina');
SELECT pg_temp.expect('the office finds its regional''s, every word of the name counting',
    (SELECT string_agg(c, ',' ORDER BY c) FROM cartero.accounts_named('T', 50) c) || ' '
    || (SELECT string_agg(c, ',' ORDER BY c) FROM cartero.accounts_named('t o2', 50) c), 'O1,O2,O3,O4,O5 O2');
SELECT pg_temp.expect('at most as many as asked', (SELECT count(*) FROM cartero.accounts_named('t', 2))::text, '2');
SELECT pg_temp.act_as('coord.sur');
SELECT pg_temp.expect('another regional finds none of them', (SELECT count(*) FROM cartero.accounts_named('t', 50))::text, '0');
SELECT pg_temp.act_as('f2');
SELECT pg_temp.expect('a case opened by a return has no field visit',
    (SELECT count(*) FROM cartero.field_visits(ARRAY[pg_temp.case_of('O4', 'facturacion')]))::text, '0');

SELECT pg_temp.act_as('f1');
SELECT cartero.resolve_case(pg_temp.case_of('O2', 'facturacion'), 'direccion_actualizada', NULL, NULL, NULL);
SELECT pg_temp.expect('direccion_actualizada takes the address found in the field when none is given',
    '1 ' || (SELECT direccion FROM cartero.accounts WHERE cuenta = 'O2')
    || ' / ' || (SELECT old_direccion || ' -> ' || new_direccion || ' ' || (case_id = pg_temp.case_of('O2', 'facturacion'))
                   FROM cartero.account_address_changes WHERE cuenta = 'O2'),
    '1 Calle 9 # 9-99 / Calle vieja O2 -> Calle 9 # 9-99 true');
RESET ROLE;
UPDATE cartero.cases SET origin_case_id = NULL WHERE cuenta = 'O5' AND destino = 'facturacion';
UPDATE cartero.cases SET causal = 'DIR_INEXISTENTE' WHERE cuenta = 'O5';
SET ROLE cartero_app;
-- (O5's came from a field visit's lote, which would name it: taken away)
SELECT pg_temp.expect_error('depurada needs a mark when neither the cause nor a field visit names one',
    format($q$SELECT cartero.resolve_case(%s, 'depurada', NULL, NULL, NULL)$q$, pg_temp.case_of('O5', 'facturacion')),
    'CA422', 'case % needs the clean-up mark: demolido, lote or doble_facturacion');
SELECT cartero.resolve_case(pg_temp.case_of('O5', 'facturacion'), 'depurada', NULL, 'Doble cuenta', 'doble_facturacion');
SELECT pg_temp.act_as('f2');
SELECT cartero.resolve_case(pg_temp.case_of('O3', 'facturacion'), 'depurada', NULL, NULL, NULL);
SELECT cartero.resolve_case(pg_temp.case_of('O4', 'facturacion'), 'depurada', NULL, NULL, NULL);
RESET ROLE;
SELECT pg_temp.expect('depurada marks the account: the mark given, or the one the visit or the cause names',
    (SELECT string_agg(cuenta || ':' || mark || ':' || (case_id IS NOT NULL), ' ' ORDER BY cuenta)
       FROM cartero.account_cleanup_marks WHERE cuenta LIKE 'O%'),
    'O3:demolido:true O4:lote:true O5:doble_facturacion:true');
SET ROLE cartero_app;
SELECT pg_temp.act_as('coord');
INSERT INTO cartero.campaigns (regional, name, cut_date, letter_window_months) VALUES ('NORTE', 'after outcomes', current_date, 0);
SELECT cartero.evaluate_campaign(id) FROM cartero.campaigns WHERE name = 'after outcomes';
SELECT pg_temp.expect('the next campaign mails O1 and O2 again and leaves out the accounts marked',
    (SELECT string_agg(ca.cuenta || '=' || ca.reasons::text, ' ' ORDER BY ca.cuenta)
       FROM cartero.campaign_accounts ca JOIN cartero.campaigns c ON c.id = ca.campaign_id
      WHERE c.name = 'after outcomes'),
    'O1={} O2={} O3={saneamiento} O4={saneamiento} O5={saneamiento}');

-- the history (0013) of one chain: the return's case, its visit, the billing case
RESET ROLE;
SELECT pg_temp.expect('the history tells O2''s chain: who, what it was, what it became',
    (SELECT string_agg(h.entity || ' ' || h.what || ': ' || coalesce(h.before, '-') || ' -> ' || coalesce(h.after, '-')
                       || ' by ' || coalesce(s.login, '-'), E'\n' ORDER BY h.id)
       FROM cartero.history h LEFT JOIN cartero.staff s ON s.id = h.changed_by WHERE h.cuenta = 'O2'),
    -- (the crafted letter and case were written as the owner, with oficina's id still set)
    E'letter numbered: - -> despachada by oficina\n'
    'case opened: - -> terreno DIR_INEXISTENTE by oficina\n'
    'case opened: - -> facturacion DIR_INEXISTENTE from case ' || pg_temp.case_of('O2', 'terreno') || E' by t3\n'
    'case estado: asignado -> resuelto by t3\n'
    'case outcome: - -> direccion_errada Calle 9 # 9-99 by t3\n'
    'case estado: abierto -> asignado by t3\n'
    'case assigned_to: - -> f1 by t3\n'
    'account direccion: Calle vieja O2 -> Calle 9 # 9-99 by f1\n'
    'case estado: asignado -> resuelto by f1\n'
    'case outcome: - -> direccion_actualizada Calle 9 # 9-99 by f1');
SELECT pg_temp.expect('the account''s address change names its case',
    (SELECT (case_id = pg_temp.case_of('O2', 'facturacion'))::text FROM cartero.history WHERE cuenta = 'O2' AND what = 'direccion'), 'true');
SELECT pg_temp.expect_error('the history is append-only, even for its owner',
    $q$UPDATE cartero.history SET after = 'x' WHERE cuenta = 'O2'$q$, 'CA403', 'the history is append-only%');
SELECT pg_temp.expect_error('and nothing is deleted from it',
    $q$DELETE FROM cartero.history WHERE cuenta = 'O2'$q$, 'CA403', 'the history is append-only%');
SET ROLE cartero_app;
SELECT pg_temp.act_as('f1');
SELECT pg_temp.expect('a billing member reads the history of his cases'' accounts only',
    (SELECT string_agg(DISTINCT cuenta, ' ') FROM cartero.history), 'F1 F3 O2 O5');

-- the export of changes (0014): what facturación decided, for the commercial system
RESET ROLE;
SELECT pg_temp.case_of('O2', 'facturacion') AS o2f, pg_temp.case_of('O3', 'facturacion') AS o3f,
       pg_temp.case_of('O4', 'facturacion') AS o4f, pg_temp.case_of('O5', 'facturacion') AS o5f \gset
SET ROLE cartero_app;
CREATE FUNCTION pg_temp.exported(p_regional text, p_since timestamptz) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(cuenta || ' ' || cambio || ': ' || antes || ' -> ' || despues || ' (case ' || coalesce(caso::text, '-')
                               || ', ' || quien || ')', E'\n'), '')
      FROM cartero.export_changes(p_regional, p_since)
$$;
SELECT pg_temp.act_as('t1');
SELECT pg_temp.expect_error('a field agent may not export the changes',
    $q$SELECT pg_temp.exported('NORTE', NULL)$q$, 'CA403', 'only a coordinator or a facturación member of regional NORTE%');
SELECT pg_temp.act_as('coord.sur');
SELECT pg_temp.expect_error('nor another regional''s coordinator',
    $q$SELECT pg_temp.exported('NORTE', NULL)$q$, 'CA403', 'only a coordinator or a facturación member of regional NORTE%');
SELECT pg_temp.act_as('f1');
SELECT pg_temp.expect('the first export holds every change, oldest first, with its case and who',
    pg_temp.exported('NORTE', NULL),
    E'O2 direccion: Calle vieja O2 -> Calle 9 # 9-99 (case ' || :o2f || E', f1)\n'
    || 'O5 saneamiento:  -> doble_facturacion (case ' || :o5f || E', f1)\n'
    || 'O3 saneamiento:  -> demolido (case ' || :o3f || E', f2)\n'
    || 'O4 saneamiento:  -> lote (case ' || :o4f || ', f2)');
SELECT pg_temp.expect('since the last export, nothing yet', pg_temp.exported('NORTE', NULL), '');
SELECT pg_temp.act_as('coord');
UPDATE cartero.account_cleanup_marks SET cleared_by = cartero.current_staff_id(), cleared_at = now() WHERE cuenta = 'O5';
SELECT pg_temp.expect('then the mark a coordinator lifted',
    pg_temp.exported('NORTE', NULL), 'O5 saneamiento: doble_facturacion ->  (case ' || :o5f || ', coord)');
SELECT pg_temp.expect('an export from a date holds what changed since, again',
    (SELECT count(*) FROM cartero.export_changes('NORTE', current_date::timestamptz))::text, '5');
SELECT pg_temp.expect('each export is recorded with its interval',
    (SELECT string_agg(changes || ':' || (since = '-infinity') || ':' || (since <= until), ' ' ORDER BY id)
       FROM cartero.change_exports), '4:true:true 0:false:true 1:false:true 5:false:true');
SELECT pg_temp.act_as('t1');
SELECT pg_temp.expect('a field agent sees no export', (SELECT count(*) FROM cartero.change_exports)::text, '0');

-- photos
SELECT pg_temp.act_as('t3');
SELECT pg_temp.expect('the assignee attaches a photo',
    (SELECT created FROM cartero.add_case_photo(pg_temp.case_of('O1', 'terreno'), 'fachada.jpg', '\xffd8ffe000'::bytea))::text, 'true');
SELECT pg_temp.expect_error('of an allowed type only',
    format($q$SELECT cartero.add_case_photo(%s, 'nota.txt', convert_to('hola', 'UTF8'))$q$, pg_temp.case_of('O1', 'terreno')),
    'CA422', 'nota.txt is not a PDF, JPEG, PNG or TIFF file');
SELECT pg_temp.act_as('t2');
SELECT pg_temp.expect('another agent sees none of its photos', (SELECT count(*) FROM cartero.case_photos)::text, '0');

-- a moved account's case waits for its new regional's team
SELECT pg_temp.act_as('admin');
SELECT cartero.move_account_copies(ARRAY['D1'], ARRAY['SUR']);
SELECT pg_temp.expect('an assigned case that moves is open again',
    (SELECT regional || ' ' || estado || ' ' || coalesce(assigned_to::text, '-') FROM cartero.cases WHERE cuenta = 'D1'), 'SUR abierto -');
SELECT pg_temp.expect('and SUR assigns it with its own', cartero.assign_cases('SUR')::text, '2');
SELECT pg_temp.expect('to its own agent',
    (SELECT string_agg(k.cuenta || '=' || s.login, ' ' ORDER BY k.cuenta) FROM cartero.cases k
       JOIN cartero.staff s ON s.id = k.assigned_to WHERE k.regional = 'SUR'), 'D1=ts S1=ts');
RESET ROLE;
\echo cases checks passed
