-- 0008: letters (RULES.md section 2): a campaign's letters numbered without gaps per
-- regional and year when they are generated, stored as they are mailed, and dispatched
-- to the courier on a date.
--
-- * letter_counters: one row per regional and year, the last consecutivo used. The
--   generation locks it, so two campaigns of one regional generating at once take
--   turns and leave no hole; two regionals never wait for each other.
-- * letters: one row per letter, with the account's address and balance as mailed.
--   Written only by generate_letters and dispatch_letters (SECURITY DEFINER): the
--   service holds no INSERT, UPDATE or DELETE on it.
-- * A dispatched letter counts for carta_reciente from its dispatch date on; until
--   then the campaign's reservations do. Dispatch releases them.
--
-- Who may: every member of the regional reads its letters; only its coordinador or an
-- administrator generates and dispatches (lock_campaign says so, CA403).

SET LOCAL ROLE cartero_owner;

ALTER TABLE cartero.campaigns
    ADD COLUMN generated_at timestamptz,
    ADD COLUMN dispatched_at timestamptz;
COMMENT ON COLUMN cartero.campaigns.generated_at IS 'When its letters were numbered (generada); NULL until then.';
COMMENT ON COLUMN cartero.campaigns.dispatched_at IS 'When its letters were recorded as handed to the courier (despachada); NULL until then.';

-- ---------------------------------------------------------------------------
-- letter_counters

CREATE TABLE cartero.letter_counters (
    regional text NOT NULL REFERENCES cartero.regionals,
    anio smallint NOT NULL CHECK (anio BETWEEN 2000 AND 2099),
    ultimo integer NOT NULL DEFAULT 0 CHECK (ultimo BETWEEN 0 AND 999999),
    PRIMARY KEY (regional, anio)
);
COMMENT ON TABLE cartero.letter_counters IS
'The last consecutivo (REGIONAL-YYYY-NNNNNN) used per regional and year. generate_letters locks the row for the length of its transaction: numbers are handed out in turn and without gaps.';
COMMENT ON COLUMN cartero.letter_counters.regional IS 'The regional whose letters are numbered.';
COMMENT ON COLUMN cartero.letter_counters.anio IS 'The year of the consecutivo (the year the letters were generated).';
COMMENT ON COLUMN cartero.letter_counters.ultimo IS 'The last number used that year; the next letter gets ultimo + 1. At most 999,999.';

ALTER TABLE cartero.letter_counters ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members see the counters of their own regional" ON cartero.letter_counters
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
GRANT SELECT ON cartero.letter_counters TO cartero_app;

-- ---------------------------------------------------------------------------
-- letters

