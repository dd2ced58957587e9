-- 0013: the append-only history (RULES.md section 3: "every change of a letter, a case or
-- an account's marks is recorded ... who, when, what it was, what it became"), written
-- by triggers, so that no code path can forget it: a campaign's status, a letter's
-- number, status and regional, a case's opening, assignment, outcome and regional, an
-- account's clean-up marks and its address (from a case or from an extract).
--
-- The triggers are statement-level with transition tables: one INSERT per statement,
-- whatever its rows (a generation numbers 100,000 letters in one). They run as the
-- owner: the service may read the history, not write it, nor change or delete a row of
-- it; a BEFORE trigger refuses UPDATE and DELETE to everyone, the owner too.

SET LOCAL ROLE cartero_owner;

CREATE TABLE cartero.history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    regional text NOT NULL,
    entity text NOT NULL CHECK (entity IN ('campaign', 'letter', 'case', 'account')),
    entity_id text NOT NULL,
    cuenta text COLLATE "C",
    case_id bigint,
    what text NOT NULL,
    before text,
    after text,
    changed_by bigint,
    changed_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE cartero.history IS
'Every change of a campaign''s status, a letter, a case, and an account''s clean-up marks and address: who, when, what it was and what it became. Append-only: written by triggers as the owner, never updated or deleted.';
COMMENT ON COLUMN cartero.history.id IS 'Order of the changes.';
COMMENT ON COLUMN cartero.history.regional IS 'The regional of what changed, at the change (for row-level security).';
COMMENT ON COLUMN cartero.history.entity IS 'campaign, letter, case or account.';
COMMENT ON COLUMN cartero.history.entity_id IS 'The campaign''s id, the letter''s consecutivo, the case''s number or the account''s cuenta.';
COMMENT ON COLUMN cartero.history.cuenta IS 'The account concerned (letters, cases, accounts); NULL for a campaign.';
COMMENT ON COLUMN cartero.history.case_id IS 'The case concerned, or that caused an account''s change; NULL otherwise.';
COMMENT ON COLUMN cartero.history.what IS 'What changed: status, regional, numbered, opened, assigned_to, outcome, mark, mark_cleared, direccion, saneamiento.';
COMMENT ON COLUMN cartero.history.before IS 'What it was, as text; NULL when it did not exist.';
COMMENT ON COLUMN cartero.history.after IS 'What it became, as text; NULL when it ceased.';
COMMENT ON COLUMN cartero.history.changed_by IS 'The member acting (cartero.current_staff_id()); NULL when no member acted (a migration).';
COMMENT ON COLUMN cartero.history.changed_at IS 'When (the transaction''s time).';
CREATE INDEX history_cuenta ON cartero.history (cuenta, id) WHERE cuenta IS NOT NULL;
CREATE INDEX history_case ON cartero.history (case_id, id) WHERE case_id IS NOT NULL;

ALTER TABLE cartero.history ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members see their regional's history, field and billing staff only that of their cases' accounts" ON cartero.history
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND ((SELECT cartero.current_staff_sees_regional())
                    OR (cuenta IS NOT NULL AND cartero.account_in_my_cases(cuenta)))));
GRANT SELECT ON cartero.history TO cartero_app;

CREATE FUNCTION cartero.history_is_append_only() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'the history is append-only: its rows are never changed or deleted' USING ERRCODE = 'CA403';
END
$$;
COMMENT ON FUNCTION cartero.history_is_append_only() IS 'Before UPDATE or DELETE on the history: refused.';
CREATE TRIGGER history_is_append_only BEFORE UPDATE OR DELETE ON cartero.history
    FOR EACH ROW EXECUTE FUNCTION cartero.history_is_append_only();

-- ---------------------------------------------------------------------------
-- the triggers: one per table and event, each one INSERT … SELECT over its transition
-- tables (joined on the key where the row existed before)

CREATE FUNCTION cartero.campaigns_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO cartero.history (regional, entity, entity_id, what, before, after, changed_by)
        SELECT n.regional, 'campaign', n.id::text, 'status', NULL, n.status, cartero.current_staff_id() FROM new_rows n;
    ELSE
        INSERT INTO cartero.history (regional, entity, entity_id, what, before, after, changed_by)
        SELECT n.regional, 'campaign', n.id::text, 'status', o.status, n.status, cartero.current_staff_id()
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE o.status IS DISTINCT FROM n.status;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION cartero.campaigns_history() IS 'After campaigns are created or their status changes: the history.';
CREATE TRIGGER campaigns_history_insert AFTER INSERT ON cartero.campaigns
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cartero.campaigns_history();
CREATE TRIGGER campaigns_history_update AFTER UPDATE ON cartero.campaigns
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cartero.campaigns_history();

