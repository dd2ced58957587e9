-- 0004: campaigns (campañas de gestión de cobro masiva) and segmentation, RULES.md
-- section 1.
--
-- A campaign belongs to one regional. evaluate_campaign() writes one campaign_accounts
-- row per account of the regional with every exclusion reason it has; the accounts with
-- none are ranked. approve_campaign() reserves the selected accounts in
-- account_reservations, whose primary key stops two racing approvals from taking the
-- same account; a campaign evaluated later sees them as carta_reciente.
--
-- Who may: every member of the regional reads its campaigns; only a coordinador of
-- the regional or an admin creates, changes, evaluates, approves or cancels them. The
-- policies enforce it; the trigger and the functions say it in a sentence first.
--
-- Errors raised here (message, SQLSTATE):
--   'only a coordinator or an administrator may <action> campaigns of regional R'  42501 insufficient_privilege
--   'campaign N does not exist or belongs to another regional'                    P0002 no_data_found
--   'campaign N is <status>; only a draft can be <evaluated|approved|changed>'     55000 object_not_in_prerequisite_state
--   'campaign N is <status>; only a draft or an approved campaign can be cancelled' 55000
--   'campaign N was changed after its last evaluation; refresh it'                 55000
--   'campaign N selects no account; there is nothing to approve'                    55000
--   'a campaign cannot move to another regional'                                    55000
--   'K accounts were reserved by campaign X after this one was evaluated; refresh it'
--        CA409: Cartero's own code (class CA, "409 conflict"): the approval lost a race
--        for some accounts; retrying is useless until the campaign is re-evaluated, which
--        is why it is not 40001 (serialization_failure, which clients retry as is).

SET LOCAL ROLE cartero_owner;

-- ---------------------------------------------------------------------------
-- campaigns

