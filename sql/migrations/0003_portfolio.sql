-- 0003: the portfolio (cartera): accounts from the commercial system's extract, the
-- marks Cartero itself sets on them, payments, letters sent before Cartero, and the
-- import batches that brought each row.
--
-- Row rules: an admin sees and writes every regional; any other member only his own
-- regional, for reads and writes alike (USING and WITH CHECK). Tables with regional data
-- carry their own regional column, so a policy never needs a join. When an extract
-- moves an account to another regional, the importer moves the rows that copy it.
--
-- Text fields the extract may leave empty (documento, direccion, barrio, ruta) are
-- stored as '' (NOT NULL): the CSV says empty, and a reader never has to ask whether
-- NULL and '' differ. Typed optional fields (estrato, fecha_mora, saneamiento) are NULL
-- when empty.

SET LOCAL ROLE cartero_owner;

-- ---------------------------------------------------------------------------
-- import_batches

CREATE TABLE cartero.import_batches (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('accounts', 'payments', 'letters')),
    file_name text NOT NULL,
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    rows_read integer NOT NULL DEFAULT 0 CHECK (rows_read >= 0),
    rows_inserted integer NOT NULL DEFAULT 0 CHECK (rows_inserted >= 0),
    rows_updated integer NOT NULL DEFAULT 0 CHECK (rows_updated >= 0),
    rows_unchanged integer NOT NULL DEFAULT 0 CHECK (rows_unchanged >= 0),
    imported_by bigint NOT NULL DEFAULT cartero.current_staff_id() REFERENCES cartero.staff,
    imported_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE cartero.import_batches IS 'One row per extract file imported (accounts.csv, payments.csv, letters.csv): what came in, from whom, and what it changed.';
COMMENT ON COLUMN cartero.import_batches.id IS 'Surrogate key; rows written by the import point at it (import_batch_id).';
COMMENT ON COLUMN cartero.import_batches.kind IS 'Which extract: accounts, payments or letters.';
COMMENT ON COLUMN cartero.import_batches.file_name IS 'Name of the file as given on the command line or uploaded (no directory).';
COMMENT ON COLUMN cartero.import_batches.sha256 IS 'SHA-256 of the file''s bytes, lowercase hex: tells whether the same file was loaded twice.';
COMMENT ON COLUMN cartero.import_batches.rows_read IS 'Data rows in the file (header excluded).';
COMMENT ON COLUMN cartero.import_batches.rows_inserted IS 'Rows that were new.';
COMMENT ON COLUMN cartero.import_batches.rows_updated IS 'Rows that changed an existing one (accounts only).';
COMMENT ON COLUMN cartero.import_batches.rows_unchanged IS 'Rows equal to one already stored, skipped.';
COMMENT ON COLUMN cartero.import_batches.imported_by IS 'The member who ran the import.';
COMMENT ON COLUMN cartero.import_batches.imported_at IS 'When the import ran.';

-- A batch holds no account data, only a file name and counts, and every member needs
-- to know how fresh the extracts are (last payments file) before he trusts a campaign:
-- everyone acting reads all batches. A member records only his own batches.
ALTER TABLE cartero.import_batches ENABLE ROW LEVEL SECURITY;
CREATE POLICY "everyone acting sees the import batches" ON cartero.import_batches
    FOR SELECT
    USING ((SELECT cartero.current_staff_id()) IS NOT NULL);
CREATE POLICY "members record their own imports" ON cartero.import_batches
    FOR INSERT
    WITH CHECK (imported_by = (SELECT cartero.current_staff_id()));
CREATE POLICY "members complete their own imports" ON cartero.import_batches
    FOR UPDATE
    USING (imported_by = (SELECT cartero.current_staff_id()))
    WITH CHECK (imported_by = (SELECT cartero.current_staff_id()));
GRANT SELECT, INSERT ON cartero.import_batches TO cartero_app;
GRANT UPDATE (rows_read, rows_inserted, rows_updated, rows_unchanged) ON cartero.import_batches TO cartero_app;

-- ---------------------------------------------------------------------------
-- accounts

