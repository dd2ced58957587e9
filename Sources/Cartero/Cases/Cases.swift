import PQ

/// Where a case is in its life. Opened by a routed return (sql/migrations/0010); the
/// assignment and the outcomes come with the next states.
public enum CaseStatus: String, Sendable, CaseIterable {
    case abierto

    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// A case as `cases list` shows it: the returned letter, its account, why and where it
/// went, who works it, and the address as mailed (where a field agent goes).
public struct CaseSummary: Sendable, Hashable {
    public let id: Int64
    public let consecutivo: String
    public let cuenta: String
    public let causal: String
    public let destino: String
    /// The login of the member it is assigned to; nil until it is assigned.
    public let assignee: String?
    public let status: String
    public let direccion: String
    public let barrio: String
    public let ruta: String
}

/// Returned-letter cases (RULES.md section 3), opened in the letter's regional by
/// `cartero.record_courier_results` and `cartero.register_return`. A member sees his
/// regional's cases (an admin all of them): row-level security decides.
public enum Cases {
    /// The cases the acting member sees, of one assignee (`login`) and in one state when
    /// asked, in the order a field agent walks them: by route, neighbourhood and address
    /// (the letter's, as mailed), then by number.
    public static func list(assignee: String? = nil, status: CaseStatus? = nil, on db: Connection) throws -> [CaseSummary] {
        var assigneeID: Int64?
        if let assignee {
            guard let id = try db.queryValue("SELECT cartero.staff_id_for_login(\(assignee))", as: Int64?.self) else {
                throw CarteroError.notFound("no active member has the login \(assignee)")
            }
            assigneeID = id
        }
        return try db.execute("""
            SELECT k.id, k.consecutivo, k.cuenta, k.causal, k.destino, s.login, k.estado, l.direccion, l.barrio, l.ruta
            FROM cartero.cases k
            JOIN cartero.letters l ON l.id = k.letter_id
            LEFT JOIN cartero.staff s ON s.id = k.assigned_to
            WHERE (\(assigneeID)::bigint IS NULL OR k.assigned_to = \(assigneeID))
              AND (\(status?.rawValue)::text IS NULL OR k.estado = \(status?.rawValue))
            ORDER BY l.ruta COLLATE "C", l.barrio, l.direccion, k.id
            """).map { row in
            let (id, consecutivo, cuenta, causal, destino, assignee, status, direccion, barrio, ruta) =
                try row.decode((Int64, String, String, String, String, String?, String, String, String, String).self)
            return CaseSummary(id: id, consecutivo: consecutivo, cuenta: cuenta, causal: causal, destino: destino,
                               assignee: assignee, status: status, direccion: direccion, barrio: barrio, ruta: ruta)
        }
    }
}
