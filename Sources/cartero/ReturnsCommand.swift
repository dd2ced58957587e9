import ArgumentParser
import Cartero
import Foundation

struct ReturnsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "returns", abstract: "The REGISTRO DE INFORMACIÓN DE MENSAJERÍA: returned letters handled in the office.",
        subcommands: [Register.self, Scan.self])

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a returned letter with its cause, the courier's observation and its scans.",
            discussion: """
                Scans: PDF, JPEG, PNG or TIFF, at most 10 MB each (the returned letter, the courier's \
                support). A cause that routes to terreno or facturación opens a case, unless the \
                courier's file opened it already. Registering the same letter again with the same cause \
                adds the scans it does not hold yet.
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The letter's consecutivo, e.g. NORTE-2026-000123.") var consecutivo: String
        @Option(help: "The cause of return (`cartero causal list`).") var causal: String
        @Option(help: "The courier's observation.") var observacion = ""
        @Option(help: "A scan to store (repeatable).") var scan: [String] = []

        func run() async throws {
            let registration = try await database.transaction { [consecutivo, causal, observacion, scan] db in
                try ReturnsRegister.register(
                    consecutivo, causal: causal, observacion: observacion,
                    scans: scan.map { URL(fileURLWithPath: $0) }, on: db)
            }
            var line = "\(registration.consecutivo): "
            line += registration.created ? "return registered (registration \(registration.id))" : "registered already (registration \(registration.id))"
            line += registration.casesOpened.isEmpty ? "; no case opened" : "; case opened: \(registration.casesOpened.joined(separator: ", "))"
            Terminal.out(line + "\n")
            for scan in registration.scans {
                Terminal.out("  \(scan.fileName): \(scan.created ? "stored" : "held already") (\(scan.mediaType), \(Grouped.count(scan.byteSize)) bytes, sha256 \(scan.sha256))\n")
            }
        }
    }

    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the scans of a registered return into a folder.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The letter's consecutivo.") var consecutivo: String
        @Option(help: "The folder to write them to (made when missing).") var out: String

        func run() async throws {
            let written = try await database.transaction { [consecutivo, out] db in
                try ReturnsRegister.writeScans(of: consecutivo, into: URL(fileURLWithPath: out), on: db)
            }
            if written.isEmpty { Terminal.out("\(consecutivo): the registered return has no scan\n") }
            for (scan, url) in written {
                Terminal.out("\(url.path) (\(scan.mediaType), \(Grouped.count(scan.byteSize)) bytes, sha256 \(scan.sha256))\n")
            }
        }
    }
}
