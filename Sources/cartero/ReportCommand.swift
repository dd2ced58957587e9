import ArgumentParser
import Cartero

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print one of the analysts' views (reporting), under your row rules.",
        discussion: "Reports: \(Reports.names). docs/reporting.md says what each answers.")
    @OptionGroup var database: DatabaseOptions
    @Argument(help: "The report's name.") var name: String
    @Option(help: "Only this campaign (the reports per campaign).") var campaign: Int64?
    @Option(help: "Only this regional.") var regional: String?
    @Flag(help: "CSV for a spreadsheet, streamed as it is read.") var csv = false

    func validate() throws {
        guard Reports.views.contains(where: { $0.name == name }) else {
            throw ValidationError("there is no report '\(name)'; the reports are \(Reports.names)")
        }
    }

    func run() async throws {
        if csv {
            try await CampaignCommand.streamCSV(database) { [name, campaign, regional] db, write in
                try Reports.csv(name, campaign: campaign, regional: regional, on: db, write)
            }
            return
        }
        let (header, rows) = try await database.transaction { [name, campaign, regional] db in
            try Reports.table(name, campaign: campaign, regional: regional, on: db)
        }
        Terminal.out(Terminal.table(header, rows))
    }
}
