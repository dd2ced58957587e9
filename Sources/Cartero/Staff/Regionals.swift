import PQ

/// A regional office.
public struct Regional: Sendable, Hashable {
    public let code: String
    public let name: String

    /// Open to this package's targets (the sample generator names its catalog), not to its users.
    package init(code: String, name: String) {
        self.code = code
        self.name = name
    }
}

public enum Regionals {
    /// Adds a regional (admins only: row-level security refuses anyone else).
    public static func add(code: String, name: String, on db: Connection) throws -> Regional {
        guard code.range(of: "^[A-Z]{2,8}$", options: .regularExpression) != nil else {
            throw CarteroError.invalid("regional code '\(code)' must be 2 to 8 capital letters")
        }
        let name = name.trimmed
        guard !name.isEmpty else { throw CarteroError.invalid("the regional needs a name") }
        do {
            try db.execute("INSERT INTO cartero.regionals (code, name) VALUES (\(code), \(name))")
        } catch SQLState.uniqueViolation {
            throw CarteroError.conflict("regional \(code) already exists")
        } catch SQLState.insufficientPrivilege {
            throw CarteroError.forbidden("only an administrator may add regionals")
        }
        return Regional(code: code, name: name)
    }

    public static func all(on db: Connection) throws -> [Regional] {
        try db.execute("SELECT code, name FROM cartero.regionals ORDER BY code").map { row in
            let (code, name) = try row.decode((String, String).self)
            return Regional(code: code, name: name)
        }
    }

    /// Fails with a clear sentence when the regional does not exist.
    public static func require(_ code: String, on db: Connection) throws {
        guard try db.queryRow("SELECT 1 FROM cartero.regionals WHERE code = \(code)") != nil else {
            throw CarteroError.notFound("regional \(code) does not exist")
        }
    }
}
