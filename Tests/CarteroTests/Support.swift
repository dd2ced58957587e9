import Cartero
import CarteroTesting
import PQ

/// A migrated database of its own for one suite, with helpers to act as members.
struct TestCartero {
    let conninfo: String
    let database: CarteroDatabase

    init(_ label: String) throws {
        conninfo = try TestDatabase.migrated(label)
        database = CarteroDatabase(conninfo: conninfo, maxConnections: 4)
    }

    var admin: ActingMember {
        get async throws { try await database.member(login: "admin") }
    }

    func member(_ login: String) async throws -> ActingMember {
        try await database.member(login: login)
    }

    /// Runs `body` acting as the built-in admin.
    func asAdmin<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await database.transaction(as: try await admin, .readCommitted, body)
    }

    /// Adds a regional and a member of it with the given role; returns the member.
    @discardableResult
    func addMember(_ login: String, role: StaffRole, regional: String?) async throws -> ActingMember {
        try await asAdmin { db in
            if let regional, try db.queryRow("SELECT 1 FROM cartero.regionals WHERE code = \(regional)") == nil {
                _ = try Regionals.add(code: regional, name: "Regional \(regional)", on: db)
            }
            try StaffDirectory.add(
                NewStaffMember(login: login, fullName: login, role: role, regional: regional, password: nil, dbLogin: false), on: db)
        }
        return try await member(login)
    }

    /// A plain connection as the login of the test server (a superuser), for checks
    /// that must not go through row-level security.
    func superuser() throws -> Connection { try Connection(conninfo) }
}