CREATE TABLE cartero.campaigns (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    regional text NOT NULL REFERENCES cartero.regionals,
    name text NOT NULL,
    cut_date date NOT NULL,
    threshold_residencial numeric(14,2) NOT NULL DEFAULT 100000 CHECK (threshold_residencial >= 0),
    threshold_comercial numeric(14,2) NOT NULL DEFAULT 300000 CHECK (threshold_comercial >= 0),
    threshold_industrial numeric(14,2) NOT NULL DEFAULT 300000 CHECK (threshold_industrial >= 0),
    threshold_oficial numeric(14,2) NOT NULL DEFAULT 300000 CHECK (threshold_oficial >= 0),
    threshold_especial numeric(14,2) NOT NULL DEFAULT 300000 CHECK (threshold_especial >= 0),
    min_days_past_due integer NOT NULL DEFAULT 60 CHECK (min_days_past_due >= 0),
    payment_window_months integer NOT NULL DEFAULT 1 CHECK (payment_window_months >= 0),
    letter_window_months integer NOT NULL DEFAULT 2 CHECK (letter_window_months >= 0),
    max_letters integer CHECK (max_letters > 0),
    control_group_pct numeric(5,2) CHECK (control_group_pct > 0 AND control_group_pct < 100),
    status text NOT NULL DEFAULT 'borrador'
        CHECK (status IN ('borrador', 'aprobada', 'generada', 'despachada', 'cerrada', 'anulada')),
    created_by bigint NOT NULL DEFAULT cartero.current_staff_id() REFERENCES cartero.staff,
    created_at timestamptz NOT NULL DEFAULT now(),
    evaluated_at timestamptz,
    approved_by bigint REFERENCES cartero.staff,
    approved_at timestamptz,
    cancelled_by bigint REFERENCES cartero.staff,
    cancelled_at timestamptz
);
COMMENT ON TABLE cartero.campaigns IS 'Mass collection-letter campaigns (campañas de gestión de cobro masiva) of one regional, with the parameters their segmentation used, so a result can be reproduced.';
COMMENT ON COLUMN cartero.campaigns.id IS 'Surrogate key; the CLI''s campaign ID.';
COMMENT ON COLUMN cartero.campaigns.regional IS 'The regional whose accounts the campaign evaluates; never changes.';
COMMENT ON COLUMN cartero.campaigns.name IS 'Name given by the coordinator.';
COMMENT ON COLUMN cartero.campaigns.cut_date IS 'Cut date D (fecha de corte): balances, days past due and the payment and letter windows are measured from it.';
COMMENT ON COLUMN cartero.campaigns.threshold_residencial IS 'saldo_bajo_umbral: a residential account is excluded when saldo_mora is not greater than this.';
COMMENT ON COLUMN cartero.campaigns.threshold_comercial IS 'saldo_bajo_umbral threshold for uso comercial.';
COMMENT ON COLUMN cartero.campaigns.threshold_industrial IS 'saldo_bajo_umbral threshold for uso industrial (follows the commercial one by default).';
COMMENT ON COLUMN cartero.campaigns.threshold_oficial IS 'saldo_bajo_umbral threshold for uso oficial (follows the commercial one by default).';
COMMENT ON COLUMN cartero.campaigns.threshold_especial IS 'saldo_bajo_umbral threshold for uso especial (follows the commercial one by default).';
COMMENT ON COLUMN cartero.campaigns.min_days_past_due IS 'mora_insuficiente: excluded when D - fecha_mora is not greater than this many days.';
COMMENT ON COLUMN cartero.campaigns.payment_window_months IS 'abono_reciente: excluded when paid after D minus this many calendar months.';
COMMENT ON COLUMN cartero.campaigns.letter_window_months IS 'carta_reciente: excluded when a letter was sent after D minus this many calendar months.';
COMMENT ON COLUMN cartero.campaigns.max_letters IS 'Budget: ranks past it get fuera_de_capacidad; NULL for no limit.';
COMMENT ON COLUMN cartero.campaigns.control_group_pct IS 'Percentage of the accounts within capacity held back as a control group (grupo_control), chosen reproducibly; NULL for none.';
COMMENT ON COLUMN cartero.campaigns.status IS 'borrador (draft, may be refreshed), aprobada (accounts reserved), generada (letters numbered), despachada (handed to the courier), cerrada, anulada (cancelled).';
COMMENT ON COLUMN cartero.campaigns.created_by IS 'The member who created the campaign.';
COMMENT ON COLUMN cartero.campaigns.created_at IS 'When the campaign was created.';
COMMENT ON COLUMN cartero.campaigns.evaluated_at IS 'When campaign_accounts was last written by evaluate_campaign; NULL when never, or when a parameter changed since.';
COMMENT ON COLUMN cartero.campaigns.approved_by IS 'The member who approved it; NULL until then.';
COMMENT ON COLUMN cartero.campaigns.approved_at IS 'When it was approved; NULL until then.';
COMMENT ON COLUMN cartero.campaigns.cancelled_by IS 'The member who cancelled it; NULL unless anulada.';
COMMENT ON COLUMN cartero.campaigns.cancelled_at IS 'When it was cancelled; NULL unless anulada.';
CREATE INDEX campaigns_regional_created_at ON cartero.campaigns (regional, created_at);

ALTER TABLE cartero.campaigns ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members see the campaigns of their own regional" ON cartero.campaigns
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
-- One policy for every write: permissive policies are OR-ed per command, so for
-- SELECT it adds nothing to the one above, and cartero_app has no DELETE.
CREATE POLICY "coordinators create and change campaigns of their own regional" ON cartero.campaigns
    FOR ALL
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND (SELECT cartero.current_staff_role()) = 'coordinador'))
    WITH CHECK ((SELECT cartero.current_staff_is_admin())
                OR (regional = (SELECT cartero.current_staff_regional())
                    AND (SELECT cartero.current_staff_role()) = 'coordinador'));
-- No DELETE: a campaign is cancelled (anulada), never removed.
GRANT SELECT, INSERT, UPDATE ON cartero.campaigns TO cartero_app;

