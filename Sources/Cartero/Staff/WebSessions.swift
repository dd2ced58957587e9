import PQ

/// The web's sign-in (sql/migrations/0016_web_sessions.sql): sessions in PostgreSQL,
/// shared by every instance of the service; the cookie holds a random token, the
/// database only its hash.
public enum WebSessions {
    /// A session just started: the cookie's token, the token its forms carry, the member.
    public struct Started: Sendable {
        public let token: String
        public let csrfToken: String
        public let member: ActingMember
    }

    public enum SignIn: Sendable {
        case started(Started)
        /// Wrong login or password (the failure is counted).
        case refused
        /// Five failures of that login within 15 minutes: no password is checked.
        case locked
    }

    /// Checks the login and password in the database and starts a session.
    public static func start(login: String, password: String, on database: CarteroDatabase) async throws -> SignIn {
        let row = try await database.transactionAsNoOne { db in
            try db.queryRow("SELECT token, csrf_token, staff_id, locked FROM cartero.start_web_session(\(login), \(password))")!
                .decode((String?, String?, Int64?, Bool).self)
        }
        if row.3 { return .locked }
        guard let token = row.0, let csrf = row.1, let id = row.2, let member = try await database.member(id: id) else {
            return .refused
        }
        return .started(Started(token: token, csrfToken: csrf, member: member))
    }

    /// The member of a live session and its CSRF token; nil for an unknown, expired or
    /// ended one, or a member deactivated since.
    public static func find(token: String, on database: CarteroDatabase) async throws -> (member: ActingMember, csrfToken: String)? {
        // One transaction: every page asks this first.
        try await database.transactionAsNoOne { db -> (member: ActingMember, csrfToken: String)? in
            guard let (id, csrf) = try db.queryRow("SELECT staff_id, csrf_token FROM cartero.web_session(\(token))")?
                .decode((Int64, String).self)
            else { return nil }
            return try CarteroDatabase.member(id: id, on: db).map { ($0, csrf) }
        }
    }

    public static func end(token: String, on database: CarteroDatabase) async throws {
        try await database.transactionAsNoOne { db in _ = try db.execute("SELECT cartero.end_web_session(\(token))") }
    }
}
