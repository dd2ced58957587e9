import ArgumentParser
import Cartero

struct RegionalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regional", abstract: "Regional offices.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a regional (CODE: 2-8 capital letters).")
        @OptionGroup var database: DatabaseOptions
        @Argument var code: String
        @Argument var name: String

        func run() async throws {
            let regional = try await database.transaction { [code, name] in try Regionals.add(code: code, name: name, on: $0) }
            Terminal.out("added regional \(regional.code) (\(regional.name))\n")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the regionals.")
        @OptionGroup var database: DatabaseOptions
        @Flag(help: "CSV for a spreadsheet.") var csv = false

        func run() async throws {
            let rows = try await database.transaction { try Regionals.all(on: $0) }.map { [$0.code, $0.name] }
            Terminal.out(Terminal.listing(rows, csv: csv, csvHeader: ["codigo", "nombre"], header: ["code", "name"]))
        }
    }
}
