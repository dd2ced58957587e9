import ArgumentParser
import Cartero

struct RegionalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regional", abstract: "Regional offices.", subcommands: [Add.self, List.self, Letter.self])

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

    struct Letter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show, or change (administrators), what a regional's letters say.",
            discussion: "Settings: \(LetterSettings.keys.map(\.name).joined(separator: ", ")). An empty gln unsets it.")
        @OptionGroup var database: DatabaseOptions
        @Argument var code: String
        @Option(name: .customLong("set"), help: "KEY=VALUE: change one setting (repeatable).") var changes: [String] = []
        @Flag(help: "Print the settings (the default when nothing is set).") var show = false
        @Flag(help: "CSV for a spreadsheet.") var csv = false

        func run() async throws {
            let pairs = try changes.map { change -> (key: String, value: String) in
                guard let equals = change.firstIndex(of: "=") else {
                    throw CarteroError.invalid("--set '\(change)' must be KEY=VALUE, e.g. firmante=Ana María Gómez")
                }
                return (String(change[..<equals]).trimmingCharacters(in: .whitespaces), String(change[change.index(after: equals)...]))
            }
            let settings = try await database.transaction { [code] db in
                pairs.isEmpty ? try LetterSettings.find(regional: code, on: db) : try LetterSettings.update(regional: code, pairs, on: db)
            }
            if !pairs.isEmpty, !show, !csv {
                Terminal.out("letter settings of \(code) changed: \(pairs.map(\.key).joined(separator: ", "))\n")
                return
            }
            Terminal.out(Terminal.listing(
                settings.values.map { [$0.key, $0.value] }, csv: csv,
                csvHeader: ["clave", "valor"], header: ["setting", "value"]))
        }
    }
}
