import Foundation
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
        // Imports of one kind take turns: the merge below inserts what it found missing.
        try db.execute("SELECT pg_advisory_xact_lock(hashtext(\("cartero.import." + staged.kind.rawValue)))")
        let inserted: Int, updated: Int
        switch staged.kind {
        case .accounts:
            (inserted, updated) = try upsertAccounts(batch: batch, on: db)
        case .payments:
            updated = 0
            inserted = try append(into: "payments", batch: batch, key: ["cuenta", "fecha", "valor", "referencia"], values: [
                ("fecha", "s.fecha::date"),
                ("valor", "s.valor::numeric(14,2)"),
                ("referencia", "coalesce(s.referencia, '')"),
            ], on: db)
        case .courierResults:
            preconditionFailure("the courier's results are recorded by CourierResults.record, which writes its own batch")
        case .letters:
            updated = 0
            inserted = try append(into: "letter_history", batch: batch, key: ["cuenta", "fecha_envio"], values: [
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

    /// Inserts new accounts and updates the changed ones. Only a row that differs in
    /// some field is updated, so a re-import leaves `updated_at` and `import_batch_id`
    /// alone. Marks set by Cartero live in their own tables and are not touched; when
    /// an account moves to another regional, the rows that copy its regional move too.
    ///
    /// An UPDATE of the changed rows and a plain INSERT of the new ones, rather than
    /// one INSERT … ON CONFLICT: the upsert's speculative insertion measured 5.9 s per
    /// million new accounts against 3.5 s. Imports of one kind take turns (an advisory
    /// lock), so no other import can insert the same account in between.
    /// Returns (inserted, updated).
    private static func upsertAccounts(batch: Int64, on db: Connection) throws -> (Int, Int) {
        let columns = accountFields.map(\.column)
        // The staged rows, typed, as `i`; written out in each statement rather than kept
        // in a temporary table, which cost 1.6 s per million rows. On a first import the
        // UPDATE finds no account and never reads them.
        let incoming: Query = """
            (
                SELECT s.cuenta, \(unsafeSQL: accountFields.map { "\($0.value) AS \($0.column)" }.joined(separator: ",\n       "))
                FROM pg_temp.import_staging s
                LEFT JOIN (
                    SELECT DISTINCT ON (cuenta) cuenta, old_direccion, new_direccion, new_barrio
                    FROM cartero.account_address_changes
                    ORDER BY cuenta, id DESC
                ) latest ON latest.cuenta = s.cuenta
            ) i
            """
        do {
            try moveCopiedRegionals(on: db)
            let updated = try db.execute("""
                UPDATE cartero.accounts a
                SET \(unsafeSQL: columns.map { "\($0) = i.\($0)" }.joined(separator: ", ")),
                    import_batch_id = \(batch), updated_at = now()
                FROM \(incoming)
                WHERE a.cuenta = i.cuenta AND NOT \(unsafeSQL: same("a", "i", columns))
                """).affectedRows
            let inserted = try db.execute("""
                INSERT INTO cartero.accounts (cuenta, \(unsafeSQL: columns.joined(separator: ", ")), import_batch_id)
                SELECT i.*, \(batch)::bigint
                FROM \(incoming)
                WHERE NOT EXISTS (SELECT FROM cartero.accounts a WHERE a.cuenta = i.cuenta)
                """).affectedRows
            return (inserted, updated)
        } catch let error as PQError where error.sqlState == .insufficientPrivilege || error.sqlState == .uniqueViolation {
            // Row-level security: the file names an account of a regional the member
            // may not change. He does not see it, so the INSERT meets it on the key.
            throw CarteroError.forbidden(
                "the file holds accounts that belong to another regional, which you may not change; nothing was imported")
        } catch let error as PQError {
            throw CarteroError(raisedBy: error) ?? error
        }
    }

    /// Payments, letters and marks copy their account's regional for row-level
    /// security; when the extract moves accounts, they move with them, and the
    /// reservations that campaigns of the old regional held on them are released
    /// (`cartero.move_account_copies`, an administrator's only).
    private static func moveCopiedRegionals(on db: Connection) throws {
        try db.execute("""
            SELECT cartero.move_account_copies(array_agg(s.cuenta), array_agg(s.regional))
            FROM pg_temp.import_staging s
            JOIN cartero.accounts a ON a.cuenta = s.cuenta AND a.regional <> s.regional
            HAVING count(*) > 0
            """)
    }

    /// `(l.c1, …) IS NOT DISTINCT FROM (r.c1, …)`: NULL equals NULL.
    private static func same(_ l: String, _ r: String, _ columns: [String]) -> String {
        "(\(columns.map { "\(l).\($0)" }.joined(separator: ", "))) IS NOT DISTINCT FROM (\(columns.map { "\(r).\($0)" }.joined(separator: ", ")))"
    }

    /// Appends rows for existing accounts, each with its account's regional; a row
    /// equal on the table's unique key to a stored one, or to an earlier one of the
    /// same file, is skipped. A plain INSERT of what is new rather than ON CONFLICT DO
    /// NOTHING (speculative insertion costs two thirds more); imports of one kind take
    /// turns, so the new rows cannot collide. Returns how many were added.
    private static func append(
        into table: String, batch: Int64, key: [String], values: [(column: String, value: String)], on db: Connection
    ) throws -> Int {
        try db.execute("""
            INSERT INTO cartero.\(unsafeSQL: table) (cuenta, regional, \(unsafeSQL: values.map(\.column).joined(separator: ", ")), import_batch_id)
            SELECT DISTINCT ON (\(unsafeSQL: key.joined(separator: ", "))) n.*, \(batch)::bigint
            FROM (
                SELECT s.cuenta, a.regional, \(unsafeSQL: values.map { "\($0.value) AS \($0.column)" }.joined(separator: ", "))
                FROM pg_temp.import_staging s
                JOIN cartero.accounts a ON a.cuenta = s.cuenta
            ) n
            WHERE NOT EXISTS (
                SELECT FROM cartero.\(unsafeSQL: table) t
                WHERE \(unsafeSQL: key.map { "t.\($0) = n.\($0)" }.joined(separator: " AND "))
            )
            """).affectedRows
    }
}
