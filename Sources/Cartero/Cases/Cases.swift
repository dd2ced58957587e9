import Foundation
import PQ

/// Where a case is in its life: opened by a routed return (sql/migrations/0010),
/// assigned to one member of the regional's team, resolved with an outcome.
public enum CaseStatus: String, Sendable, CaseIterable {
    /// No one has it yet.
    case abierto
    /// One member works it.
    case asignado
    case resuelto

    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// How a case is resolved (RULES.md section 3), and what follows in the portfolio.
public enum CaseOutcome: String, Sendable, CaseIterable {
    /// Terreno: the address exists; the account may be mailed again.
    case direccionCorrecta = "direccion_correcta"
    /// Terreno: a facturación case opens, with the address found, if any.
    case direccionErrada = "direccion_errada"
    /// Terreno: a facturación case opens for the clean-up.
    case predioDemolido = "predio_demolido"
    case lote
    /// Facturación: the account gets a clean-up mark.
    case depurada
    /// Facturación: the account's address is replaced; the old one is kept.
    case direccionActualizada = "direccion_actualizada"
    case sinCambio = "sin_cambio"

    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// What `Cases.resolve` did.
public struct CaseResolution: Sendable, Hashable {
    public let id: Int64
    public let outcome: CaseOutcome
    /// The facturación case the outcome opened, if any.
    public let escalatedCase: Int64?
    public let photos: [StoredScan]
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
    public let openedAt: Date
    /// How it was resolved; nil while open.
    public let outcome: String?
    /// Of a facturación case: the address the field visit found; '' when none.
    public let proposedAddress: String
    /// Of a facturación case opened by a field visit: what the visit found and its note.
    public let fieldVisit: FieldVisit?
}

/// What the field visit that opened a facturación case found.
public struct FieldVisit: Sendable, Hashable {
    /// direccion_errada, predio_demolido or lote.
    public let outcome: String
    public let note: String
}

/// Returned-letter cases (RULES.md section 3), opened in the letter's regional by
/// `cartero.record_courier_results` and `cartero.register_return` and assigned as they
/// open (sql/migrations/0011). A field agent or a billing member sees the cases assigned
/// to him, the others their regional's, an admin all: row-level security decides.
public enum Cases {
    /// Assigns every unassigned case of the regional to its active team, balancing open
    /// work and keeping an area with one field agent (`cartero.assign_cases`); returns how
    /// many. Safe with another assigner at once: each takes the cases the other does not
    /// hold. Only the regional's coordinador or an admin.
    @discardableResult
    public static func assign(regional: String, on db: Connection) throws -> Int {
        try CarteroError.translating(whenRefused: "you may not assign the cases of regional \(regional)") {
            try db.queryValue("SELECT cartero.assign_cases(\(regional))", as: Int.self)
        }
    }

    /// Gives one case to the member with `login` (active, of its regional and of its
    /// destination's role). Only the regional's coordinador or an admin.
    public static func reassign(_ id: Int64, to login: String, on db: Connection) throws {
        try CarteroError.translating(whenRefused: "you may not reassign case \(id)") {
            _ = try db.execute("SELECT cartero.reassign_case(\(id), \(login))")
        }
    }

    /// Resolves a case and carries the outcome into the portfolio (`cartero.resolve_case`):
    /// a terreno outcome that needs billing opens a facturación case, assigned at once;
    /// `depurada` sets a clean-up mark (`mark`, else the one the cause or the field visit
    /// names); `direccionActualizada` replaces the account's address (`address`, else the
    /// one found in the field). The photos are read and checked first, and stored with it:
    /// all or nothing. Only the assignee, the regional's coordinador or an admin.
    public static func resolve(
        _ id: Int64, outcome: CaseOutcome, address: String? = nil, note: String? = nil, mark: String? = nil,
        photos: [URL] = [], uploads: [Attachment] = [], on db: Connection
    ) throws -> CaseResolution {
        let files = try photos.map { try ScanFile(reading: $0, on: db) } + uploads.map { try ScanFile($0, on: db) }
        return try CarteroError.translating(whenRefused: "you may not resolve case \(id)") {
            try db.transaction {
                let escalated = try db.queryValue("""
                    SELECT escalated_case_id FROM cartero.resolve_case(\(id), \(outcome.rawValue), \(address), \(note), \(mark))
                    """, as: Int64?.self)
                let stored = try files.map { file in
                    let (photoID, sha256, created) = try db.queryRow("""
                        SELECT photo_id, sha256, created FROM cartero.add_case_photo(\(id), \(file.name), \(file.content))
                        """)!.decode((Int64, String, Bool).self)
                    return StoredScan(id: photoID, fileName: file.name, mediaType: file.mediaType, byteSize: file.content.count,
                                      sha256: sha256, created: created)
                }
                return CaseResolution(id: id, outcome: outcome, escalatedCase: escalated, photos: stored)
            }
        }
    }

