import PQ

/// Writes a validated staging table into the portfolio, recording the import batch.
/// Every statement is one set-based pass over the staging table.
enum ExtractMerge {
    static func merge(_ staged: ExtractStaging, fileName: String, on db: Connection) throws -> ImportSummary {
        let batch = try db.queryValue("""
            INSERT INTO cartero.import_batches (kind, file_name, sha256, rows_read)
            VALUES (\(staged.kind.rawValue), \(fileName), \(staged.sha256), \(staged.rowsRead))
            RETURNING id
            """, as: Int64.self)
        let inserted: Int, updated: Int
        switch staged.kind {
        case .accounts:
            (inserted, updated) = try upsertAccounts(batch: batch, on: db)
        case .payments:
            updated = 0
            inserted = try append(into: "payments", batch: batch, conflictKey: "cuenta, fecha, valor, referencia", values: [
                ("fecha", "s.fecha::date"),
                ("valor", "s.valor::numeric(14,2)"),
                ("referencia", "coalesce(s.referencia, '')"),
            ], on: db)
        case .letters:
            updated = 0
            inserted = try append(into: "letter_history", batch: batch, conflictKey: "cuenta, fecha_envio", values: [
                ("fecha_envio", "s.fecha_envio::date")
            ], on: db)
        }
        let unchanged = staged.rowsRead - inserted - updated
        try db.execute("""
            UPDATE cartero.import_batches
            SET rows_inserted = \(inserted), rows_updated = \(updated), rows_unchanged = \(unchanged)
            WHERE id = \(batch)
            """)
        return ImportSummary(
            kind: staged.kind, fileName: fileName, batchID: batch, sha256: staged.sha256, rowsRead: staged.rowsRead,
            inserted: inserted, updated: updated, unchanged: unchanged)
    }

    /// The extract's columns of `accounts` that an import rewrites, and how each is
    /// read from the staging row `s`. Optional typed fields are NULL when blank.
    private static let accountFields: [(column: String, value: String)] = [
        ("regional", "s.regional"),
        ("titular", "s.titular"),
        ("documento", "coalesce(s.documento, '')"),
        // An address changed in Cartero stays while the extract still shows the one it replaced.
        ("direccion", "CASE WHEN coalesce(s.direccion, '') = latest.old_direccion THEN latest.new_direccion ELSE coalesce(s.direccion, '') END"),
        ("barrio", "CASE WHEN coalesce(s.direccion, '') = latest.old_direccion THEN latest.new_barrio ELSE coalesce(s.barrio, '') END"),
        ("municipio", "s.municipio"),
        ("ruta", "coalesce(s.ruta, '')"),
        ("uso", "s.uso"),
        ("estrato", "\(blankIsNull("s.estrato"))::smallint"),
        ("facturacion", "s.facturacion"),
        ("saldo_mora", "s.saldo_mora::numeric(14,2)"),
        ("fecha_mora", "\(blankIsNull("s.fecha_mora"))::date"),
        ("cobro_juridico", "s.cobro_juridico = 'S'"),
        ("saneamiento", "\(blankIsNull("s.saneamiento"))"),
    ]

    /// A validated optional value, NULL when blank: blank is the only kind of value
    /// that starts with a space, so only those are trimmed.
    private static func blankIsNull(_ c: String) -> String {
        "CASE WHEN \(c) LIKE ' %' THEN NULL ELSE nullif(\(c), '') END"
    }

    /// Upserts by cuenta. Only a row that differs in some field is updated, so a
    /// re-import leaves `updated_at` and `import_batch_id` alone. Marks set by Cartero
    /// live in their own tables and are not touched; when an account moves to another
    /// regional, the rows that copy its regional follow it (ON UPDATE CASCADE).
    /// Returns (inserted, updated).
    private static func upsertAccounts(batch: Int64, on db: Connection) throws -> (Int, Int) {
        let columns = accountFields.map(\.column)
        let statement: Query = """
            WITH latest AS (
                SELECT DISTINCT ON (cuenta) cuenta, old_direccion, new_direccion, new_barrio
                FROM cartero.account_address_changes
                ORDER BY cuenta, id DESC
            ), incoming AS (
                SELECT s.cuenta, \(unsafeSQL: accountFields.map { "\($0.value) AS \($0.column)" }.joined(separator: ",\n       "))
                FROM pg_temp.import_staging s
                LEFT JOIN latest ON latest.cuenta = s.cuenta
            ), merged AS (
                INSERT INTO cartero.accounts AS a (cuenta, \(unsafeSQL: columns.joined(separator: ", ")), import_batch_id)
                SELECT i.*, \(batch)::bigint
                FROM incoming i
                -- A row equal to its stored account is not even offered to the upsert,
                -- which would lock (write) each such row only to skip it.
                WHERE NOT EXISTS (
                    SELECT FROM cartero.accounts stored
                    WHERE stored.cuenta = i.cuenta AND \(unsafeSQL: same("stored", "i", columns))
                )
                ON CONFLICT (cuenta) DO UPDATE
                SET \(unsafeSQL: columns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")),
                    import_batch_id = excluded.import_batch_id,
                    updated_at = now()
                WHERE NOT \(unsafeSQL: same("a", "excluded", columns))
                -- xmax is 0 on a row this statement inserted, our xid on one it updated.
                RETURNING a.xmax = 0 AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM merged
            """
        do {
            return try db.queryRow(statement)!.decode((Int, Int).self)
        } catch let error as PQError where error.sqlState == .insufficientPrivilege {
            // Row-level security: the file names an account of a regional the member
            // may not change (he does not see it; the upsert meets it on the key).
            throw CarteroError.forbidden(
                "the file holds accounts that belong to another regional, which you may not change; nothing was imported")
        }
    }

    /// `(l.c1, …) IS NOT DISTINCT FROM (r.c1, …)`: NULL equals NULL.
    private static func same(_ l: String, _ r: String, _ columns: [String]) -> String {
        "(\(columns.map { "\(l).\($0)" }.joined(separator: ", "))) IS NOT DISTINCT FROM (\(columns.map { "\(r).\($0)" }.joined(separator: ", ")))"
    }

    /// Appends rows for existing accounts, each with its account's regional; a row
    /// equal to a stored one on the table's unique key is skipped. Returns how many were added.
    private static func append(
        into table: String, batch: Int64, conflictKey: String, values: [(column: String, value: String)], on db: Connection
    ) throws -> Int {
        try db.queryValue("""
            WITH added AS (
                INSERT INTO cartero.\(unsafeSQL: table) (cuenta, regional, \(unsafeSQL: values.map(\.column).joined(separator: ", ")), import_batch_id)
                SELECT s.cuenta, a.regional, \(unsafeSQL: values.map(\.value).joined(separator: ", ")), \(batch)::bigint
                FROM pg_temp.import_staging s
                JOIN cartero.accounts a ON a.cuenta = s.cuenta
                ON CONFLICT (\(unsafeSQL: conflictKey)) DO NOTHING
                RETURNING 1
            )
            SELECT count(*) FROM added
            """, as: Int.self)
    }
}
