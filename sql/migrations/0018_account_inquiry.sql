-- 0018: what the web's screens read (issue 10). Consulta de cuenta finds an account
-- by number, by a letter's consecutivo or by words of its holder's name, and lists its
-- letters and cases: the indexes make each of those one index scan. A billing member's
-- case shows what the field visit found, which lives on the field agent's case that he
-- may not see: field_visits tells him that much and no more.

SET LOCAL ROLE cartero_owner;

CREATE INDEX letters_cuenta ON cartero.letters (cuenta);
CREATE INDEX cases_cuenta ON cartero.cases (cuenta);
-- 'simple': holders' names are proper names, not Spanish words to stem.
CREATE INDEX accounts_titular_words ON cartero.accounts USING gin (to_tsvector('simple', titular));

CREATE FUNCTION cartero.accounts_named(p_words text, p_limit integer) RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
    SELECT a.cuenta
      FROM cartero.accounts a
     WHERE to_tsvector('simple', a.titular) @@ plainto_tsquery('simple', p_words)
       -- The accounts' row rule, asked here so that the words can use their index.
       AND ((SELECT cartero.current_staff_is_admin())
            OR (a.regional = (SELECT cartero.current_staff_regional())
                AND ((SELECT cartero.current_staff_sees_regional()) OR cartero.account_in_my_cases(a.cuenta))))
     LIMIT p_limit
$$;
COMMENT ON FUNCTION cartero.accounts_named(text, integer) IS
'The accounts (at most p_limit) whose holder''s name holds every word of p_words, among those the acting member sees. Under row-level security a full-text match cannot use its index (@@ is not leakproof, so the row rule is applied first, to every row); this function applies the same rule itself, after the index.';
GRANT EXECUTE ON FUNCTION cartero.accounts_named(text, integer) TO cartero_app;

CREATE FUNCTION cartero.field_visits(p_case_ids bigint[])
RETURNS TABLE (case_id bigint, outcome text, nota text, resolved_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
    SELECT k.id, o.outcome, o.nota, o.resolved_at
      FROM cartero.cases k
      JOIN cartero.cases o ON o.id = k.origin_case_id
     WHERE k.id = ANY (p_case_ids)
       -- The rule of the cases' policy: whoever sees the billing case sees its origin's finding.
       AND ((SELECT cartero.current_staff_is_admin())
            OR (k.regional = (SELECT cartero.current_staff_regional())
                AND ((SELECT cartero.current_staff_sees_regional()) OR k.assigned_to = (SELECT cartero.current_staff_id()))))
$$;
COMMENT ON FUNCTION cartero.field_visits(bigint[]) IS
'What the field visits that opened these facturación cases found (outcome, the agent''s note, when), for the cases the acting member sees; nothing for a case opened by a return or one he may not see. One call for a page of cases: a SECURITY DEFINER function is not inlined, so one call per case would cost a plan each.';
GRANT EXECUTE ON FUNCTION cartero.field_visits(bigint[]) TO cartero_app;