CREATE FUNCTION cartero.require_campaign_manager(p_regional text, p_action text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, cartero
AS $$
BEGIN
    IF NOT (cartero.current_staff_is_admin()
            OR (cartero.current_staff_role() = 'coordinador'
                AND cartero.current_staff_regional() = p_regional)) THEN
        RAISE EXCEPTION 'only a coordinator or an administrator may % campaigns of regional %', p_action, p_regional
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;
COMMENT ON FUNCTION cartero.require_campaign_manager(text, text) IS
'Raises 42501 unless the acting member is an admin or a coordinador of that regional: the sentence the policies on campaigns cannot say.';
GRANT EXECUTE ON FUNCTION cartero.require_campaign_manager(text, text) TO cartero_app;

CREATE FUNCTION cartero.campaigns_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, cartero
AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.regional IS DISTINCT FROM OLD.regional THEN
        RAISE EXCEPTION 'a campaign cannot move to another regional'
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    PERFORM cartero.require_campaign_manager(NEW.regional,
                                             CASE TG_OP WHEN 'INSERT' THEN 'create' ELSE 'change' END);
    IF TG_OP = 'UPDATE' THEN
        IF (NEW.cut_date, NEW.threshold_residencial, NEW.threshold_comercial, NEW.threshold_industrial,
            NEW.threshold_oficial, NEW.threshold_especial, NEW.min_days_past_due,
            NEW.payment_window_months, NEW.letter_window_months, NEW.max_letters, NEW.control_group_pct)
           IS DISTINCT FROM
           (OLD.cut_date, OLD.threshold_residencial, OLD.threshold_comercial, OLD.threshold_industrial,
            OLD.threshold_oficial, OLD.threshold_especial, OLD.min_days_past_due,
            OLD.payment_window_months, OLD.letter_window_months, OLD.max_letters, OLD.control_group_pct)
        THEN
            IF OLD.status <> 'borrador' THEN
                RAISE EXCEPTION 'campaign % is %; only a draft can be changed', OLD.id, OLD.status
                    USING ERRCODE = 'object_not_in_prerequisite_state';
            END IF;
            NEW.evaluated_at := NULL;  -- its campaign_accounts no longer match its parameters
        END IF;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION cartero.campaigns_guard() IS
'Before a campaign is inserted or updated: only a coordinador of its regional or an admin; the regional never changes; the segmentation parameters change only in a draft, and changing them voids its evaluation.';
CREATE TRIGGER campaigns_guard BEFORE INSERT OR UPDATE ON cartero.campaigns
    FOR EACH ROW EXECUTE FUNCTION cartero.campaigns_guard();

-- ---------------------------------------------------------------------------
-- campaign_accounts

-- A million rows are written per evaluation, so the table stays light: no primary key,
-- no foreign key (each would be checked row by row), and no b-tree: a b-tree on
-- (campaign_id, prioridad) made an evaluation of 1M accounts about 1 s (27%) slower; a
-- partial one on the selected accounts about 0.4 s. A BRIN index on campaign_id costs
-- about 0.1 s and finds a campaign's rows, which lie together because one statement
-- writes them; reading a campaign's selection in rank order then sorts it (see
-- sql/bench/README.md). Only evaluate_campaign writes the table, from the campaign it
-- has locked; campaigns are never deleted.
CREATE TABLE cartero.campaign_accounts (
    campaign_id bigint NOT NULL,
    prioridad integer,
    dias_mora integer,
    cuenta text COLLATE "C" NOT NULL,
    regional text NOT NULL,
    saldo_mora numeric(14,2) NOT NULL,
    uso text NOT NULL,
    facturacion text NOT NULL,
    reasons text[] NOT NULL
);
COMMENT ON TABLE cartero.campaign_accounts IS 'Result of a campaign''s last evaluation: one row per account of its regional, with all its exclusion reasons, or its rank when selected.';
COMMENT ON COLUMN cartero.campaign_accounts.campaign_id IS 'The campaign evaluated.';
COMMENT ON COLUMN cartero.campaign_accounts.prioridad IS 'Rank 1..n among the selected accounts (letter order); NULL when the account is excluded.';
COMMENT ON COLUMN cartero.campaign_accounts.dias_mora IS 'Days past due at the cut date: cut_date - fecha_mora; NULL when the account had no fecha_mora.';
COMMENT ON COLUMN cartero.campaign_accounts.cuenta IS 'The account evaluated.';
COMMENT ON COLUMN cartero.campaign_accounts.regional IS 'The campaign''s regional, copied for row-level security.';
COMMENT ON COLUMN cartero.campaign_accounts.saldo_mora IS 'Overdue balance when evaluated (printed on the letter).';
COMMENT ON COLUMN cartero.campaign_accounts.uso IS 'Use class when evaluated (picked the threshold).';
COMMENT ON COLUMN cartero.campaign_accounts.facturacion IS 'Billing mode when evaluated (directa ranks first).';
COMMENT ON COLUMN cartero.campaign_accounts.reasons IS
'Every exclusion reason, in RULES.md''s order: cobro_juridico, saneamiento, abono_reciente, carta_reciente, saldo_bajo_umbral, mora_insuficiente, sin_direccion, caso_abierto, fuera_de_capacidad, grupo_control. Empty when selected.';
CREATE INDEX campaign_accounts_campaign_brin ON cartero.campaign_accounts USING brin (campaign_id)
    WITH (autosummarize = on);

