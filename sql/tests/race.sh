#!/usr/bin/env bash
# Races in two sessions. Two approvals of overlapping campaigns (RULES.md, Concurrency):
# the second waits for the first, then fails with CA409 and writes nothing. Two
# generations of letters of one regional: consecutivos without gaps (RULES.md section 2).
# The courier's file and a clerk on one letter: one wins. Two assigners of one
# regional's cases: no case taken twice.
# Usage: sql/tests/race.sh "$DATABASE_URL"   (after sql/tests/rules_test.sql ran there)
set -euo pipefail
db=$1
q() { psql "$db" -X -q -At -v ON_ERROR_STOP=1 "$@"; }
act="SET ROLE cartero_app; SELECT set_config('cartero.staff_id', cartero.staff_id_for_login('coord.n')::text, false) \\g /dev/null"

ids=$(q <<SQL
$act
INSERT INTO cartero.campaigns (regional, name, cut_date)
VALUES ('NORTE', 'race a', '2026-03-31'), ('NORTE', 'race b', '2026-03-31') RETURNING id;
SQL
)
a=$(echo "$ids" | sed -n 1p); b=$(echo "$ids" | sed -n 2p)
q > /dev/null <<SQL
$act
SELECT cartero.evaluate_campaign($a), cartero.evaluate_campaign($b);
SQL

# Session A runs $2 and keeps its transaction open for 2 s; meanwhile session B runs
# $3 (verbose errors). Both act as $1. Their outputs: /tmp/race_a.$$, /tmp/race_b.$$.
race() {
  q > /tmp/race_a.$$ 2>&1 <<SQL &
$1
BEGIN;
$2
SELECT pg_sleep(2);
COMMIT;
SQL
  sleep 0.5
  set +e
  q > /tmp/race_b.$$ 2>&1 <<SQL
$1
\set VERBOSITY verbose
$3
SQL
  set -e
  wait
}

# A approves and keeps its transaction open for 2 s; B approves meanwhile.
race "$act" "SELECT cartero.approve_campaign($a);" "SELECT cartero.approve_campaign($b);"
trap 'rm -f /tmp/race_a.$$ /tmp/race_b.$$' EXIT

fail() { echo "FAIL $*"; echo "--- A:"; cat /tmp/race_a.$$; echo "--- B:"; cat /tmp/race_b.$$; exit 1; }
grep -q 'ERROR:  CA409: .* accounts were reserved by campaign '"$a"' after this one was evaluated; refresh it' /tmp/race_b.$$ \
    || fail "the second approval did not fail with CA409"
state=$(q -c "SELECT string_agg(id || ':' || status || ':' || (SELECT count(*) FROM cartero.account_reservations r WHERE r.campaign_id = c.id), ' ' ORDER BY id) FROM cartero.campaigns c WHERE id IN ($a, $b)")
[ "$state" = "$a:aprobada:$(q -c "SELECT count(*) FROM cartero.campaign_accounts WHERE campaign_id = $a AND prioridad IS NOT NULL") $b:borrador:0" ] \
    || fail "unexpected state: $state"
echo "ok two racing approvals: the first reserved, the second failed with CA409 and wrote nothing"

# Two campaigns of one regional generating their letters at once: the second waits for
# the first's counter, then numbers after it; no gap, no number twice. A campaign of
# another regional does not wait at all (lock_timeout would fail it).
admin="SET ROLE cartero_app; SELECT set_config('cartero.staff_id', cartero.staff_id_for_login('admin')::text, false) \\g /dev/null"
ids=$(q <<SQL
$admin
INSERT INTO cartero.regionals (code, name) VALUES ('RACE', 'Race'), ('OTRA', 'Otra');
INSERT INTO cartero.accounts (cuenta, regional, titular, direccion, municipio, uso, facturacion, saldo_mora,
                              fecha_mora, cobro_juridico, import_batch_id)
SELECT 'RACE-' || g, CASE WHEN g > 40 THEN 'OTRA' ELSE 'RACE' END, 't', 'Calle 1', 'Cali',
       CASE WHEN g % 2 = 0 THEN 'comercial' ELSE 'residencial' END, 'directa', 900000, '2026-01-01', false, 1
  FROM generate_series(1, 44) g;
-- one selects the comercial accounts, the other the residencial ones: disjoint
INSERT INTO cartero.campaigns (regional, name, cut_date, threshold_residencial, threshold_comercial) VALUES
    ('RACE', 'letters a', '2026-03-31', 999999999, 300000), ('RACE', 'letters b', '2026-03-31', 100000, 999999999),
    ('OTRA', 'letters c', '2026-03-31', 100000, 300000)
RETURNING id;
SQL
)
a=$(echo "$ids" | sed -n 1p); b=$(echo "$ids" | sed -n 2p); c=$(echo "$ids" | sed -n 3p)
q > /dev/null <<SQL
$admin
SELECT cartero.evaluate_campaign(id), cartero.approve_campaign(id) FROM unnest(ARRAY[$a, $b, $c]) id;
SQL
# The year's counters exist already, as after a first campaign. (The second generation
# then waits at the insert of its counter, which meets the first's update, or at the
# counter's row lock: either way, after the first's commit.)
q -c "INSERT INTO cartero.letter_counters (regional, anio) SELECT r, extract(year FROM current_date) FROM unnest(ARRAY['RACE', 'OTRA']) r" > /dev/null
q > /tmp/race_a.$$ 2>&1 <<SQL &
$admin
BEGIN;
SELECT cartero.generate_letters($a);
SELECT pg_sleep(2);
COMMIT;
SQL
sleep 0.5
set +e
q > /tmp/race_c.$$ 2>&1 <<SQL
$admin
SET lock_timeout = '500ms';
SELECT cartero.generate_letters($c);
SQL
other=$?
q > /tmp/race_b.$$ 2>&1 <<SQL
$admin
SELECT cartero.generate_letters($b);
SQL
second=$?
set -e
wait
trap 'rm -f /tmp/race_a.$$ /tmp/race_b.$$ /tmp/race_c.$$' EXIT
[ "$other" -eq 0 ] || fail "another regional's generation waited for this one's counter: $(cat /tmp/race_c.$$)"
[ "$second" -eq 0 ] || fail "the second generation failed: $(cat /tmp/race_b.$$)"
numbers=$(q -c "SELECT string_agg(campaign_id || ':' || numero, ' ' ORDER BY numero) FROM cartero.letters WHERE regional = 'RACE'")
want=$(q -c "SELECT string_agg(CASE WHEN k <= 20 THEN '$a' ELSE '$b' END || ':' || k, ' ' ORDER BY k) FROM generate_series(1, 40) k")
[ "$numbers" = "$want" ] || fail "the consecutivos are not 1..40, the first campaign's first: $numbers"
echo "ok two generations of one regional racing: consecutivos 1..40 without gaps, the first campaign's first; another regional's does not wait"

