import Crypto
import Foundation
import PQ

/// One file of `sql/migrations`: `NNNN_what.sql`.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    public let sql: String
    /// SHA-256 of the file, hex: a migration that has shipped is never edited.
    public let checksum: String

    public var label: String { String(format: "%04d_%@", version, name) }
}

/// Applies `sql/migrations` in order, each in its own transaction, recording each
/// in `cartero.schema_migrations`. Runs as the login it is given (a superuser or
/// a member of `cartero_owner`), never as `cartero_app`.
public struct Migrator: Sendable {
    public let migrations: [Migration]

    public init(directory: URL) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        var seen: [Int: String] = [:]
        var migrations: [Migration] = []
        for file in names.sorted() where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]) else {
                throw CarteroError.invalid("migration file \(file) is not named NNNN_what.sql")
            }
            if let other = seen[version] {
                throw CarteroError.invalid("migrations \(other) and \(file) have the same number")
            }
            seen[version] = file
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            migrations.append(Migration(
                version: version, name: String(stem[stem.index(after: underscore)...]),
                sql: String(decoding: data, as: UTF8.self), checksum: SHA256.hash(data: data).hex))
        }
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    /// Where the migrations are: `$CARTERO_MIGRATIONS`, `$CARTERO_REPO/sql/migrations`,
    /// `./sql/migrations`, or `sql/migrations` beside the executable's package.
    public static func defaultDirectory() -> URL? {
        let environment = ProcessInfo.processInfo.environment
        var candidates: [URL] = []
        if let explicit = environment["CARTERO_MIGRATIONS"] { candidates.append(URL(fileURLWithPath: explicit)) }
        if let repo = environment["CARTERO_REPO"] { candidates.append(URL(fileURLWithPath: repo).appendingPathComponent("sql/migrations")) }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("sql/migrations"))
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(directory.appendingPathComponent("sql/migrations"))
            directory.deleteLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    public struct Status: Sendable {
        public let migration: Migration
        public let appliedAt: Date?
    }

    /// Every migration with the time it was applied (nil when pending).
    public func status(on db: Connection) throws -> [Status] {
        let applied = try appliedMigrations(on: db)
        try verify(applied)
        return migrations.map { Status(migration: $0, appliedAt: applied[$0.version]?.appliedAt) }
    }

    /// Applies the pending migrations in order and returns them. Two runs at once
    /// are safe: the second waits for the first, then finds nothing to do.
    @discardableResult
    public func migrate(on db: Connection, willApply: (Migration) -> Void = { _ in }) throws -> [Migration] {
        try db.execute("SELECT pg_advisory_lock(hashtext('cartero.migrate'))")
        defer { _ = try? db.execute("SELECT pg_advisory_unlock(hashtext('cartero.migrate'))") }
        try db.executeScript(unsafeSQL: """
            CREATE SCHEMA IF NOT EXISTS cartero;
            CREATE TABLE IF NOT EXISTS cartero.schema_migrations (
                version integer PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """)
        let applied = try appliedMigrations(on: db)
        try verify(applied)
        let pending = migrations.filter { applied[$0.version] == nil }
        for migration in pending {
            willApply(migration)
            do {
                try db.transaction {
                    try db.executeScript(unsafeSQL: migration.sql)
                    try db.execute("""
                        INSERT INTO cartero.schema_migrations (version, name, checksum)
                        VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                        """)
                }
            } catch let error as PQError {
                throw CarteroError.invalid("migration \(migration.label) failed: \(error)")
            }
        }
        return pending
    }

    private func appliedMigrations(on db: Connection) throws -> [Int: (checksum: String, appliedAt: Date)] {
        guard try db.queryValue("SELECT to_regclass('cartero.schema_migrations') IS NOT NULL", as: Bool.self) else { return [:] }
        var applied: [Int: (String, Date)] = [:]
        for row in try db.execute("SELECT version, checksum, applied_at FROM cartero.schema_migrations") {
            let (version, checksum, appliedAt) = try row.decode((Int, String, Date).self)
            applied[version] = (checksum, appliedAt)
        }
        return applied
    }

    private func verify(_ applied: [Int: (checksum: String, appliedAt: Date)]) throws {
        for (version, record) in applied.sorted(by: { $0.key < $1.key }) {
            guard let migration = migrations.first(where: { $0.version == version }) else {
                throw CarteroError.conflict(String(format: "migration %04d is applied but its file is missing", version))
            }
            guard migration.checksum == record.checksum else {
                throw CarteroError.conflict(String(format: "migration %04d was changed after it was applied", version))
            }
        }
    }
}
