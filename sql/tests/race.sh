#!/usr/bin/env bash
# Two approvals of overlapping campaigns racing in two sessions (RULES.md, Concurrency):
# the second waits for the first, then fails with CA409 and writes nothing.
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

# A approves and keeps its transaction open for 2 s; B approves meanwhile.
q > /tmp/race_a.$$ 2>&1 <<SQL &
$act
BEGIN;
SELECT cartero.approve_campaign($a);
SELECT pg_sleep(2);
COMMIT;
SQL
sleep 0.5
set +e
q > /tmp/race_b.$$ 2>&1 <<SQL
$act
\set VERBOSITY verbose
SELECT cartero.approve_campaign($b);
SQL
set -e
wait
trap 'rm -f /tmp/race_a.$$ /tmp/race_b.$$' EXIT

fail() { echo "FAIL $*"; echo "--- A:"; cat /tmp/race_a.$$; echo "--- B:"; cat /tmp/race_b.$$; exit 1; }
grep -q 'ERROR:  CA409: .* accounts were reserved by campaign '"$a"' after this one was evaluated; refresh it' /tmp/race_b.$$ \
    || fail "the second approval did not fail with CA409"
state=$(q -c "SELECT string_agg(id || ':' || status || ':' || (SELECT count(*) FROM cartero.account_reservations r WHERE r.campaign_id = c.id), ' ' ORDER BY id) FROM cartero.campaigns c WHERE id IN ($a, $b)")
[ "$state" = "$a:aprobada:$(q -c "SELECT count(*) FROM cartero.campaign_accounts WHERE campaign_id = $a AND prioridad IS NOT NULL") $b:borrador:0" ] \
    || fail "unexpected state: $state"
echo "ok two racing approvals: the first reserved, the second failed with CA409 and wrote nothing"
