import ArgumentParser
import Cartero
import Foundation
import PQ

struct CampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "Campaigns: segmentation of a regional's portfolio, its funnel, approval.",
        subcommands: [
            Create.self, Preview.self, Selection.self, Exclusions.self, Approve.self, Refresh.self, Cancel.self, List.self,
            Generate.self, Dispatch.self,
        ])

    /// The segmentation parameters `create` stores and `preview` tries as a what-if.
    struct ParameterOptions: ParsableArguments {
        @Option(name: .customLong("threshold"), help: "USO=AMOUNT: select accounts of that use class owing more than AMOUNT pesos (repeatable; uses: \(UseClass.allNames)).")
        var thresholds: [String] = []
        @Option(help: "Select accounts more than N days past due at the cut date (default 60).")
        var minDays: Int?
        @Option(help: "Exclude accounts with a payment after the cut date minus N months (default 1).")
        var paymentWindowMonths: Int?
        @Option(help: "Exclude accounts with a letter after the cut date minus N months (default 2).")
        var letterWindowMonths: Int?
        @Option(help: "At most N letters: ranks past N get fuera_de_capacidad.")
        var maxLetters: Int?
        @Option(help: "Hold back PCT percent of the selected accounts as a control group (grupo_control).")
        var controlGroup: String?

        func overrides() throws -> ParameterOverrides {
            var overrides = try ParameterOverrides(thresholdArguments: thresholds)
            overrides.minDaysPastDue = minDays
            overrides.paymentWindowMonths = paymentWindowMonths
            overrides.letterWindowMonths = letterWindowMonths
            overrides.maxLetters = maxLetters
            overrides.controlGroupPercent = try controlGroup.map(ParameterOverrides.percent)
            try overrides.validate()
            return overrides
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a campaign and evaluate it; prints its id alone on one line.")
        @OptionGroup var database: DatabaseOptions
        @Option var regional: String
        @Option var name: String
        @Option(help: "The cut date D, YYYY-MM-DD.") var cutDate: String
        @OptionGroup var parameters: ParameterOptions

        func run() async throws {
            let campaign = NewCampaign(
                regional: regional, name: name, cutDate: try NewCampaign.cutDate(cutDate), parameters: try parameters.overrides())
            let id = try await database.transaction { try Campaigns.create(campaign, on: $0) }
            Terminal.out("\(id)\n")
        }
    }

    struct Selection: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "CSV `cuenta,prioridad`: every selected account by rank.")
        @OptionGroup var database: DatabaseOptions
        @Argument var id: Campaign.ID
        @Flag(help: "CSV (the only format; accepted as CLI.md writes it).") var csv = false

        func run() async throws {
            try await streamCSV(database) { [id] db, write in try CampaignExports.selection(id, on: db, write) }
        }
    }

    struct Exclusions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "CSV `cuenta,motivo`: one row per excluded account and reason.")
        @OptionGroup var database: DatabaseOptions
        @Argument var id: Campaign.ID
        @Flag(help: "CSV (the only format; accepted as CLI.md writes it).") var csv = false

        func run() async throws {
            try await streamCSV(database) { [id] db, write in try CampaignExports.exclusions(id, on: db, write) }
        }
    }

    struct Approve: CampaignAction {
        static let configuration = CommandConfiguration(
            abstract: "Approve a draft: reserve its selected accounts so no other campaign mails them.")
        @OptionGroup var database: DatabaseOptions
        @Argument var id: Campaign.ID

        static func perform(_ id: Campaign.ID, on db: Connection) throws -> String {
            "campaign \(id) approved: \(Grouped.count(try Campaigns.approve(id, on: db))) accounts reserved"
        }
    }

    struct Refresh: CampaignAction {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate a draft again against the current portfolio.")
        @OptionGroup var database: DatabaseOptions
        @Argument var id: Campaign.ID

        static func perform(_ id: Campaign.ID, on db: Connection) throws -> String {
            "campaign \(id) evaluated again: \(Grouped.count(try Campaigns.refresh(id, on: db).selectedCount)) accounts selected"
        }
    }

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Number an approved campaign's letters and write DIR/cartas.pdf and DIR/manifiesto.csv.",
            discussion: "Running it again on a generated campaign writes the same letters again, numbered as before.")
        @OptionGroup var database: DatabaseOptions
        @Argument var id: Campaign.ID
        @Option(help: "The folder for cartas.pdf and manifiesto.csv (made when missing).") var out: String
        @Option(help: ArgumentHelp(
            "Also split the letters, in the manifest's order, into volumes of at most N for the print shop: DIR/cartas-001.pdf, cartas-002.pdf, … (cartas.pdf still holds them all).",
            valueName: "N"))
        var volumeSize: Int?

        func run() async throws {
            let directory = URL(fileURLWithPath: out)
            let generated = try await database.transaction { [id, volumeSize] db in
                try Letters.generate(id, into: directory, volumeSize: volumeSize, on: db) { drawn, total in
                    Terminal.progress("campaign \(id): \(Grouped.count(drawn)) of \(Grouped.count(total)) letters drawn")
                }
            }
            Terminal.endProgress()
            var volumes = ""
            if let first = generated.volumes.first?.lastPathComponent, let last = generated.volumes.last?.lastPathComponent,
                let volumeSize
            {
                volumes = generated.volumes.count == 1
                    ? "; 1 volume, \(first)"
                    : "; \(Grouped.count(generated.volumes.count)) volumes of at most \(Grouped.count(volumeSize)) letters, \(first) to \(last)"
            }
            Terminal.out("campaign \(id): \(Grouped.count(generated.letters)) letters in \(generated.pdf.path) (\(Grouped.count(generated.pages)) pages) and \(generated.manifest.path)\(volumes)\n")
        }
    }

    struct Dispatch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a generated campaign's letters were handed to the courier on a date.",
            discussion: "--by-hand-route hands the letters of that route to one of the regional's auxiliares de terreno instead (the least loaded; repeatable); they record each delivery with cartero letters deliver.")
        @OptionGroup var database: DatabaseOptions
        @Argument var id: Campaign.ID
        @Option(help: "The day the courier took them, YYYY-MM-DD.") var date: String
        @Option(name: .customLong("by-hand-route"), help: "A route whose letters the regional's field agents deliver (repeatable).")
        var handRoutes: [String] = []

        func run() async throws {
            let day = try commandLineDay(date, for: "dispatch date")
            let dispatched = try await database.transaction { [id, handRoutes] in
                try Letters.dispatch(id, on: day, handRoutes: handRoutes, on: $0)
            }
            var line = "campaign \(id) dispatched: \(Grouped.count(dispatched.letters - dispatched.byHand)) letters handed to the courier on \(day)"
            if !handRoutes.isEmpty { line += ", \(Grouped.count(dispatched.byHand)) to field agents by hand" }
            Terminal.out(line + "\n")
        }
    }

    struct Cancel: CampaignAction {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a draft or an approved campaign, releasing its reserved accounts.")
        @OptionGroup var database: DatabaseOptions
        @Argument var id: Campaign.ID

        static func perform(_ id: Campaign.ID, on db: Connection) throws -> String {
            "campaign \(id) cancelled: \(Grouped.count(try Campaigns.cancel(id, on: db))) reserved accounts released"
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the campaigns you may see, newest first.")
        @OptionGroup var database: DatabaseOptions
        @Option var regional: String?
        @Flag(help: "CSV for a spreadsheet.") var csv = false

        /// CSV header: `id,regional,nombre,fecha_corte,estado,seleccionadas,creada_por,creada_en`
        /// (creada_en in UTC, ISO 8601).
        func run() async throws {
            let campaigns = try await database.transaction { [regional] in try Campaigns.list(regional: regional, on: $0) }
            let rows = campaigns.map { c in
                [String(c.id), c.regional, c.name, c.cutDate.description, c.status.rawValue,
                 csv ? String(c.selectedCount) : Grouped.count(c.selectedCount), c.createdBy, c.createdAt.formatted(.iso8601)]
            }
            Terminal.out(Terminal.listing(
                rows, csv: csv,
                csvHeader: ["id", "regional", "nombre", "fecha_corte", "estado", "seleccionadas", "creada_por", "creada_en"],
                header: ["id", "regional", "name", "cut date", "status", "selected", "created by", "created at"],
                rightAligned: [0, 5]))
        }
    }
}

/// A command that does one thing to one campaign and says so in one line.
protocol CampaignAction: AsyncParsableCommand {
    var database: DatabaseOptions { get }
    var id: Campaign.ID { get }
    static func perform(_ id: Campaign.ID, on db: Connection) throws -> String
}

extension CampaignAction {
    func run() async throws {
        Terminal.out(try await database.transaction { [id] in try Self.perform(id, on: $0) } + "\n")
    }
}

extension CampaignCommand {
    /// Runs an export in one transaction, writing its CSV to standard output as it
    /// arrives. A reader that stops early (`| head`) ends it quietly.
    static func streamCSV(
        _ database: DatabaseOptions,
        _ export: @escaping @Sendable (Connection, (UnsafeRawBufferPointer) throws -> Void) throws -> Int
    ) async throws {
        do {
            _ = try await database.transaction { connection in
                let output = BufferedOutput()
                let rows = try export(connection) { try output.write($0) }
                try output.flush()
                return rows
            }
        } catch is BufferedOutput.ReaderGone {}
    }
}