CREATE TABLE cartero.accounts (
    -- Account numbers are ASCII codes: byte order ("C") sorts them as any order would,
    -- and compares them about a third faster than the database's locale. The check is
    -- '^[A-Za-z0-9-]{1,20}$' written as a negated class and a length, several times cheaper.
    cuenta text COLLATE "C" PRIMARY KEY CHECK (cuenta !~ '[^A-Za-z0-9-]' AND octet_length(cuenta) BETWEEN 1 AND 20),
    regional text NOT NULL,
    titular text NOT NULL,
    documento text NOT NULL DEFAULT '',
    direccion text NOT NULL DEFAULT '',
    barrio text NOT NULL DEFAULT '',
    municipio text NOT NULL,
    ruta text NOT NULL DEFAULT '',
    uso text NOT NULL CHECK (uso IN ('residencial', 'comercial', 'industrial', 'oficial', 'especial')),
    estrato smallint CHECK (estrato BETWEEN 1 AND 6),
    facturacion text NOT NULL CHECK (facturacion IN ('directa', 'conjunta')),
    saldo_mora numeric(14,2) NOT NULL CHECK (saldo_mora >= 0),
    fecha_mora date,
    cobro_juridico boolean NOT NULL,
    saneamiento text CHECK (saneamiento IN ('demolido', 'lote', 'doble_facturacion')),
    import_batch_id bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT accounts_estrato_residential_only CHECK (estrato IS NULL OR uso = 'residencial')
);
-- No foreign keys on regional and import_batch_id, and none from payments and
-- letter_history to accounts: PostgreSQL checks a foreign key row by row, which
-- measured 4 s per key per million rows imported (an import of 1M accounts took
-- 30 s, 8 of them in these checks; 3.2M payments 92 s, 38 of them). The importer
-- checks the same things set-based, in one pass, before it writes (the regional
-- exists, the account exists), and nothing deletes regionals, accounts or batches:
-- cartero_app has no DELETE on them. When an account moves to another regional,
-- the importer moves the rows that copy its regional in the same transaction.
COMMENT ON TABLE cartero.accounts IS 'Accounts of the portfolio as the commercial system''s last extract (accounts.csv) describes them; upserted by cuenta.';
COMMENT ON COLUMN cartero.accounts.cuenta IS 'Account number: 1 to 20 of A-Z a-z 0-9 -.';
COMMENT ON COLUMN cartero.accounts.regional IS 'Regional the account belongs to; decides who sees it.';
COMMENT ON COLUMN cartero.accounts.titular IS 'Holder''s name, printed on the letter.';
COMMENT ON COLUMN cartero.accounts.documento IS 'Holder''s id number: personal data, never in reporting views; '''' when the extract has none.';
COMMENT ON COLUMN cartero.accounts.direccion IS 'Postal address the letter is sent to; '''' when unknown. Blank (empty or only white space) means no letter can be mailed (sin_direccion).';
COMMENT ON COLUMN cartero.accounts.barrio IS 'Neighbourhood; '''' when unknown.';
COMMENT ON COLUMN cartero.accounts.municipio IS 'City.';
COMMENT ON COLUMN cartero.accounts.ruta IS 'Route or sector code used to group field work; '''' when unknown.';
COMMENT ON COLUMN cartero.accounts.uso IS 'Use class: residencial, comercial, industrial, oficial or especial; picks the balance threshold.';
COMMENT ON COLUMN cartero.accounts.estrato IS 'Socio-economic stratum 1 to 6, residential accounts only; NULL otherwise.';
COMMENT ON COLUMN cartero.accounts.facturacion IS 'Billing mode: directa (own bill, ranked first) or conjunta (billed with another utility).';
COMMENT ON COLUMN cartero.accounts.saldo_mora IS 'Overdue balance in COP at the extract''s date.';
COMMENT ON COLUMN cartero.accounts.fecha_mora IS 'Due date of the oldest unpaid bill; NULL when nothing is overdue.';
COMMENT ON COLUMN cartero.accounts.cobro_juridico IS 'True when the account is in legal collection (excluded from letters).';
COMMENT ON COLUMN cartero.accounts.saneamiento IS 'Clean-up mark from the extract: demolido, lote or doble_facturacion; NULL when none. Marks set by Cartero are in account_cleanup_marks.';
COMMENT ON COLUMN cartero.accounts.import_batch_id IS 'The import batch that last inserted or changed this row.';
COMMENT ON COLUMN cartero.accounts.updated_at IS 'When this row was last inserted or changed.';

ALTER TABLE cartero.accounts ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members work on the accounts of their own regional" ON cartero.accounts
    FOR ALL
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()))
    WITH CHECK ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
GRANT SELECT, INSERT, UPDATE ON cartero.accounts TO cartero_app;

-- ---------------------------------------------------------------------------
-- marks set by Cartero, apart from the extract's columns

