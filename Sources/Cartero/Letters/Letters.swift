import PQ

/// A campaign's letters (RULES.md section 2): numbered when generated, listed for the
/// courier, and dispatched on a date. The numbering and the dispatch are
/// `cartero.generate_letters` and `cartero.dispatch_letters` (sql/migrations/0008_letters.sql),
/// which lock the regional's counter and the campaign; these functions run in the
/// caller's transaction and turn their refusals into sentences.
public enum Letters {
    /// Numbers the letters of an approved campaign, one per reserved account in rank
    /// order, `REGIONAL-YYYY-NNNNNN` without gaps. On a campaign generated already it
    /// numbers nothing and returns its letters' count, so an interrupted run is
    /// finished by running it again. Only a coordinador of the regional or an admin.
    @discardableResult
    public static func number(_ id: Campaign.ID, on db: Connection) throws -> Int {
        try Campaigns.translatingErrors(of: id) {
            try db.queryValue("SELECT cartero.generate_letters(\(id))", as: Int.self)
        }
    }

    /// Records that the campaign's letters were handed to the courier on `date` (from
    /// the day they were generated to today); they count for `carta_reciente` from then,
    /// and the campaign's reservations are released. Returns how many letters.
    @discardableResult
    public static func dispatch(_ id: Campaign.ID, on date: CalendarDate, on db: Connection) throws -> Int {
        try Campaigns.translatingErrors(of: id) {
            try db.queryValue("SELECT cartero.dispatch_letters(\(id), \(date))", as: Int.self)
        }
    }

    /// `manifiesto.csv` (FORMATS.md): the header, then one row per letter in the letters'
    /// order, streamed from the server. Returns the number of letters. An unknown
    /// neighbourhood or route is an empty field (COPY would write `""` for '').
    @discardableResult
    public static func manifest(_ id: Campaign.ID, on db: Connection, _ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        try CampaignExports.copy(id, on: db, """
            SELECT consecutivo, cuenta, titular, direccion, nullif(barrio, '') AS barrio, municipio, nullif(ruta, '') AS ruta,
                   saldo_mora, dias_mora, paginas
              FROM cartero.letters
             WHERE campaign_id = current_setting('cartero.export_campaign')::bigint
             ORDER BY prioridad
            """, write)
    }
}