    /// Moves every assigned case of `from` to `to` (an agent on leave, or one who left);
    /// returns how many. Only the regional's coordinador or an admin.
    @discardableResult
    public static func reassignAll(from: String, to: String, on db: Connection) throws -> Int {
        try CarteroError.translating(whenRefused: "you may not reassign the cases of \(from)") {
            try db.queryValue("SELECT cartero.reassign_cases(\(from), \(to))", as: Int.self)
        }
    }

    /// The cases the acting member sees, of one assignee (`login`) and in one state when
    /// asked, in the order a field agent walks them: by route, neighbourhood and address
    /// (the letter's, as mailed), then by number.
    public static func list(assignee: String? = nil, status: CaseStatus? = nil, on db: Connection) throws -> [CaseSummary] {
        let assigneeID = try assignee.map { try StaffDirectory.requireID(login: $0, on: db) }
        return try summaries(where: """
            (\(assigneeID)::bigint IS NULL OR k.assigned_to = \(assigneeID))
              AND (\(status?.rawValue)::text IS NULL OR k.estado = \(status?.rawValue))
            """, on: db)
    }

    /// One case, if the acting member sees it.
    public static func find(_ id: Int64, on db: Connection) throws -> CaseSummary? {
        try summaries(where: "k.id = \(id)", on: db).first
    }

    /// The cases of one account the acting member sees, in the same order.
    public static func list(account cuenta: String, on db: Connection) throws -> [CaseSummary] {
        try summaries(where: "k.cuenta = \(cuenta)", on: db)
    }

    /// The oldest cases no one has yet, at most `limit`, oldest first.
    public static func unassigned(oldest limit: Int, on db: Connection) throws -> [CaseSummary] {
        try summaries(where: "k.estado = 'abierto'", orderBy: "k.opened_at, k.id LIMIT \(limit)", on: db)
    }

    /// The cases the acting member sees under `condition`, in walking order unless `orderBy` says otherwise.
    private static func summaries(
        where condition: Query, orderBy order: Query = #"l.ruta COLLATE "C", l.barrio, l.direccion, k.id"#, on db: Connection
    ) throws -> [CaseSummary] {
        var escalated: [Int64] = []
        let rows = try db.execute("""
            SELECT k.id, k.consecutivo, k.cuenta, k.causal, k.destino, s.login, k.estado, l.direccion, l.barrio, l.ruta,
                   k.opened_at, k.direccion_hallada, k.outcome, k.origin_case_id IS NOT NULL AS escalated
            FROM cartero.cases k
            JOIN cartero.letters l ON l.id = k.letter_id
            LEFT JOIN cartero.staff s ON s.id = k.assigned_to
            WHERE \(condition)
            ORDER BY \(order)
            """).map { row in
            let (id, consecutivo, cuenta, causal, destino, assignee, status, direccion, barrio, ruta) =
                try row.decode((Int64, String, String, String, String, String?, String, String, String, String).self)
            let (openedAt, proposed, outcome) = try (
                row.decode("opened_at", as: Date.self), row.decode("direccion_hallada", as: String.self),
                row.decode("outcome", as: String?.self))
            if try row.decode("escalated", as: Bool.self) { escalated.append(id) }
            return (id, consecutivo, cuenta, causal, destino, assignee, status, direccion, barrio, ruta, openedAt, proposed, outcome)
        }
        // The origin cases are not theirs to see: field_visits tells what they found, for a page at once.
        var visits: [Int64: FieldVisit] = [:]
        if !escalated.isEmpty {
            for row in try db.execute("SELECT case_id, outcome, nota FROM cartero.field_visits(\(escalated))") {
                let (id, outcome, note) = try row.decode((Int64, String?, String).self)
                if let outcome { visits[id] = FieldVisit(outcome: outcome, note: note) }
            }
        }
        return rows.map { r in
            CaseSummary(id: r.0, consecutivo: r.1, cuenta: r.2, causal: r.3, destino: r.4, assignee: r.5, status: r.6,
                        direccion: r.7, barrio: r.8, ruta: r.9, openedAt: r.10, outcome: r.12, proposedAddress: r.11,
                        fieldVisit: visits[r.0])
        }
    }
}
