-- 0021: an analyst without a regional, who reads every regional (issue 11). Until now
-- every role but admin had a regional, and an analyst saw his. The read rules of the
-- tables analysts read get one more permissive policy each, for analysts' own logins only
-- (TO cartero_analyst): an analyst of every regional sees every regional's rows. Through
-- the service (cartero_app) nothing changes, and no write rule mentions it: only an
-- admin's rights come from current_staff_is_admin(), which this leaves alone.

SET LOCAL ROLE cartero_owner;

ALTER TABLE cartero.staff
    DROP CONSTRAINT staff_regional_unless_admin,
    ADD CONSTRAINT staff_regional_unless_admin_or_analyst CHECK (role IN ('admin', 'analista') OR regional IS NOT NULL);
COMMENT ON COLUMN cartero.staff.regional IS 'The member''s regional; NULL only for an admin, who sees every regional, and an analyst of every regional.';

CREATE FUNCTION cartero.current_analyst_reads_every_regional() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$ SELECT coalesce((SELECT s.role = 'analista' AND s.regional IS NULL FROM cartero.staff s WHERE s.id = cartero.current_staff_id()), false) $$;
COMMENT ON FUNCTION cartero.current_analyst_reads_every_regional() IS
'True when the acting member is an analyst without a regional: he reads every regional''s rows through reporting.';
GRANT EXECUTE ON FUNCTION cartero.current_analyst_reads_every_regional() TO cartero_analyst;

CREATE POLICY "an analyst of every regional reads every regional's accounts" ON cartero.accounts
    FOR SELECT TO cartero_analyst USING ((SELECT cartero.current_analyst_reads_every_regional()));
CREATE POLICY "an analyst of every regional reads every regional's payments" ON cartero.payments
    FOR SELECT TO cartero_analyst USING ((SELECT cartero.current_analyst_reads_every_regional()));
CREATE POLICY "an analyst of every regional reads every regional's campaigns" ON cartero.campaigns
    FOR SELECT TO cartero_analyst USING ((SELECT cartero.current_analyst_reads_every_regional()));
CREATE POLICY "an analyst of every regional reads every regional's campaigns' evaluations" ON cartero.campaign_accounts
    FOR SELECT TO cartero_analyst USING ((SELECT cartero.current_analyst_reads_every_regional()));
CREATE POLICY "an analyst of every regional reads every regional's campaigns' tallies" ON cartero.campaign_tallies
    FOR SELECT TO cartero_analyst USING ((SELECT cartero.current_analyst_reads_every_regional()));
CREATE POLICY "an analyst of every regional reads every regional's letters" ON cartero.letters
    FOR SELECT TO cartero_analyst USING ((SELECT cartero.current_analyst_reads_every_regional()));
CREATE POLICY "an analyst of every regional reads every regional's courier results" ON cartero.courier_results
    FOR SELECT TO cartero_analyst USING ((SELECT cartero.current_analyst_reads_every_regional()));
CREATE POLICY "an analyst of every regional reads every regional's registered returns" ON cartero.return_registrations
    FOR SELECT TO cartero_analyst USING ((SELECT cartero.current_analyst_reads_every_regional()));
CREATE POLICY "an analyst of every regional reads every regional's cases" ON cartero.cases
    FOR SELECT TO cartero_analyst USING ((SELECT cartero.current_analyst_reads_every_regional()));
CREATE POLICY "an analyst of every regional reads every regional's staff" ON cartero.staff
    FOR SELECT TO cartero_analyst USING ((SELECT cartero.current_analyst_reads_every_regional()));
