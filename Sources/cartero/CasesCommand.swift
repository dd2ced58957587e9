import ArgumentParser
import Cartero

extension CaseStatus: ExpressibleByArgument {}

struct CasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases", abstract: "Returned-letter cases: field visits and account clean-up.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the cases you may see, by route, neighbourhood and address.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only the cases assigned to this login.") var assignee: String?
        @Option(help: "Only the cases in this state (\(CaseStatus.allNames)).") var status: CaseStatus?
        @Flag(help: "CSV for a spreadsheet.") var csv = false

        /// CSV header: `caso,consecutivo,cuenta,causal,destino,asignado_a,estado,direccion,barrio,ruta` (CLI.md).
        func run() async throws {
            let cases = try await database.transaction { [assignee, status] in
                try Cases.list(assignee: assignee, status: status, on: $0)
            }
            let rows = cases.map { (c: CaseSummary) -> [String] in
                let fields: [String] = [String(c.id), c.consecutivo, c.cuenta, c.causal, c.destino]
                return fields + [c.assignee ?? "", c.status, c.direccion, c.barrio, c.ruta]
            }
            Terminal.out(Terminal.listing(
                rows, csv: csv,
                csvHeader: ["caso", "consecutivo", "cuenta", "causal", "destino", "asignado_a", "estado", "direccion", "barrio", "ruta"],
                header: ["case", "consecutivo", "account", "cause", "goes to", "assigned to", "status", "address", "neighbourhood", "route"],
                rightAligned: [0]))
        }
    }
}