-- 500,000 rows may be written by one generation: no foreign keys (checked row by row;
-- see cartero.accounts). generate_letters copies them from the campaign it has locked.
CREATE TABLE cartero.letters (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    campaign_id bigint NOT NULL,
    regional text NOT NULL,
    cuenta text COLLATE "C" NOT NULL,
    consecutivo text COLLATE "C" NOT NULL UNIQUE,
    anio smallint NOT NULL,
    numero integer NOT NULL CHECK (numero BETWEEN 1 AND 999999),
    prioridad integer NOT NULL,
    titular text NOT NULL,
    direccion text NOT NULL,
    barrio text NOT NULL,
    municipio text NOT NULL,
    ruta text NOT NULL,
    saldo_mora numeric(14,2) NOT NULL,
    dias_mora integer,
    paginas smallint NOT NULL DEFAULT 1 CHECK (paginas > 0),
    status text NOT NULL DEFAULT 'generada' CHECK (status IN ('generada', 'despachada')),
    generated_by bigint NOT NULL,
    generated_at timestamptz NOT NULL DEFAULT now(),
    dispatched_on date,
    dispatched_by bigint,
    CONSTRAINT letters_one_per_account_and_campaign UNIQUE (campaign_id, cuenta),
    CONSTRAINT letters_consecutivo_spells_its_parts
        CHECK (consecutivo = regional || '-' || anio || '-' || lpad(numero::text, 6, '0')),
    CONSTRAINT letters_dispatched_together
        CHECK ((status = 'despachada') = (dispatched_on IS NOT NULL) AND (dispatched_on IS NULL) = (dispatched_by IS NULL))
);
COMMENT ON TABLE cartero.letters IS
'The letters of generated campaigns, one per reserved account, numbered REGIONAL-YYYY-NNNNNN without gaps per regional and year, with what was mailed: the holder, the address, the balance and days past due at the cut. Written only by generate_letters and dispatch_letters.';
COMMENT ON COLUMN cartero.letters.id IS 'Surrogate key.';
COMMENT ON COLUMN cartero.letters.campaign_id IS 'The campaign that generated the letter.';
COMMENT ON COLUMN cartero.letters.regional IS 'The account''s regional, copied for row-level security; moved with the account by the importer.';
COMMENT ON COLUMN cartero.letters.cuenta IS 'The account written to.';
COMMENT ON COLUMN cartero.letters.consecutivo IS 'REGIONAL-YYYY-NNNNNN: the letter''s number, printed on it and in the manifest; the courier''s results name it.';
COMMENT ON COLUMN cartero.letters.anio IS 'The consecutivo''s year.';
COMMENT ON COLUMN cartero.letters.numero IS 'The consecutivo''s number within its regional and year, 1 to 999,999.';
COMMENT ON COLUMN cartero.letters.prioridad IS 'The account''s rank in the campaign: the order of the letters in the PDF and the manifest.';
COMMENT ON COLUMN cartero.letters.titular IS 'The holder''s name as mailed.';
COMMENT ON COLUMN cartero.letters.direccion IS 'The address as mailed.';
COMMENT ON COLUMN cartero.letters.barrio IS 'The neighbourhood as mailed; '''' when unknown.';
COMMENT ON COLUMN cartero.letters.municipio IS 'The city as mailed.';
COMMENT ON COLUMN cartero.letters.ruta IS 'The route or sector as mailed; '''' when unknown.';
COMMENT ON COLUMN cartero.letters.saldo_mora IS 'The overdue balance at the cut date, printed on the letter and its coupon.';
COMMENT ON COLUMN cartero.letters.dias_mora IS 'Days past due at the cut date.';
COMMENT ON COLUMN cartero.letters.paginas IS 'Pages of the letter in the PDF (the manifest''s paginas).';
COMMENT ON COLUMN cartero.letters.status IS 'generada (numbered, printed) or despachada (handed to the courier).';
COMMENT ON COLUMN cartero.letters.generated_by IS 'The member who generated the campaign''s letters.';
COMMENT ON COLUMN cartero.letters.generated_at IS 'When the letter was numbered.';
COMMENT ON COLUMN cartero.letters.dispatched_on IS 'The date the letter was handed to the courier; carta_reciente counts from it.';
COMMENT ON COLUMN cartero.letters.dispatched_by IS 'The member who recorded the dispatch.';
CREATE INDEX letters_campaign_prioridad ON cartero.letters (campaign_id, prioridad);
-- Segmentation: the accounts of a regional with a letter dispatched after a date.
CREATE INDEX letters_regional_dispatched_on ON cartero.letters (regional, dispatched_on) INCLUDE (cuenta)
    WHERE status = 'despachada';

ALTER TABLE cartero.letters ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members see the letters of their own regional" ON cartero.letters
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
GRANT SELECT ON cartero.letters TO cartero_app;

-- ---------------------------------------------------------------------------
-- generation and dispatch

CREATE FUNCTION cartero.generate_letters(p_campaign_id bigint) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER
SET jit = off
SET search_path = pg_catalog, cartero
AS $$
DECLARE
    c cartero.campaigns := cartero.lock_campaign(p_campaign_id, 'generate the letters of');
    v_year smallint := extract(year FROM current_date)::smallint;
    v_last integer;
    v_count integer;
