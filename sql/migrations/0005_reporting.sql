-- 0005: views for analysts in schema reporting.
--
-- Every view is security_invoker: it reads the base tables as the analyst, so the row
-- rules of the analyst's staff member apply (his regional; an admin sees all). That
-- means the invoker needs privileges on the base tables too: cartero_analyst gets USAGE
-- on schema cartero, EXECUTE on the current_staff_* functions the policies call, and
-- SELECT on exactly the base-table columns these views use. Personal data
-- (accounts.documento, staff.password_hash) is in no view and granted to no analyst.
-- Analysts may thus also read those columns from the base tables directly: the same
-- rows, the same columns.
--
-- Views have no order; read them ordered by the columns their comments name.

SET LOCAL ROLE cartero_owner;

GRANT USAGE ON SCHEMA cartero TO cartero_analyst;
GRANT EXECUTE ON FUNCTION cartero.current_staff_id(), cartero.current_staff_regional(),
                          cartero.current_staff_role(), cartero.current_staff_is_admin()
    TO cartero_analyst;

-- ---------------------------------------------------------------------------
-- reporting.accounts

GRANT SELECT (cuenta, regional, titular, direccion, barrio, municipio, ruta, uso, estrato, facturacion,
              saldo_mora, fecha_mora, cobro_juridico, saneamiento, import_batch_id, updated_at)
    ON cartero.accounts TO cartero_analyst;

CREATE VIEW reporting.accounts WITH (security_invoker = true) AS
SELECT a.cuenta, a.regional, a.titular, a.direccion, a.barrio, a.municipio, a.ruta, a.uso, a.estrato,
       a.facturacion, a.saldo_mora, a.fecha_mora, a.cobro_juridico, a.saneamiento,
       a.import_batch_id, a.updated_at
  FROM cartero.accounts a;
COMMENT ON VIEW reporting.accounts IS 'Accounts of the portfolio as the last extract describes them, without the holder''s id number.';
COMMENT ON COLUMN reporting.accounts.cuenta IS 'Account number.';
COMMENT ON COLUMN reporting.accounts.regional IS 'Regional the account belongs to.';
COMMENT ON COLUMN reporting.accounts.titular IS 'Holder''s name.';
COMMENT ON COLUMN reporting.accounts.direccion IS 'Postal address; '''' when unknown (blank: no letter can be mailed).';
COMMENT ON COLUMN reporting.accounts.barrio IS 'Neighbourhood; '''' when unknown.';
COMMENT ON COLUMN reporting.accounts.municipio IS 'City.';
COMMENT ON COLUMN reporting.accounts.ruta IS 'Route or sector code for field work; '''' when unknown.';
COMMENT ON COLUMN reporting.accounts.uso IS 'Use class: residencial, comercial, industrial, oficial or especial.';
COMMENT ON COLUMN reporting.accounts.estrato IS 'Stratum 1 to 6 (residential only); NULL otherwise.';
COMMENT ON COLUMN reporting.accounts.facturacion IS 'Billing mode: directa or conjunta.';
COMMENT ON COLUMN reporting.accounts.saldo_mora IS 'Overdue balance in COP.';
COMMENT ON COLUMN reporting.accounts.fecha_mora IS 'Due date of the oldest unpaid bill; NULL when nothing is overdue.';
COMMENT ON COLUMN reporting.accounts.cobro_juridico IS 'True when in legal collection.';
COMMENT ON COLUMN reporting.accounts.saneamiento IS 'Clean-up mark from the extract (demolido, lote, doble_facturacion); NULL when none.';
COMMENT ON COLUMN reporting.accounts.import_batch_id IS 'Import batch that last changed the row.';
COMMENT ON COLUMN reporting.accounts.updated_at IS 'When the row last changed.';
GRANT SELECT ON reporting.accounts TO cartero_analyst, cartero_app;

-- ---------------------------------------------------------------------------
-- reporting.payments

GRANT SELECT (id, cuenta, regional, fecha, valor, referencia, import_batch_id)
    ON cartero.payments TO cartero_analyst;

CREATE VIEW reporting.payments WITH (security_invoker = true) AS
SELECT p.id, p.cuenta, p.regional, p.fecha, p.valor, p.referencia, p.import_batch_id
  FROM cartero.payments p;
COMMENT ON VIEW reporting.payments IS 'Payments (abonos) imported from the commercial system.';
COMMENT ON COLUMN reporting.payments.id IS 'Surrogate key.';
COMMENT ON COLUMN reporting.payments.cuenta IS 'Account paid.';
COMMENT ON COLUMN reporting.payments.regional IS 'The account''s regional.';
COMMENT ON COLUMN reporting.payments.fecha IS 'Date of the payment.';
COMMENT ON COLUMN reporting.payments.valor IS 'Amount in COP.';
COMMENT ON COLUMN reporting.payments.referencia IS 'Receipt number; '''' when none.';
COMMENT ON COLUMN reporting.payments.import_batch_id IS 'Import batch that brought it.';
GRANT SELECT ON reporting.payments TO cartero_analyst, cartero_app;

