import ArgumentParser
import Cartero
import Foundation

/// `cartero import` reads the extracts only; the courier's file has its own command.
extension ExtractKind: ExpressibleByArgument {
    public init?(argument: String) {
        guard let kind = ExtractKind(rawValue: argument), ExtractKind.extracts.contains(kind) else { return nil }
        self = kind
    }

    public static var allValueStrings: [String] { extracts.map(\.rawValue) }
}

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load an extract of the commercial system: accounts, payments or letters.",
        discussion: """
            Formats in spec/FORMATS.md. The file is imported whole or not at all: every bad row is \
            printed as 'line N: column: what is wrong' and nothing is written. Importing the same \
            file again changes nothing.
            """)

    @OptionGroup var database: DatabaseOptions
    @Argument(help: "Which extract: accounts, payments or letters.") var kind: ExtractKind
    @Argument(help: "The CSV file.") var file: String

    func run() async throws {
        try await Self.importFile(file, kind: kind, database: database)
    }

    /// Imports one file in one transaction, showing its progress on a terminal, then
    /// prints its summary, or every bad line and a refusal.
    static func importFile(_ file: String, kind: ExtractKind, database: DatabaseOptions) async throws {
        let url = URL(fileURLWithPath: file)
        let name = url.lastPathComponent
        let outcome = try await database.transaction { connection in
            var shownPercent = -1
            return try ExtractImport.run(kind, file: url, on: connection) { progress in
                switch progress {
                case .sending(let bytes, let size):
                    let percent = size > 0 ? Int(bytes * 100 / size) : 100
                    guard percent != shownPercent else { return }
                    shownPercent = percent
                    Terminal.progress("\(name): sending \(percent)% of \(megabytes(size))")
                case .validating:
                    Terminal.progress("\(name): checking the rows…")
                case .merging:
                    Terminal.progress("\(name): \(kind == .courierResults ? "recording" : "merging")…")
                }
            }
        }
        Terminal.endProgress()
        switch outcome {
        case .imported(let summary):
            Terminal.out("\(summary)\n")
        case .rejected(let errors, let total):
            for error in errors { Terminal.error(error.description) }
            if total > errors.count { Terminal.error("… and \(total - errors.count) more errors") }
            throw CarteroError.invalid("\(name) was not imported (\(total) error\(total == 1 ? "" : "s")); nothing was written")
        }
    }
}

private func megabytes(_ bytes: Int64) -> String {
    bytes < 1_000_000 ? "\(bytes / 1000) kB" : "\(bytes / 1_000_000) MB"
}
