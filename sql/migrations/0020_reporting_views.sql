-- 0020: the analysts' questions after the letters leave (issue 11): the portfolio by
-- band, every letter and what became of it, returns by cause, the cases' backlog, the
-- field agents' output, and each campaign's real effect against its control group.
--
-- As in 0005, every view is security_invoker (the analyst's own row rules apply) and the
-- analyst gets SELECT on exactly the base-table columns the views read: no holder's id
-- number, no address or name beyond what 0005 gave, no note, no scan or photo. The
-- letters' row rule asks cartero.cases since 0019, so its two columns are among them.

SET LOCAL ROLE cartero_owner;

GRANT SELECT (id, campaign_id, regional, cuenta, consecutivo, saldo_mora, dias_mora, status, dispatched_on, carrier)
    ON cartero.letters TO cartero_analyst;
GRANT SELECT (letter_id, regional, estado, fecha, causal) ON cartero.courier_results TO cartero_analyst;
GRANT SELECT (id, letter_id, regional, causal, registered_at) ON cartero.return_registrations TO cartero_analyst;
GRANT SELECT (id, letter_id, cuenta, regional, destino, estado, assigned_to, opened_at, outcome, resolved_by, resolved_at)
    ON cartero.cases TO cartero_analyst;
GRANT SELECT (id, login, role, regional) ON cartero.staff TO cartero_analyst;

-- ---------------------------------------------------------------------------
CREATE VIEW reporting.portfolio WITH (security_invoker = true) AS
SELECT a.regional, a.uso, a.estrato, a.facturacion,
       CASE WHEN a.fecha_mora IS NULL OR a.saldo_mora = 0 THEN 'al_dia'
            WHEN current_date - a.fecha_mora <= 60 THEN '1-60'
            WHEN current_date - a.fecha_mora <= 90 THEN '61-90'
            WHEN current_date - a.fecha_mora <= 180 THEN '91-180'
            WHEN current_date - a.fecha_mora <= 360 THEN '181-360'
            ELSE 'mas_de_360' END AS franja_mora,
       count(*) AS cuentas, sum(a.saldo_mora) AS saldo_mora
  FROM cartero.accounts a
 GROUP BY 1, 2, 3, 4, 5;
COMMENT ON VIEW reporting.portfolio IS 'The portfolio today: accounts and overdue balance by regional, use class, stratum, billing mode and age band.';
COMMENT ON COLUMN reporting.portfolio.regional IS 'Regional.';
COMMENT ON COLUMN reporting.portfolio.uso IS 'Use class.';
COMMENT ON COLUMN reporting.portfolio.estrato IS 'Stratum 1 to 6 of residential accounts; NULL for the others.';
COMMENT ON COLUMN reporting.portfolio.facturacion IS 'Billing mode: directa or conjunta.';
COMMENT ON COLUMN reporting.portfolio.franja_mora IS 'Days since the oldest unpaid bill fell due, today: al_dia (nothing overdue), 1-60, 61-90, 91-180, 181-360, mas_de_360.';
COMMENT ON COLUMN reporting.portfolio.cuentas IS 'Accounts.';
COMMENT ON COLUMN reporting.portfolio.saldo_mora IS 'Their overdue balance in COP.';
GRANT SELECT ON reporting.portfolio TO cartero_analyst, cartero_app;

-- ---------------------------------------------------------------------------
CREATE VIEW reporting.campaign_letters WITH (security_invoker = true) AS
SELECT l.campaign_id, l.consecutivo, l.cuenta, l.regional, c.cut_date AS fecha_corte, l.saldo_mora, l.dias_mora,
       l.dispatched_on AS fecha_despacho, l.carrier IS NOT NULL AS entrega_en_mano,
       coalesce(r.estado, CASE WHEN g.id IS NOT NULL THEN 'DEVUELTA' END) AS resultado,
       r.fecha AS fecha_resultado, coalesce(g.causal, r.causal) AS causal, g.registered_at AS registrada_en_oficina
  FROM cartero.letters l
  JOIN cartero.campaigns c ON c.id = l.campaign_id
  LEFT JOIN cartero.courier_results r ON r.letter_id = l.id
  LEFT JOIN cartero.return_registrations g ON g.letter_id = l.id;
COMMENT ON VIEW reporting.campaign_letters IS 'Every letter: its campaign, account, balance and days at the cut, its dispatch, and its delivery or return with the cause; order by campaign_id, consecutivo.';
COMMENT ON COLUMN reporting.campaign_letters.campaign_id IS 'The campaign that generated it.';
COMMENT ON COLUMN reporting.campaign_letters.consecutivo IS 'The letter''s number, REGIONAL-YYYY-NNNNNN.';
COMMENT ON COLUMN reporting.campaign_letters.cuenta IS 'Account it was mailed to.';
COMMENT ON COLUMN reporting.campaign_letters.regional IS 'Regional.';
COMMENT ON COLUMN reporting.campaign_letters.fecha_corte IS 'The campaign''s cut date.';
COMMENT ON COLUMN reporting.campaign_letters.saldo_mora IS 'Overdue balance at the cut, as printed, in COP.';
COMMENT ON COLUMN reporting.campaign_letters.dias_mora IS 'Days past due at the cut, as printed; NULL when the account had no due date.';
COMMENT ON COLUMN reporting.campaign_letters.fecha_despacho IS 'When it was handed to the courier (or to a field agent); NULL before.';
COMMENT ON COLUMN reporting.campaign_letters.entrega_en_mano IS 'True when a field agent carried it instead of the courier.';
COMMENT ON COLUMN reporting.campaign_letters.resultado IS 'ENTREGADA or DEVUELTA as the courier (or the office''s register) said; NULL while there is no word.';
COMMENT ON COLUMN reporting.campaign_letters.fecha_resultado IS 'The date the courier gave for its delivery or return; NULL when only the office registered the return.';
COMMENT ON COLUMN reporting.campaign_letters.causal IS 'Return cause: the office''s, else the courier''s; NULL for a delivered letter.';
COMMENT ON COLUMN reporting.campaign_letters.registrada_en_oficina IS 'When the office registered the returned letter; NULL when it did not.';
GRANT SELECT ON reporting.campaign_letters TO cartero_analyst, cartero_app;

-- ---------------------------------------------------------------------------
CREATE VIEW reporting.returns_by_cause WITH (security_invoker = true) AS
SELECT cl.regional, cl.campaign_id, cl.causal, count(*) AS cartas,
       round(count(*)::numeric / (SELECT count(*) FROM cartero.letters t WHERE t.campaign_id = cl.campaign_id), 4) AS proporcion
  FROM reporting.campaign_letters cl
 WHERE cl.resultado = 'DEVUELTA'
 GROUP BY cl.regional, cl.campaign_id, cl.causal;
COMMENT ON VIEW reporting.returns_by_cause IS 'Returned letters per regional, campaign and cause, and their share of the campaign''s letters.';
COMMENT ON COLUMN reporting.returns_by_cause.regional IS 'Regional.';
COMMENT ON COLUMN reporting.returns_by_cause.campaign_id IS 'Campaign.';
COMMENT ON COLUMN reporting.returns_by_cause.causal IS 'Return cause (the office''s, else the courier''s).';
COMMENT ON COLUMN reporting.returns_by_cause.cartas IS 'Letters returned with that cause.';
COMMENT ON COLUMN reporting.returns_by_cause.proporcion IS 'Their share of all the campaign''s letters, 0 to 1, four decimals.';
GRANT SELECT ON reporting.returns_by_cause TO cartero_analyst, cartero_app;

-- ---------------------------------------------------------------------------
CREATE VIEW reporting.case_backlog WITH (security_invoker = true) AS
SELECT k.regional, k.destino, s.login AS responsable,
       CASE WHEN now() - k.opened_at <= interval '7 days' THEN '0-7'
            WHEN now() - k.opened_at <= interval '15 days' THEN '8-15'
            WHEN now() - k.opened_at <= interval '30 days' THEN '16-30'
            ELSE 'mas_de_30' END AS franja_edad,
       count(*) AS casos, min(k.opened_at) AS abierto_mas_antiguo
  FROM cartero.cases k
  LEFT JOIN cartero.staff s ON s.id = k.assigned_to
 WHERE k.estado <> 'resuelto'
 GROUP BY 1, 2, 3, 4;
COMMENT ON VIEW reporting.case_backlog IS 'Open cases by regional, destination, assignee and age band, with the oldest of each.';
COMMENT ON COLUMN reporting.case_backlog.regional IS 'Regional.';
COMMENT ON COLUMN reporting.case_backlog.destino IS 'terreno (a field visit) or facturacion (account clean-up).';
COMMENT ON COLUMN reporting.case_backlog.responsable IS 'Login of the member who has them; NULL for cases no one has yet.';
COMMENT ON COLUMN reporting.case_backlog.franja_edad IS 'Days since the case opened: 0-7, 8-15, 16-30, mas_de_30.';
COMMENT ON COLUMN reporting.case_backlog.casos IS 'Open cases.';
COMMENT ON COLUMN reporting.case_backlog.abierto_mas_antiguo IS 'When the oldest of them opened.';
GRANT SELECT ON reporting.case_backlog TO cartero_analyst, cartero_app;

-- ---------------------------------------------------------------------------
CREATE VIEW reporting.field_productivity WITH (security_invoker = true) AS
SELECT k.regional, s.login AS responsable, date_trunc('week', k.resolved_at)::date AS semana, k.outcome AS resultado,
       count(*) AS casos,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM k.resolved_at - k.opened_at) / 86400))::numeric, 1)
           AS mediana_dias
  FROM cartero.cases k
  JOIN cartero.staff s ON s.id = k.resolved_by
 WHERE k.estado = 'resuelto'
 GROUP BY 1, 2, 3, 4;
