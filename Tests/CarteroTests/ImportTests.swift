import Cartero
import CarteroTesting
import Foundation
import PQ
import Testing

@Suite struct ImportTests {
    let fixture: ImportFixture

    init() async throws { fixture = try await ImportFixture("import") }

    // MARK: - What goes in

    @Test func anAccountsFileIsStoredTypedAndRecordedAsABatch() async throws {
        let text = ImportFixture.accounts([
            ["cuenta": "1001"],
            // Optional typed fields blank (empty or spaces only) are stored as NULL.
            ["cuenta": "AB-2", "regional": "SUR", "uso": "comercial", "estrato": " ", "fecha_mora": "", "documento": "",
             "saldo_mora": "0000000000000.5", "cobro_juridico": "S", "saneamiento": "lote"],
            ["cuenta": "AB-3", "fecha_mora": "  ", "saneamiento": " "],
        ])
        let summary = try await fixture.imported(.accounts, text, name: "accounts.csv")
        #expect(summary.description == "accounts.csv: 3 rows read, 3 inserted, 0 updated, 0 unchanged (batch \(summary.batchID))")
        let db = try fixture.cartero.superuser()
        let first = try db.queryRow("""
            SELECT regional, titular, estrato, saldo_mora::text, fecha_mora, cobro_juridico, saneamiento, import_batch_id
            FROM cartero.accounts WHERE cuenta = '1001'
            """)!.texts()
        #expect(first == ["NORTE", "Ana Gómez", "3", "152300.50", "2024-01-15", "f", nil, "\(summary.batchID)"])
        let second = try db.queryRow("""
            SELECT regional, documento, estrato, saldo_mora::text, fecha_mora, cobro_juridico, saneamiento
            FROM cartero.accounts WHERE cuenta = 'AB-2'
            """)!.texts()
        #expect(second == ["SUR", "", nil, "0.50", nil, "t", "lote"])
        let third = try db.queryRow("SELECT fecha_mora, saneamiento FROM cartero.accounts WHERE cuenta = 'AB-3'")!.texts()
        #expect(third == [nil, nil])
        let batch = try db.queryRow("""
            SELECT b.kind, b.file_name, b.sha256 = encode(sha256(\(Data(text.utf8))), 'hex'),
                   b.rows_read, b.rows_inserted, b.rows_updated, b.rows_unchanged, s.login
            FROM cartero.import_batches b JOIN cartero.staff s ON s.id = b.imported_by
            WHERE b.id = \(summary.batchID)
            """)!.texts()
        #expect(batch == ["accounts", "accounts.csv", "t", "3", "3", "0", "0", "admin"])
    }

    @Test func paymentsAndLettersAreAppendedWithTheirAccountsRegional() async throws {
        _ = try await fixture.imported(.accounts, ImportFixture.accounts([["cuenta": "1001", "regional": "SUR"]]))
        let payments = try await fixture.imported(.payments, "cuenta,fecha,valor,referencia\n1001,2024-03-01,50000,RC-1\n1001,2024-04-01,20000.5,\n")
        #expect((payments.rowsRead, payments.inserted, payments.updated, payments.unchanged) == (2, 2, 0, 0))
        let letters = try await fixture.imported(.letters, "cuenta,fecha_envio\n1001,2023-11-20\n")
        #expect((letters.rowsRead, letters.inserted) == (1, 1))
        let db = try fixture.cartero.superuser()
        let stored = try db.execute("SELECT regional, valor::text, referencia FROM cartero.payments ORDER BY fecha").map {
            try $0.decode((String, String, String).self)
        }
        #expect(stored.map(\.0) == ["SUR", "SUR"])
        #expect(stored.map(\.1) == ["50000.00", "20000.50"])
        #expect(stored.map(\.2) == ["RC-1", ""])
        #expect(try db.queryValue("SELECT regional FROM cartero.letter_history", as: String.self) == "SUR")
    }

    // MARK: - The file's shape

