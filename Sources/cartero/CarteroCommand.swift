import ArgumentParser
import Cartero
import Foundation
import PQ

@main
struct CarteroCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cartero",
        abstract: "Cartero: collection letters by certified mail, from segmentation to returned letters.",
        discussion: "The database is the one DATABASE_URL names. Every command acts as a staff member: --as LOGIN or CARTERO_USER, else the built-in admin.",
        subcommands: [
            DatabaseCommand.self, RegionalCommand.self, StaffCommand.self,
            ImportCommand.self, SampleCommand.self, CampaignCommand.self,
            CourierCommand.self, ReturnsCommand.self, CausalCommand.self, CasesCommand.self, LettersCommand.self, HistoryCommand.self, ExportCommand.self, ReportCommand.self,
            ServeCommand.self,
        ]
    )

    /// ArgumentParser exits 64 on a usage error; CLI.md promises 2. Errors of our
    /// own are one sentence on standard error and status 1.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // A failure in the middle of a long job must not print after its progress line.
            Terminal.endProgress()
            let code = exitCode(for: error)
            if code == .validationFailure {
                Terminal.error(fullMessage(for: error))
                Terminal.error("Run 'cartero help' for usage.")
                Foundation.exit(2)
            }
            if let message = Terminal.userMessage(for: error) {
                Terminal.error("error: \(message)")
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }
}

/// The options every command that touches the database takes.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: "Act as this staff member (default: $CARTERO_USER, else admin).")
    var login: String?

    var memberLogin: String {
        login ?? ProcessInfo.processInfo.environment["CARTERO_USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "admin"
    }

    var conninfo: String {
        get throws {
            guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else {
                throw CarteroError.invalid("DATABASE_URL is not set: give the libpq connection string of the database (scripts/pg url prints the local one)")
            }
            return url
        }
    }

    /// Opens the database and resolves the acting member, then runs `body` in one
    /// transaction as that member.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let database = CarteroDatabase(conninfo: try conninfo, maxConnections: 1)
        defer { database.close() }
        do {
            return try await database.transaction(asLogin: memberLogin) { connection, _ in try body(connection) }
        } catch let error as CarteroError where error == .notMigrated {
            throw CarteroError.notFound("\(error.message): run 'cartero db migrate'")
        }
    }

    /// A plain connection as the login of DATABASE_URL (the owner or a superuser), for
    /// the migrations, which must not run as cartero_app.
    func ownerConnection() throws -> Connection {
        try Connection(try conninfo)
    }
}
