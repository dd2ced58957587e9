import Cartero
import CarteroTesting
import Foundation
import PQ
import Testing

@Suite struct MigratorTests {
    /// A copy of sql/migrations that a test may edit.
    func migrationsCopy() throws -> URL {
        let source = try TestDatabase.repository.appendingPathComponent("sql/migrations")
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent(TestDatabase.uniqueName("migrations"))
        try FileManager.default.copyItem(at: source, to: copy)
        return copy
    }

    @Test func migrateAppliesEverythingOnceAndStatusSaysSo() throws {
        let db = try Connection(try TestDatabase.empty("migrate"))
        let migrator = try Migrator(directory: try migrationsCopy())
        #expect(try migrator.status(on: db).allSatisfy { $0.appliedAt == nil })
        let applied = try migrator.migrate(on: db)
        #expect(applied.map(\.version) == migrator.migrations.map(\.version))
        #expect(try migrator.migrate(on: db).isEmpty)
        #expect(try migrator.status(on: db).allSatisfy { $0.appliedAt != nil })
        #expect(try db.queryValue("SELECT count(*) FROM cartero.schema_migrations", as: Int.self) == migrator.migrations.count)
    }

    @Test func aMigrationEditedAfterItWasAppliedStopsMigrate() throws {
        let db = try Connection(try TestDatabase.empty("edited"))
        let directory = try migrationsCopy()
        try Migrator(directory: directory).migrate(on: db)
        let first = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().first)
        let file = directory.appendingPathComponent(first)
        try (try String(contentsOf: file, encoding: .utf8) + "\n-- an afterthought\n").write(to: file, atomically: true, encoding: .utf8)
        let migrator = try Migrator(directory: directory)
        #expect(throws: CarteroError.conflict("migration 0001 was changed after it was applied")) { try migrator.migrate(on: db) }
        #expect(throws: CarteroError.conflict("migration 0001 was changed after it was applied")) { try migrator.status(on: db) }
    }

    @Test func aFailingMigrationLeavesNothingOfItself() throws {
        let db = try Connection(try TestDatabase.empty("failing"))
        let directory = try migrationsCopy()
        try "SET LOCAL ROLE cartero_owner; CREATE TABLE cartero.half_done (x int); SELECT 1/0;"
            .write(to: directory.appendingPathComponent("9999_broken.sql"), atomically: true, encoding: .utf8)
        let migrator = try Migrator(directory: directory)
        let error = #expect(throws: CarteroError.self) { try migrator.migrate(on: db) }
        // The server's own sentence follows, in the server's language; its SQLSTATE does not change.
        #expect(error?.message.hasPrefix("migration 9999_broken failed: ") == true, "\(String(describing: error))")
        #expect(error?.message.contains("(SQLSTATE 22012)") == true, "\(String(describing: error))")
        #expect(try db.queryValue("SELECT to_regclass('cartero.half_done') IS NULL", as: Bool.self))
        #expect(try db.queryValue("SELECT count(*) FROM cartero.schema_migrations WHERE version = 9999", as: Int.self) == 0)
        // The ones before it were applied and stay.
        #expect(try db.queryValue("SELECT count(*) FROM cartero.schema_migrations", as: Int.self) == migrator.migrations.count - 1)
    }

    @Test func twoMigrateRunsAtOnceApplyEachMigrationOnce() async throws {
        let conninfo = try TestDatabase.empty("concurrent")
        let directory = try migrationsCopy()
        async let first = Task.detached { try Migrator(directory: directory).migrate(on: Connection(conninfo)).count }.value
        async let second = Task.detached { try Migrator(directory: directory).migrate(on: Connection(conninfo)).count }.value
        let counts = try await [first, second]
        let total = try Migrator(directory: directory).migrations.count
        #expect(counts.sorted() == [0, total])
    }

    @Test func twoFilesWithOneNumberAreRefused() throws {
        let directory = try migrationsCopy()
        try "SELECT 1;".write(to: directory.appendingPathComponent("0001_again.sql"), atomically: true, encoding: .utf8)
        #expect(throws: CarteroError.invalid("migrations 0001_again.sql and 0001_roles_and_schemas.sql have the same number")) {
            try Migrator(directory: directory)
        }
    }
}
