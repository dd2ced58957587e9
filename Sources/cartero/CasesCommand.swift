import ArgumentParser
import Foundation
import Cartero

extension CaseStatus: ExpressibleByArgument {}
extension CaseOutcome: ExpressibleByArgument {}

struct CasesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cases", abstract: "Returned-letter cases: field visits and account clean-up.",
        subcommands: [List.self, Sheet.self, Assign.self, Reassign.self, Resolve.self])

    struct Sheet: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a member's assigned cases as a PDF to work on paper, by route and neighbourhood.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The member's login.") var assignee: String
        @Option(help: "The PDF file to write.") var out: String

        func run() async throws {
            let written = try await database.transaction { [assignee, out] db in
                try CaseSheet.write(assignee: assignee, to: URL(fileURLWithPath: out), on: db)
            }
            Terminal.out("\(Grouped.count(written.cases)) case\(written.cases == 1 ? "" : "s") of \(assignee) in \(out) (\(written.pages) page\(written.pages == 1 ? "" : "s"))\n")
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Assign every unassigned case of a regional to its auxiliares de terreno and facturación members.",
            discussion: """
                Each case goes to the least loaded member (open cases assigned); a terreno case stays \
                with the agent who holds cases in its route (else neighbourhood) while his load is \
                within 2 of the least loaded's. Cases are also assigned as they open; this assigns those \
                that found no one then.
                """)
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The regional's code.") var regional: String

        func run() async throws {
            let assigned = try await database.transaction { [regional] in try Cases.assign(regional: regional, on: $0) }
            Terminal.out("\(Grouped.count(assigned)) case\(assigned == 1 ? "" : "s") of \(regional) assigned\n")
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resolve a case with its outcome; what it found goes back into the account.",
            discussion: """
                Terreno: direccion_correcta (the account may be mailed again), direccion_errada (a \
                facturación case opens, with --address when the right one was found), predio_demolido, \
                lote (a facturación case opens for the clean-up). Facturación: depurada (a clean-up mark: \
                --mark, else the one the cause or the field visit names), direccion_actualizada (the \
                account's address becomes --address, else the one found in the field; the old one is \
                kept), sin_cambio. Photos: PDF, JPEG, PNG or TIFF, at most 10 MB each.
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The case's number.") var id: Int64
        @Option(help: "\(CaseOutcome.allNames).") var outcome: CaseOutcome
        @Option(help: "The address found, or the new one.") var address: String?
        @Option(help: "What you found, in a sentence.") var note: String?
        @Option(help: "The clean-up mark of a depurada: demolido, lote or doble_facturacion.") var mark: String?
        @Option(help: "A photo to keep with the case (repeatable).") var photo: [String] = []

        func run() async throws {
            let resolution = try await database.transaction { [id, outcome, address, note, mark, photo] db in
                try Cases.resolve(id, outcome: outcome, address: address, note: note, mark: mark,
                                  photos: photo.map { URL(fileURLWithPath: $0) }, on: db)
            }
            var line = "case \(id) resolved: \(resolution.outcome.rawValue)"
            if let escalated = resolution.escalatedCase { line += "; facturación case \(escalated) opened" }
            Terminal.out(line + "\n")
            for photo in resolution.photos {
                Terminal.out("  \(photo.fileName): \(photo.created ? "stored" : "held already") (\(photo.mediaType), sha256 \(photo.sha256))\n")
            }
        }
    }

    struct Reassign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a case to another member, or all of a member's open cases (--from).",
            discussion: "cartero cases reassign CASE --to LOGIN, or cartero cases reassign --from LOGIN --to LOGIN.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The case's number.") var id: Int64?
        @Option(help: "Move every open case of this login.") var from: String?
        @Option(help: "The member who takes it.") var to: String

        func validate() throws {
            guard (id == nil) != (from == nil) else {
                throw ValidationError("name either a CASE or --from LOGIN, not both and not neither")
            }
        }

        func run() async throws {
            if let id {
                try await database.transaction { [to] in try Cases.reassign(id, to: to, on: $0) }
                Terminal.out("case \(id) assigned to \(to)\n")
            } else if let from {
                let moved = try await database.transaction { [to] in try Cases.reassignAll(from: from, to: to, on: $0) }
                Terminal.out("\(Grouped.count(moved)) case\(moved == 1 ? "" : "s") moved from \(from) to \(to)\n")
            }
        }
    }

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
