import ArgumentParser
import Cartero

struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "What happened to an account or a case: who, when, what it was, what it became.",
        discussion: "Campaign states, letters, cases, clean-up marks and addresses are recorded as they change; nothing in the history is ever changed or deleted.")
    @OptionGroup var database: DatabaseOptions
    @Option(help: "An account's number.") var account: String?
    @Option(name: .customLong("case"), help: "A case's number.") var caseID: Int64?
    @Flag(help: "CSV for a spreadsheet.") var csv = false

    func validate() throws {
        guard (account == nil) != (caseID == nil) else { throw ValidationError("name either --account or --case") }
    }

    /// CSV header: `cuando,quien,que,cual,cambio,antes,despues` (cuando in UTC, ISO 8601).
    func run() async throws {
        let entries = try await database.transaction { [account, caseID] db in
            if let account { return try History.of(account: account, on: db) }
            return try History.of(case: caseID!, on: db)
        }
        let rows = entries.map { e in
            [e.at.formatted(.iso8601), e.by ?? "", e.entity, e.entityID, e.what, e.before ?? "", e.after ?? ""]
        }
        Terminal.out(Terminal.listing(
            rows, csv: csv, csvHeader: ["cuando", "quien", "que", "cual", "cambio", "antes", "despues"],
            header: ["when", "who", "what", "which", "change", "before", "after"]))
    }
}
