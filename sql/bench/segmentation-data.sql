-- Synthetic portfolio for timing the segmentation by hand (sql/bench/README.md): run as a
-- superuser on a freshly migrated database, about 2 minutes.
--     psql -v ON_ERROR_STOP=1 -f sql/bench/segmentation-data.sql "$DATABASE_URL"
-- Regional BENCH: 1,000,000 accounts (80 % residencial; 70 % directa; balances skewed
-- towards 0 up to 5,000,000; oldest due date spread over 5 years, 10 % none; 2 % without
-- address, 2 % in cobro jurídico, 1 % marked lote), 3,000,000 payments over 3 years
-- (some after the cut date 2026-03-31), ~500,000 letters over 2 years, 1,000 active
-- clean-up marks. Regional OTRA: 50,000 accounts, so that the regional filters matter.
-- Coordinator of BENCH: login coord.bench.
SELECT setseed(0.42);
INSERT INTO cartero.regionals (code, name) VALUES ('BENCH', 'Bench'), ('OTRA', 'Otra');
INSERT INTO cartero.staff (login, full_name, role, regional) VALUES ('coord.bench', 'Coord Bench', 'coordinador', 'BENCH');
INSERT INTO cartero.import_batches (kind, file_name, sha256, imported_by)
VALUES ('accounts', 'a.csv', repeat('a', 64), 1), ('payments', 'p.csv', repeat('b', 64), 1), ('letters', 'l.csv', repeat('c', 64), 1);

INSERT INTO cartero.accounts (cuenta, regional, titular, documento, direccion, barrio, municipio, ruta, uso, estrato,
                              facturacion, saldo_mora, fecha_mora, cobro_juridico, saneamiento, import_batch_id)
SELECT lpad(g::text, 9, '0'), 'BENCH', 'Titular ' || g, (10000000 + g)::text,
       CASE WHEN r1 < 0.02 THEN '' ELSE 'Calle ' || (g % 200) || ' # ' || (g % 97) || '-' || (g % 31) END,
       'Barrio ' || (g % 300), 'Ciudad', 'R' || (g % 50),
       u.uso, CASE WHEN u.uso = 'residencial' THEN 1 + (g % 6) END,
       CASE WHEN r2 < 0.7 THEN 'directa' ELSE 'conjunta' END,
       round((5000000 * power(random(), 3))::numeric, 2),
       CASE WHEN r3 < 0.1 THEN NULL ELSE date '2026-03-31' - (random() * 1825)::int END,
       r4 < 0.02,
       CASE WHEN r4 BETWEEN 0.5 AND 0.51 THEN 'lote' END,
       (SELECT id FROM cartero.import_batches WHERE kind = 'accounts')
  FROM (SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5
          FROM generate_series(1, 1000000) g) s
 CROSS JOIN LATERAL (SELECT CASE WHEN s.r5 < 0.80 THEN 'residencial' WHEN s.r5 < 0.92 THEN 'comercial'
                                 WHEN s.r5 < 0.96 THEN 'industrial' WHEN s.r5 < 0.98 THEN 'oficial'
                                 ELSE 'especial' END AS uso) u;
INSERT INTO cartero.accounts (cuenta, regional, titular, municipio, uso, facturacion, saldo_mora, fecha_mora,
                              cobro_juridico, import_batch_id)
SELECT 'O' || g, 'OTRA', 'T', 'C', 'residencial', 'directa', 500000, date '2025-01-01', false,
       (SELECT id FROM cartero.import_batches WHERE kind = 'accounts')
  FROM generate_series(1, 50000) g;

INSERT INTO cartero.payments (cuenta, regional, fecha, valor, referencia, import_batch_id)
SELECT lpad((1 + (random() * 999999)::int)::text, 9, '0'), 'BENCH', date '2026-04-10' - (random() * 1105)::int,
       1000 + (random() * 200000)::int, 'R' || g, (SELECT id FROM cartero.import_batches WHERE kind = 'payments')
  FROM generate_series(1, 3000000) g;
INSERT INTO cartero.letter_history (cuenta, regional, fecha_envio, import_batch_id)
SELECT lpad((1 + (random() * 999999)::int)::text, 9, '0'), 'BENCH', date '2026-03-31' - (random() * 730)::int,
       (SELECT id FROM cartero.import_batches WHERE kind = 'letters')
  FROM generate_series(1, 500000) g
    ON CONFLICT DO NOTHING;
INSERT INTO cartero.account_cleanup_marks (cuenta, regional, mark, set_by)
SELECT lpad((g * 997)::text, 9, '0'), 'BENCH', 'demolido', 1 FROM generate_series(1, 1000) g;
VACUUM ANALYZE;
