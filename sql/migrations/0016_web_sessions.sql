-- 0016: the web's sign-in (issue 10). Sessions live in PostgreSQL, so that two
-- instances of `cartero serve` behind a balancer share them. The cookie holds a random
-- token; the table holds only its SHA-256, so a copy of the table opens no session. Five
-- failed sign-ins of a login within 15 minutes lock it until 15 minutes have passed
-- since the last one. Only the functions below read or write these tables.

SET LOCAL ROLE cartero_owner;

CREATE TABLE cartero.web_sessions (
    token_sha256 text PRIMARY KEY CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
    staff_id bigint NOT NULL REFERENCES cartero.staff,
    csrf_token text NOT NULL CHECK (csrf_token ~ '^[0-9a-f]{64}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
COMMENT ON TABLE cartero.web_sessions IS
'Signed-in web sessions: the SHA-256 of the cookie''s token, the member, the token that the session''s forms carry against cross-site requests, and when it expires (12 hours after sign-in). Read and written only by start_web_session, web_session and end_web_session.';
COMMENT ON COLUMN cartero.web_sessions.token_sha256 IS 'SHA-256 (hex) of the session cookie''s random token; the token itself is never stored.';
COMMENT ON COLUMN cartero.web_sessions.staff_id IS 'The signed-in member.';
COMMENT ON COLUMN cartero.web_sessions.csrf_token IS 'Secret: the token every form of the session carries and every POST must return.';
COMMENT ON COLUMN cartero.web_sessions.created_at IS 'When the member signed in.';
COMMENT ON COLUMN cartero.web_sessions.expires_at IS 'When the session ends by itself.';
CREATE INDEX web_sessions_staff ON cartero.web_sessions (staff_id);

ALTER TABLE cartero.web_sessions ENABLE ROW LEVEL SECURITY;
-- No grant to the service: only the SECURITY DEFINER functions below touch the rows.
CREATE POLICY "sessions are read only through the sign-in functions" ON cartero.web_sessions
    FOR SELECT USING (false);

CREATE TABLE cartero.web_sign_in_failures (
    login text NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE cartero.web_sign_in_failures IS
'Failed web sign-ins, by the login typed (whether or not it exists): five within 15 minutes lock the login. Rows older than a day are removed at each sign-in.';
COMMENT ON COLUMN cartero.web_sign_in_failures.login IS 'The login typed.';
COMMENT ON COLUMN cartero.web_sign_in_failures.failed_at IS 'When.';
CREATE INDEX web_sign_in_failures_login ON cartero.web_sign_in_failures (login, failed_at);
ALTER TABLE cartero.web_sign_in_failures ENABLE ROW LEVEL SECURITY;
CREATE POLICY "failures are read only through the sign-in functions" ON cartero.web_sign_in_failures
    FOR SELECT USING (false);

CREATE FUNCTION cartero.start_web_session(p_login text, p_password text)
RETURNS TABLE (token text, csrf_token text, staff_id bigint, locked boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    v_id bigint;
    v_token text;
    v_csrf text;
BEGIN
    DELETE FROM cartero.web_sign_in_failures f WHERE f.failed_at < now() - interval '1 day';
    IF (SELECT count(*) FROM cartero.web_sign_in_failures f
         WHERE f.login = p_login AND f.failed_at > now() - interval '15 minutes') >= 5 THEN
        RETURN QUERY SELECT NULL::text, NULL::text, NULL::bigint, true;
        RETURN;
    END IF;
    v_id := cartero.sign_in(p_login, p_password);
    IF v_id IS NULL THEN
        INSERT INTO cartero.web_sign_in_failures (login) VALUES (left(coalesce(p_login, ''), 100));
        RETURN QUERY SELECT NULL::text, NULL::text, NULL::bigint, false;
        RETURN;
    END IF;
    DELETE FROM cartero.web_sign_in_failures f WHERE f.login = p_login;
    DELETE FROM cartero.web_sessions s WHERE s.expires_at < now();
    -- Two version-4 UUIDs: 244 random bits, from the server's strong random source.
    v_token := replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '');
    v_csrf := encode(sha256(convert_to(gen_random_uuid()::text || gen_random_uuid()::text, 'UTF8')), 'hex');
    INSERT INTO cartero.web_sessions (token_sha256, staff_id, csrf_token, expires_at)
    VALUES (encode(sha256(convert_to(v_token, 'UTF8')), 'hex'), v_id, v_csrf, now() + interval '12 hours');
    RETURN QUERY SELECT v_token, v_csrf, v_id, false;
END
$$;
COMMENT ON FUNCTION cartero.start_web_session(text, text) IS
'Signs a member in to the web: with the right login and password, a new session (its cookie token, its CSRF token, the member); else NULLs, the failure counted; locked true (and no check at all) after five failures of that login within 15 minutes.';
GRANT EXECUTE ON FUNCTION cartero.start_web_session(text, text) TO cartero_app;

CREATE FUNCTION cartero.web_session(p_token text) RETURNS TABLE (staff_id bigint, csrf_token text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
    SELECT s.staff_id, s.csrf_token
      FROM cartero.web_sessions s
      JOIN cartero.staff m ON m.id = s.staff_id AND m.active
     WHERE s.token_sha256 = encode(sha256(convert_to(coalesce(p_token, ''), 'UTF8')), 'hex') AND s.expires_at > now()
$$;
COMMENT ON FUNCTION cartero.web_session(text) IS
'The member and CSRF token of a live session, from its cookie token; no row for an unknown, expired or deactivated one.';
GRANT EXECUTE ON FUNCTION cartero.web_session(text) TO cartero_app;

CREATE FUNCTION cartero.end_web_session(p_token text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
    DELETE FROM cartero.web_sessions s WHERE s.token_sha256 = encode(sha256(convert_to(coalesce(p_token, ''), 'UTF8')), 'hex')
$$;
COMMENT ON FUNCTION cartero.end_web_session(text) IS 'Signs out: the session of that cookie token ends.';
GRANT EXECUTE ON FUNCTION cartero.end_web_session(text) TO cartero_app;
