-- The reference for `scripts/bench cases`: the same assignment as cartero.assign_cases_of
-- (least loaded first; a terreno area kept with its agent within 2 of the least loaded;
-- an unknown area kept by no one), written the way one would by hand: the loads and the
-- areas' keepers in temporary tables, a few statements per case. Run as the owner on a
-- database where the cases wait:
--     psql -v regional=NORTE -f sql/bench/assignment-reference.sql
SET cartero.bench_regional = :'regional';
BEGIN;
CREATE TEMP TABLE loads ON COMMIT DROP AS
SELECT s.id, s.role, (SELECT count(*) FROM cartero.cases c WHERE c.assigned_to = s.id AND c.estado = 'asignado')::int AS n
  FROM cartero.staff s
 WHERE s.regional = current_setting('cartero.bench_regional') AND s.active AND s.role IN ('auxiliar_terreno', 'facturacion');
CREATE TEMP TABLE keepers ON COMMIT DROP AS
SELECT DISTINCT ON (zona) zona, assigned_to AS id
  FROM cartero.cases
 WHERE regional = current_setting('cartero.bench_regional') AND destino = 'terreno' AND estado = 'asignado' AND zona <> ''
 GROUP BY zona, assigned_to
 ORDER BY zona, count(*) DESC, assigned_to;
CREATE UNIQUE INDEX ON keepers (zona);
DO $$
DECLARE
    k record;
    v_role text;
    v_least integer;
    v_pick bigint;
BEGIN
    FOR k IN SELECT c.id, c.zona, c.destino FROM cartero.cases c
              WHERE c.regional = current_setting('cartero.bench_regional') AND c.estado = 'abierto'
              ORDER BY c.destino DESC, c.zona, c.id
                FOR UPDATE OF c SKIP LOCKED
    LOOP
        v_role := cartero.case_role(k.destino);
        SELECT min(n) INTO v_least FROM loads WHERE role = v_role;
        CONTINUE WHEN v_least IS NULL;
        v_pick := NULL;
        IF k.destino = 'terreno' AND k.zona <> '' THEN
            SELECT l.id INTO v_pick FROM keepers p JOIN loads l ON l.id = p.id WHERE p.zona = k.zona AND l.n <= v_least + 2;
        END IF;
        IF v_pick IS NULL THEN
            SELECT id INTO v_pick FROM loads WHERE role = v_role AND n = v_least ORDER BY id LIMIT 1;
            IF k.destino = 'terreno' AND k.zona <> '' THEN
                INSERT INTO keepers VALUES (k.zona, v_pick) ON CONFLICT (zona) DO UPDATE SET id = excluded.id;
            END IF;
        END IF;
        UPDATE loads SET n = n + 1 WHERE id = v_pick;
        UPDATE cartero.cases SET estado = 'asignado', assigned_to = v_pick, assigned_at = now() WHERE id = k.id;
    END LOOP;
END
$$;
COMMIT;