ALTER TABLE cartero.campaign_accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members see the evaluations of their own regional" ON cartero.campaign_accounts
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
-- Writes (INSERT, DELETE; cartero_app has no UPDATE) in one policy, as on campaigns.
CREATE POLICY "coordinators write and discard the evaluations of their own regional" ON cartero.campaign_accounts
    FOR ALL
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND (SELECT cartero.current_staff_role()) = 'coordinador'))
    WITH CHECK ((SELECT cartero.current_staff_is_admin())
                OR (regional = (SELECT cartero.current_staff_regional())
                    AND (SELECT cartero.current_staff_role()) = 'coordinador'));
GRANT SELECT, INSERT, DELETE ON cartero.campaign_accounts TO cartero_app;

-- ---------------------------------------------------------------------------
-- account_reservations

-- Only the primary key: approving a campaign inserts every selected account here (500,000
-- in the benchmark), and foreign keys are checked row by row: one to accounts (which
-- also locks each account row) tripled the approval's time, one to campaigns added 1 s.
-- The rows are copied from campaign_accounts of the campaign approve_campaign has
-- locked, and neither accounts nor campaigns are ever deleted. The table holds only
-- the approved, not yet dispatched campaigns, so reading it by regional or campaign
-- scans a small table.
CREATE TABLE cartero.account_reservations (
    cuenta text COLLATE "C" PRIMARY KEY,
    campaign_id bigint NOT NULL,
    regional text NOT NULL,
    reserved_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE cartero.account_reservations IS
'Accounts an approved campaign will mail and has not dispatched yet. The primary key is what stops two racing approvals from reserving one account: the second INSERT waits for the first transaction, then conflicts. Campaigns of different regionals never touch the same accounts, so they never wait for each other.';
COMMENT ON COLUMN cartero.account_reservations.cuenta IS 'The reserved account; at most one campaign holds it.';
COMMENT ON COLUMN cartero.account_reservations.campaign_id IS 'The approved campaign holding it.';
COMMENT ON COLUMN cartero.account_reservations.regional IS 'The campaign''s regional, copied for row-level security and segmentation.';
COMMENT ON COLUMN cartero.account_reservations.reserved_at IS 'When the campaign was approved.';

ALTER TABLE cartero.account_reservations ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members see the reservations of their own regional" ON cartero.account_reservations
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
-- Writes (INSERT, DELETE; cartero_app has no UPDATE) in one policy, as on campaigns.
CREATE POLICY "coordinators reserve and release accounts of their own regional" ON cartero.account_reservations
    FOR ALL
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND (SELECT cartero.current_staff_role()) = 'coordinador'))
    WITH CHECK ((SELECT cartero.current_staff_is_admin())
                OR (regional = (SELECT cartero.current_staff_regional())
                    AND (SELECT cartero.current_staff_role()) = 'coordinador'));
