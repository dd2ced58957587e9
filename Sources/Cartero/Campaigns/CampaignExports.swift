import PQ

/// A campaign's result as CSV, streamed with `COPY … TO STDOUT` straight from the
/// server: a million rows never sit in memory.
public enum CampaignExports {
    /// Header `cuenta,prioridad`, then every selected account by rank (1 first).
    /// `write` gets the CSV in chunks; returns the number of accounts.
    @discardableResult
    public static func selection(_ id: Campaign.ID, on db: Connection, _ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        try copy(id, on: db, """
            SELECT ca.cuenta, ca.prioridad
              FROM cartero.campaign_accounts ca
             WHERE ca.campaign_id = current_setting('cartero.export_campaign')::bigint
               AND ca.prioridad IS NOT NULL
             ORDER BY ca.prioridad
            """, write)
    }

    /// Header `cuenta,motivo`, then one row per excluded account and reason: by account
    /// (byte order), and an account's reasons in RULES.md's order. Returns the number of rows.
    @discardableResult
    public static func exclusions(_ id: Campaign.ID, on db: Connection, _ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        try copy(id, on: db, """
            SELECT ca.cuenta, u.motivo
              FROM cartero.campaign_accounts ca
             CROSS JOIN LATERAL unnest(ca.reasons) WITH ORDINALITY AS u(motivo, n)
             WHERE ca.campaign_id = current_setting('cartero.export_campaign')::bigint
             ORDER BY ca.cuenta COLLATE "C", u.n
            """, write)
    }

    /// COPY takes no bound parameters, so the campaign's id reaches the statement through
    /// a setting local to the transaction rather than through the SQL text.
    private static func copy(
        _ id: Campaign.ID, on db: Connection, _ select: String, _ write: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Int {
        _ = try Campaigns.find(id, on: db)
        try db.execute("SELECT set_config('cartero.export_campaign', \(String(id)), true)")
        return try db.copyOut(Query(unsafeSQL: "COPY (\(select)) TO STDOUT WITH (FORMAT csv, HEADER)"), write)
    }
}
