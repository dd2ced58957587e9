-- 0019: a field agent's page of 400 cases spent 28 of its 30 ms in the letters' row
-- rule, which asked cartero.letter_in_my_cases(id) once per letter: a SECURITY DEFINER
-- function is never inlined, so each call planned and ran a query of its own. The same
-- rule written as EXISTS over cartero.cases (whose own rule shows the agent his cases
-- only) is planned once, as a join. Who sees what does not change
-- (sql/tests/row_rules_test.sql). The accounts' rule keeps its function: analysts read
-- accounts (through reporting) and may not read cartero.cases, which a subquery in the
-- rule would make them need.

SET LOCAL ROLE cartero_owner;

DROP POLICY "members see their regional's letters, field and billing staff only those they carry or of their cases" ON cartero.letters;
CREATE POLICY "members see their regional's letters, field and billing staff only those they carry or of their cases" ON cartero.letters
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin())
           OR (regional = (SELECT cartero.current_staff_regional())
               AND ((SELECT cartero.current_staff_sees_regional()) OR carrier = (SELECT cartero.current_staff_id())
                    OR EXISTS (SELECT FROM cartero.cases k
                                WHERE k.letter_id = letters.id AND k.assigned_to = (SELECT cartero.current_staff_id())))));