GRANT SELECT, INSERT, DELETE ON cartero.account_reservations TO cartero_app;

-- ---------------------------------------------------------------------------
-- segmentation

-- One SELECT, LANGUAGE sql, STABLE, invoker: the planner inlines it into the caller's
-- statement and the row rules of the acting member apply to every table it reads.
--
-- How it stays fast over a million accounts (see sql/bench/README.md):
-- * the recent payments, recent letters and clean-up marks of the regional are read
--   once from their (regional, date) indexes, made distinct and hash-joined to the
--   accounts; no correlated lookup per account;
-- * each account's failed rules are first a bit mask (1 = cobro_juridico ... 64 =
--   sin_direccion, RULES.md's order); the text[] of reasons is built only for the
--   excluded accounts, and the evaluated rows are kept once (MATERIALIZED) for the two
--   branches that read them;
-- * only the accounts that pass every rule are sorted, on an integer key: directa
--   first, then saldo_mora in cents (numeric(14,2) < 10^12, so cents < 10^14 and the
--   directa bonus 10^15 keeps billing mode first), then dias_mora, then cuenta in "C"
--   byte order (reproducible whatever the database's collation). Sorting on the
--   numeric itself costs a detoast per comparison, several times slower;
-- * without a control group the selected accounts are ranked once; with one, the
--   branch that draws it and re-ranks the rest runs instead (one-time filters).
--
-- caso_abierto is not produced yet: there is no cases table. The migration that adds
-- cases replaces this function, as will the one that adds Cartero's dispatched letters
-- (carta_reciente); today carta_reciente comes from letter_history and from other
-- campaigns' reservations.
CREATE FUNCTION cartero.segmentation(c cartero.campaigns)
RETURNS TABLE (cuenta text, regional text, prioridad integer, reasons text[],
               saldo_mora numeric, dias_mora integer, uso text, facturacion text)
LANGUAGE sql STABLE
AS $$
WITH evaluated AS MATERIALIZED (
    SELECT a.cuenta, a.saldo_mora, c.cut_date - a.fecha_mora AS dias_mora, a.uso, a.facturacion,
             CASE WHEN a.cobro_juridico THEN 1 ELSE 0 END
           | CASE WHEN a.saneamiento IS NOT NULL OR marked.cuenta IS NOT NULL THEN 2 ELSE 0 END
           | CASE WHEN paid.cuenta IS NOT NULL THEN 4 ELSE 0 END
           | CASE WHEN lettered.cuenta IS NOT NULL THEN 8 ELSE 0 END
           | CASE WHEN a.saldo_mora <= CASE a.uso WHEN 'residencial' THEN c.threshold_residencial
                                                  WHEN 'comercial'   THEN c.threshold_comercial
                                                  WHEN 'industrial'  THEN c.threshold_industrial
                                                  WHEN 'oficial'     THEN c.threshold_oficial
                                                  ELSE c.threshold_especial END
                  THEN 16 ELSE 0 END
           | CASE WHEN a.fecha_mora IS NULL OR c.cut_date - a.fecha_mora <= c.min_days_past_due
                  THEN 32 ELSE 0 END
           | CASE WHEN a.direccion !~ '\S' THEN 64 ELSE 0 END AS failed
      FROM cartero.accounts a
      LEFT JOIN (SELECT DISTINCT m.cuenta
                   FROM cartero.account_cleanup_marks m
                  WHERE m.regional = c.regional AND m.cleared_at IS NULL) marked
             ON marked.cuenta = a.cuenta
      LEFT JOIN (SELECT DISTINCT p.cuenta
                   FROM cartero.payments p
                  WHERE p.regional = c.regional
                    AND p.fecha > (c.cut_date - make_interval(months => c.payment_window_months))::date) paid
             ON paid.cuenta = a.cuenta
      LEFT JOIN (SELECT h.cuenta
                   FROM cartero.letter_history h
                  WHERE h.regional = c.regional
                    AND h.fecha_envio > (c.cut_date - make_interval(months => c.letter_window_months))::date
                 UNION
                 SELECT r.cuenta
                   FROM cartero.account_reservations r
                  WHERE r.regional = c.regional AND r.campaign_id <> c.id) lettered
             ON lettered.cuenta = a.cuenta
     WHERE a.regional = c.regional
),
ranked AS (  -- only read with a control group
    SELECT e.cuenta, e.saldo_mora, e.dias_mora, e.uso, e.facturacion,
           row_number() OVER (ORDER BY (e.saldo_mora * 100)::bigint
                                       + CASE WHEN e.facturacion = 'directa' THEN 1000000000000000 ELSE 0 END DESC,
                                       e.dias_mora DESC, e.cuenta COLLATE "C") AS r
      FROM evaluated e
     WHERE e.failed = 0
),
control AS (
    -- floor(n * pct / 100) of the n accounts within capacity, in md5 order: the same
    -- campaign draws the same set.
    SELECT d.cuenta
      FROM (SELECT k.cuenta,
                   row_number() OVER (ORDER BY md5(c.id::text || ':' || k.cuenta) COLLATE "C") AS h,
                   count(*) OVER () AS n
              FROM ranked k
             WHERE c.max_letters IS NULL OR k.r <= c.max_letters) d
     WHERE d.h <= floor(d.n * c.control_group_pct / 100)
),
placed AS (
    -- 0 gets a letter, 1 is past capacity, 2 is in the control group
    SELECT k.*, CASE WHEN k.r > c.max_letters THEN 1 WHEN ctl.cuenta IS NOT NULL THEN 2 ELSE 0 END AS place
      FROM ranked k
      LEFT JOIN control ctl ON ctl.cuenta = k.cuenta
)
-- selected, no control group: ranked once, in the same order as "ranked" above
SELECT s.cuenta, c.regional,
       CASE WHEN c.max_letters IS NULL OR s.r <= c.max_letters THEN s.r::integer END,
       CASE WHEN s.r > c.max_letters THEN '{fuera_de_capacidad}'::text[] ELSE '{}'::text[] END,
       s.saldo_mora, s.dias_mora, s.uso, s.facturacion
  FROM (SELECT e.*,
               row_number() OVER (ORDER BY (e.saldo_mora * 100)::bigint
                                           + CASE WHEN e.facturacion = 'directa' THEN 1000000000000000 ELSE 0 END DESC,
                                           e.dias_mora DESC, e.cuenta COLLATE "C") AS r
          FROM evaluated e
         WHERE e.failed = 0 AND c.control_group_pct IS NULL) s
UNION ALL
-- selected, with a control group: the rest re-ranked 1..m in the same order
SELECT p.cuenta, c.regional,
       CASE WHEN p.place = 0 THEN (row_number() OVER (PARTITION BY p.place ORDER BY p.r))::integer END,
       CASE p.place WHEN 1 THEN '{fuera_de_capacidad}'::text[]
                    WHEN 2 THEN '{grupo_control}'::text[]
                    ELSE '{}'::text[] END,
       p.saldo_mora, p.dias_mora, p.uso, p.facturacion
  FROM placed p
 WHERE c.control_group_pct IS NOT NULL
UNION ALL
-- excluded
SELECT e.cuenta, c.regional, NULL::integer,
       array_remove(ARRAY[CASE WHEN e.failed & 1 <> 0 THEN 'cobro_juridico' END,
                          CASE WHEN e.failed & 2 <> 0 THEN 'saneamiento' END,
                          CASE WHEN e.failed & 4 <> 0 THEN 'abono_reciente' END,
                          CASE WHEN e.failed & 8 <> 0 THEN 'carta_reciente' END,
                          CASE WHEN e.failed & 16 <> 0 THEN 'saldo_bajo_umbral' END,
                          CASE WHEN e.failed & 32 <> 0 THEN 'mora_insuficiente' END,
                          CASE WHEN e.failed & 64 <> 0 THEN 'sin_direccion' END], NULL),
       e.saldo_mora, e.dias_mora, e.uso, e.facturacion
  FROM evaluated e
 WHERE e.failed <> 0
$$;
COMMENT ON FUNCTION cartero.segmentation(cartero.campaigns) IS
'RULES.md section 1: every account of the campaign''s regional that the acting member can see, with all its exclusion reasons, or its rank (prioridad) when selected. Reads, never writes; evaluate_campaign stores it.';
GRANT EXECUTE ON FUNCTION cartero.segmentation(cartero.campaigns) TO cartero_app;

-- ---------------------------------------------------------------------------
-- the campaign's life

CREATE FUNCTION cartero.lock_campaign(p_campaign_id bigint, p_action text) RETURNS cartero.campaigns
LANGUAGE plpgsql SET search_path = pg_catalog, cartero
AS $$
DECLARE
    v_regional text;
    c cartero.campaigns;
BEGIN
    SELECT k.regional INTO v_regional FROM cartero.campaigns k WHERE k.id = p_campaign_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'campaign % does not exist or belongs to another regional', p_campaign_id
            USING ERRCODE = 'no_data_found';
    END IF;
    PERFORM cartero.require_campaign_manager(v_regional, p_action);
    SELECT * INTO STRICT c FROM cartero.campaigns k WHERE k.id = p_campaign_id FOR UPDATE;
    RETURN c;
END
$$;
COMMENT ON FUNCTION cartero.lock_campaign(bigint, text) IS
'Returns the campaign locked FOR UPDATE, after checking that it is visible and that the acting member may <action> it: the first step of evaluate, approve and cancel.';
GRANT EXECUTE ON FUNCTION cartero.lock_campaign(bigint, text) TO cartero_app;

CREATE FUNCTION cartero.evaluate_campaign(p_campaign_id bigint) RETURNS integer
LANGUAGE plpgsql
-- JIT compiles this one big statement for longer than it saves (about 2x); the extra
-- work_mem keeps the ranking sorts and hash tables of a million accounts in memory.
SET jit = off
SET work_mem = '64MB'
SET search_path = pg_catalog, cartero
AS $$
DECLARE
    c cartero.campaigns := cartero.lock_campaign(p_campaign_id, 'evaluate');
    v_rows integer;
BEGIN
    IF c.status <> 'borrador' THEN
        RAISE EXCEPTION 'campaign % is %; only a draft can be evaluated', c.id, c.status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    DELETE FROM cartero.campaign_accounts WHERE campaign_id = c.id;
    -- EXECUTE plans the statement for this campaign's values every time (never a
    -- generic plan cached by a long-lived session).
    EXECUTE 'INSERT INTO cartero.campaign_accounts
                    (campaign_id, cuenta, regional, prioridad, reasons, saldo_mora, dias_mora, uso, facturacion)
             SELECT $1.id, s.cuenta, s.regional, s.prioridad, s.reasons, s.saldo_mora, s.dias_mora, s.uso, s.facturacion
               FROM cartero.segmentation($1) s'
        USING c;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    UPDATE cartero.campaigns SET evaluated_at = now() WHERE id = c.id;
    RETURN v_rows;
