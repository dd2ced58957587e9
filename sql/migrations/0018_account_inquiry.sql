-- 0018: what the web's screens read (issue 10). Consulta de cuenta finds an account
-- by number, by a letter's consecutivo or by words of its holder's name, and lists its
-- letters and cases: the indexes make each of those one index scan. A billing member's
-- case shows what the field visit found, which lives on the field agent's case that he
-- may not see: field_visit_of tells him that much and no more.

SET LOCAL ROLE cartero_owner;

CREATE INDEX letters_cuenta ON cartero.letters (cuenta);
CREATE INDEX cases_cuenta ON cartero.cases (cuenta);
-- 'simple': holders' names are proper names, not Spanish words to stem.
CREATE INDEX accounts_titular_words ON cartero.accounts USING gin (to_tsvector('simple', titular));

CREATE FUNCTION cartero.field_visit_of(p_case_id bigint)
RETURNS TABLE (outcome text, nota text, resolved_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
    SELECT o.outcome, o.nota, o.resolved_at
      FROM cartero.cases k
      JOIN cartero.cases o ON o.id = k.origin_case_id
     WHERE k.id = p_case_id
       -- The rule of the cases' policy: whoever sees the billing case sees its origin's finding.
       AND (cartero.current_staff_is_admin()
            OR (k.regional = cartero.current_staff_regional()
                AND (cartero.current_staff_sees_regional() OR k.assigned_to = cartero.current_staff_id())))
$$;
COMMENT ON FUNCTION cartero.field_visit_of(bigint) IS
'What the field visit that opened a facturación case found (its outcome, the agent''s note, when), for whoever sees that case; no row for a case opened by a return, or one the acting member may not see.';
GRANT EXECUTE ON FUNCTION cartero.field_visit_of(bigint) TO cartero_app;