CREATE TABLE cartero.account_cleanup_marks (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cuenta text COLLATE "C" NOT NULL,
    regional text NOT NULL,
    mark text NOT NULL CHECK (mark IN ('demolido', 'lote', 'doble_facturacion')),
    note text NOT NULL DEFAULT '',
    set_by bigint NOT NULL DEFAULT cartero.current_staff_id() REFERENCES cartero.staff,
    set_at timestamptz NOT NULL DEFAULT now(),
    cleared_by bigint REFERENCES cartero.staff,
    cleared_at timestamptz,
    -- A few rows per account, written one at a time: a foreign key costs nothing here.
    FOREIGN KEY (cuenta) REFERENCES cartero.accounts (cuenta),
    CONSTRAINT account_cleanup_marks_cleared_together CHECK ((cleared_by IS NULL) = (cleared_at IS NULL))
);
COMMENT ON TABLE cartero.account_cleanup_marks IS
'Clean-up (saneamiento) marks set by Cartero, e.g. by a resolved facturación case. Kept apart from accounts because every import rewrites the extract''s columns; a mark here survives it. An active mark excludes the account from campaigns like the extract''s own mark.';
COMMENT ON COLUMN cartero.account_cleanup_marks.id IS 'Surrogate key.';
COMMENT ON COLUMN cartero.account_cleanup_marks.cuenta IS 'The marked account.';
COMMENT ON COLUMN cartero.account_cleanup_marks.regional IS 'The account''s regional, copied for row-level security; moved with the account by the importer when an extract moves it.';
COMMENT ON COLUMN cartero.account_cleanup_marks.mark IS 'demolido, lote or doble_facturacion.';
COMMENT ON COLUMN cartero.account_cleanup_marks.note IS 'Why the mark was set (e.g. the case it comes from); may be ''''.';
COMMENT ON COLUMN cartero.account_cleanup_marks.set_by IS 'The member who set the mark.';
COMMENT ON COLUMN cartero.account_cleanup_marks.set_at IS 'When the mark was set.';
COMMENT ON COLUMN cartero.account_cleanup_marks.cleared_by IS 'The member who lifted the mark; NULL while it is active.';
COMMENT ON COLUMN cartero.account_cleanup_marks.cleared_at IS 'When the mark was lifted; NULL while it is active.';
-- One active mark of each kind per account; also what segmentation reads.
CREATE UNIQUE INDEX account_cleanup_marks_active_key ON cartero.account_cleanup_marks (cuenta, mark)
    WHERE cleared_at IS NULL;

ALTER TABLE cartero.account_cleanup_marks ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members work on the clean-up marks of their own regional" ON cartero.account_cleanup_marks
    FOR ALL
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()))
    WITH CHECK ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
GRANT SELECT, INSERT ON cartero.account_cleanup_marks TO cartero_app;
-- regional: the importer moves the mark with its account.
GRANT UPDATE (cleared_by, cleared_at, regional) ON cartero.account_cleanup_marks TO cartero_app;

CREATE TABLE cartero.account_address_changes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cuenta text COLLATE "C" NOT NULL,
    regional text NOT NULL,
    old_direccion text NOT NULL,
    old_barrio text NOT NULL,
    new_direccion text NOT NULL,
    new_barrio text NOT NULL,
    note text NOT NULL DEFAULT '',
    changed_by bigint NOT NULL DEFAULT cartero.current_staff_id() REFERENCES cartero.staff,
    changed_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (cuenta) REFERENCES cartero.accounts (cuenta)
);
COMMENT ON TABLE cartero.account_address_changes IS
'Address changes made in Cartero (facturación''s direccion_actualizada), append-only: the old and the new address. The change is also written to accounts.direccion/barrio; it is kept apart because the next extract rewrites those columns: an import must not put back the address a change replaced (incoming direccion = old_direccion of the account''s latest change) until the commercial system shows a different one.';
COMMENT ON COLUMN cartero.account_address_changes.id IS 'Surrogate key; a later change of the same account has a greater id.';
COMMENT ON COLUMN cartero.account_address_changes.cuenta IS 'The account whose address changed.';
COMMENT ON COLUMN cartero.account_address_changes.regional IS 'The account''s regional, copied for row-level security; moved with the account by the importer when an extract moves it.';
COMMENT ON COLUMN cartero.account_address_changes.old_direccion IS 'Address before the change.';
COMMENT ON COLUMN cartero.account_address_changes.old_barrio IS 'Neighbourhood before the change.';
COMMENT ON COLUMN cartero.account_address_changes.new_direccion IS 'Address after the change.';
COMMENT ON COLUMN cartero.account_address_changes.new_barrio IS 'Neighbourhood after the change.';
COMMENT ON COLUMN cartero.account_address_changes.note IS 'Why (e.g. the case and the field visit it comes from); may be ''''.';
COMMENT ON COLUMN cartero.account_address_changes.changed_by IS 'The member who changed the address.';
COMMENT ON COLUMN cartero.account_address_changes.changed_at IS 'When the address was changed.';
CREATE INDEX account_address_changes_cuenta ON cartero.account_address_changes (cuenta, id);

