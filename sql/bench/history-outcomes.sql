-- `scripts/bench --years N`: what became of the letters of the months before, once
-- dispatched. Included (\ir) by five-years.sql and by scripts/bench's years section after
-- they fill the temporary table history_months (campaign_id, dispatched_on): the
-- courier's word on each letter (every tenth returned, DIR_INEXISTENTE), and for each
-- return a terreno case, resolved as direccion_correcta by one of the field agents (the
-- benchmark's agente1..agente20 when they exist, else the acting member), with the
-- history the triggers write.
INSERT INTO cartero.import_batches (kind, file_name, sha256, imported_by)
VALUES ('courier_results', 'history.csv', repeat('e', 64), current_setting('cartero.staff_id')::bigint);
INSERT INTO cartero.courier_results (letter_id, consecutivo, regional, guia, estado, fecha, causal, import_batch_id)
SELECT l.id, l.consecutivo, l.regional, 'G' || l.id, CASE WHEN l.numero % 10 = 0 THEN 'DEVUELTA' ELSE 'ENTREGADA' END,
       l.dispatched_on + 5, CASE WHEN l.numero % 10 = 0 THEN 'DIR_INEXISTENTE' END,
       (SELECT max(id) FROM cartero.import_batches)
  FROM cartero.letters l JOIN history_months h ON h.campaign_id = l.campaign_id;

CREATE TEMPORARY TABLE history_agents AS
SELECT coalesce(array_agg(id ORDER BY id), ARRAY[current_setting('cartero.staff_id')::bigint]) AS ids
  FROM cartero.staff WHERE login ~ '^agente([1-9]|1[0-9]|20)$';
INSERT INTO cartero.cases (letter_id, consecutivo, cuenta, regional, causal, destino, zona, opened_by, opened_at, estado,
                           assigned_to, assigned_at, outcome, resolved_by, resolved_at)
SELECT l.id, l.consecutivo, l.cuenta, l.regional, 'DIR_INEXISTENTE', 'terreno', l.ruta,
       current_setting('cartero.staff_id')::bigint, l.dispatched_on + 6, 'resuelto',
       a.ids[1 + l.numero % cardinality(a.ids)], l.dispatched_on + 6, 'direccion_correcta',
       current_setting('cartero.staff_id')::bigint, l.dispatched_on + 20
  FROM cartero.letters l JOIN history_months h ON h.campaign_id = l.campaign_id CROSS JOIN history_agents a
 WHERE l.numero % 10 = 0;

VACUUM ANALYZE;
