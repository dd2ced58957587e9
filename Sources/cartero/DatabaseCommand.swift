import ArgumentParser
import Cartero
import Foundation
import PQ

struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "The schema: apply migrations, list them; the retention of evaluations.",
        subcommands: [Migrate.self, Status.self, Retain.self])

    struct MigrationOptions: ParsableArguments {
        @Option(help: "Folder of NNNN_what.sql files (default: sql/migrations of this checkout).")
        var migrations: String?

        func migrator() throws -> Migrator {
            guard let directory = migrations.map(URL.init(fileURLWithPath:)) ?? Migrator.defaultDirectory() else {
                throw CarteroError.notFound("cannot find sql/migrations: run from the checkout, or give --migrations DIR")
            }
            return try Migrator(directory: directory)
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply the pending migrations in order (idempotent).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var options: MigrationOptions

        func run() async throws {
            let migrator = try options.migrator()
            let db = try database.ownerConnection()
            let applied = try migrator.migrate(on: db) { Terminal.out("applying \($0.label)\n") }
            Terminal.out(applied.isEmpty
                ? "database is up to date (\(migrator.migrations.count) migrations)\n"
                : "applied \(applied.count) migration\(applied.count == 1 ? "" : "s")\n")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List applied and pending migrations.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var options: MigrationOptions

        func run() async throws {
            let migrator = try options.migrator()
            let db = try database.ownerConnection()
            let rows = try migrator.status(on: db).map { status in
                [status.migration.label, status.appliedAt.map { "applied \($0.formatted(.iso8601))" } ?? "pending"]
            }
            Terminal.out(Terminal.table(["migration", "status"], rows))
        }
    }

    struct Retain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reduce old campaigns' evaluations to their selected accounts and control group (administrators).",
            discussion: "A campaign dispatched before --dispatched-before (default: \(EvaluationRetention.daysAfterDispatch) days ago) keeps its selected accounts and control group; one cancelled before --cancelled-before (default: \(EvaluationRetention.daysAfterCancellation) days ago) keeps nothing. Their funnels stay whole. Run it monthly.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "YYYY-MM-DD.") var dispatchedBefore: String?
        @Option(help: "YYYY-MM-DD.") var cancelledBefore: String?

        func run() async throws {
            let today = CalendarDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400))
            let dispatched = try dispatchedBefore.map { try commandLineDay($0, for: "--dispatched-before") }
                ?? today.adding(days: -EvaluationRetention.daysAfterDispatch)
            let cancelled = try cancelledBefore.map { try commandLineDay($0, for: "--cancelled-before") }
                ?? today.adding(days: -EvaluationRetention.daysAfterCancellation)
            let reduced = try await database.transaction { try EvaluationRetention.apply(dispatchedBefore: dispatched, cancelledBefore: cancelled, on: $0) }
            Terminal.out("\(reduced) campaign evaluation\(reduced == 1 ? "" : "s") reduced (dispatched before \(dispatched), cancelled before \(cancelled))\n")
        }
    }
}