ALTER TABLE cartero.account_address_changes ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members work on the address changes of their own regional" ON cartero.account_address_changes
    FOR ALL
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()))
    WITH CHECK ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
-- Append-only: no DELETE, and no UPDATE but of the regional, which the importer
-- moves with the account.
GRANT SELECT, INSERT, UPDATE (regional) ON cartero.account_address_changes TO cartero_app;

-- ---------------------------------------------------------------------------
-- payments

CREATE TABLE cartero.payments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cuenta text COLLATE "C" NOT NULL,
    regional text NOT NULL,
    fecha date NOT NULL,
    valor numeric(14,2) NOT NULL CHECK (valor > 0),
    referencia text NOT NULL DEFAULT '',
    import_batch_id bigint NOT NULL,
    -- No foreign keys: see cartero.accounts. A row equal in all four fields to one stored is skipped (ON CONFLICT DO NOTHING).
    CONSTRAINT payments_same_payment_once UNIQUE (cuenta, fecha, valor, referencia)
);
COMMENT ON TABLE cartero.payments IS 'Payments (abonos) from payments.csv, appended; a payment after a campaign''s cut date - 1 month excludes the account (abono_reciente).';
COMMENT ON COLUMN cartero.payments.id IS 'Surrogate key.';
COMMENT ON COLUMN cartero.payments.cuenta IS 'The account paid.';
COMMENT ON COLUMN cartero.payments.regional IS 'The account''s regional, copied so row-level security and segmentation need no join; moved with the account by the importer when an extract moves it.';
COMMENT ON COLUMN cartero.payments.fecha IS 'Date of the payment.';
COMMENT ON COLUMN cartero.payments.valor IS 'Amount paid in COP, > 0.';
COMMENT ON COLUMN cartero.payments.referencia IS 'Receipt number; '''' when the extract has none.';
COMMENT ON COLUMN cartero.payments.import_batch_id IS 'The import batch that brought the payment.';
-- Segmentation: the accounts of a regional with a payment after a date, index only.
CREATE INDEX payments_regional_fecha ON cartero.payments (regional, fecha) INCLUDE (cuenta);

ALTER TABLE cartero.payments ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members work on the payments of their own regional" ON cartero.payments
    FOR ALL
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()))
    WITH CHECK ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
-- Appended only: no DELETE, and no UPDATE but of the regional, which the importer
-- moves with the account.
GRANT SELECT, INSERT, UPDATE (regional) ON cartero.payments TO cartero_app;

-- ---------------------------------------------------------------------------
-- letter_history

CREATE TABLE cartero.letter_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    cuenta text COLLATE "C" NOT NULL,
    regional text NOT NULL,
    fecha_envio date NOT NULL,
    import_batch_id bigint NOT NULL,
    -- No foreign keys: see cartero.accounts.
    CONSTRAINT letter_history_same_letter_once UNIQUE (cuenta, fecha_envio)
);
COMMENT ON TABLE cartero.letter_history IS 'Collection letters sent before Cartero (letters.csv), appended; one sent after a campaign''s cut date - 2 months excludes the account (carta_reciente).';
COMMENT ON COLUMN cartero.letter_history.id IS 'Surrogate key.';
COMMENT ON COLUMN cartero.letter_history.cuenta IS 'The account the letter was sent to.';
COMMENT ON COLUMN cartero.letter_history.regional IS 'The account''s regional, copied so row-level security and segmentation need no join; moved with the account by the importer when an extract moves it.';
COMMENT ON COLUMN cartero.letter_history.fecha_envio IS 'Date the letter was sent.';
COMMENT ON COLUMN cartero.letter_history.import_batch_id IS 'The import batch that brought the row.';
-- Segmentation: the accounts of a regional with a letter after a date, index only.
CREATE INDEX letter_history_regional_fecha_envio ON cartero.letter_history (regional, fecha_envio) INCLUDE (cuenta);

ALTER TABLE cartero.letter_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY "members work on the letter history of their own regional" ON cartero.letter_history
    FOR ALL
    USING ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()))
    WITH CHECK ((SELECT cartero.current_staff_is_admin()) OR regional = (SELECT cartero.current_staff_regional()));
GRANT SELECT, INSERT, UPDATE (regional) ON cartero.letter_history TO cartero_app;
