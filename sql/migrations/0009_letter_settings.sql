-- 0009: what each regional's letters say (RULES.md section 2: "the text, the payment
-- points and the signer are per regional and editable by an administrator"): one row
-- per regional, made with the regional, whose defaults read as a formal collection
-- letter; an administrator changes them (`cartero regional letter CODE --set key=value`).

SET LOCAL ROLE cartero_owner;

CREATE FUNCTION cartero.is_location_number(p_text text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    -- 13 digits, the last GS1's check digit: the others weighted 3, 1, 3, … from the right.
    SELECT CASE WHEN p_text ~ '^[0-9]{13}$'
                THEN (10 - (SELECT sum(substr(p_text, 13 - k, 1)::int * CASE WHEN k % 2 = 1 THEN 3 ELSE 1 END)
                              FROM generate_series(1, 12) k) % 10) % 10 = substr(p_text, 13, 1)::int
                ELSE false END
$$;
COMMENT ON FUNCTION cartero.is_location_number(text) IS 'True for a GS1 location number (GLN): 13 digits whose last is the check digit of the other twelve.';
GRANT EXECUTE ON FUNCTION cartero.is_location_number(text) TO cartero_app;

CREATE TABLE cartero.letter_settings (
    regional text PRIMARY KEY REFERENCES cartero.regionals,
    empresa text NOT NULL DEFAULT 'Empresa de Acueducto, Alcantarillado y Aseo S.A. E.S.P.'
        CHECK (char_length(empresa) BETWEEN 1 AND 200),
    nit text NOT NULL DEFAULT '' CHECK (char_length(nit) <= 20),
    direccion_regional text NOT NULL DEFAULT '' CHECK (char_length(direccion_regional) <= 200),
    ciudad text NOT NULL DEFAULT '' CHECK (char_length(ciudad) <= 100),
    firmante text NOT NULL DEFAULT '' CHECK (char_length(firmante) <= 120),
    cargo_firmante text NOT NULL DEFAULT 'Coordinador(a) de Cartera' CHECK (char_length(cargo_firmante) <= 120),
    puntos_pago text NOT NULL DEFAULT
        'Puede pagar el valor total en las oficinas de los bancos y corresponsales bancarios autorizados para el recaudo, presentando el cupón de pago que acompaña esta comunicación.'
        CHECK (char_length(puntos_pago) BETWEEN 1 AND 600),
    parrafo_acuerdo text NOT NULL DEFAULT
        'Si no le es posible pagar la totalidad de la deuda, le invitamos a acercarse a nuestro Centro de Atención a Usuarios, donde podrá suscribir un acuerdo de pago de acuerdo con su capacidad económica.'
        CHECK (char_length(parrafo_acuerdo) BETWEEN 1 AND 600),
    cau_direccion text NOT NULL DEFAULT '' CHECK (char_length(cau_direccion) <= 200),
    cau_horario text NOT NULL DEFAULT 'de lunes a viernes, de 7:30 a. m. a 4:30 p. m.' CHECK (char_length(cau_horario) <= 120),
    cau_telefono text NOT NULL DEFAULT '' CHECK (char_length(cau_telefono) <= 60),
    cau_correo text NOT NULL DEFAULT '' CHECK (char_length(cau_correo) <= 120),
    aviso_centrales text NOT NULL DEFAULT '' CHECK (char_length(aviso_centrales) <= 800),
    gln text CHECK (gln IS NULL OR cartero.is_location_number(gln)),
    dias_cupon integer NOT NULL DEFAULT 15 CHECK (dias_cupon BETWEEN 1 AND 90),
    updated_by bigint REFERENCES cartero.staff,
    updated_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE cartero.letter_settings IS
'What a regional''s collection letters say: the company, the signer, the payment points, the Centro de Atención a Usuarios, the agreement paragraph, the payment coupon''s GS1 location number. One row per regional, made with it; an administrator edits it.';
COMMENT ON COLUMN cartero.letter_settings.regional IS 'The regional whose letters these are.';
COMMENT ON COLUMN cartero.letter_settings.empresa IS 'The company''s name, at the head of the letter.';
COMMENT ON COLUMN cartero.letter_settings.nit IS 'The company''s NIT (tax id), under its name; '''' to leave it out.';
COMMENT ON COLUMN cartero.letter_settings.direccion_regional IS 'The regional office''s address, at the head of the letter.';
COMMENT ON COLUMN cartero.letter_settings.ciudad IS 'The city in the date line (Santiago de Cali, 2 de diciembre de 2026); '''' for the regional''s name.';
COMMENT ON COLUMN cartero.letter_settings.firmante IS 'The name of whoever signs the letters.';
COMMENT ON COLUMN cartero.letter_settings.cargo_firmante IS 'The signer''s title.';
COMMENT ON COLUMN cartero.letter_settings.puntos_pago IS 'The paragraph on where to pay in full.';
COMMENT ON COLUMN cartero.letter_settings.parrafo_acuerdo IS 'The paragraph on payment agreements at the Centro de Atención a Usuarios.';
COMMENT ON COLUMN cartero.letter_settings.cau_direccion IS 'The Centro de Atención a Usuarios'' address.';
COMMENT ON COLUMN cartero.letter_settings.cau_horario IS 'Its opening hours.';
COMMENT ON COLUMN cartero.letter_settings.cau_telefono IS 'Its phone number.';
COMMENT ON COLUMN cartero.letter_settings.cau_correo IS 'Its e-mail address.';
COMMENT ON COLUMN cartero.letter_settings.aviso_centrales IS 'The prior notice Ley 1266 de 2008 asks for before a debt is reported to credit bureaus; '''' to leave it out.';
COMMENT ON COLUMN cartero.letter_settings.gln IS 'The regional''s GS1 location number (13 digits with its check digit), the (415) of the payment coupon''s barcode; NULL until set, and letters cannot be generated without it.';
COMMENT ON COLUMN cartero.letter_settings.dias_cupon IS 'Days from the letters'' generation to the payment coupon''s due date, the (96) of its barcode.';
COMMENT ON COLUMN cartero.letter_settings.updated_by IS 'The administrator who last changed the row; NULL for the defaults.';
COMMENT ON COLUMN cartero.letter_settings.updated_at IS 'When the row was last changed.';

ALTER TABLE cartero.letter_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members see their own regional's letter settings" ON cartero.letter_settings
    FOR SELECT
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
CREATE POLICY "only admins change letter settings" ON cartero.letter_settings
    FOR UPDATE
    USING ((SELECT cartero.current_staff_is_admin()))
    WITH CHECK ((SELECT cartero.current_staff_is_admin()));
GRANT SELECT ON cartero.letter_settings TO cartero_app;
GRANT UPDATE (empresa, nit, direccion_regional, ciudad, firmante, cargo_firmante, puntos_pago, parrafo_acuerdo,
              cau_direccion, cau_horario, cau_telefono, cau_correo, aviso_centrales, gln, dias_cupon,
              updated_by, updated_at)
    ON cartero.letter_settings TO cartero_app;

-- Every regional has its row: made with the regional (the service may not insert it).
CREATE FUNCTION cartero.regionals_letter_settings() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, cartero
AS $$
BEGIN
    INSERT INTO cartero.letter_settings (regional) VALUES (NEW.code);
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION cartero.regionals_letter_settings() IS 'After a regional is added: its letter settings, with the defaults.';
CREATE TRIGGER regionals_letter_settings AFTER INSERT ON cartero.regionals
    FOR EACH ROW EXECUTE FUNCTION cartero.regionals_letter_settings();

INSERT INTO cartero.letter_settings (regional) SELECT code FROM cartero.regionals;