-- ---------------------------------------------------------------------------
-- reporting.campaigns

GRANT SELECT (id, regional, name, cut_date, threshold_residencial, threshold_comercial,
              threshold_industrial, threshold_oficial, threshold_especial, min_days_past_due,
              payment_window_months, letter_window_months, max_letters, control_group_pct, status,
              created_by, created_at, evaluated_at, approved_by, approved_at, cancelled_by, cancelled_at)
    ON cartero.campaigns TO cartero_analyst;

CREATE VIEW reporting.campaigns WITH (security_invoker = true) AS
SELECT c.id, c.regional, c.name, c.cut_date, c.threshold_residencial, c.threshold_comercial,
       c.threshold_industrial, c.threshold_oficial, c.threshold_especial, c.min_days_past_due,
       c.payment_window_months, c.letter_window_months, c.max_letters, c.control_group_pct, c.status,
       c.created_by, c.created_at, c.evaluated_at, c.approved_by, c.approved_at,
       c.cancelled_by, c.cancelled_at
  FROM cartero.campaigns c;
COMMENT ON VIEW reporting.campaigns IS 'Campaigns with the parameters their segmentation used and their life so far.';
COMMENT ON COLUMN reporting.campaigns.id IS 'Campaign id.';
COMMENT ON COLUMN reporting.campaigns.regional IS 'The campaign''s regional.';
COMMENT ON COLUMN reporting.campaigns.name IS 'Name given by the coordinator.';
COMMENT ON COLUMN reporting.campaigns.cut_date IS 'Cut date D.';
COMMENT ON COLUMN reporting.campaigns.threshold_residencial IS 'Residential accounts need saldo_mora greater than this.';
COMMENT ON COLUMN reporting.campaigns.threshold_comercial IS 'Commercial accounts need saldo_mora greater than this.';
COMMENT ON COLUMN reporting.campaigns.threshold_industrial IS 'Industrial accounts need saldo_mora greater than this.';
COMMENT ON COLUMN reporting.campaigns.threshold_oficial IS 'Official accounts need saldo_mora greater than this.';
COMMENT ON COLUMN reporting.campaigns.threshold_especial IS 'Special accounts need saldo_mora greater than this.';
COMMENT ON COLUMN reporting.campaigns.min_days_past_due IS 'Accounts need more than this many days past due at D.';
COMMENT ON COLUMN reporting.campaigns.payment_window_months IS 'A payment after D minus this many months excludes the account.';
COMMENT ON COLUMN reporting.campaigns.letter_window_months IS 'A letter after D minus this many months excludes the account.';
COMMENT ON COLUMN reporting.campaigns.max_letters IS 'Most letters the campaign sends; NULL for no limit.';
COMMENT ON COLUMN reporting.campaigns.control_group_pct IS 'Percentage held back as control group; NULL for none.';
COMMENT ON COLUMN reporting.campaigns.status IS 'borrador, aprobada, generada, despachada, cerrada or anulada.';
COMMENT ON COLUMN reporting.campaigns.created_by IS 'Staff id of the member who created it.';
COMMENT ON COLUMN reporting.campaigns.created_at IS 'When it was created.';
COMMENT ON COLUMN reporting.campaigns.evaluated_at IS 'When its segmentation was last computed; NULL when stale.';
COMMENT ON COLUMN reporting.campaigns.approved_by IS 'Staff id of the member who approved it.';
COMMENT ON COLUMN reporting.campaigns.approved_at IS 'When it was approved.';
COMMENT ON COLUMN reporting.campaigns.cancelled_by IS 'Staff id of the member who cancelled it.';
COMMENT ON COLUMN reporting.campaigns.cancelled_at IS 'When it was cancelled.';
GRANT SELECT ON reporting.campaigns TO cartero_analyst, cartero_app;

