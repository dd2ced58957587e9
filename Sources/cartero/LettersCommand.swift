import ArgumentParser
import Cartero
import PQ

struct LettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letters", abstract: "Letters delivered by hand by the field agents.",
        subcommands: [Carried.self, Deliver.self])

    struct Carried: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the letters a field agent delivers by hand, by route, neighbourhood and address.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The agent's login (default: you).") var carrier: String?
        @Flag(help: "Also the letters delivered or returned already.") var all = false
        @Flag(help: "CSV for a spreadsheet.") var csv = false

        /// CSV header: `consecutivo,cuenta,titular,direccion,barrio,ruta,estado` (estado blank while to deliver).
        func run() async throws {
            let letters = try await database.transaction { [carrier, all] in
                try HandDelivery.letters(carrier: carrier, all: all, on: $0)
            }
            let rows = letters.map { [$0.consecutivo, $0.cuenta, $0.titular, $0.direccion, $0.barrio, $0.ruta, $0.estado ?? ""] }
            Terminal.out(Terminal.listing(
                rows, csv: csv, csvHeader: ["consecutivo", "cuenta", "titular", "direccion", "barrio", "ruta", "estado"],
                header: ["consecutivo", "account", "holder", "address", "neighbourhood", "route", "result"]))
        }
    }

    struct Deliver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a letter delivered by hand: ENTREGADA, or DEVUELTA with a cause.",
            discussion: "A return whose cause routes to terreno or facturación opens a case, as the courier's would.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The letter's consecutivo.") var consecutivo: String
        @Option(help: "ENTREGADA or DEVUELTA.") var estado: String
        @Option(help: "The cause of a return (`cartero causal list`).") var causal: String?
        @Option(help: "What you saw.") var observacion: String?
        @Option(help: "The day, YYYY-MM-DD (default: today).") var date: String?

        func run() async throws {
            let recorded = try await database.transaction { [consecutivo, estado, causal, observacion, date] db in
                let day: CalendarDate
                if let date {
                    day = try commandLineDay(date, for: "delivery date")
                } else {
                    day = try db.queryValue("SELECT current_date", as: CalendarDate.self)
                }
                return try HandDelivery.record(consecutivo, estado: estado, causal: causal, observacion: observacion, on: day, on: db)
            }
            var line = "\(consecutivo): " + (recorded.recorded ? "\(estado.uppercased()) recorded" : "recorded already")
            if recorded.casesOpened > 0 { line += "; \(recorded.casesOpened) case\(recorded.casesOpened == 1 ? "" : "s") opened" }
            Terminal.out(line + "\n")
        }
    }
}