END
$$;
COMMENT ON FUNCTION cartero.evaluate_campaign(bigint) IS
'Evaluates a draft campaign (segmentation) into campaign_accounts, replacing its previous result; returns the number of accounts evaluated. Coordinador of the regional or admin.';
GRANT EXECUTE ON FUNCTION cartero.evaluate_campaign(bigint) TO cartero_app;

CREATE FUNCTION cartero.approve_campaign(p_campaign_id bigint) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, cartero
AS $$
DECLARE
    c cartero.campaigns := cartero.lock_campaign(p_campaign_id, 'approve');
    v_selected integer;
    v_reserved integer;
    v_other bigint;
BEGIN
    IF c.status <> 'borrador' THEN
        RAISE EXCEPTION 'campaign % is %; only a draft can be approved', c.id, c.status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF c.evaluated_at IS NULL THEN
        RAISE EXCEPTION 'campaign % was changed after its last evaluation; refresh it', c.id
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    -- One read of the selection: count it and reserve it in the same statement. The
    -- accounts go in in account order, the same for every approval: two approvals
    -- sharing accounts then meet them in the same sequence, so the second waits for
    -- the first at the first shared one instead of deadlocking (40P01) with it.
    WITH selected AS (
        SELECT ca.cuenta
          FROM cartero.campaign_accounts ca
         WHERE ca.campaign_id = c.id AND ca.prioridad IS NOT NULL
    ), reserved AS (
        INSERT INTO cartero.account_reservations (cuenta, campaign_id, regional)
        SELECT s.cuenta, c.id, c.regional FROM selected s
         ORDER BY s.cuenta COLLATE "C"
        ON CONFLICT (cuenta) DO NOTHING
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM selected), (SELECT count(*) FROM reserved)
      INTO v_selected, v_reserved;
    IF v_selected = 0 THEN
        RAISE EXCEPTION 'campaign % selects no account; there is nothing to approve', c.id
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF v_reserved < v_selected THEN
        SELECT r.campaign_id INTO v_other
          FROM cartero.campaign_accounts ca
          JOIN cartero.account_reservations r ON r.cuenta = ca.cuenta
         WHERE ca.campaign_id = c.id AND ca.prioridad IS NOT NULL AND r.campaign_id <> c.id
         GROUP BY r.campaign_id
         ORDER BY count(*) DESC, r.campaign_id
         LIMIT 1;
        -- The exception rolls back every reservation made above.
        RAISE EXCEPTION '% accounts were reserved by campaign % after this one was evaluated; refresh it',
                        v_selected - v_reserved, v_other
            USING ERRCODE = 'CA409';
    END IF;
    UPDATE cartero.campaigns
       SET status = 'aprobada', approved_by = cartero.current_staff_id(), approved_at = now()
     WHERE id = c.id;
    RETURN v_reserved;
