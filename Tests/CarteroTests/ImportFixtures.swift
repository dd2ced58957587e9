import Cartero
import CarteroTesting
import Foundation
import PQ
import Testing

/// Small extract files written into a temporary folder, and imports of them.
struct ImportFixture {
    let cartero: TestCartero
    let directory: URL

    /// A database of its own with the regionals NORTE and SUR.
    init(_ label: String) async throws {
        cartero = try TestCartero(label)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestDatabase.uniqueName(label))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try await cartero.asAdmin { db in
            for code in ["NORTE", "SUR"] { _ = try Regionals.add(code: code, name: "Regional \(code)", on: db) }
        }
    }

    static let accountsHeader = [
        "cuenta", "regional", "titular", "documento", "direccion", "barrio", "municipio", "ruta", "uso", "estrato",
        "facturacion", "saldo_mora", "fecha_mora", "cobro_juridico", "saneamiento",
    ]

    static let accountDefaults: [String: String] = [
        "cuenta": "1001", "regional": "NORTE", "titular": "Ana Gómez", "documento": "31254789",
        "direccion": "CL 5 # 10-20", "barrio": "San Fernando", "municipio": "Cali", "ruta": "R-101",
        "uso": "residencial", "estrato": "3", "facturacion": "directa", "saldo_mora": "152300.50",
        "fecha_mora": "2024-01-15", "cobro_juridico": "N", "saneamiento": "",
    ]

    /// accounts.csv text: the standard header, then one record per row (defaults
    /// overridden by the row's fields), written with `CSV.line`.
    static func accounts(_ rows: [[String: String]]) -> String {
        CSV.line(accountsHeader) + rows.map { row in
            CSV.line(accountsHeader.map { row[$0] ?? accountDefaults[$0]! })
        }.joined()
    }

    func write(_ text: String, as name: String = "extract.csv") throws -> URL {
        try write(Data(text.utf8), as: name)
    }

    func write(_ bytes: Data, as name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try bytes.write(to: url)
        return url
    }

    /// Imports `text` as the member (admin when nil).
    func run(_ kind: ExtractKind, _ text: String, as member: ActingMember? = nil, name: String = "extract.csv") async throws -> ImportOutcome {
        try await run(kind, file: write(text, as: name), as: member)
    }

    func run(_ kind: ExtractKind, file: URL, as member: ActingMember? = nil) async throws -> ImportOutcome {
        let acting: ActingMember
        if let member { acting = member } else { acting = try await cartero.admin }
        return try await cartero.database.transaction(as: acting) { try ExtractImport.run(kind, file: file, on: $0) }
    }

    /// Imports and expects success.
    func imported(_ kind: ExtractKind, _ text: String, as member: ActingMember? = nil, name: String = "extract.csv") async throws -> ImportSummary {
        switch try await run(kind, text, as: member, name: name) {
        case .imported(let summary):
            return summary
        case .rejected(let errors, _):
            Issue.record("expected the import to succeed, got: \(errors.map(\.description))")
            throw CarteroError.invalid("rejected")
        }
    }

    /// Imports and expects a rejection; returns the printed lines and the total.
    func rejected(_ kind: ExtractKind, _ text: String, as member: ActingMember? = nil) async throws -> (lines: [String], total: Int) {
        try await rejected(kind, file: write(text), as: member)
    }

    func rejected(_ kind: ExtractKind, file: URL, as member: ActingMember? = nil) async throws -> (lines: [String], total: Int) {
        switch try await run(kind, file: file, as: member) {
        case .imported(let summary):
            Issue.record("expected a rejection, got: \(summary)")
            return ([], 0)
        case .rejected(let errors, let total):
            return (errors.map(\.description), total)
        }
    }

    /// Rows of the portfolio tables and batches, seen past row-level security.
    func counts() throws -> [Int] {
        let db = try cartero.superuser()
        return try ["accounts", "payments", "letter_history", "import_batches"].map { table in
            try db.queryValue("SELECT count(*) FROM cartero.\(identifier: table)", as: Int.self)
        }
    }

    func value<T: PQDecodable>(_ query: Query, as type: T.Type = T.self) throws -> T {
        try cartero.superuser().queryValue(query, as: T.self)
    }
}