COMMENT ON VIEW reporting.field_productivity IS 'Cases resolved per member and week (Monday to Sunday) by outcome, and the median days from opening to resolution.';
COMMENT ON COLUMN reporting.field_productivity.regional IS 'Regional.';
COMMENT ON COLUMN reporting.field_productivity.responsable IS 'Login of the member who resolved them.';
COMMENT ON COLUMN reporting.field_productivity.semana IS 'The Monday of the week they were resolved in.';
COMMENT ON COLUMN reporting.field_productivity.resultado IS 'Outcome: direccion_correcta, direccion_errada, predio_demolido, lote, depurada, direccion_actualizada or sin_cambio.';
COMMENT ON COLUMN reporting.field_productivity.casos IS 'Cases resolved.';
COMMENT ON COLUMN reporting.field_productivity.mediana_dias IS 'Median days from the case''s opening to its resolution, one decimal.';
GRANT SELECT ON reporting.field_productivity TO cartero_analyst, cartero_app;

-- ---------------------------------------------------------------------------
-- The letters' effect: the accounts mailed against the control group the segmentation
-- held back at random from the same selection (RULES.md section 1), each followed for
-- 30, 60 and 90 days from the campaign's dispatch. The difference of the shares that
-- paid, with its 95% confidence interval (normal approximation of two proportions), is
-- what the letters themselves did.
CREATE VIEW reporting.campaign_effectiveness WITH (security_invoker = true) AS
WITH dispatch AS (
    SELECT l.campaign_id, max(l.dispatched_on) AS despacho
      FROM cartero.letters l WHERE l.dispatched_on IS NOT NULL GROUP BY l.campaign_id
), grupos AS (
    SELECT l.campaign_id, l.regional, true AS con_carta, l.cuenta, l.saldo_mora
      FROM cartero.letters l WHERE l.dispatched_on IS NOT NULL
    UNION ALL
    SELECT ca.campaign_id, ca.regional, false, ca.cuenta, ca.saldo_mora
      FROM cartero.campaign_accounts ca WHERE ca.reasons = ARRAY['grupo_control']
), seguidas AS (
    -- One pass over the payments of the 90 days after the dispatch (the index on
    -- regional and date finds them), joined to the accounts: not a lookup per account.
    SELECT g.campaign_id, g.con_carta, g.cuenta, g.saldo_mora, d.despacho,
           coalesce(sum(p.valor) FILTER (WHERE p.fecha <= d.despacho + 30), 0) AS pagado30,
           coalesce(sum(p.valor) FILTER (WHERE p.fecha <= d.despacho + 60), 0) AS pagado60,
           coalesce(sum(p.valor), 0) AS pagado90
      FROM grupos g
      JOIN dispatch d ON d.campaign_id = g.campaign_id
      LEFT JOIN cartero.payments p
             ON p.regional = g.regional AND p.cuenta = g.cuenta AND p.fecha > d.despacho AND p.fecha <= d.despacho + 90
     GROUP BY g.campaign_id, g.con_carta, g.cuenta, g.saldo_mora, d.despacho
), totales AS (
    SELECT s.campaign_id, s.despacho, w.dias,
           count(*) FILTER (WHERE s.con_carta) AS n1, count(*) FILTER (WHERE s.con_carta AND w.pagado > 0) AS x1,
           coalesce(sum(w.pagado) FILTER (WHERE s.con_carta), 0) AS v1,
           coalesce(sum(s.saldo_mora) FILTER (WHERE s.con_carta), 0) AS s1,
           count(*) FILTER (WHERE NOT s.con_carta) AS n0, count(*) FILTER (WHERE NOT s.con_carta AND w.pagado > 0) AS x0,
           coalesce(sum(w.pagado) FILTER (WHERE NOT s.con_carta), 0) AS v0,
           coalesce(sum(s.saldo_mora) FILTER (WHERE NOT s.con_carta), 0) AS s0
      FROM seguidas s
     CROSS JOIN LATERAL (VALUES (30, s.pagado30), (60, s.pagado60), (90, s.pagado90)) AS w(dias, pagado)
     GROUP BY s.campaign_id, s.despacho, w.dias
), tasas AS (
    SELECT t.*, x1::numeric / nullif(n1, 0) AS p1, x0::numeric / nullif(n0, 0) AS p0 FROM totales t
)
SELECT c.id AS campaign_id, c.regional, t.despacho AS fecha_despacho, t.dias,
       t.n1 AS cuentas_con_carta, t.x1 AS pagaron_con_carta, round(t.p1, 4) AS tasa_con_carta,
       t.v1 AS pagado_con_carta, round(t.v1 / nullif(t.s1, 0), 4) AS recuperacion_con_carta,
       t.n0 AS cuentas_control, t.x0 AS pagaron_control, round(t.p0, 4) AS tasa_control,
       t.v0 AS pagado_control, round(t.v0 / nullif(t.s0, 0), 4) AS recuperacion_control,
       round(t.p1 - t.p0, 4) AS diferencia,
       round(t.p1 - t.p0 - 1.96 * sqrt(t.p1 * (1 - t.p1) / t.n1 + t.p0 * (1 - t.p0) / t.n0), 4) AS ic95_desde,
       round(t.p1 - t.p0 + 1.96 * sqrt(t.p1 * (1 - t.p1) / t.n1 + t.p0 * (1 - t.p0) / t.n0), 4) AS ic95_hasta
  FROM tasas t
  JOIN cartero.campaigns c ON c.id = t.campaign_id;