END
$$;
COMMENT ON FUNCTION cartero.approve_campaign(bigint) IS
'Approves a draft campaign: reserves its selected accounts (all or none, in account order so that racing approvals never deadlock) and returns how many. Coordinador of the regional or admin.';
GRANT EXECUTE ON FUNCTION cartero.approve_campaign(bigint) TO cartero_app;

CREATE FUNCTION cartero.cancel_campaign(p_campaign_id bigint) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, cartero
AS $$
DECLARE
    c cartero.campaigns := cartero.lock_campaign(p_campaign_id, 'cancel');
    v_released integer;
BEGIN
    IF c.status NOT IN ('borrador', 'aprobada') THEN
        RAISE EXCEPTION 'campaign % is %; only a draft or an approved campaign can be cancelled', c.id, c.status
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    DELETE FROM cartero.account_reservations WHERE campaign_id = c.id;
    GET DIAGNOSTICS v_released = ROW_COUNT;
    UPDATE cartero.campaigns
       SET status = 'anulada', cancelled_by = cartero.current_staff_id(), cancelled_at = now()
     WHERE id = c.id;
    RETURN v_released;
END
$$;
COMMENT ON FUNCTION cartero.cancel_campaign(bigint) IS
'Cancels a draft or approved campaign (anulada), releasing its reserved accounts; returns how many were released. Its evaluation stays for the record. Coordinador of the regional or admin.';
GRANT EXECUTE ON FUNCTION cartero.cancel_campaign(bigint) TO cartero_app;
