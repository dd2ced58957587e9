import PQ

/// Where a return with a cause goes (RULES.md section 3).
public enum ReturnRoute: String, Sendable, CaseIterable {
    /// A field visit to confirm the address.
    case terreno
    /// Validate and clean up the account.
    case facturacion
    /// Recorded only: no case.
    case ninguna

    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// A cause of return, as the courier and the register name it.
public struct ReturnCause: Sendable, Hashable {
    public let code: String
    public let descripcion: String
    public let route: ReturnRoute
}

/// The causes are data an administrator changes (`cartero.return_causes`): a new route
/// applies to the returns recorded after it. Row-level security lets only an admin
/// write them; these functions say so first.
public enum ReturnCauses {
    public static func all(on db: Connection) throws -> [ReturnCause] {
        try db.execute("SELECT code, descripcion, route FROM cartero.return_causes ORDER BY code").map(cause)
    }

    /// Changes where returns with `code` go from now on.
    @discardableResult
    public static func setRoute(_ code: String, to route: ReturnRoute, on db: Connection) throws -> ReturnCause {
        try requireAdmin(on: db)
        guard let row = try db.queryRow("""
            UPDATE cartero.return_causes SET route = \(route.rawValue), updated_by = cartero.current_staff_id(), updated_at = now()
            WHERE code = \(code.uppercased()) RETURNING code, descripcion, route
            """)
        else { throw CarteroError.notFound("no return cause has the code \(code); `cartero causal list` shows them") }
        return try cause(row)
    }

    /// Adds a cause that the courier's results and the register may name from now on.
    @discardableResult
    public static func add(_ code: String, descripcion: String, route: ReturnRoute, on db: Connection) throws -> ReturnCause {
        try requireAdmin(on: db)
        guard code.range(of: "^[A-Z][A-Z0-9_]{0,29}$", options: .regularExpression) != nil else {
            throw CarteroError.invalid("cause code '\(code)' must be 1 to 30 capital letters, digits or _, starting with a letter")
        }
        let descripcion = descripcion.trimmed
        guard (1...120).contains(descripcion.count) else {
            throw CarteroError.invalid("the cause needs a description of 1 to 120 characters")
        }
        do {
            try db.execute("""
                INSERT INTO cartero.return_causes (code, descripcion, route, updated_by)
                VALUES (\(code), \(descripcion), \(route.rawValue), cartero.current_staff_id())
                """)
        } catch SQLState.uniqueViolation {
            throw CarteroError.conflict("return cause \(code) exists already; change its route with `cartero causal set`")
        }
        return ReturnCause(code: code, descripcion: descripcion, route: route)
    }

    private static func requireAdmin(on db: Connection) throws {
        guard try db.queryValue("SELECT cartero.current_staff_is_admin()", as: Bool.self) else {
            throw CarteroError.forbidden("only an administrator may change the return causes")
        }
    }

    private static func cause(_ row: Row) throws -> ReturnCause {
        let (code, descripcion, route) = try row.decode((String, String, String).self)
        return ReturnCause(code: code, descripcion: descripcion, route: ReturnRoute(rawValue: route) ?? .ninguna)
    }
}