BEGIN
    IF c.status = 'generada' THEN
        -- Generated already (a run that stopped while printing): the same letters.
        RETURN (SELECT count(*) FROM cartero.letters l WHERE l.campaign_id = c.id);
    END IF;
    IF c.status <> 'aprobada' THEN
        RAISE EXCEPTION 'campaign % is %; only an approved campaign''s letters can be generated', c.id, c.status
            USING ERRCODE = 'CA412';
    END IF;
    SELECT count(*) INTO v_count FROM cartero.account_reservations r WHERE r.campaign_id = c.id;
    IF v_count = 0 THEN
        RAISE EXCEPTION 'campaign % holds no account any more; there is no letter to generate', c.id
            USING ERRCODE = 'CA412';
    END IF;
    INSERT INTO cartero.letter_counters (regional, anio) VALUES (c.regional, v_year) ON CONFLICT DO NOTHING;
    SELECT k.ultimo INTO STRICT v_last
      FROM cartero.letter_counters k
     WHERE k.regional = c.regional AND k.anio = v_year
       FOR UPDATE;
    IF v_last + v_count > 999999 THEN
        RAISE EXCEPTION 'regional % has % consecutivos left for %, and campaign % needs %',
                        c.regional, 999999 - v_last, v_year, c.id, v_count
            USING ERRCODE = 'CA412';
    END IF;
    -- The reserved accounts, in the campaign's rank order, with what the account holds
    -- now (the address a facturación case may have corrected) and the balance at the cut.
    INSERT INTO cartero.letters (campaign_id, regional, cuenta, consecutivo, anio, numero, prioridad,
                                 titular, direccion, barrio, municipio, ruta, saldo_mora, dias_mora, generated_by)
    SELECT c.id, c.regional, n.cuenta, c.regional || '-' || v_year || '-' || lpad((v_last + n.k)::text, 6, '0'),
           v_year, v_last + n.k, n.prioridad, n.titular, n.direccion, n.barrio, n.municipio, n.ruta,
           n.saldo_mora, n.dias_mora, cartero.current_staff_id()
      FROM (SELECT r.cuenta, ca.prioridad, a.titular, a.direccion, a.barrio, a.municipio, a.ruta,
                   ca.saldo_mora, ca.dias_mora, row_number() OVER (ORDER BY ca.prioridad) AS k
              FROM cartero.account_reservations r
              JOIN cartero.campaign_accounts ca ON ca.campaign_id = c.id AND ca.cuenta = r.cuenta
              JOIN cartero.accounts a ON a.cuenta = r.cuenta
             WHERE r.campaign_id = c.id) n;
    UPDATE cartero.letter_counters SET ultimo = v_last + v_count WHERE regional = c.regional AND anio = v_year;
    UPDATE cartero.campaigns SET status = 'generada', generated_at = now() WHERE id = c.id;
    RETURN v_count;
END
$$;
COMMENT ON FUNCTION cartero.generate_letters(bigint) IS
'Numbers the letters of an approved campaign, one per reserved account in rank order, REGIONAL-YYYY-NNNNNN after the last of the regional''s year (the counter row stays locked until commit: no gap, no number twice), stores them and marks the campaign generada; returns how many. Called again on a generated campaign, it returns its letters'' count and changes nothing. Coordinador of the regional or admin.';
GRANT EXECUTE ON FUNCTION cartero.generate_letters(bigint) TO cartero_app;

CREATE FUNCTION cartero.dispatch_letters(p_campaign_id bigint, p_date date) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    c cartero.campaigns := cartero.lock_campaign(p_campaign_id, 'dispatch the letters of');
    v_letters integer;
BEGIN
    IF c.status <> 'generada' THEN
        RAISE EXCEPTION 'campaign % is %; only a campaign whose letters are generated can be dispatched', c.id, c.status
            USING ERRCODE = 'CA412';
    END IF;
    IF p_date IS NULL OR p_date < c.generated_at::date OR p_date > current_date THEN
        RAISE EXCEPTION 'the dispatch date % must be from the day the letters were generated (%) to today',
                        coalesce(p_date::text, 'NULL'), c.generated_at::date
            USING ERRCODE = 'CA422';
    END IF;
    UPDATE cartero.letters
       SET status = 'despachada', dispatched_on = p_date, dispatched_by = cartero.current_staff_id()
     WHERE campaign_id = c.id;
    GET DIAGNOSTICS v_letters = ROW_COUNT;
    -- From now on the letters themselves say carta_reciente.
    DELETE FROM cartero.account_reservations WHERE campaign_id = c.id;
    UPDATE cartero.campaigns SET status = 'despachada', dispatched_at = now() WHERE id = c.id;
    RETURN v_letters;
