import Cartero
import CarteroTesting
import Foundation
import PQ
import PropertyBased
import Testing

/// Files that are not what FORMATS.md says, as they come from old spreadsheets, broken
/// exports and careless hands, fed to every importer (the three extracts and the
/// courier's results) by property-based tests: a valid file, edited at a random place
/// in one of the ways below. Whatever the file, the import is never a crash and never a
/// server's raw error: it either records the file whole or refuses it whole, naming a
/// line for each thing wrong, and a refused file changes no row.
@Suite struct HostileFileTests {
    /// One way of spoiling a file, applied at `position` (a byte offset, wrapped to the
    /// file's size) with `bytes` (random, 0...255).
    enum Edit: CaseIterable, Sendable {
        case insertBytes, strayQuote, latin1, hugeField, empty, truncate, nul, endOfCopyMarker,
             dropByte, carriageReturn, duplicateLine

        func apply(to file: [UInt8], at position: Int, bytes: [UInt8]) -> [UInt8] {
            var file = file
            let at = file.isEmpty ? 0 : position % file.count
            // The start of the line that holds `at`.
            let lineStart = file[..<at].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
            switch self {
            case .insertBytes: file.insert(contentsOf: bytes, at: at)
            case .strayQuote: file.insert(UInt8(ascii: "\""), at: at)
            case .latin1:
                // What a spreadsheet saves as "CSV" in Latin-1: each UTF-8 letter of
                // U+0080...U+00FF becomes its one byte.
                file = Array(String(decoding: file, as: UTF8.self).unicodeScalars.flatMap { scalar -> [UInt8] in
                    scalar.value <= 0xFF ? [UInt8(scalar.value)] : Array(String(scalar).utf8)
                })
            case .hugeField: file.insert(contentsOf: [UInt8](repeating: UInt8(ascii: "x"), count: 300_000), at: at)
            case .empty: file = []
            case .truncate: file.removeSubrange(at...)
            case .nul: file.insert(0, at: at)
            case .endOfCopyMarker: file.insert(contentsOf: Array("\\.\n".utf8), at: lineStart)
            case .dropByte: if !file.isEmpty { file.remove(at: at) }
            case .carriageReturn: file.insert(0x0D, at: at)
            case .duplicateLine:
                let end = file[at...].firstIndex(of: 0x0A).map { $0 + 1 } ?? file.count
                file.insert(contentsOf: file[lineStart..<end], at: end)
            }
            return file
        }
    }

    let fixture: ImportFixture
    var cartero: TestCartero { fixture.cartero }

    init() async throws { fixture = try await ImportFixture("hostile") }

    /// Every row a file could have changed: the portfolio, the courier's results, the cases.
    func rows() throws -> [Int] {
        let db = try cartero.superuser()
        return try ["accounts", "payments", "letter_history", "import_batches", "courier_results", "cases", "history"].map { table in
            try db.queryValue("SELECT count(*) FROM cartero.\(identifier: table)", as: Int.self)
        }
    }

    /// Imports `bytes` as `kind` and checks the property; returns whether it was recorded.
    @discardableResult
    func check(_ kind: ExtractKind, _ bytes: [UInt8], edit: Edit, as member: ActingMember? = nil) async throws -> Bool {
        let before = try rows()
        let file = try fixture.write(Data(bytes), as: "hostile-\(kind).csv")
        let outcome: ImportOutcome
        do {
            outcome = try await fixture.run(kind, file: file, as: member)
        } catch {
            Issue.record("\(kind), \(edit): the import threw instead of naming a line: \(String(reflecting: error))")
            return false
        }
        switch outcome {
        case .imported(let summary):
            // Recorded whole: every record of the file read, none dropped on the way.
            #expect(summary.rowsRead == Self.records(in: bytes), "\(kind), \(edit): \(summary)")
            #expect(summary.inserted + summary.updated + summary.unchanged == summary.rowsRead, "\(kind), \(edit): \(summary)")
            return true
        case .rejected(let errors, let total):
            #expect(!errors.isEmpty && total >= errors.count, "\(kind), \(edit): refused without a reason")
            for error in errors {
                #expect(error.line >= 1 && !error.message.isEmpty, "\(kind), \(edit): \(error)")
                #expect(error.description.hasPrefix("line \(error.line): "), "\(kind), \(edit): \(error)")
            }
            #expect(try rows() == before, "\(kind), \(edit): a refused file changed rows: \(errors.prefix(3))")
            return false
        }
    }