    @Test func aByteOrderMarkIsDropped() async throws {
        let text = "\u{FEFF}" + ImportFixture.accounts([["cuenta": "1001"]])
        #expect(Array(text.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let summary = try await fixture.imported(.accounts, text)
        #expect(summary.inserted == 1)
    }

    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() async throws {
        let titular = "Pérez, \"Juan\"\nSegundo piso"
        let text = ImportFixture.accounts([
            ["cuenta": "1001", "titular": titular, "direccion": "CL 5, \"B\""],
            ["cuenta": "1002", "uso": "casa"],
        ])
        #expect(text.contains("\"Pérez, \"\"Juan\"\"\nSegundo piso\""))
        // The multi-line record is line 2; the next record is line 3, as a spreadsheet numbers them.
        #expect(try await fixture.rejected(.accounts, text).lines == [
            "line 3: uso: 'casa' must be residencial, comercial, industrial, oficial or especial"
        ])
        _ = try await fixture.imported(.accounts, ImportFixture.accounts([["cuenta": "1001", "titular": titular, "direccion": "CL 5, \"B\""]]))
        let stored = try fixture.value("SELECT titular || '|' || direccion FROM cartero.accounts WHERE cuenta = '1001'", as: String.self)
        #expect(stored == titular + "|CL 5, \"B\"")
    }

    @Test func columnsAreFoundByNameInAnyOrderAndUnknownOnesIgnored() async throws {
        let text = """
            Observaciones,saldo_mora,MUNICIPIO,cobro_juridico,uso,facturacion,titular,regional,cuenta,otra
            "nota, larga",99.9,Palmira,N,industrial,conjunta,Industrias SA,SUR,7001,x
            ,0,Buga,S,oficial,directa,Alcaldía,NORTE,7002,

            """
        let summary = try await fixture.imported(.accounts, text)
        #expect(summary.inserted == 2)
        let row = try fixture.cartero.superuser().queryRow("""
            SELECT regional, titular, municipio, uso, facturacion, saldo_mora::text, documento, direccion, estrato, fecha_mora
            FROM cartero.accounts WHERE cuenta = '7001'
            """)!.texts()
        #expect(row == ["SUR", "Industrias SA", "Palmira", "industrial", "conjunta", "99.90", "", "", nil, nil])
    }

    @Test func aMissingRequiredColumnIsNamed() async throws {
        let header = ImportFixture.accountsHeader.filter { $0 != "municipio" }
        let text = CSV.line(header) + CSV.line(header.map { ImportFixture.accountDefaults[$0]! })
        #expect(try await fixture.rejected(.accounts, text).lines == ["line 1: missing required column 'municipio'"])
        #expect(try await fixture.rejected(.payments, "cuenta,valor\n1,2\n").lines == ["line 1: missing required column 'fecha'"])
        #expect(try await fixture.rejected(.letters, "cuenta,fecha_envio,cuenta\n1,2024-01-01,1\n").lines == ["line 1: column 'cuenta' appears twice"])
        #expect(try await fixture.rejected(.letters, "").lines == ["line 1: the file is empty: it needs a header row naming its columns"])
    }

    @Test func aRaggedRowOrBytesThatAreNotUTF8RejectTheFile() async throws {
        var text = ImportFixture.accounts([["cuenta": "1001"], ["cuenta": "1002"]])
        text += "1003,NORTE,extra\n"
        #expect(try await fixture.rejected(.accounts, text).lines == ["line 4: the row has fewer fields than the header (15)"])
        #expect(try await fixture.rejected(.letters, "cuenta,fecha_envio\n1,2024-01-01,x\n").lines == [
            "line 2: the row has more fields than the header (2)"
        ])
        var bytes = Data("cuenta,fecha_envio\n\"a\nb\",2024-01-01\n".utf8)
        bytes.append(contentsOf: [0x31, 0xFF, 0x2C, 0x32, 0x0A])  // "1\xFF,2"
        let file = try fixture.write(bytes, as: "latin1.csv")
        #expect(try await fixture.rejected(.letters, file: file).lines == [
            "line 3: the file is not UTF-8 here (a Latin-1 export from an old spreadsheet?); save it as CSV UTF-8"
        ])
        #expect(try await fixture.rejected(.letters, "cuenta,fecha_envio\r\n1,2024-01-01\n2,2024-01-01\r\n").lines == [
            "line 3: the line breaks are mixed (Windows CRLF and Unix LF); save the file again as CSV"
        ])
        #expect(try await fixture.rejected(.letters, "cuenta,fecha_envio\n1,2024-01-01\n\n").lines == ["line 3: the line is empty"])
        #expect(try fixture.counts() == [0, 0, 0, 0])
    }

    /// `\\.` alone on a line is COPY's end-of-data marker: sent as it is, the import
    /// would stop there, report success, and lose every row after it.
    /// Proof that the run with Spanish server messages (scripts/test) is one: the
    /// server's own text is translated there, and the import's messages above are not.
    @Test(.enabled(if: TestDatabase.messagesLanguage != nil))
    func theServerSpeaksTheLanguageTheRunAskedFor() async throws {
        let error = await #expect(throws: PQError.self) {
            try await fixture.cartero.asAdmin { _ = try $0.execute("SELECT 1 / 0") }
        }
        #expect(error?.message == "división por cero")
    }

    @Test func aLineHoldingOnlyBackslashDotRejectsTheFile() async throws {
        let marker = "a line holding only \\. would end the import there and drop the rows after it; remove that line"
        _ = try await fixture.imported(.accounts, ImportFixture.accounts([["cuenta": "1001"], ["cuenta": "1002"]]))
        #expect(try await fixture.rejected(.payments, "cuenta,fecha,valor,referencia\n1001,2024-01-01,5,a\n\\.\n1002,2024-01-01,5,b\n").lines == [
            "line 3: \(marker)"
        ])
        // The same at the very end, without a line break, and with Windows line breaks.
        #expect(try await fixture.rejected(.letters, "cuenta,fecha_envio\r\n1001,2024-01-01\r\n\\.").lines == ["line 3: \(marker)"])
        #expect(try await fixture.rejected(.letters, "cuenta,fecha_envio\r\n1001,2024-01-01\r\n\\.\r\n1002,2024-01-01\r\n").lines == [
            "line 3: \(marker)"
        ])
        // Inside a quoted field COPY would stop too: refused, named by its record.
        var text = ImportFixture.accounts([["cuenta": "1003", "titular": "Ana\n\\.\nGómez"], ["cuenta": "1004"]])
        #expect(try await fixture.rejected(.accounts, text).lines == ["line 2: \(marker)"])
        // Quoted, or with anything else on its line, it is data.
        text = ImportFixture.accounts([["cuenta": "1005", "titular": "\\."], ["cuenta": "1006", "titular": "\\.x"]])
        #expect(try await fixture.imported(.accounts, text).inserted == 2)
        #expect(try fixture.value("SELECT string_agg(titular, ' ' ORDER BY cuenta) FROM cartero.accounts WHERE cuenta IN ('1005', '1006')", as: String.self) == "\\. \\.x")
        #expect(try fixture.counts() == [4, 0, 0, 2])
    }

    @Test func everyStructuralProblemIsListedWithItsLine() async throws {
        var bytes = Data("cuenta,fecha_envio\n1,2024-01-01\n".utf8)
        bytes.append(contentsOf: [0x32, 0x00, 0x2C, 0x33, 0x0A])  // "2\0,3"
        bytes.append(contentsOf: Array("4,5,6\n\n7\n8,\"9\n".utf8))
        let file = try fixture.write(bytes, as: "many.csv")
        let result = try await fixture.rejected(.letters, file: file)
        #expect(result.lines == [
            "line 3: the line holds a NUL byte (code 0), which is not text; save the file again as CSV UTF-8",
            "line 4: the row has more fields than the header (2)",
            "line 5: the line is empty",
            "line 6: the row has fewer fields than the header (2)",
            "line 7: a quoted field is not closed",
        ])
        #expect(result.total == 5)
        #expect(try fixture.counts() == [0, 0, 0, 0])
    }

    @Test func freeTextHasAMaximumLength() async throws {
        let text = ImportFixture.accounts([
            ["cuenta": "1001", "titular": String(repeating: "a", count: 200), "ruta": String(repeating: "r", count: 40)],
            ["cuenta": "1002", "titular": String(repeating: "ñ", count: 201)],
            ["cuenta": "1003", "direccion": String(repeating: "d", count: 5_000_000)],
        ])
        #expect(try await fixture.rejected(.accounts, text).lines == [
            "line 3: titular: is longer than 200 characters (201)",
            "line 4: direccion: is longer than 200 characters (5000000)",
        ])
        _ = try await fixture.imported(.accounts, ImportFixture.accounts([["cuenta": "1001"]]))
        #expect(try await fixture.rejected(.payments, "cuenta,fecha,valor,referencia\n1001,2024-01-01,5,\(String(repeating: "9", count: 61))\n").lines == [
            "line 2: referencia: is longer than 60 characters (61)"
        ])
    }

    @Test func aFolderIsNotAFile() async throws {
        await #expect(throws: CarteroError.invalid("\(fixture.directory.path) is a folder, not a file: name the CSV file inside it")) {
            _ = try await fixture.run(.accounts, file: fixture.directory)
        }
    }

    @Test func windowsLineBreaksAndAMissingFinalLineBreakAreFine() async throws {
        _ = try await fixture.imported(.accounts, ImportFixture.accounts([["cuenta": "1001"]]))
        let summary = try await fixture.imported(.letters, "\u{FEFF}cuenta,fecha_envio\r\n1001,2024-01-01\r\n\"1001\",2024-01-02")
        #expect((summary.rowsRead, summary.inserted) == (2, 2))
    }

    @Test func progressCountsEveryByteOfTheFile() async throws {
        // Bigger than one 256 KB chunk, so the header's chunk and at least one more are sent.
        let file = try fixture.write(ImportFixture.accounts((1...4000).map { ["cuenta": "\(10_000 + $0)"] }), as: "big.csv")
        let size = Int64(try Data(contentsOf: file).count)
        #expect(size > 300_000)
        let admin = try await fixture.cartero.admin
        let events = try await fixture.cartero.database.transaction(as: admin) { db in
            var events: [String] = []
            _ = try ExtractImport.run(.accounts, file: file, on: db) { progress in
                switch progress {
                case .sending(let bytes, let total): events.append("\(bytes)/\(total)")
                case .validating: events.append("validating")
                case .merging: events.append("merging")
                }
            }
            return events
        }
        #expect(events.count >= 4)
        #expect(Array(events.suffix(3)) == ["\(size)/\(size)", "validating", "merging"])
    }

    // MARK: - Validation, rule by rule

    @Test func everyAccountRuleHasItsMessageAndLine() async throws {
        let rows: [[String: String]] = [
            ["cuenta": "2001"],  // line 2: fine
            ["cuenta": "A 1"],
            ["cuenta": "123456789012345678901"],
            ["cuenta": "2004", "regional": "ESTE"],
            ["cuenta": "2005", "titular": "  "],
            ["cuenta": "2006", "municipio": ""],
            ["cuenta": "2007", "uso": "Residencial"],
            ["cuenta": "2008", "estrato": "7"],
            ["cuenta": "2009", "uso": "comercial", "estrato": "2"],
            ["cuenta": "2010", "facturacion": "Directa"],
            ["cuenta": "2011", "saldo_mora": "1,500"],
            ["cuenta": "2012", "saldo_mora": "-5"],
            ["cuenta": "2013", "saldo_mora": "10.505"],
            ["cuenta": "2014", "saldo_mora": "1234567890123"],
            ["cuenta": "2015", "fecha_mora": "2023-02-29"],
            ["cuenta": "2016", "fecha_mora": "1900-02-29"],
            ["cuenta": "2017", "fecha_mora": "2024-1-05"],
            ["cuenta": "2018", "fecha_mora": "2024-04-31"],
            ["cuenta": "2019", "cobro_juridico": "s"],
            ["cuenta": "2020", "saneamiento": "demolida"],
            ["cuenta": "2001", "saldo_mora": "", "cobro_juridico": ""],
            // fine: a leap day, no estrato off residential, the largest amount, every word
            ["cuenta": "ab-23", "fecha_mora": "2024-02-29", "uso": "oficial", "estrato": "", "saldo_mora": "999999999999.99",
             "cobro_juridico": "S", "saneamiento": "doble_facturacion", "facturacion": "conjunta"],
            ["cuenta": "2024", "fecha_mora": "2000-02-29", "estrato": "6", "saldo_mora": "0.5", "saneamiento": "demolido"],
        ]
        let result = try await fixture.rejected(.accounts, ImportFixture.accounts(rows))
        let notAnAmount = "is not an amount: digits, then at most two decimals after a point, no sign, no thousands separators"
        let notADate = "is not a date (YYYY-MM-DD, a day of the calendar)"
        #expect(result.lines == [
            "line 3: cuenta: 'A 1' is not an account number (1 to 20 letters, digits or -)",
            "line 4: cuenta: '123456789012345678901' is not an account number (1 to 20 letters, digits or -)",
            "line 5: regional: no regional has the code 'ESTE'",
            "line 6: titular: must not be blank",
            "line 7: municipio: must not be blank",
            "line 8: uso: 'Residencial' must be residencial, comercial, industrial, oficial or especial",
            "line 9: estrato: '7' must be a number from 1 to 6",
            "line 10: estrato: only residential accounts have an estrato (uso is comercial)",
            "line 11: facturacion: 'Directa' must be directa or conjunta",
            "line 12: saldo_mora: '1,500' \(notAnAmount)",
            "line 13: saldo_mora: '-5' \(notAnAmount)",
            "line 14: saldo_mora: '10.505' \(notAnAmount)",
            "line 15: saldo_mora: '1234567890123' is too large",
            "line 16: fecha_mora: '2023-02-29' \(notADate)",
            "line 17: fecha_mora: '1900-02-29' \(notADate)",
            "line 18: fecha_mora: '2024-1-05' \(notADate)",
            "line 19: fecha_mora: '2024-04-31' \(notADate)",
            "line 20: cobro_juridico: 's' must be S or N",
            "line 21: saneamiento: 'demolida' must be demolido, lote or doble_facturacion",
            "line 22: cuenta: 2001 appears again (first on line 2)",
            "line 22: saldo_mora: must not be blank",
            "line 22: cobro_juridico: must not be blank",
        ])
        #expect(result.total == 22)
    }

    @Test func datesOfEveryWrongShapeAndAKeyRepeatedInQuotes() async throws {
        let notADate = "is not a date (YYYY-MM-DD, a day of the calendar)"
        var text = ImportFixture.accounts([
            ["cuenta": "3001", "fecha_mora": "2024-13-01"],
            ["cuenta": "3002", "fecha_mora": "2024-00-10"],
            ["cuenta": "3003", "fecha_mora": "2024-01-00"],
            ["cuenta": "3004", "fecha_mora": "0999-01-01"],
            ["cuenta": "3005", "fecha_mora": "2024-02-29"],
            ["cuenta": "3006", "fecha_mora": "2024-01-1x"],
            ["cuenta": "3007", "fecha_mora": "2024-01-011"],
        ])
        // The same key quoted: COPY stores it without its quotes, so it is the same key.
        let again = ImportFixture.accounts([["cuenta": "3005"]]).split(separator: "\n")[1]
        text += "\"3005\"" + again.dropFirst(4) + "\n"
        #expect(try await fixture.rejected(.accounts, text).lines == [
            "line 2: fecha_mora: '2024-13-01' \(notADate)",
            "line 3: fecha_mora: '2024-00-10' \(notADate)",
            "line 4: fecha_mora: '2024-01-00' \(notADate)",
            "line 5: fecha_mora: '0999-01-01' \(notADate)",
            "line 7: fecha_mora: '2024-01-1x' \(notADate)",
            "line 8: fecha_mora: '2024-01-011' \(notADate)",
            "line 9: cuenta: 3005 appears again (first on line 6)",
        ])
    }

    /// The accepted side of the boundaries above: 1 and 20 characters, estrato 1 and 6;
    /// and the refused one beside them: no characters, estrato 0.
    @Test func accountNumbersAndEstratosAtTheirBoundaries() async throws {
        let twenty = "ABCDEFGHIJ-abcdefgh9"
        #expect(twenty.count == 20)
        let summary = try await fixture.imported(.accounts, ImportFixture.accounts([
            ["cuenta": twenty, "estrato": "1"], ["cuenta": "Z", "estrato": "6"],
        ]))
        #expect(summary.inserted == 2)
        #expect(try fixture.value("SELECT string_agg(cuenta || ':' || estrato, ' ' ORDER BY cuenta) FROM cartero.accounts", as: String.self)
            == "\(twenty):1 Z:6")
        #expect(try await fixture.rejected(.accounts, ImportFixture.accounts([["cuenta": "3001", "estrato": "0"], ["cuenta": ""]])).lines == [
            "line 2: estrato: '0' must be a number from 1 to 6",
            "line 3: cuenta: must not be blank",
        ])
    }

    @Test func everyPaymentAndLetterRuleHasItsMessageAndLine() async throws {
        _ = try await fixture.imported(.accounts, ImportFixture.accounts([["cuenta": "1001"]]))
        let payments = """
            cuenta,fecha,valor,referencia
            1001,2024-03-01,50000,RC-1
            1001,2024-03-01,0,RC-2
            1001,2024-03-01,0.00,
            1001,2024-02-30,100,
            9999,2024-03-01,100,
            1001,,100,
            1001,2024-03-01,$100,
            x y,2024-03-01,100,

            """
        #expect(try await fixture.rejected(.payments, payments).lines == [
            "line 3: valor: must be greater than 0",
            "line 4: valor: must be greater than 0",
            "line 5: fecha: '2024-02-30' is not a date (YYYY-MM-DD, a day of the calendar)",
            "line 6: cuenta: account 9999 does not exist",
            "line 7: fecha: must not be blank",
            "line 8: valor: '$100' is not an amount: digits, then at most two decimals after a point, no sign, no thousands separators",
            "line 9: cuenta: 'x y' is not an account number (1 to 20 letters, digits or -)",
        ])
        #expect(try await fixture.rejected(.letters, "fecha_envio,cuenta\n2024-13-01,1001\n2024-01-01,1002\n,\n").lines == [
            "line 2: fecha_envio: '2024-13-01' is not a date (YYYY-MM-DD, a day of the calendar)",
            "line 3: cuenta: account 1002 does not exist",
            "line 4: fecha_envio: must not be blank",
            "line 4: cuenta: must not be blank",
        ])
    }

    @Test func aRejectedFileWritesNothing() async throws {
        _ = try await fixture.imported(.accounts, ImportFixture.accounts([["cuenta": "1001", "saldo_mora": "10"]]))
        let before = try fixture.counts()
        #expect(before == [1, 0, 0, 1])
        // Good rows (a new account, a change to the stored one) beside one bad row.
        let text = ImportFixture.accounts([["cuenta": "1002"], ["cuenta": "1001", "saldo_mora": "20"], ["cuenta": "1003", "uso": "x"]])
        #expect(try await fixture.rejected(.accounts, text).total == 1)
        #expect(try await fixture.rejected(.payments, "cuenta,fecha,valor\n1001,2024-01-01,5\n1001,2024-01-02,-5\n").total == 1)
        #expect(try await fixture.rejected(.letters, "cuenta,fecha_envio\n1001,2024-01-01\n1001,2024-01-32\n").total == 1)
        #expect(try fixture.counts() == before)
        #expect(try fixture.value("SELECT saldo_mora::text FROM cartero.accounts WHERE cuenta = '1001'", as: String.self) == "10.00")
    }

    @Test func moreThanAHundredErrorsListTheFirstHundredAndCountTheRest() async throws {
        let rows = (1...150).map { ["cuenta": "\(5000 + $0)", "uso": "x"] }
        let result = try await fixture.rejected(.accounts, ImportFixture.accounts(rows))
        #expect(result.lines.count == 100)
        #expect(result.lines.first == "line 2: uso: 'x' must be residencial, comercial, industrial, oficial or especial")
        #expect(result.lines.last?.hasPrefix("line 101: uso:") == true)
        #expect(result.total == 150)
    }

    // MARK: - Importing again

    @Test func reimportingTheSameFilesChangesNothing() async throws {
        let accounts = ImportFixture.accounts([["cuenta": "1001"], ["cuenta": "1002", "regional": "SUR"]])
        let payments = "cuenta,fecha,valor,referencia\n1001,2024-03-01,50000,RC-1\n1002,2024-03-02,10,\n"
        let letters = "cuenta,fecha_envio\n1001,2023-11-20\n"
        let first = try await fixture.imported(.accounts, accounts)
        _ = try await fixture.imported(.payments, payments)
        _ = try await fixture.imported(.letters, letters)
        let stamp = "SELECT string_agg(cuenta || import_batch_id || updated_at, ',' ORDER BY cuenta) FROM cartero.accounts"
        let before = try fixture.value(Query(unsafeSQL: stamp), as: String.self)

        let again = try await fixture.imported(.accounts, accounts)
        #expect((again.rowsRead, again.inserted, again.updated, again.unchanged) == (2, 0, 0, 2))
        #expect(again.batchID > first.batchID)
        let paymentsAgain = try await fixture.imported(.payments, payments)
        #expect((paymentsAgain.inserted, paymentsAgain.unchanged) == (0, 2))
        // The same payment written with other decimals is the same payment.
        let paymentsAgainOtherwise = try await fixture.imported(.payments, "cuenta,fecha,valor,referencia\n1001,2024-03-01,50000.00,RC-1\n")
        #expect((paymentsAgainOtherwise.inserted, paymentsAgainOtherwise.unchanged) == (0, 1))
        let lettersAgain = try await fixture.imported(.letters, letters)
        #expect((lettersAgain.inserted, lettersAgain.unchanged) == (0, 1))
        #expect(try fixture.value(Query(unsafeSQL: stamp), as: String.self) == before)
        #expect(try fixture.counts() == [2, 2, 1, 7])
    }

    @Test func aRowRepeatedInOnePaymentsFileIsStoredOnce() async throws {
        _ = try await fixture.imported(.accounts, ImportFixture.accounts([["cuenta": "1001"]]))
        let summary = try await fixture.imported(.payments, "cuenta,fecha,valor\n1001,2024-03-01,5\n1001,2024-03-01,5\n1001,2024-03-01,6\n")
        #expect((summary.rowsRead, summary.inserted, summary.unchanged) == (3, 2, 1))
    }

    /// Skipped only when equal in all four fields: the same day and amount with another
    /// receipt number, or none, is another payment.
    @Test func aPaymentWithAnotherReceiptIsAnotherPayment() async throws {
        _ = try await fixture.imported(.accounts, ImportFixture.accounts([["cuenta": "1001"]]))
        _ = try await fixture.imported(.payments, "cuenta,fecha,valor,referencia\n1001,2024-03-01,5000,RC-1\n")
        let again = try await fixture.imported(.payments, """
            cuenta,fecha,valor,referencia
            1001,2024-03-01,5000,RC-2
            1001,2024-03-01,5000,
            1001,2024-03-01,5000,RC-1

            """)
        #expect((again.rowsRead, again.inserted, again.unchanged) == (3, 2, 1))
        #expect(try fixture.counts()[1] == 3)
        #expect(try await fixture.rejected(.payments, "cuenta,fecha,valor\n1001,2024-03-01,\n").lines == ["line 2: valor: must not be blank"])
    }

    @Test func aChangedRowCountsAsUpdated() async throws {
        let first = try await fixture.imported(.accounts, ImportFixture.accounts([["cuenta": "1001"], ["cuenta": "1002"], ["cuenta": "1003"]]))
        let second = try await fixture.imported(.accounts, ImportFixture.accounts([
            ["cuenta": "1001"], ["cuenta": "1002", "fecha_mora": ""], ["cuenta": "1003"], ["cuenta": "1004"],
        ]))
        #expect((second.rowsRead, second.inserted, second.updated, second.unchanged) == (4, 1, 1, 2))
        let batches = try fixture.cartero.superuser().execute("SELECT cuenta, import_batch_id FROM cartero.accounts ORDER BY cuenta").map {
            try $0.decode((String, Int64).self)
        }
        #expect(batches.map(\.1) == [first.batchID, second.batchID, first.batchID, second.batchID])
        #expect(try fixture.value("SELECT fecha_mora IS NULL FROM cartero.accounts WHERE cuenta = '1002'", as: Bool.self))
    }

    // MARK: - What the system set itself

    @Test func aCleanupMarkSetByCarteroSurvivesAReimport() async throws {
        let text = ImportFixture.accounts([["cuenta": "1001", "saneamiento": ""]])
        _ = try await fixture.imported(.accounts, text)
        try await fixture.cartero.asAdmin { db in
            _ = try db.execute("INSERT INTO cartero.account_cleanup_marks (cuenta, regional, mark, note) VALUES ('1001', 'NORTE', 'demolido', 'caso 7')")
        }
        let again = try await fixture.imported(.accounts, ImportFixture.accounts([["cuenta": "1001", "saneamiento": "", "saldo_mora": "1"]]))
        #expect(again.updated == 1)
        let mark = try fixture.cartero.superuser().queryRow("""
            SELECT m.mark, m.cleared_at IS NULL, a.saneamiento
            FROM cartero.account_cleanup_marks m JOIN cartero.accounts a USING (cuenta)
            """)!.texts()
        #expect(mark == ["demolido", "t", nil])
    }

    @Test func anAddressChangedInCarteroIsNotPutBackByTheOldExtract() async throws {
        let old = ImportFixture.accounts([["cuenta": "1001", "direccion": "CL 1 # 1-1", "barrio": "Viejo"]])
        _ = try await fixture.imported(.accounts, old)
        try await fixture.cartero.asAdmin { db in
            try db.execute("""
                INSERT INTO cartero.account_address_changes (cuenta, regional, old_direccion, old_barrio, new_direccion, new_barrio)
                VALUES ('1001', 'NORTE', 'CL 1 # 1-1', 'Viejo', 'KR 2 # 2-2', 'Nuevo')
                """)
            _ = try db.execute("UPDATE cartero.accounts SET direccion = 'KR 2 # 2-2', barrio = 'Nuevo' WHERE cuenta = '1001'")
        }
        let address = "SELECT direccion || ' / ' || barrio FROM cartero.accounts WHERE cuenta = '1001'"
        let again = try await fixture.imported(.accounts, old)
        #expect((again.updated, again.unchanged) == (0, 1))
        #expect(try fixture.value(Query(unsafeSQL: address), as: String.self) == "KR 2 # 2-2 / Nuevo")
        // Once the commercial system shows another address, the extract wins again.
        let newer = try await fixture.imported(.accounts, ImportFixture.accounts([["cuenta": "1001", "direccion": "TV 3 # 3-3", "barrio": "Otro"]]))
        #expect(newer.updated == 1)
        #expect(try fixture.value(Query(unsafeSQL: address), as: String.self) == "TV 3 # 3-3 / Otro")
    }

    @Test func anAccountThatMovesRegionalTakesItsPaymentsAndLettersAlong() async throws {
        _ = try await fixture.imported(.accounts, ImportFixture.accounts([["cuenta": "1001", "regional": "NORTE"]]))
        _ = try await fixture.imported(.payments, "cuenta,fecha,valor\n1001,2024-03-01,5\n")
        _ = try await fixture.imported(.letters, "cuenta,fecha_envio\n1001,2024-03-01\n")
        let moved = try await fixture.imported(.accounts, ImportFixture.accounts([["cuenta": "1001", "regional": "SUR"]]))
        #expect(moved.updated == 1)
        let regionals = try fixture.value("""
            SELECT (SELECT regional FROM cartero.payments) || (SELECT regional FROM cartero.letter_history)
            """, as: String.self)
        #expect(regionals == "SURSUR")
    }

    // MARK: - Who may import what

    @Test func aCoordinatorMayNotImportAccountsOfAnotherRegional() async throws {
        let coordinator = try await fixture.cartero.addMember("c.norte", role: .coordinador, regional: "NORTE")
        let text = ImportFixture.accounts([["cuenta": "1001"], ["cuenta": "1002", "regional": "SUR"], ["cuenta": "1003", "regional": "SUR"]])
        let result = try await fixture.rejected(.accounts, text, as: coordinator)
        #expect(result.lines == [
            "line 3: regional: you may not import accounts of regional SUR",
            "line 4: regional: you may not import accounts of regional SUR",
        ])
        #expect(try fixture.counts() == [0, 0, 0, 0])
        let own = try await fixture.imported(.accounts, ImportFixture.accounts([["cuenta": "1001"]]), as: coordinator)
        #expect(own.inserted == 1)
    }

    @Test func aCoordinatorSeesAndChangesNothingOfAnotherRegional() async throws {
        _ = try await fixture.imported(.accounts, ImportFixture.accounts([["cuenta": "5001", "regional": "SUR", "titular": "Sur SA"]]))
        let coordinator = try await fixture.cartero.addMember("c.norte", role: .coordinador, regional: "NORTE")
        let before = try fixture.counts()

        // Claiming SUR's account for NORTE: refused, the account untouched.
        await #expect(throws: CarteroError.forbidden(
            "the file holds accounts that belong to another regional, which you may not change; nothing was imported")) {
            try await fixture.run(.accounts, ImportFixture.accounts([["cuenta": "4001"], ["cuenta": "5001", "titular": "Mío"]]), as: coordinator)
        }
        // Payments and letters of SUR's account: he is told what he would be told of an
        // account that does not exist at all.
        for cuenta in ["5001", "9999"] {
            #expect(try await fixture.rejected(.payments, "cuenta,fecha,valor\n\(cuenta),2024-03-01,5\n", as: coordinator).lines == [
                "line 2: cuenta: account \(cuenta) is not an account of regional NORTE"
            ])
            #expect(try await fixture.rejected(.letters, "cuenta,fecha_envio\n\(cuenta),2024-03-01\n", as: coordinator).lines == [
                "line 2: cuenta: account \(cuenta) is not an account of regional NORTE"
            ])
        }
        #expect(try fixture.counts() == before)
        #expect(try fixture.value("SELECT regional || ' ' || titular FROM cartero.accounts WHERE cuenta = '5001'", as: String.self) == "SUR Sur SA")
    }

    /// An extract that moves an account releases the reservation a campaign of its old
    /// regional held on it, in the same import: otherwise every campaign of the new
    /// regional that selects it could never be approved.
    @Test func movingAnAccountReleasesItsOldRegionalsReservation() async throws {
        _ = try await fixture.imported(.accounts, ImportFixture.accounts([["cuenta": "7001", "regional": "SUR"]]))
        let cut = try NewCampaign.cutDate("2024-06-30")
        let sur = try await fixture.cartero.asAdmin { db in
            let id = try Campaigns.create(NewCampaign(regional: "SUR", name: "sur", cutDate: cut), on: db)
            #expect(try Campaigns.approve(id, on: db) == 1)
            return id
        }
        _ = try await fixture.imported(.accounts, ImportFixture.accounts([["cuenta": "7001", "regional": "NORTE"]]))
        #expect(try fixture.value("SELECT count(*) FROM cartero.account_reservations WHERE campaign_id = \(sur)", as: Int.self) == 0)
        let reserved = try await fixture.cartero.asAdmin { db in
            try Campaigns.approve(try Campaigns.create(NewCampaign(regional: "NORTE", name: "norte", cutDate: cut), on: db), on: db)
        }
        #expect(reserved == 1)
        #expect(try fixture.value("SELECT regional FROM cartero.account_reservations WHERE cuenta = '7001'", as: String.self) == "NORTE")
    }

    @Test func onlyAdministratorsAndCoordinatorsImport() async throws {
        let clerk = try await fixture.cartero.addMember("o.norte", role: .auxiliarOficina, regional: "NORTE")
        await #expect(throws: CarteroError.forbidden("only an administrator or a coordinator may import accounts")) {
            try await fixture.run(.accounts, ImportFixture.accounts([["cuenta": "1001"]]), as: clerk)
        }
        #expect(try fixture.counts() == [0, 0, 0, 0])
    }
}
