import Foundation
import PQ

/// The coordinator's view of his regional's open work: per member, his open cases by
/// age, and the cases no one has yet. Read under the member's row rules, like the rest.
public struct CaseBoard: Sendable, Hashable {
    /// The ages a case is counted in, in days since it opened: up to 7, 8 to 15, 16 to 30, more.
    public static let ageLimits = [7, 15, 30]

    public struct Line: Sendable, Hashable {
        /// nil for the cases no one has.
        public let login: String?
        public let fullName: String?
        public let role: StaffRole?
        /// Open cases per age bucket of `ageLimits` (one more than the limits).
        public let byAge: [Int]
        public var total: Int { byAge.reduce(0, +) }
    }

    /// One line per member with open cases, the most loaded first; the unassigned line last when there is one.
    public let lines: [Line]
    /// The oldest cases no one has, at most `unassignedShown`.
    public let unassigned: [CaseSummary]
    public static let unassignedShown = 100

    public var unassignedCount: Int { lines.first { $0.login == nil }?.total ?? 0 }

    public static func read(on db: Connection) throws -> CaseBoard {
        let lines = try db.execute("""
            SELECT s.login, s.full_name, s.role,
                   count(*) FILTER (WHERE k.opened_at >= now() - interval '7 days') AS d7,
                   count(*) FILTER (WHERE k.opened_at < now() - interval '7 days' AND k.opened_at >= now() - interval '15 days') AS d15,
                   count(*) FILTER (WHERE k.opened_at < now() - interval '15 days' AND k.opened_at >= now() - interval '30 days') AS d30,
                   count(*) FILTER (WHERE k.opened_at < now() - interval '30 days') AS older
              FROM cartero.cases k
              LEFT JOIN cartero.staff s ON s.id = k.assigned_to
             WHERE k.estado <> 'resuelto'
             GROUP BY s.login, s.full_name, s.role
             ORDER BY s.login IS NULL, count(*) DESC, s.login
            """).map { row in
            let (login, name, role, d7, d15, d30, older) = try row.decode((String?, String?, String?, Int, Int, Int, Int).self)
            return Line(login: login, fullName: name, role: role.flatMap(StaffRole.init), byAge: [d7, d15, d30, older])
        }
        return CaseBoard(lines: lines, unassigned: try Cases.unassigned(oldest: unassignedShown, on: db))
    }
}
