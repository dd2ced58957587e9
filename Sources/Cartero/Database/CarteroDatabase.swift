import PQ

/// The shared database, as the service and the CLI use it: every connection acts
/// as `cartero_app`, and every transaction says which staff member is acting, so
/// PostgreSQL's row-level security decides what each member sees.
public final class CarteroDatabase: Sendable {
    public let pool: ConnectionPool

    public init(conninfo: String, maxConnections: Int = 4) {
        pool = ConnectionPool(conninfo: conninfo, maxConnections: maxConnections, setup: Self.actAsApplication)
    }

    /// A login that is a superuser or the owner (a developer's DATABASE_URL) steps
    /// down to `cartero_app`, so row-level security applies to it as to the service.
    static func actAsApplication(_ connection: Connection) throws {
        let (isApp, mayBeApp) = try connection.queryRow("""
            SELECT current_user = 'cartero_app',
                   CASE WHEN to_regrole('cartero_app') IS NOT NULL THEN pg_has_role(current_user, 'cartero_app', 'MEMBER') END
            """
        )!.decode((Bool, Bool?).self)
        if isApp { return }
        guard let mayBeApp else { throw CarteroError.notMigrated }
        guard mayBeApp else {
            throw CarteroError.forbidden(
                "the database login may not act as cartero_app: grant it the role (GRANT cartero_app TO login)")
        }
        try connection.execute("SET ROLE cartero_app")
    }

    /// Runs `body` in one transaction acting as `member`: committed when it returns,
    /// rolled back when it throws. Retried as `retryingWhenAsked` says.
    public func transaction<T: Sendable>(
        as member: ActingMember, _ isolation: Connection.IsolationLevel = .readCommitted,
        _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        try await retryingWhenAsked {
            try await self.pool.withTransaction(isolation) { connection in
                try Self.act(as: member.id, on: connection)
                return try body(connection)
            }
        }
    }

    /// How many times a transaction runs at most when PostgreSQL asks for it again.
    static let attempts = 4

    /// Runs `transaction` again, from its start, when PostgreSQL rolled it back and asks
    /// for a retry: a serialization failure (40001) or a deadlock it broke (40P01). Two
    /// regionals' work rarely meets, so a few attempts with a short random pause do;
    /// the last failure is thrown. A body may therefore run more than once: whatever it
    /// does outside its transaction (files written beside their names, progress shown)
    /// must bear being done again.
    func retryingWhenAsked<T: Sendable>(_ transaction: () async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await transaction()
            } catch let error as PQError where attempt < Self.attempts
                && [SQLState.serializationFailure, .deadlockDetected].contains(where: { $0 == error.sqlState }) {
                attempt += 1
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...50) * attempt))
            }
        }
    }

    /// Runs `body` in one transaction acting as the active member with that login,
    /// resolved in the same transaction.
    public func transaction<T: Sendable>(
        asLogin login: String, _ isolation: Connection.IsolationLevel = .readCommitted,
        _ body: @escaping @Sendable (Connection, ActingMember) throws -> T
    ) async throws -> T {
        try await retryingWhenAsked {
            try await self.pool.withTransaction(isolation) { connection in
                let member = try Self.resolve(login: login, on: connection)
                return try body(connection, member)
            }
        }
    }

    /// Runs `body` in one transaction acting as no member: row-level security shows it
    /// no row. For signing in, before anyone is known.
    public func transactionAsNoOne<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await retryingWhenAsked { try await self.pool.withTransaction(.readCommitted) { connection in try body(connection) } }
    }

    /// The active member with that id, ready to act; nil when there is none.
    public func member(id: Int64) async throws -> ActingMember? {
        try await pool.withTransaction(.readCommitted) { connection in try Self.member(id: id, on: connection) }
    }

    /// Acts as the member with that id in `connection`'s transaction and reads him; nil when he is not active.
    static func member(id: Int64, on connection: Connection) throws -> ActingMember? {
        try act(as: id, on: connection)
        let row = try connection.queryRow("SELECT id, login, full_name, role, regional FROM cartero.staff WHERE id = \(id) AND active")
        return try row.map(member(from:))
    }

    /// The active member with that login, ready to act.
    public func member(login: String) async throws -> ActingMember {
        try await transaction(asLogin: login) { _, member in member }
    }

    /// Says who is acting for the rest of the transaction.
    private static func act(as id: Int64, on connection: Connection) throws {
        try connection.execute("SELECT set_config('cartero.staff_id', \(String(id)), true)")
    }

    /// Finds the active member with that login and acts as him; his own staff row is
    /// visible from then on.
    private static func resolve(login: String, on connection: Connection) throws -> ActingMember {
        guard let id = try connection.queryValue("SELECT cartero.staff_id_for_login(\(login))", as: Int64?.self) else {
            throw CarteroError.notFound("no active staff member has the login '\(login)'")
        }
        try act(as: id, on: connection)
        let row = try connection.queryRow("SELECT id, login, full_name, role, regional FROM cartero.staff WHERE id = \(id)")!
        return try member(from: row)
    }

    private static func member(from row: Row) throws -> ActingMember {
        let (memberID, memberLogin, fullName, role, regional) = try row.decode((Int64, String, String, String, String?).self)
        guard let staffRole = StaffRole(rawValue: role) else {
            throw CarteroError.invalid("staff member '\(memberLogin)' has an unknown role '\(role)'")
        }
        return ActingMember(id: memberID, login: memberLogin, fullName: fullName, role: staffRole, regional: regional)
    }

    public func close() { pool.close() }
}

/// The staff member on whose behalf a transaction runs.
public struct ActingMember: Sendable, Hashable {
    public let id: Int64
    public let login: String
    public let fullName: String
    public let role: StaffRole
    /// nil for an administrator, who works across regionals.
    public let regional: String?

    public init(id: Int64, login: String, fullName: String, role: StaffRole, regional: String?) {
        self.id = id
        self.login = login
        self.fullName = fullName
        self.role = role
        self.regional = regional
    }
}
