import Foundation
import PQ

/// Databases for tests, on the throwaway server that `scripts/test` starts.
///
/// Every suite gets a database of its own, copied from the migrated template,
/// so suites run in parallel without seeing each other's rows. Roles are
/// cluster-wide: tests that create logins give them unique names.
public enum TestDatabase {
    /// A new database copied from the migrated template; returns its connection string.
    public static func migrated(_ label: String = "suite") throws -> String {
        try create(label, template: environment("CARTERO_TEST_TEMPLATE"))
    }

    /// A new database with nothing in it (for testing migrations themselves).
    public static func empty(_ label: String = "empty") throws -> String {
        try create(label, template: "template0")
    }

    /// The server without a database name, e.g. `host=/tmp/x port=5432 user=postgres`.
    public static var server: String {
        get throws { try environment("CARTERO_TEST_SERVER") }
    }

    /// The repository root, for files such as `sql/migrations`.
    public static var repository: URL {
        get throws { URL(fileURLWithPath: try environment("CARTERO_REPO")) }
    }

    /// A name no other test run uses, for databases and roles.
    public static func uniqueName(_ label: String) -> String {
        let clean = label.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
        return "t_\(String(clean.prefix(30)))_\(UInt32.random(in: 0...UInt32.max))"
    }

    private static func create(_ label: String, template: String) throws -> String {
        let server = try server
        let name = uniqueName(label)
        let admin = try Connection("\(server) dbname=postgres")
        // Copying a template fails while another session is connected to it;
        // suites starting together take turns.
        for attempt in 1...20 {
            do {
                try admin.execute("CREATE DATABASE \(identifier: name) TEMPLATE \(identifier: template)")
                break
            } catch SQLState.objectInUse where attempt < 20 {
                usleep(100_000)
            }
        }
        // scripts/test runs the suites a second time with the server's messages in
        // Spanish, as a Colombian DBA may set them: nothing may depend on their text.
        if let language = messagesLanguage {
            try admin.execute("ALTER DATABASE \(identifier: name) SET lc_messages = \(unsafeSQL: quoted(language))")
        }
        return "\(server) dbname=\(name)"
    }

    /// The server's messages for this test run: `lc_messages` of its databases.
    public static var messagesLanguage: String? {
        ProcessInfo.processInfo.environment["CARTERO_TEST_LC_MESSAGES"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A SQL string literal (ALTER DATABASE … SET takes no parameters).
    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    private static func environment(_ name: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
            throw PQError(.connection, message: "\(name) is not set: run the tests with scripts/test, which starts a PostgreSQL for them")
        }
        return value
    }
}
