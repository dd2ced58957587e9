import Foundation
import PQ

/// One change, as `cartero.history` records it (sql/migrations/0013_history.sql).
public struct HistoryEntry: Sendable, Hashable {
    public let at: Date
    /// The login of the member who acted; nil when no member did (a migration).
    public let by: String?
    /// campaign, letter, case or account, and which one.
    public let entity: String
    public let entityID: String
    public let what: String
    public let before: String?
    public let after: String?
}

/// The append-only history of campaigns, letters, cases and accounts' marks and
/// addresses: written by triggers, read here under the member's row rules.
public enum History {
    /// What happened to an account: its letters, its cases, its marks and address.
    public static func of(account cuenta: String, on db: Connection) throws -> [HistoryEntry] {
        try entries(where: "h.cuenta = \(cuenta)", on: db)
    }

    /// What happened to a case, from its opening.
    public static func of(case id: Int64, on db: Connection) throws -> [HistoryEntry] {
        try entries(where: "h.case_id = \(id)", on: db)
    }

    private static func entries(where condition: Query, on db: Connection) throws -> [HistoryEntry] {
        try db.execute("""
            SELECT h.changed_at, s.login, h.entity, h.entity_id, h.what, h.before, h.after
              FROM cartero.history h
              LEFT JOIN cartero.staff s ON s.id = h.changed_by
             WHERE \(condition)
             ORDER BY h.id
            """).map { row in
            let (at, by, entity, entityID, what, before, after) =
                try row.decode((Date, String?, String, String, String, String?, String?).self)
            return HistoryEntry(at: at, by: by, entity: entity, entityID: entityID, what: what, before: before, after: after)
        }
    }
}
