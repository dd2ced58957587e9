import ArgumentParser
import Cartero
import Foundation
import PQ

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Files for other systems.", subcommands: [Changes.self])

    struct Changes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the addresses and clean-up marks changed here, for the commercial system.",
            discussion: """
                One CSV row per change, oldest first: cuenta,regional,cambio,antes,despues,caso,quien,cuando \\
                (cuando in UTC). Each export is recorded; --since last starts where the regional's previous \\
                export ended, so nothing is sent twice or left out.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "YYYY-MM-DD, or last.") var since: String
        @Option(help: "The regional (default: yours; an administrator without it exports every regional).") var regional: String?
        @Option(help: "The CSV file to write.") var out: String

        func run() async throws {
            let start: ChangeExport.Start
            if since == "last" {
                start = .last
            } else if let day = CalendarDate(since) {
                start = .day(day)
            } else {
                throw ValidationError("--since must be a date (YYYY-MM-DD) or last, not '\(since)'")
            }
            let written = try await database.transaction { [regional, out] db in
                let own = try db.queryValue("SELECT cartero.current_staff_regional()", as: String?.self)
                return try ChangeExport.write(regional: regional ?? own, since: start, to: URL(fileURLWithPath: out), on: db)
            }
            Terminal.out("\(Grouped.count(written.changes)) change\(written.changes == 1 ? "" : "s") written to \(written.file.path) (export \(written.id))\n")
        }
    }
}
