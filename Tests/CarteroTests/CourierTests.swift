import Cartero
import CarteroTesting
import Crypto
import Foundation
import PQ
import Testing

/// What the courier brings back (RULES.md section 3, FORMATS.md's resultados.csv): the
/// results file imported whole or refused with every bad line, the returns register
/// with its scans, the causes an administrator routes, and the cases they open, through
/// the domain and through the command line as CLI.md gives it. sql/tests/returns_test.sql
/// tests the same rules at the database, where they hold for any caller.
@Suite struct CourierTests {
    let fixture: ImportFixture
    var cartero: TestCartero { fixture.cartero }
    var cli: CarteroCLI { CarteroCLI(conninfo: cartero.conninfo) }

    init() async throws { fixture = try await ImportFixture("courier") }

    static let header = "consecutivo,guia,estado,fecha,causal,observacion\n"
    var today: CalendarDate { CalendarDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400)) }
    var year: String { String(today.description.prefix(4)) }

    /// NORTE's letters to C-1…C-4 (NORTE-YYYY-000001…4), dispatched today; a clerk of
    /// NORTE records what comes back. Returns the consecutivos by account.
    func dispatchedLetters() async throws -> [String: String] {
        let coordinator = try await cartero.coordinator()
        try await cartero.insert((1...4).map { FixtureAccount(cuenta: "C-\($0)", saldo: Decimal(900_000 - $0 * 1000)) })
        let id = try await cartero.createCampaign()
        let today = today
        _ = try await cartero.acting(coordinator) { db in
            try Campaigns.approve(id, on: db)
            try Letters.number(id, on: db)
            return try Letters.dispatch(id, on: today, on: db)
        }
        _ = try await cartero.addMember("oficina", role: .auxiliarOficina, regional: "NORTE")
        return Dictionary(uniqueKeysWithValues: (1...4).map { ("C-\($0)", "NORTE-\(year)-00000\($0)") })
    }

    func clerk() async throws -> ActingMember { try await cartero.member("oficina") }

    func cases() throws -> [String] {
        try cartero.superuser().execute("SELECT cuenta || ':' || destino || ':' || causal FROM cartero.cases ORDER BY cuenta, destino")
            .map { try $0.decode(0, as: String.self) }
    }

    @Test func aResultsFileIsRecordedOnceAndItsReturnsOpenTheirCases() async throws {
        let letter = try await dispatchedLetters()
        let file = Self.header + """
            \(letter["C-1"]!),G-1,ENTREGADA,\(today),,
            \(letter["C-2"]!),G-2,DEVUELTA,\(today),DIR_INEXISTENTE,"Nomenclatura ""vieja"", sin placa"
            \(letter["C-3"]!),G-3,DEVUELTA,\(today), DEMOLIDO ,
            \(letter["C-4"]!),G-4,DEVUELTA,\(today),REHUSADO,

            """
        let first = try await fixture.imported(.courierResults, file, as: try await clerk(), name: "resultados.csv")
        #expect(first.description == "resultados.csv: 4 rows read, 4 results recorded, 0 unchanged, 2 cases opened (batch \(first.batchID))")
        #expect(try cases() == ["C-2:terreno:DIR_INEXISTENTE", "C-3:facturacion:DEMOLIDO"])
        #expect(try fixture.value("SELECT observacion FROM cartero.courier_results WHERE guia = 'G-2'", as: String.self)
            == "Nomenclatura \"vieja\", sin placa")

        let again = try await fixture.imported(.courierResults, file, as: try await clerk(), name: "resultados.csv")
        #expect(again.description == "resultados.csv: 4 rows read, 0 results recorded, 4 unchanged, 0 cases opened (batch \(again.batchID))")
        #expect(try cases().count == 2)
    }

    @Test func aBadFileIsRefusedWholeWithEveryBadLine() async throws {
        let letter = try await dispatchedLetters()
        _ = try await fixture.imported(.courierResults, Self.header + "\(letter["C-1"]!),G-1,ENTREGADA,\(today),,\n", as: try await clerk())
        let yesterday = CalendarDate(daysSinceEpoch: today.daysSinceEpoch - 1)
        let tomorrow = CalendarDate(daysSinceEpoch: today.daysSinceEpoch + 1)
        let (lines, total) = try await fixture.rejected(.courierResults, Self.header + """
            \(letter["C-2"]!),G-2,ENTREGADA,\(today),,
            \(letter["C-1"]!),G-1,DEVUELTA,\(today),LOTE,
            NORTE-\(year)-000099,G-9,ENTREGADA,\(today),,
            \(letter["C-3"]!),G-3,DEVUELTA,\(today),,
            \(letter["C-4"]!),G-4,ENTREGADA,\(yesterday),LOTE,
            \(letter["C-4"]!),,PERDIDA,\(tomorrow),MUDADO,
            \(letter["C-2"]!),G-2,DEVUELTA,\(today),LOTE,
            \(letter["C-3"]!),G-3,DEVUELTA,2026-02-30,DEMOLIDO,

            """, as: try await clerk())
        #expect(lines == [
            "line 3: estado: DEVUELTA LOTE contradicts the result stored for letter \(letter["C-1"]!): ENTREGADA on \(today)",
            "line 4: consecutivo: no letter of regional NORTE has the consecutivo 'NORTE-\(year)-000099'",
            "line 5: causal: must not be blank on a DEVUELTA: it says why the letter came back",
            "line 6: fecha: '\(yesterday)' is before the letter's dispatch on \(today)",
            "line 6: causal: must be blank on an ENTREGADA (it is 'LOTE')",
            "line 7: guia: must not be blank",
            "line 7: estado: 'PERDIDA' must be ENTREGADA or DEVUELTA",
            "line 7: fecha: '\(tomorrow)' is after today",
            "line 7: causal: 'MUDADO' is not a return cause (CERRADO, DEMOLIDO, DESCONOCIDO, DIR_DEFICIENTE, DIR_INEXISTENTE, FALLECIDO, LOTE, NO_RESIDE, OTRO, REHUSADO)",
            "line 8: estado: DEVUELTA LOTE contradicts line 2, which gives letter \(letter["C-2"]!) ENTREGADA",
            "line 9: estado: DEVUELTA DEMOLIDO contradicts line 5, which gives letter \(letter["C-3"]!) DEVUELTA",
            "line 9: fecha: '2026-02-30' is not a date (YYYY-MM-DD, a day of the calendar)",
        ])
        #expect(total == 12)
        #expect(try fixture.value("SELECT count(*) FROM cartero.courier_results", as: Int.self) == 1)
        #expect(try cases().isEmpty)
    }

    @Test func aLineOfBackslashDotDoesNotEndTheFileEarly() async throws {
        let letter = try await dispatchedLetters()
        let (lines, _) = try await fixture.rejected(.courierResults, Self.header + """
            \(letter["C-1"]!),G-1,ENTREGADA,\(today),,
            \\.
            \(letter["C-2"]!),G-2,DEVUELTA,\(today),LOTE,

            """, as: try await clerk())
        #expect(lines.count == 1 && lines[0].hasPrefix("line 3: "), "\(lines)")
        #expect(try fixture.value("SELECT count(*) FROM cartero.courier_results", as: Int.self) == 0)
    }

    @Test func onlyTheOfficeCoordinatorOrAdminImportsResultsAndEachOnlyHisRegionals() async throws {
        let letter = try await dispatchedLetters()
        let file = Self.header + "\(letter["C-1"]!),G-1,ENTREGADA,\(today),,\n"
        let agent = try await cartero.addMember("terreno", role: .auxiliarTerreno, regional: "NORTE")
        await #expect(throws: CarteroError.forbidden("only an auxiliar de oficina, a coordinator or an administrator may import the courier's results")) {
            _ = try await fixture.run(.courierResults, file, as: agent)
        }
        let sur = try await cartero.addMember("oficina.sur", role: .auxiliarOficina, regional: "SUR")
        let (lines, _) = try await fixture.rejected(.courierResults, file, as: sur)
        #expect(lines == ["line 2: consecutivo: no letter of regional SUR has the consecutivo '\(letter["C-1"]!)'"])
        // The coordinator imports results too; an auxiliar de oficina may not import an extract.
        _ = try await fixture.imported(.courierResults, file, as: try await cartero.coordinator())
        await #expect(throws: CarteroError.forbidden("only an administrator or a coordinator may import payments")) {
            _ = try await fixture.run(.payments, "cuenta,fecha,valor\nC-1,2026-01-01,100\n", as: try await clerk())
        }
    }

    // MARK: - the command line

    @Test func theCommandLineImportsResultsRegistersReturnsAndListsCases() async throws {
        let letter = try await dispatchedLetters()
        let results = try fixture.write(Self.header + "\(letter["C-1"]!),G-1,DEVUELTA,\(today),DIR_DEFICIENTE,\n", as: "resultados.csv")
        let imported = try cli.run(["courier", "import", results.path], as: "oficina")
        #expect(imported.status == 0, "\(imported.err)")
        #expect(imported.out.hasPrefix("resultados.csv: 1 rows read, 1 results recorded, 0 unchanged, 1 cases opened (batch "))

        // By hand, with the returned letter's scan and the courier's support.
        let pdf = try fixture.write(Data("%PDF-1.4\n% devuelta\n".utf8), as: "devuelta.pdf")
        let png = try fixture.write(Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]), as: "soporte.png")
        let registered = try cli.run(
            ["returns", "register", letter["C-2"]!, "--causal", "lote", "--observacion", "Lote sin construir",
             "--scan", pdf.path, "--scan", png.path], as: "oficina")
        #expect(registered.status == 0, "\(registered.err)")
        #expect(registered.out.hasPrefix("\(letter["C-2"]!): return registered (registration "))
        #expect(registered.out.contains("; case opened: facturacion\n"))
        #expect(registered.out.contains("  soporte.png: stored (image/png, 11 bytes, sha256 \(SHA256.hash(data: try Data(contentsOf: png)).hex))\n"))

        let out = fixture.directory.appendingPathComponent("escaneos")
        let taken = try cli.run(["returns", "scan", letter["C-2"]!, "--out", out.path], as: "coord.norte")
        #expect(taken.status == 0, "\(taken.err)")
        #expect(try Data(contentsOf: out.appendingPathComponent("devuelta.pdf")) == Data(contentsOf: pdf))
        #expect(try Data(contentsOf: out.appendingPathComponent("soporte.png")) == Data(contentsOf: png))

        let listed = try cli.run(["cases", "list", "--csv"], as: "coord.norte")
        #expect(listed.out == """
            caso,consecutivo,cuenta,causal,destino,asignado_a,estado,direccion,barrio,ruta
            1,\(letter["C-1"]!),C-1,DIR_DEFICIENTE,terreno,,abierto,Calle 10 # 20-30,,
            2,\(letter["C-2"]!),C-2,LOTE,facturacion,,abierto,Calle 10 # 20-30,,

            """)
        #expect(try cli.run(["cases", "list", "--csv"], as: "oficina.sur2").status == 1)
        _ = try await cartero.addMember("coord.sur", role: .coordinador, regional: "SUR")
        #expect(try cli.run(["cases", "list", "--csv", "--status", "abierto"], as: "coord.sur").out
            == "caso,consecutivo,cuenta,causal,destino,asignado_a,estado,direccion,barrio,ruta\n")
        #expect(try cli.run(["import", "courier_results", results.path]).status == 2)
    }

    @Test func aScanOfAnotherTypeOrTooLargeIsRefusedAndNothingIsStored() async throws {
        let letter = try await dispatchedLetters()
        let gif = try fixture.write(Data("GIF89a......".utf8), as: "foto.gif")
        let big = try fixture.write(Data("%PDF-".utf8) + Data(count: ReturnsRegister.maximumScanBytes), as: "grande.pdf")
        let exact = try fixture.write(Data("%PDF-".utf8) + Data(count: ReturnsRegister.maximumScanBytes - 5), as: "justo.pdf")
        let empty = try fixture.write(Data(), as: "vacio.pdf")
        let pdf = try fixture.write(Data("%PDF-1.7".utf8), as: "ok.pdf")
        try cli.run(["returns", "register", letter["C-1"]!, "--causal", "LOTE", "--scan", pdf.path, "--scan", gif.path], as: "oficina")
            .expectFailure("the scan foto.gif is not a PDF, JPEG, PNG or TIFF file; save it as one of those. Nothing was stored")
        try cli.run(["returns", "register", letter["C-1"]!, "--causal", "LOTE", "--scan", big.path], as: "oficina")
            .expectFailure("the scan grande.pdf is 10.0 MB; a scan may be at most 10 MB: scan it again at a lower resolution. Nothing was stored")
        try cli.run(["returns", "register", letter["C-1"]!, "--causal", "LOTE", "--scan", empty.path], as: "oficina")
            .expectFailure("the scan vacio.pdf is empty; nothing was stored")
        #expect(try fixture.value("SELECT count(*) FROM cartero.return_registrations", as: Int.self) == 0)
        let accepted = try cli.run(["returns", "register", letter["C-1"]!, "--causal", "LOTE", "--scan", exact.path], as: "oficina")
        #expect(accepted.status == 0, "\(accepted.err)")
        #expect(try fixture.value("SELECT byte_size FROM cartero.return_scans", as: Int.self) == ReturnsRegister.maximumScanBytes)
    }

    @Test func anAdministratorRoutesTheCausesAndNoOneElse() async throws {
        let letter = try await dispatchedLetters()
        try cli.run(["causal", "set", "REHUSADO", "--route", "terreno"], as: "coord.norte")
            .expectFailure("only an administrator may change the return causes")
        let set = try cli.run(["causal", "set", "rehusado", "--route", "terreno"])
        #expect(set.out == "return cause REHUSADO now routes to terreno\n", "\(set.err)")
        let added = try cli.run(["causal", "add", "MUDADO", "--description", "El usuario se mudó", "--route", "facturacion"])
        #expect(added.out == "added return cause MUDADO (El usuario se mudó), routed to facturacion\n", "\(added.err)")
        try cli.run(["causal", "add", "MUDADO", "--description", "Otra vez", "--route", "ninguna"])
            .expectFailure("return cause MUDADO exists already; change its route with `cartero causal set`")
        try cli.run(["causal", "add", "mal código", "--description", "x", "--route", "ninguna"])
            .expectFailure("cause code 'mal código' must be 1 to 30 capital letters, digits or _, starting with a letter")
        try cli.run(["causal", "set", "REHUSADO", "--route", "ninguno"]).expectUsageError(mentioning: "ninguno")

        _ = try await cartero.acting(try await clerk()) { db in
            try ReturnsRegister.register(letter["C-1"]!, causal: "REHUSADO", on: db)
            return try ReturnsRegister.register(letter["C-2"]!, causal: "MUDADO", on: db)
        }
        #expect(try cases() == ["C-1:terreno:REHUSADO", "C-2:facturacion:MUDADO"])
        let listed = try cli.run(["causal", "list", "--csv"], as: "oficina").out
        #expect(listed.hasPrefix("codigo,descripcion,ruta\nCERRADO,Predio cerrado,ninguna\n"))
        #expect(listed.contains("MUDADO,El usuario se mudó,facturacion\n"))
    }

    @Test func casesAreAssignedAsTheyOpenAndEachAgentListsOnlyHisOwn() async throws {
        let letter = try await dispatchedLetters()
        // No field agent yet: the first return's case waits, open.
        _ = try await cartero.acting(try await clerk()) { db in try ReturnsRegister.register(letter["C-1"]!, causal: "DIR_INEXISTENTE", on: db) }
        #expect(try cli.run(["cases", "list", "--csv", "--status", "abierto"], as: "oficina").out.split(separator: "\n").count == 2)
        _ = try await cartero.addMember("ana", role: .auxiliarTerreno, regional: "NORTE")
        _ = try await cartero.addMember("beto", role: .auxiliarTerreno, regional: "NORTE")
        try cli.run(["cases", "assign", "--regional", "NORTE"], as: "ana").expectFailure(
            "only a coordinator or an administrator may assign the cases of regional NORTE")
        #expect(try cli.run(["cases", "assign", "--regional", "NORTE"], as: "coord.norte").out == "1 case of NORTE assigned\n")
        // The next ones are assigned as they open, to the least loaded.
        _ = try await cartero.acting(try await clerk()) { db in
            try ReturnsRegister.register(letter["C-2"]!, causal: "DIR_DEFICIENTE", on: db)
            return try ReturnsRegister.register(letter["C-3"]!, causal: "DIR_INEXISTENTE", on: db)
        }
        let all = try cli.run(["cases", "list", "--csv"], as: "coord.norte").out
        #expect(all.contains(",C-1,DIR_INEXISTENTE,terreno,ana,asignado,"), "\(all)")
        #expect(all.contains(",C-2,DIR_DEFICIENTE,terreno,beto,asignado,"), "\(all)")
        #expect(all.contains(",C-3,DIR_INEXISTENTE,terreno,ana,asignado,"), "\(all)")
        let anas = try cli.run(["cases", "list", "--csv"], as: "ana").out
        #expect(anas.split(separator: "\n").count == 3 && !anas.contains("beto"), "\(anas)")
        #expect(try cli.run(["cases", "list", "--csv", "--assignee", "beto"], as: "coord.norte").out.split(separator: "\n").count == 2)

        let moved = try cli.run(["cases", "reassign", "--from", "ana", "--to", "beto"], as: "coord.norte")
        #expect(moved.out == "2 cases moved from ana to beto\n", "\(moved.err)")
        #expect(try cli.run(["cases", "list", "--csv"], as: "ana").out.split(separator: "\n").count == 1)
        let one = try cli.run(["cases", "reassign", "1", "--to", "ana"], as: "coord.norte")
        #expect(one.out == "case 1 assigned to ana\n", "\(one.err)")
        try cli.run(["cases", "reassign", "1", "--to", "oficina"], as: "coord.norte")
            .expectFailure("oficina is not an active auxiliar_terreno of regional NORTE")
        try cli.run(["cases", "reassign", "1", "--from", "ana", "--to", "beto"], as: "coord.norte")
            .expectUsageError(mentioning: "not both")
    }

    @Test func aFieldVisitThatFindsTheRightAddressReachesTheAccountThroughBilling() async throws {
        let letter = try await dispatchedLetters()
        _ = try await cartero.addMember("ana", role: .auxiliarTerreno, regional: "NORTE")
        _ = try await cartero.addMember("fabio", role: .facturacion, regional: "NORTE")
        _ = try await cartero.acting(try await clerk()) { db in try ReturnsRegister.register(letter["C-1"]!, causal: "DIR_DEFICIENTE", on: db) }
        let photo = try fixture.write(Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), as: "fachada.jpg")
        try cli.run(["cases", "resolve", "1", "--outcome", "direccion_errada"], as: "fabio")
            .expectFailure("case 1 does not exist or is not yours to see")
        try cli.run(["cases", "resolve", "1", "--outcome", "depurada"], as: "ana")
            .expectFailure("a terreno case is resolved as direccion_correcta, direccion_errada, predio_demolido or lote, not depurada")
        let visited = try cli.run(
            ["cases", "resolve", "1", "--outcome", "direccion_errada", "--address", "Calle 10 # 20-32", "--note", "Placa mal pintada",
             "--photo", photo.path], as: "ana")
        #expect(visited.out.hasPrefix("case 1 resolved: direccion_errada; facturación case 2 opened\n  fachada.jpg: stored (image/jpeg, sha256 "),
                "\(visited.err)")
        // The billing member takes it (assigned as it opened) and replaces the address with the one found.
        let billed = try cli.run(["cases", "resolve", "2", "--outcome", "direccion_actualizada"], as: "fabio")
        #expect(billed.out == "case 2 resolved: direccion_actualizada\n", "\(billed.err)")
        #expect(try fixture.value("SELECT direccion FROM cartero.accounts WHERE cuenta = 'C-1'", as: String.self) == "Calle 10 # 20-32")
        #expect(try fixture.value("SELECT old_direccion FROM cartero.account_address_changes WHERE cuenta = 'C-1'", as: String.self)
            == "Calle 10 # 20-30")
        try cli.run(["cases", "resolve", "2", "--outcome", "sin_cambio"], as: "fabio")
            .expectFailure("case 2 is resolved already (direccion_actualizada)")
        // An extract that still carries the old address does not undo it.
        _ = try await fixture.imported(.accounts, ImportFixture.accounts([
            ["cuenta": "C-1", "direccion": "Calle 10 # 20-30", "barrio": "", "fecha_mora": "2025-06-01", "saldo_mora": "899000"]
        ]))
        #expect(try fixture.value("SELECT direccion FROM cartero.accounts WHERE cuenta = 'C-1'", as: String.self) == "Calle 10 # 20-32")
        #expect(try cli.run(["cases", "list", "--csv", "--status", "resuelto"], as: "coord.norte").out.split(separator: "\n").count == 3)

        // The chain, as the history tells it (the time column left out).
        let history = try cli.run(["history", "--account", "C-1", "--csv"], as: "coord.norte").out
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).dropFirst().joined(separator: ",") }
        #expect(history.first == "quien,que,cual,cambio,antes,despues")
        #expect(history.contains("ana,case,1,outcome,,direccion_errada Calle 10 # 20-32"), "\(history)")
        #expect(history.contains("fabio,account,C-1,direccion,Calle 10 # 20-30,Calle 10 # 20-32"), "\(history)")
        let ofCase = try cli.run(["history", "--case", "2"], as: "fabio")
        #expect(ofCase.status == 0 && ofCase.out.contains("direccion_actualizada"), "\(ofCase.err)")
        try cli.run(["history"], as: "fabio").expectUsageError(mentioning: "--account or --case")

        // Back to the commercial system: the new address once, then nothing more.
        let file = fixture.directory.appendingPathComponent("cambios.csv")
        let first = try cli.run(["export", "changes", "--since", "last", "--out", file.path], as: "fabio")
        #expect(first.out.hasPrefix("1 change written to \(file.path) (export "), "\(first.err)")
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "cuenta,regional,cambio,antes,despues,caso,quien,cuando")
        #expect(lines.count == 2 && lines[1].hasPrefix("C-1,NORTE,direccion,Calle 10 # 20-30,Calle 10 # 20-32,2,fabio,"), "\(lines)")
        #expect(try cli.run(["export", "changes", "--since", "last", "--out", file.path], as: "coord.norte").out
            .hasPrefix("0 changes written"))
        try cli.run(["export", "changes", "--since", "last", "--out", file.path], as: "ana")
            .expectFailure("only a coordinator or a facturación member of regional NORTE, or an administrator, may export its changes")
        try cli.run(["export", "changes", "--since", "ayer", "--out", file.path], as: "fabio").expectUsageError(mentioning: "ayer")
    }

    @Test func aFieldAgentPrintsHisCasesByRouteWithBoxesForTheOutcome() async throws {
        let letter = try await dispatchedLetters()
        _ = try await cartero.addMember("ana", role: .auxiliarTerreno, regional: "NORTE")
        _ = try await cartero.acting(try await clerk()) { db in
            try ReturnsRegister.register(letter["C-2"]!, causal: "DIR_INEXISTENTE", observacion: "No existe la nomenclatura", on: db)
            return try ReturnsRegister.register(letter["C-4"]!, causal: "DIR_DEFICIENTE", on: db)
        }
        let pdf = fixture.directory.appendingPathComponent("planilla.pdf")
        let printed = try cli.run(["cases", "sheet", "--assignee", "ana", "--out", pdf.path], as: "ana")
        #expect(printed.out == "2 cases of ana in \(pdf.path) (1 page)\n", "\(printed.err)")
        let text = try toolOutput("pdftotext", ["-layout", pdf.path, "-"])
        for expected in ["Planilla de casos — ana", "Caso 1 · Cuenta C-2", "Caso 2 · Cuenta C-4", "«No existe la nomenclatura»",
                         "Dirección correcta", "Predio demolido", "Dirección corregida:"] {
            #expect(text.contains(expected), "\(expected) in \(text)")
        }
        try cli.run(["cases", "sheet", "--assignee", "nadie", "--out", pdf.path], as: "coord.norte")
            .expectFailure("no active member you may see has the login nadie")
    }

    @Test func aRouteDeliveredByHandIsRecordedByItsAgentAndAReturnOpensItsCase() async throws {
        try await cartero.insert([FixtureAccount(cuenta: "M-1", saldo: 800_000), FixtureAccount(cuenta: "M-2", saldo: 700_000)])
        try cartero.superuser().execute("UPDATE cartero.accounts SET ruta = 'R-7' WHERE cuenta = 'M-1'")
        let id = try await cartero.createCampaign()
        let coordinator = try await cartero.coordinator()
        _ = try await cartero.acting(coordinator) { db in try Campaigns.approve(id, on: db); return try Letters.number(id, on: db) }
        _ = try await cartero.addMember("ana", role: .auxiliarTerreno, regional: "NORTE")
        let dispatched = try cli.run(["campaign", "dispatch", String(id), "--date", today.description, "--by-hand-route", "R-7"],
                                     as: "coord.norte")
        #expect(dispatched.out == "campaign \(id) dispatched: 1 letters handed to the courier on \(today), 1 to field agents by hand\n",
                "\(dispatched.err)")
        let carried = try cli.run(["letters", "carried", "--csv"], as: "ana").out
        #expect(carried == "consecutivo,cuenta,titular,direccion,barrio,ruta,estado\nNORTE-\(year)-000001,M-1,Titular M-1,Calle 10 # 20-30,,R-7,\n")
        let returned = try cli.run(["letters", "deliver", "NORTE-\(year)-000001", "--estado", "devuelta", "--causal", "dir_inexistente"], as: "ana")
        #expect(returned.out == "NORTE-\(year)-000001: DEVUELTA recorded; 1 case opened\n", "\(returned.err)")
        #expect(try cli.run(["cases", "list", "--csv"], as: "ana").out.contains(",M-1,DIR_INEXISTENTE,terreno,ana,asignado,"))
        #expect(try cli.run(["letters", "carried", "--csv"], as: "ana").out == "consecutivo,cuenta,titular,direccion,barrio,ruta,estado\n")
        try cli.run(["letters", "deliver", "NORTE-\(year)-000002", "--estado", "ENTREGADA"], as: "coord.norte")
            .expectFailure("letter NORTE-\(year)-000002 went by courier: its result comes in the courier's file")
    }

    @Test func anOpenCaseKeepsItsAccountOutOfTheNextCampaign() async throws {
        let letter = try await dispatchedLetters()
        _ = try await cartero.acting(try await clerk()) { db in
            try ReturnsRegister.register(letter["C-3"]!, causal: "DIR_INEXISTENTE", on: db)
        }
        let next = try await cartero.createCampaign(cutDate: today.description, ParameterOverrides(letterWindowMonths: 0))
        let reasons = try await cartero.evaluation(next).reasons
        #expect(reasons["C-3"] == ["caso_abierto"])
        #expect(reasons["C-1"] == nil)
    }
}