    /// The data records of a CSV file: written apart from the importer, so as not to share
    /// its mistakes. A line ends with CRLF, LF or a lone CR (an old Mac export), outside
    /// quotes; a BOM and a last line without its break are allowed.
    static func records(in bytes: [UInt8]) -> Int {
        var records = 0, quoted = false, recordHasBytes = false, afterCR = false
        for byte in bytes {
            defer { afterCR = byte == 0x0D && !quoted }
            switch byte {
            case UInt8(ascii: "\""): quoted.toggle(); recordHasBytes = true
            case 0x0A where !quoted: if !afterCR { records += 1 }; recordHasBytes = false
            case 0x0D where !quoted: records += 1; recordHasBytes = false
            default: recordHasBytes = true
            }
        }
        return max(0, records + (recordHasBytes ? 1 : 0) - 1)  // less the header
    }

    /// 40 spoiled copies of `valid` imported as `kind`, plus every edit once at the file's middle.
    func spoil(_ kind: ExtractKind, _ valid: String, as member: ActingMember? = nil) async throws {
        let base = Array(valid.utf8)
        for edit in Edit.allCases {
            try await check(kind, edit.apply(to: base, at: base.count / 2, bytes: [0xE9, 0x00, 0x22]), edit: edit, as: member)
        }
        await propertyCheck(count: 40, input: Gen<Edit>.case, Gen.int(in: 0...100_000), Gen<UInt8>.value(in: 0...255).array(of: 1...24)) {
            edit, position, bytes in
            try await check(kind, edit.apply(to: base, at: position, bytes: bytes), edit: edit, as: member)
        }
    }

    @Test func accountsExtracts() async throws {
        try await spoil(.accounts, ImportFixture.accounts([
            ["cuenta": "1001", "titular": "José Muñoz, \"el Mono\"", "barrio": "Niño Jesús"],
            ["cuenta": "1002", "titular": "Ana Gómez", "direccion": "CL 5 # 10-20\napto 301"],
            ["cuenta": "1003", "uso": "comercial", "estrato": "", "saneamiento": "lote"],
        ]))
    }

    @Test func paymentsAndLettersExtracts() async throws {
        try await cartero.insert((1...3).map { FixtureAccount(cuenta: "P-\($0)") })
        try await spoil(.payments, """
            cuenta,fecha,valor,referencia
            P-1,2026-03-01,15000.50,Pago en línea
            P-2,2026-03-02,20000,"Consignación, Bancolombia"
            P-3,2026-03-03,1,

            """)
        try await spoil(.letters, "cuenta,fecha_envio\r\nP-1,2026-01-15\r\nP-2,2026-01-16\r\nP-3,2026-01-17\r\n")
    }

    @Test func courierResults() async throws {
        let courier = try await CourierTests()
        let letter = try await courier.dispatchedLetters()
        let today = courier.today
        try await spoil(.courierResults, CourierTests.header + """
            \(letter["C-1"]!),G-1,ENTREGADA,\(today),,
            \(letter["C-2"]!),G-2,DEVUELTA,\(today),DIR_INEXISTENTE,"Nomenclatura ""vieja"", sin placa"
            \(letter["C-3"]!),G-3,DEVUELTA,\(today),DEMOLIDO,Demolición en curso
            \(letter["C-4"]!),G-4,DEVUELTA,\(today),REHUSADO,

            """, as: try await courier.clerk(), on: courier.fixture)
    }

    /// A Latin-1 export: refused, naming the first line with an accented letter.
    @Test func aLatin1ExportIsNamedByItsFirstAccentedLine() async throws {
        let text = "cuenta,fecha,valor,referencia\n1,2026-03-01,1,plain\n1,2026-03-01,1,Pago en línea\n1,2026-03-01,1,Consignación\n"
        let bytes = Edit.latin1.apply(to: Array(text.utf8), at: 0, bytes: [])
        #expect(bytes.contains(0xED) && !bytes.contains(0xC3))
        let (lines, _) = try await fixture.rejected(.payments, file: try fixture.write(Data(bytes), as: "latin1.csv"))
        #expect(lines.first == "line 3: the file is not UTF-8 here (a Latin-1 export from an old spreadsheet?); save it as CSV UTF-8")
    }
}

extension HostileFileTests {
    /// `spoil` on another fixture's database (the courier's, with its dispatched letters).
    func spoil(_ kind: ExtractKind, _ valid: String, as member: ActingMember, on other: ImportFixture) async throws {
        try await HostileFileTests(fixture: other).spoil(kind, valid, as: member)
    }

    init(fixture: ImportFixture) { self.fixture = fixture }
}
