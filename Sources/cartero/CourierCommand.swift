import ArgumentParser
import Cartero

struct CourierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "courier", abstract: "What the courier sends back.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Load the courier's resultados.csv: each letter delivered (ENTREGADA) or returned (DEVUELTA).",
            discussion: """
                Format in spec/FORMATS.md. A return whose cause routes to terreno or facturación opens a \
                case. The file is imported whole or not at all: every bad row is printed as 'line N: \
                column: what is wrong' and nothing is written. Importing the same file again changes nothing.
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The courier's CSV file.") var file: String

        func run() async throws {
            try await ImportCommand.importFile(file, kind: .courierResults, database: database)
        }
    }
}
