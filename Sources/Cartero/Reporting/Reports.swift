import Foundation
import PQ

/// The analysts' views (`reporting`, sql/migrations/0005 and 0020) for those who prefer
/// the command line: any view, in its documented order, of one campaign or regional.
/// Read under the acting member's row rules, as an analyst's own login reads them.
public enum Reports {
    public struct View: Sendable, Hashable {
        public let name: String
        /// The order its comment documents.
        let order: String
        /// True when it has a campaign_id column to filter on.
        public let byCampaign: Bool
    }

    public static let views: [View] = [
        View(name: "portfolio", order: "regional, uso, estrato, facturacion, franja_mora", byCampaign: false),
        View(name: "accounts", order: "cuenta", byCampaign: false),
        View(name: "payments", order: "fecha, id", byCampaign: false),
        View(name: "campaigns", order: "id", byCampaign: false),
        View(name: "campaign_selection", order: "campaign_id, prioridad", byCampaign: true),
        View(name: "campaign_exclusions", order: "campaign_id, cuenta, orden", byCampaign: true),
        View(name: "campaign_funnel", order: "campaign_id, orden", byCampaign: true),
        View(name: "campaign_letters", order: "campaign_id, consecutivo", byCampaign: true),
        View(name: "returns_by_cause", order: "regional, campaign_id, cartas DESC, causal", byCampaign: true),
        View(name: "case_backlog", order: "regional, destino, responsable NULLS FIRST, franja_edad", byCampaign: false),
        View(name: "field_productivity", order: "regional, semana, responsable, resultado", byCampaign: false),
        View(name: "campaign_effectiveness", order: "campaign_id, dias", byCampaign: true),
    ]

    public static var names: String { views.map(\.name).joined(separator: ", ") }

    public static func view(named name: String) throws -> View {
        guard let view = views.first(where: { $0.name == name }) else {
            throw CarteroError.invalid("there is no report '\(name)'; the reports are \(names)")
        }
        return view
    }

    /// The view as CSV (its header, then its rows in order), streamed from the server.
    @discardableResult
    public static func csv(
        _ name: String, campaign: Int64? = nil, regional: String? = nil, on db: Connection,
        _ write: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Int {
        let select = try statement(name, campaign: campaign, regional: regional, on: db, columns: "*")
        return try db.copyOut(Query(unsafeSQL: "COPY (\(select)) TO STDOUT WITH (FORMAT csv, HEADER)"), write)
    }

    /// The view's columns and rows as text, for a table on a terminal.
    public static func table(_ name: String, campaign: Int64? = nil, regional: String? = nil, on db: Connection)
        throws -> (header: [String], rows: [[String]])
    {
        let columns = try db.execute("""
            SELECT attname FROM pg_catalog.pg_attribute
             WHERE attrelid = ('reporting.' || \(try view(named: name).name))::regclass AND attnum > 0 AND NOT attisdropped
             ORDER BY attnum
            """).map { try $0.decode(0, as: String.self) }
        // The names are the catalog's own, each quoted: no user text reaches the SQL.
        let list = columns.map { "r.\(quoted($0))::text" }.joined(separator: ", ")
        let rows = try db.execute(Query(unsafeSQL: try statement(name, campaign: campaign, regional: regional, on: db, columns: list)))
            .map { row in try (0..<columns.count).map { try row.decode($0, as: String?.self) ?? "" } }
        return (columns, rows)
    }

    /// COPY takes no bound parameters: the filters reach the statement through settings
    /// local to the transaction, never through the SQL text.
    private static func statement(_ name: String, campaign: Int64?, regional: String?, on db: Connection, columns: String) throws -> String {
        let view = try view(named: name)
        if campaign != nil, !view.byCampaign {
            throw CarteroError.invalid("the report \(name) is not per campaign; leave out --campaign")
        }
        if let regional { try Regionals.require(regional, on: db) }
        try db.execute("""
            SELECT set_config('cartero.report_campaign', \(campaign.map(String.init) ?? ""), true),
                   set_config('cartero.report_regional', \(regional ?? ""), true)
            """)
        let campaignFilter = view.byCampaign
            ? " AND (current_setting('cartero.report_campaign') = '' OR campaign_id = nullif(current_setting('cartero.report_campaign'), '')::bigint)"
            : ""
        // Ordered by the view's own columns (r.x), not by the text the table casts them to.
        let order = view.order.split(separator: ",").map { "r." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
        return """
            SELECT \(columns) FROM reporting.\(view.name) r
             WHERE (current_setting('cartero.report_regional') = '' OR regional = current_setting('cartero.report_regional'))\(campaignFilter)
             ORDER BY \(order)
            """
    }

    private static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
