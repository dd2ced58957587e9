import ArgumentParser
import Cartero

extension ReturnRoute: ExpressibleByArgument {}

struct CausalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "causal", abstract: "The causes of return and where each routes (administrators change them).",
        subcommands: [List.self, Set.self, Add.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the causes of return and their routes.")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "CSV for a spreadsheet.") var csv = false

        func run() async throws {
            let rows = try await database.transaction { try ReturnCauses.all(on: $0) }.map { [$0.code, $0.descripcion, $0.route.rawValue] }
            Terminal.out(Terminal.listing(
                rows, csv: csv, csvHeader: ["codigo", "descripcion", "ruta"], header: ["code", "description", "route"]))
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change where returns with a cause go: terreno, facturacion or ninguna.",
            discussion: "Applies to the returns recorded from now on; the cases open already stay where they are.")
        @OptionGroup var database: DatabaseOptions
        @Argument var code: String
        @Option(help: "terreno, facturacion or ninguna.") var route: ReturnRoute

        func run() async throws {
            let cause = try await database.transaction { [code, route] in try ReturnCauses.setRoute(code, to: route, on: $0) }
            Terminal.out("return cause \(cause.code) now routes to \(cause.route.rawValue)\n")
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a cause of return.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Capitals, digits and _, e.g. MUDADO.") var code: String
        @Option(help: "What it means, as the office reads it.") var description: String
        @Option(help: "terreno, facturacion or ninguna.") var route: ReturnRoute

        func run() async throws {
            let cause = try await database.transaction { [code, description, route] in
                try ReturnCauses.add(code, descripcion: description, route: route, on: $0)
            }
            Terminal.out("added return cause \(cause.code) (\(cause.descripcion)), routed to \(cause.route.rawValue)\n")
        }
    }
}
