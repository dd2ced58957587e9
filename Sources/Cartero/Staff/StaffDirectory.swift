import Foundation
import HummingbirdBcrypt
import PQ

/// A member of the cartera teams as the directory lists him.
public struct StaffMember: Sendable, Hashable {
    public let login: String
    public let fullName: String
    public let role: StaffRole
    public let regional: String?
    public let active: Bool
    public let dbLogin: Bool
}

public struct NewStaffMember: Sendable {
    public var login: String
    public var fullName: String
    public var role: StaffRole
    public var regional: String?
    public var password: String?
    /// Also create a PostgreSQL login role, for an analyst who queries with SQL.
    public var dbLogin: Bool

    public init(login: String, fullName: String, role: StaffRole, regional: String?, password: String?, dbLogin: Bool) {
        self.login = login
        self.fullName = fullName
        self.role = role
        self.regional = regional
        self.password = password
        self.dbLogin = dbLogin
    }
}

public enum StaffDirectory {
    /// bcrypt's cost: about a quarter of a second per hash on this hardware.
    static let passwordCost: UInt8 = 11

    public static func add(_ member: NewStaffMember, on db: Connection) throws {
        guard member.login.range(of: "^[a-z0-9._-]{1,63}$", options: .regularExpression) != nil else {
            throw CarteroError.invalid("login '\(member.login)' must be 1 to 63 lowercase letters, digits, '.', '_' or '-'")
        }
        let fullName = member.fullName.trimmed
        guard !fullName.isEmpty else { throw CarteroError.invalid("the staff member needs a name") }
        guard fullName.count <= 120 else { throw CarteroError.invalid("the staff member's name is longer than 120 characters") }
        if member.role == .admin, member.regional != nil {
            throw CarteroError.invalid("an administrator works across regionals and has no regional")
        }
        // An analyst without a regional reads every regional (0021).
        if member.role != .admin, member.role != .analista, member.regional == nil {
            throw CarteroError.invalid("a \(member.role.rawValue) belongs to a regional: say which")
        }
        if member.dbLogin, member.login.hasPrefix("pg_") || reservedDatabaseLogins.contains(member.login) {
            throw CarteroError.invalid("the database login \(member.login) is a name PostgreSQL or Cartero keeps for itself; give the member another login")
        }
        if let regional = member.regional { try Regionals.require(regional, on: db) }
        let hash = try member.password.map(hashed)
        try CarteroError.translating(whenRefused: "only an administrator may add staff members") {
            do {
                try db.execute("""
                    INSERT INTO cartero.staff (login, full_name, role, regional, password_hash)
                    VALUES (\(member.login), \(fullName), \(member.role.rawValue), \(member.regional), \(hash))
                    """)
            } catch SQLState.uniqueViolation {
                throw CarteroError.conflict("staff member \(member.login) already exists")
            }
            if member.dbLogin {
                try db.execute("SELECT cartero.create_db_login(\(member.login))")
            }
        }
    }

    /// PostgreSQL's words and Cartero's own roles, which no member's database login may take.
    static let reservedDatabaseLogins: Set = [
        "public", "none", "current_user", "current_role", "session_user", "cartero_owner", "cartero_app", "cartero_analyst",
    ]

    static let maxPasswordBytes = 72

    /// The members the acting member may see (his regional's; an admin: all).
    public static func list(regional: String? = nil, on db: Connection) throws -> [StaffMember] {
        if let regional { try Regionals.require(regional, on: db) }
        return try db.execute("""
            SELECT login, full_name, role, regional, active, db_login
            FROM cartero.staff
            WHERE \(regional)::text IS NULL OR regional = \(regional)
            ORDER BY regional NULLS FIRST, role, login
            """).map { row in
            let (login, name, role, regional, active, dbLogin) =
                try row.decode((String, String, String, String?, Bool, Bool).self)
            return StaffMember(
                login: login, fullName: name, role: StaffRole(rawValue: role) ?? .analista, regional: regional,
                active: active, dbLogin: dbLogin)
        }
    }

    /// The id of the active member with that login; "no active member has the login …"
    /// when there is none.
    public static func requireID(login: String, on db: Connection) throws -> Int64 {
        guard let id = try db.queryValue("SELECT cartero.staff_id_for_login(\(login))", as: Int64?.self) else {
            throw CarteroError.notFound("no active member has the login \(login)")
        }
        return id
    }

    /// A password's bcrypt hash, once it is long enough and not longer than bcrypt reads.
    static func hashed(_ password: String) throws -> String {
        guard password.count >= 8 else { throw CarteroError.invalid("the password must have at least 8 characters") }
        // bcrypt reads 72 bytes; more would be ignored without a word.
        guard password.utf8.count <= maxPasswordBytes else {
            throw CarteroError.invalid("the password must have at most \(maxPasswordBytes) bytes (72 letters without accents)")
        }
        return Bcrypt.hash(password, cost: passwordCost)
    }

    /// The acting member changes his own web password, giving the current one; false
    /// (and nothing changed) when the current one is wrong.
    public static func changeOwnPassword(current: String, new: String, on db: Connection) throws -> Bool {
        guard let login = try db.queryValue(
            "SELECT login FROM cartero.staff WHERE id = cartero.current_staff_id()", as: String?.self),
            try signIn(login: login, password: current, on: db) != nil
        else { return false }
        let hash = try hashed(new)
        try CarteroError.translating(whenRefused: "no staff member is acting") {
            _ = try db.execute("SELECT cartero.set_own_password_hash(\(hash))")
        }
        return true
    }

    /// An administrator gives a member a new web password (one who forgot his).
    public static func resetPassword(login: String, to password: String, on db: Connection) throws {
        let hash = try hashed(password)
        try update(login, set: "password_hash = \(hash)", on: db)
    }

    /// An administrator deactivates a member who left (or brings him back): an inactive
    /// member cannot sign in, is given no case, and his history keeps his name.
    public static func setActive(login: String, _ active: Bool, on db: Connection) throws {
        try update(login, set: "active = \(active)", on: db)
    }

    private static func update(_ login: String, set assignment: Query, on db: Connection) throws {
        let changed = try CarteroError.translating(whenRefused: "only an administrator may change staff members") {
            try db.execute("UPDATE cartero.staff SET \(assignment) WHERE login = \(login)").affectedRows
        }
        guard changed == 1 else {
            // The row rules hide the others' members from a non-admin: say what the policy means.
            if try db.queryValue("SELECT cartero.current_staff_is_admin()", as: Bool.self) {
                throw CarteroError.notFound("no staff member has the login \(login)")
            }
            throw CarteroError.forbidden("only an administrator may change staff members")
        }
    }

    /// The active member with that login and web password, or nil. The password is
    /// checked inside the database (`cartero.sign_in`): no hash ever leaves it.
    public static func signIn(login: String, password: String, on db: Connection) throws -> Int64? {
        guard password.utf8.count <= maxPasswordBytes else { return nil }
        return try db.queryValue("SELECT cartero.sign_in(\(login), \(password))", as: Int64?.self)
    }
}