# The courier's file says a letter was delivered while a clerk registers it as returned:
# whichever comes second waits for the first (one lock for results and registrations),
# then is refused with CA409. Without the lock both would be stored, contradicting.
letter=$(q -c "SELECT min(consecutivo) FROM cartero.letters WHERE regional = 'RACE' AND campaign_id = $a")
q > /dev/null -c "SET ROLE cartero_app; SELECT set_config('cartero.staff_id', cartero.staff_id_for_login('admin')::text, false); SELECT cartero.dispatch_letters($a, current_date)"
race "$admin" "SELECT cartero.record_courier_results('resultados.csv', repeat('d', 64), 1,
                  ARRAY[ROW('$letter', 'G-1', 'ENTREGADA', current_date, '', '')::cartero.courier_result]);" \
     "SELECT cartero.register_return('$letter', 'LOTE', '');"
grep -q 'ERROR:  CA409: the courier reported letter '"$letter"' as ENTREGADA' /tmp/race_b.$$ \
    || fail "the registration racing the courier's file was not refused with CA409"
stored=$(q -c "SELECT (SELECT count(*) FROM cartero.courier_results r JOIN cartero.letters l ON l.id = r.letter_id WHERE l.consecutivo = '$letter') || ' ' || (SELECT count(*) FROM cartero.return_registrations WHERE consecutivo = '$letter')")
[ "$stored" = "1 0" ] || fail "results and registrations of $letter: $stored, want 1 0"
echo "ok a registration racing the courier's file for one letter: it waits, then is refused with CA409"

# Two coordinators assigning one regional's cases at once: the second skips the rows the
# first holds (it neither waits nor assigns them again); every case ends with one agent.
q > /dev/null <<SQL
$admin
SELECT cartero.record_courier_results('devueltas.csv', repeat('e', 64), 19,
           array_agg(ROW(consecutivo, 'G-' || numero, 'DEVUELTA', current_date, 'DIR_INEXISTENTE', '')::cartero.courier_result))
  FROM cartero.letters WHERE campaign_id = $a AND consecutivo <> '$letter';
INSERT INTO cartero.staff (login, full_name, role, regional) VALUES
    ('race.t1', 'T1', 'auxiliar_terreno', 'RACE'), ('race.t2', 'T2', 'auxiliar_terreno', 'RACE');
SQL
race "$admin" "SELECT cartero.assign_cases('RACE');" "SET lock_timeout = '1s'; SELECT cartero.assign_cases('RACE');"
grep -qx '19' /tmp/race_a.$$ || fail "the first assigner did not assign the 19 cases"
grep -qx '0' /tmp/race_b.$$ || fail "the second assigner took cases the first held, or waited for them"
state=$(q -c "SELECT count(*) FILTER (WHERE estado = 'asignado') || ' ' || count(DISTINCT assigned_to) || ' ' || max(n) - min(n)
                FROM cartero.cases k JOIN (SELECT assigned_to AS who, count(*) AS n FROM cartero.cases WHERE regional = 'RACE' GROUP BY 1) l
                  ON l.who = k.assigned_to WHERE k.regional = 'RACE'")
[ "$state" = "19 2 1" ] || fail "after the race, assigned/agents/imbalance: $state, want 19 2 1"
echo "ok two assigners racing: the second skips the first's cases; 19 cases, each with one of 2 agents, 10 and 9"

# An export of changes while an address change is being written: the export waits for
# it and holds it (stamped before the export's end, it would otherwise be in no export).
cuenta=$(q -c "SELECT min(cuenta) FROM cartero.accounts WHERE regional = 'NORTE'")
race "$act" "INSERT INTO cartero.account_address_changes (cuenta, regional, old_direccion, old_barrio, new_direccion, new_barrio)
             VALUES ('$cuenta', 'NORTE', 'a', 'b', 'Carrera de la carrera 1', 'b');" \
     "SELECT count(*) FROM cartero.export_changes('NORTE', NULL) WHERE despues = 'Carrera de la carrera 1';"
grep -qx '1' /tmp/race_b.$$ || fail "the export did not wait for the address change being written"
echo "ok an export racing an address change being written: it waits and holds it"