COMMENT ON VIEW reporting.campaign_effectiveness IS 'Per dispatched campaign and window of 30, 60 and 90 days after its dispatch: the accounts mailed and the control group held back, how many of each paid and how much, and the difference of the shares that paid with its 95% confidence interval: the letters'' own effect. Order by campaign_id, dias.';
COMMENT ON COLUMN reporting.campaign_effectiveness.campaign_id IS 'Campaign.';
COMMENT ON COLUMN reporting.campaign_effectiveness.regional IS 'Regional.';
COMMENT ON COLUMN reporting.campaign_effectiveness.fecha_despacho IS 'The day its letters were handed over (the latest, if on several): day 0 for both groups.';
COMMENT ON COLUMN reporting.campaign_effectiveness.dias IS 'The window: payments after the dispatch and up to this many days after it (30, 60 or 90).';
COMMENT ON COLUMN reporting.campaign_effectiveness.cuentas_con_carta IS 'Accounts mailed.';
COMMENT ON COLUMN reporting.campaign_effectiveness.pagaron_con_carta IS 'Of them, accounts with a payment in the window.';
COMMENT ON COLUMN reporting.campaign_effectiveness.tasa_con_carta IS 'pagaron_con_carta / cuentas_con_carta, four decimals.';
COMMENT ON COLUMN reporting.campaign_effectiveness.pagado_con_carta IS 'What they paid in the window, in COP.';
COMMENT ON COLUMN reporting.campaign_effectiveness.recuperacion_con_carta IS 'pagado_con_carta as a share of their overdue balance at the cut, four decimals.';
COMMENT ON COLUMN reporting.campaign_effectiveness.cuentas_control IS 'Accounts of the control group (selected, and held back without a letter).';
COMMENT ON COLUMN reporting.campaign_effectiveness.pagaron_control IS 'Of them, accounts with a payment in the window.';
COMMENT ON COLUMN reporting.campaign_effectiveness.tasa_control IS 'pagaron_control / cuentas_control, four decimals; NULL without a control group.';
COMMENT ON COLUMN reporting.campaign_effectiveness.pagado_control IS 'What the control group paid in the window, in COP.';
COMMENT ON COLUMN reporting.campaign_effectiveness.recuperacion_control IS 'pagado_control as a share of its overdue balance at the cut, four decimals.';
COMMENT ON COLUMN reporting.campaign_effectiveness.diferencia IS 'tasa_con_carta − tasa_control: the share of accounts the letter made pay; NULL without a control group.';
COMMENT ON COLUMN reporting.campaign_effectiveness.ic95_desde IS 'Lower bound of the 95% confidence interval of diferencia (normal approximation); above 0, the letters had an effect.';
COMMENT ON COLUMN reporting.campaign_effectiveness.ic95_hasta IS 'Upper bound of the 95% confidence interval of diferencia.';
GRANT SELECT ON reporting.campaign_effectiveness TO cartero_analyst, cartero_app;
