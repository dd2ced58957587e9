import PQ

/// A campaign's result as CSV, streamed with `COPY … TO STDOUT` straight from the
/// server: a million rows never sit in memory. They read the analysts' views
/// (sql/migrations/0005_reporting.sql), so a spreadsheet and a SQL query agree.
public enum CampaignExports {
    /// Header `cuenta,prioridad`, then every selected account by rank (1 first).
    /// `write` gets the CSV in chunks; returns the number of accounts.
    @discardableResult
    public static func selection(_ id: Campaign.ID, on db: Connection, _ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        try copy(id, on: db, """
            SELECT cuenta, prioridad
              FROM reporting.campaign_selection
             WHERE campaign_id = current_setting('cartero.export_campaign')::bigint
             ORDER BY prioridad
            """, write)
    }

    /// Header `cuenta,motivo`, then one row per excluded account and reason: by account
    /// (byte order), and an account's reasons in RULES.md's order. Returns the number of rows.
    @discardableResult
    public static func exclusions(_ id: Campaign.ID, on db: Connection, _ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        try EvaluationRetention.requireWhole(id, on: db)
        return try copy(id, on: db, """
            SELECT cuenta, motivo
              FROM reporting.campaign_exclusions
             WHERE campaign_id = current_setting('cartero.export_campaign')::bigint
             ORDER BY cuenta, orden
            """, write)
    }

    /// COPY takes no bound parameters, so the campaign's id reaches the statement through
    /// a setting local to the transaction rather than through the SQL text.
    static func copy(
        _ id: Campaign.ID, on db: Connection, _ select: String, _ write: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Int {
        _ = try Campaigns.find(id, on: db)
        try db.execute("SELECT set_config('cartero.export_campaign', \(String(id)), true)")
        return try db.copyOut(Query(unsafeSQL: "COPY (\(select)) TO STDOUT WITH (FORMAT csv, HEADER)"), write)
    }
}