END
$$;
COMMENT ON FUNCTION cartero.dispatch_letters(bigint, date) IS
'Records that a generated campaign''s letters were handed to the courier on that date (from the day they were generated to today): they become despachada, count for carta_reciente from that date, and the campaign''s reservations are released. Returns how many letters. Coordinador of the regional or admin.';
GRANT EXECUTE ON FUNCTION cartero.dispatch_letters(bigint, date) TO cartero_app;

-- ---------------------------------------------------------------------------
-- carta_reciente: a dispatched letter is a recent letter (the segmentation reads
-- recently_lettered, 0007)

CREATE OR REPLACE FUNCTION cartero.recently_lettered(c cartero.campaigns) RETURNS TABLE (cuenta text)
LANGUAGE sql STABLE
AS $$
    SELECT h.cuenta
      FROM cartero.letter_history h
     WHERE h.regional = c.regional
       AND h.fecha_envio > (c.cut_date - make_interval(months => c.letter_window_months))::date
    UNION
    SELECT l.cuenta
      FROM cartero.letters l
     WHERE l.regional = c.regional AND l.status = 'despachada'
       AND l.dispatched_on > (c.cut_date - make_interval(months => c.letter_window_months))::date
    UNION
    SELECT r.cuenta
      FROM cartero.account_reservations r
     WHERE r.regional = c.regional AND r.campaign_id <> c.id
$$;
COMMENT ON FUNCTION cartero.recently_lettered(cartero.campaigns) IS
'RULES.md''s carta_reciente for campaign c: the accounts of its regional with a letter dispatched by Cartero or one from the imported history after the cut date minus the letter window, or reserved by another approved campaign (generated letters not dispatched yet).';

-- ---------------------------------------------------------------------------
-- moves: a letter's regional follows its account, as the other copies do

CREATE OR REPLACE FUNCTION cartero.move_account_copies(p_cuentas text[], p_regionals text[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
DECLARE
    v_released integer;
BEGIN
    IF NOT cartero.current_staff_is_admin() THEN
        RAISE EXCEPTION 'only an administrator may move accounts to another regional' USING ERRCODE = 'CA403';
    END IF;
    IF cardinality(p_cuentas) IS DISTINCT FROM cardinality(p_regionals) THEN
        RAISE EXCEPTION 'move_account_copies needs one regional per account' USING ERRCODE = 'CA422';
    END IF;
    IF EXISTS (SELECT FROM unnest(p_regionals) AS m(regional)
                WHERE NOT EXISTS (SELECT FROM cartero.regionals r WHERE r.code = m.regional)) THEN
        RAISE EXCEPTION 'an account cannot move to a regional that does not exist' USING ERRCODE = 'CA422';
    END IF;
    UPDATE cartero.payments t SET regional = m.regional
      FROM unnest(p_cuentas, p_regionals) AS m(cuenta, regional) WHERE t.cuenta = m.cuenta AND t.regional <> m.regional;
    UPDATE cartero.letter_history t SET regional = m.regional
      FROM unnest(p_cuentas, p_regionals) AS m(cuenta, regional) WHERE t.cuenta = m.cuenta AND t.regional <> m.regional;
    UPDATE cartero.account_cleanup_marks t SET regional = m.regional
      FROM unnest(p_cuentas, p_regionals) AS m(cuenta, regional) WHERE t.cuenta = m.cuenta AND t.regional <> m.regional;
    UPDATE cartero.account_address_changes t SET regional = m.regional
      FROM unnest(p_cuentas, p_regionals) AS m(cuenta, regional) WHERE t.cuenta = m.cuenta AND t.regional <> m.regional;
    UPDATE cartero.letters t SET regional = m.regional
      FROM unnest(p_cuentas, p_regionals) AS m(cuenta, regional) WHERE t.cuenta = m.cuenta AND t.regional <> m.regional;
    -- A reservation belongs to a campaign of the old regional, which can no longer
    -- mail the account: released, so that the new regional's campaigns may.
    DELETE FROM cartero.account_reservations r
     USING unnest(p_cuentas, p_regionals) AS m(cuenta, regional)
     WHERE r.cuenta = m.cuenta AND r.regional <> m.regional;
    GET DIAGNOSTICS v_released = ROW_COUNT;
    RETURN v_released;
END
$$;
