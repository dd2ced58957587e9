-- pgbench's side of `scripts/bench web`: what `cartero serve` asks PostgreSQL for one
-- GET /casos of a field agent, in the same transactions (WebSessions.find, which reads
-- the session and its member in one, then Cases.list(assignee:status:); a field agent's cases
-- have no field visit to ask about), with nothing of HTTP, Swift or the HTML around them. Run as a login whose role is cartero_app.
\set n random(1, 20)
SELECT token FROM public.bench_tokens WHERE n = :n \gset
BEGIN;
SELECT staff_id, csrf_token FROM cartero.web_session(':token') \gset
SELECT set_config('cartero.staff_id', ':staff_id', true);
SELECT id, login, full_name, role, regional FROM cartero.staff WHERE id = :staff_id AND active \gset
COMMIT;
BEGIN;
SELECT set_config('cartero.staff_id', ':staff_id', true);
SELECT cartero.staff_id_for_login(':login') AS assignee \gset
SELECT k.id, k.consecutivo, k.cuenta, k.causal, k.destino, s.login, k.estado, l.direccion, l.barrio, l.ruta,
       k.opened_at, k.direccion_hallada, k.outcome, k.origin_case_id IS NOT NULL AS escalated
FROM cartero.cases k
JOIN cartero.letters l ON l.id = k.letter_id
LEFT JOIN cartero.staff s ON s.id = k.assigned_to
WHERE (:assignee::bigint IS NULL OR k.assigned_to = :assignee)
  AND ('asignado'::text IS NULL OR k.estado = 'asignado')
ORDER BY l.ruta COLLATE "C", l.barrio, l.direccion, k.id;
SELECT now();
COMMIT;
