-- pgbench's side of `scripts/bench web`: what `cartero serve` asks PostgreSQL for one
-- GET /cuentas/CUENTA of the office, the account's page a consecutivo's search leads to
-- (the session and its member, then AccountInquiry.file: the account, its letters with
-- the courier's word, its cases, its history), in the same transactions. The benchmark's
-- cases were opened by no field visit, so there is no field_visits call to make.
-- Run as a login whose role is cartero_app, with -D accounts=N (the benchmark's accounts C1..CN).
\set i random(1, :accounts)
SELECT token FROM public.bench_tokens WHERE n = 0 \gset
BEGIN;
SELECT staff_id, csrf_token FROM cartero.web_session(':token') \gset
SELECT set_config('cartero.staff_id', ':staff_id', true);
SELECT id, login, full_name, role, regional FROM cartero.staff WHERE id = :staff_id AND active;
COMMIT;
BEGIN;
SELECT set_config('cartero.staff_id', ':staff_id', true);
SELECT cuenta, titular, direccion, barrio, municipio, uso, facturacion, saldo_mora, fecha_mora, cobro_juridico, saneamiento
  FROM cartero.accounts WHERE cuenta = 'C' || :i;
SELECT l.consecutivo, c.name, c.cut_date, l.saldo_mora, l.dias_mora, l.dispatched_on, r.estado, r.fecha, g.causal
  FROM cartero.letters l
  JOIN cartero.campaigns c ON c.id = l.campaign_id
  LEFT JOIN cartero.courier_results r ON r.letter_id = l.id
  LEFT JOIN cartero.return_registrations g ON g.letter_id = l.id
 WHERE l.cuenta = 'C' || :i
 ORDER BY l.generated_at DESC, l.id DESC;
SELECT k.id, k.consecutivo, k.cuenta, k.causal, k.destino, s.login, k.estado, l.direccion, l.barrio, l.ruta,
       k.opened_at, k.direccion_hallada, k.outcome, k.origin_case_id IS NOT NULL AS escalated
  FROM cartero.cases k
  JOIN cartero.letters l ON l.id = k.letter_id
  LEFT JOIN cartero.staff s ON s.id = k.assigned_to
 WHERE k.cuenta = 'C' || :i
 ORDER BY l.ruta COLLATE "C", l.barrio, l.direccion, k.id;
SELECT h.changed_at, s.login, h.entity, h.entity_id, h.what, h.before, h.after
  FROM cartero.history h
  LEFT JOIN cartero.staff s ON s.id = h.changed_by
 WHERE h.cuenta = 'C' || :i
 ORDER BY h.id;
COMMIT;