CREATE FUNCTION cartero.letters_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO cartero.history (regional, entity, entity_id, cuenta, what, before, after, changed_by)
        SELECT n.regional, 'letter', n.consecutivo, n.cuenta, 'numbered', NULL, n.status, cartero.current_staff_id()
          FROM new_rows n;
    ELSE
        INSERT INTO cartero.history (regional, entity, entity_id, cuenta, what, before, after, changed_by)
        SELECT n.regional, 'letter', n.consecutivo, n.cuenta, c.what, c.before, c.after, cartero.current_staff_id()
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         CROSS JOIN LATERAL (VALUES ('status', o.status, n.status || coalesce(' ' || n.dispatched_on, '')),
                                    ('regional', o.regional, n.regional)) c(what, before, after)
         WHERE (c.what = 'status' AND o.status IS DISTINCT FROM n.status)
            OR (c.what = 'regional' AND o.regional IS DISTINCT FROM n.regional);
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION cartero.letters_history() IS 'After letters are numbered, dispatched or moved: the history.';
CREATE TRIGGER letters_history_insert AFTER INSERT ON cartero.letters
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cartero.letters_history();
CREATE TRIGGER letters_history_update AFTER UPDATE ON cartero.letters
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cartero.letters_history();

CREATE FUNCTION cartero.cases_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO cartero.history (regional, entity, entity_id, cuenta, case_id, what, before, after, changed_by)
        SELECT n.regional, 'case', n.id::text, n.cuenta, n.id, 'opened', NULL,
               n.destino || ' ' || n.causal || coalesce(' from case ' || n.origin_case_id, ''), cartero.current_staff_id()
          FROM new_rows n;
    ELSE
        INSERT INTO cartero.history (regional, entity, entity_id, cuenta, case_id, what, before, after, changed_by)
        SELECT n.regional, 'case', n.id::text, n.cuenta, n.id, c.what, c.before, c.after, cartero.current_staff_id()
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         CROSS JOIN LATERAL (VALUES
                ('estado', o.estado, n.estado),
                ('assigned_to', (SELECT s.login FROM cartero.staff s WHERE s.id = o.assigned_to),
                                (SELECT s.login FROM cartero.staff s WHERE s.id = n.assigned_to)),
                ('outcome', o.outcome, n.outcome || CASE WHEN n.direccion_hallada <> '' THEN ' ' || n.direccion_hallada ELSE '' END),
                ('regional', o.regional, n.regional)) c(what, before, after)
         WHERE c.before IS DISTINCT FROM c.after;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION cartero.cases_history() IS 'After cases are opened, assigned, resolved or moved: the history.';
CREATE TRIGGER cases_history_insert AFTER INSERT ON cartero.cases
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cartero.cases_history();
CREATE TRIGGER cases_history_update AFTER UPDATE ON cartero.cases
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cartero.cases_history();

CREATE FUNCTION cartero.marks_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO cartero.history (regional, entity, entity_id, cuenta, case_id, what, before, after, changed_by)
        SELECT n.regional, 'account', n.cuenta, n.cuenta, n.case_id, 'mark', NULL, n.mark, cartero.current_staff_id()
          FROM new_rows n;
    ELSE
        INSERT INTO cartero.history (regional, entity, entity_id, cuenta, case_id, what, before, after, changed_by)
        SELECT n.regional, 'account', n.cuenta, n.cuenta, n.case_id, 'mark_cleared', n.mark, NULL, cartero.current_staff_id()
          FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE o.cleared_at IS NULL AND n.cleared_at IS NOT NULL;
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION cartero.marks_history() IS 'After clean-up marks are set or lifted: the history.';
CREATE TRIGGER marks_history_insert AFTER INSERT ON cartero.account_cleanup_marks
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cartero.marks_history();
CREATE TRIGGER marks_history_update AFTER UPDATE ON cartero.account_cleanup_marks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cartero.marks_history();

-- An account's address and saneamiento, whoever changes them: a case (through
-- account_address_changes and the account itself) or an extract. Only changed rows.
CREATE FUNCTION cartero.accounts_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
BEGIN
    INSERT INTO cartero.history (regional, entity, entity_id, cuenta, case_id, what, before, after, changed_by)
    SELECT n.regional, 'account', n.cuenta, n.cuenta,
           CASE WHEN c.what = 'direccion' THEN
                (SELECT ch.case_id FROM cartero.account_address_changes ch
                  WHERE ch.cuenta = n.cuenta AND ch.new_direccion = n.direccion
                  ORDER BY ch.id DESC LIMIT 1) END,
           c.what, c.before, c.after, cartero.current_staff_id()
      FROM new_rows n JOIN old_rows o ON o.cuenta = n.cuenta
     CROSS JOIN LATERAL (VALUES ('direccion', o.direccion, n.direccion), ('saneamiento', o.saneamiento, n.saneamiento),
                                ('regional', o.regional, n.regional)) c(what, before, after)
     WHERE c.before IS DISTINCT FROM c.after;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION cartero.accounts_history() IS
'After accounts are updated (a case''s new address, an extract): the history of each changed address, saneamiento or regional.';
CREATE TRIGGER accounts_history AFTER UPDATE ON cartero.accounts
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION cartero.accounts_history();