-- ---------------------------------------------------------------------------
-- reporting.campaign_selection, campaign_exclusions, campaign_funnel

GRANT SELECT (campaign_id, prioridad, dias_mora, cuenta, regional, saldo_mora, uso, facturacion, reasons)
    ON cartero.campaign_accounts TO cartero_analyst;

CREATE VIEW reporting.campaign_selection WITH (security_invoker = true) AS
SELECT ca.campaign_id, ca.regional, ca.prioridad, ca.cuenta, ca.saldo_mora, ca.dias_mora, ca.uso, ca.facturacion
  FROM cartero.campaign_accounts ca
 WHERE ca.prioridad IS NOT NULL;
COMMENT ON VIEW reporting.campaign_selection IS 'Accounts a campaign selected at its last evaluation, one row each; order by campaign_id, prioridad.';
COMMENT ON COLUMN reporting.campaign_selection.campaign_id IS 'The campaign.';
COMMENT ON COLUMN reporting.campaign_selection.regional IS 'The campaign''s regional.';
COMMENT ON COLUMN reporting.campaign_selection.prioridad IS 'Rank 1..n: directa before conjunta, then saldo_mora, then dias_mora (highest first), then cuenta.';
COMMENT ON COLUMN reporting.campaign_selection.cuenta IS 'Selected account.';
COMMENT ON COLUMN reporting.campaign_selection.saldo_mora IS 'Overdue balance when evaluated.';
COMMENT ON COLUMN reporting.campaign_selection.dias_mora IS 'Days past due at the cut date.';
COMMENT ON COLUMN reporting.campaign_selection.uso IS 'Use class when evaluated.';
COMMENT ON COLUMN reporting.campaign_selection.facturacion IS 'Billing mode when evaluated.';
GRANT SELECT ON reporting.campaign_selection TO cartero_analyst, cartero_app;

CREATE VIEW reporting.campaign_exclusions WITH (security_invoker = true) AS
SELECT ca.campaign_id, ca.regional, ca.cuenta, u.orden::integer AS orden, u.motivo, ca.saldo_mora, ca.dias_mora
  FROM cartero.campaign_accounts ca
 CROSS JOIN LATERAL unnest(ca.reasons) WITH ORDINALITY AS u(motivo, orden);
