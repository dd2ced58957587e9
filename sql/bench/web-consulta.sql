-- pgbench's side of `scripts/bench web`: what `cartero serve` asks PostgreSQL for one
-- GET /cuentas?q=CONSECUTIVO of the office (the session and its member, then AccountInquiry.search),
-- in the same transactions. Run as a login whose role is cartero_app, with -D accounts=N
-- (the benchmark's accounts C1..CN, a consecutivo each).
\set i random(1, :accounts)
SELECT token FROM public.bench_tokens WHERE n = 0 \gset
BEGIN;
SELECT staff_id, csrf_token FROM cartero.web_session(':token') \gset
SELECT set_config('cartero.staff_id', ':staff_id', true);
SELECT id, login, full_name, role, regional FROM cartero.staff WHERE id = :staff_id AND active;
COMMIT;
BEGIN;
SELECT set_config('cartero.staff_id', ':staff_id', true);
SELECT a.cuenta, a.titular, a.direccion, a.saldo_mora
  FROM cartero.accounts a
  JOIN (SELECT cuenta FROM cartero.accounts WHERE cuenta = 'NORTE-2026-' || lpad(:i::text, 6, '0')
        UNION SELECT cuenta FROM cartero.letters WHERE consecutivo = 'NORTE-2026-' || lpad(:i::text, 6, '0')) wanted USING (cuenta)
 ORDER BY a.titular, a.cuenta
 LIMIT 51;
COMMIT;