COMMENT ON VIEW reporting.campaign_exclusions IS 'One row per account a campaign excluded and reason it was excluded for; order by campaign_id, cuenta, orden.';
COMMENT ON COLUMN reporting.campaign_exclusions.campaign_id IS 'The campaign.';
COMMENT ON COLUMN reporting.campaign_exclusions.regional IS 'The campaign''s regional.';
COMMENT ON COLUMN reporting.campaign_exclusions.cuenta IS 'Excluded account.';
COMMENT ON COLUMN reporting.campaign_exclusions.orden IS 'Position of the reason among the account''s reasons (1 = its first failing rule, in RULES.md''s order).';
COMMENT ON COLUMN reporting.campaign_exclusions.motivo IS 'Reason code: cobro_juridico, saneamiento, abono_reciente, carta_reciente, saldo_bajo_umbral, mora_insuficiente, sin_direccion, caso_abierto, fuera_de_capacidad or grupo_control.';
COMMENT ON COLUMN reporting.campaign_exclusions.saldo_mora IS 'Overdue balance when evaluated.';
COMMENT ON COLUMN reporting.campaign_exclusions.dias_mora IS 'Days past due at the cut date; NULL without fecha_mora.';
GRANT SELECT ON reporting.campaign_exclusions TO cartero_analyst, cartero_app;

CREATE VIEW reporting.campaign_funnel WITH (security_invoker = true) AS
SELECT c.id AS campaign_id, c.regional, m.orden, m.motivo,
       coalesce(f.cuentas, 0) AS cuentas,
       coalesce(f.cuentas_primer_motivo, 0) AS cuentas_primer_motivo,
       coalesce(f.saldo_mora, 0) AS saldo_mora,
       coalesce(f.saldo_mora_primer_motivo, 0) AS saldo_mora_primer_motivo
  FROM cartero.campaigns c
 CROSS JOIN (VALUES (1, 'cobro_juridico'), (2, 'saneamiento'), (3, 'abono_reciente'),
                    (4, 'carta_reciente'), (5, 'saldo_bajo_umbral'), (6, 'mora_insuficiente'),
                    (7, 'sin_direccion'), (8, 'caso_abierto'), (9, 'fuera_de_capacidad'),
                    (10, 'grupo_control')) AS m(orden, motivo)
  LEFT JOIN (SELECT ca.campaign_id, u.motivo,
                    count(*) AS cuentas,
                    count(*) FILTER (WHERE u.n = 1) AS cuentas_primer_motivo,
                    sum(ca.saldo_mora) AS saldo_mora,
                    coalesce(sum(ca.saldo_mora) FILTER (WHERE u.n = 1), 0) AS saldo_mora_primer_motivo
               FROM cartero.campaign_accounts ca
              CROSS JOIN LATERAL unnest(ca.reasons) WITH ORDINALITY AS u(motivo, n)
              GROUP BY ca.campaign_id, u.motivo) f
         ON f.campaign_id = c.id AND f.motivo = m.motivo;
COMMENT ON VIEW reporting.campaign_funnel IS 'A campaign''s funnel at its last evaluation: per reason, in RULES.md''s order, the accounts failing it and those for which it is the first failing rule; order by campaign_id, orden. Every reason has a row, 0 when none fails it.';
COMMENT ON COLUMN reporting.campaign_funnel.campaign_id IS 'The campaign.';
COMMENT ON COLUMN reporting.campaign_funnel.regional IS 'The campaign''s regional.';
COMMENT ON COLUMN reporting.campaign_funnel.orden IS 'Position of the rule in RULES.md (1 = cobro_juridico ... 10 = grupo_control).';
COMMENT ON COLUMN reporting.campaign_funnel.motivo IS 'Reason code.';
COMMENT ON COLUMN reporting.campaign_funnel.cuentas IS 'Accounts failing this rule (an account may fail several).';
COMMENT ON COLUMN reporting.campaign_funnel.cuentas_primer_motivo IS 'Accounts for which this is the first failing rule: these add up to all excluded accounts.';
COMMENT ON COLUMN reporting.campaign_funnel.saldo_mora IS 'Overdue balance of the accounts failing this rule, COP.';
COMMENT ON COLUMN reporting.campaign_funnel.saldo_mora_primer_motivo IS 'Overdue balance of the accounts for which this is the first failing rule, COP.';
GRANT SELECT ON reporting.campaign_funnel TO cartero_analyst, cartero_app;
