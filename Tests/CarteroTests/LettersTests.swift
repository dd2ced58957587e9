import Cartero
import CarteroTesting
import Foundation
import PQ
import Testing

/// A campaign's letters: numbered once and without gaps, listed in the manifest,
/// dispatched on a date (RULES.md section 2, FORMATS.md's manifiesto.csv).
@Suite struct LettersTests {
    let cartero: TestCartero

    init() throws { cartero = try TestCartero("letters") }

    var year: String { String(Calendar(identifier: .gregorian).component(.year, from: Date())) }

    /// Three accounts that pass every rule, ranked L-1 (highest balance), L-2, L-3.
    func approvedCampaign() async throws -> (Campaign.ID, ActingMember) {
        let coordinator = try await cartero.coordinator()
        try await cartero.insert([
            FixtureAccount(cuenta: "L-2", saldo: 600_000, direccion: "Calle 5, apto \"B\""),
            FixtureAccount(cuenta: "L-1", saldo: 900_000.50),
            FixtureAccount(cuenta: "L-3", saldo: 300_000),
        ])
        let id = try await cartero.createCampaign()
        _ = try await cartero.acting(coordinator) { try Campaigns.approve(id, on: $0) }
        return (id, coordinator)
    }

    @Test func lettersAreNumberedInRankOrderOnceAndListedInTheManifest() async throws {
        let (id, coordinator) = try await approvedCampaign()
        #expect(try await cartero.acting(coordinator) { try Letters.number(id, on: $0) } == 3)
        // Again (a run that stopped while printing): the same letters, nothing renumbered.
        #expect(try await cartero.acting(coordinator) { try Letters.number(id, on: $0) } == 3)
        let manifest = try await cartero.acting(coordinator) { db in
            var bytes: [UInt8] = []
            _ = try Letters.manifest(id, on: db) { bytes.append(contentsOf: $0) }
            return String(decoding: bytes, as: UTF8.self)
        }
        #expect(manifest == """
            consecutivo,cuenta,titular,direccion,barrio,municipio,ruta,saldo_mora,dias_mora,paginas
            NORTE-\(year)-000001,L-1,Titular L-1,Calle 10 # 20-30,,Municipio,,900000.50,303,1
            NORTE-\(year)-000002,L-2,Titular L-2,"Calle 5, apto ""B\""",,Municipio,,600000.00,303,1
            NORTE-\(year)-000003,L-3,Titular L-3,Calle 10 # 20-30,,Municipio,,300000.00,303,1

            """)
        #expect(try await cartero.acting(coordinator) { try Campaigns.find(id, on: $0).status } == .generada)
    }

    @Test func aDispatchDateIsFromGenerationToTodayAndReleasesTheReservations() async throws {
        let (id, coordinator) = try await approvedCampaign()
        _ = try await cartero.acting(coordinator) { try Letters.number(id, on: $0) }
        let today = CalendarDate(daysSinceEpoch: Int(Date().timeIntervalSince1970 / 86_400))
        let tomorrow = CalendarDate(daysSinceEpoch: today.daysSinceEpoch + 1)
        await #expect(throws: CarteroError.invalid("the dispatch date \(tomorrow) must be from the day the letters were generated (\(today)) to today")) {
            try await cartero.acting(coordinator) { try Letters.dispatch(id, on: tomorrow, on: $0) }
        }
        #expect(try await cartero.acting(coordinator) { try Letters.dispatch(id, on: today, on: $0) } == 3)
        #expect(try cartero.reservations(of: id) == 0)
        await #expect(throws: CarteroError.conflict("campaign \(id) is despachada; only a campaign whose letters are generated can be dispatched")) {
            try await cartero.acting(coordinator) { try Letters.dispatch(id, on: today, on: $0) }
        }
        // The next campaign sees the dispatched letters, no longer the reservations.
        let next = try await cartero.createCampaign(cutDate: today.description)
        #expect(try await cartero.evaluation(next).reasons["L-1"] == ["carta_reciente"])
    }

    @Test func onlyTheRegionalsCoordinatorOrAnAdminGeneratesLetters() async throws {
        let (id, _) = try await approvedCampaign()
        let clerk = try await cartero.addMember("oficina.norte", role: .auxiliarOficina, regional: "NORTE")
        await #expect(throws: CarteroError.forbidden("only a coordinator or an administrator may generate the letters of campaigns of regional NORTE")) {
            try await cartero.acting(clerk) { try Letters.number(id, on: $0) }
        }
        let sur = try await cartero.coordinator("SUR")
        await #expect(throws: CarteroError.notFound("campaign \(id) does not exist")) {
            try await cartero.acting(sur) { try Letters.number(id, on: $0) }
        }
        #expect(try cartero.superuser().queryValue("SELECT count(*) FROM cartero.letters", as: Int.self) == 0)
    }

    @Test func aRegionalsLetterSettingsStartAtTheirDefaultsAndOnlyAnAdminChangesThem() async throws {
        let coordinator = try await cartero.coordinator()
        let defaults = try await cartero.acting(coordinator) { try LetterSettings.find(regional: "NORTE", on: $0) }
        #expect(defaults.values.map(\.key) == LetterSettings.keys.map(\.name))
        #expect(defaults["cargo_firmante"] == "Coordinador(a) de Cartera")
        #expect(defaults["gln"] == "")
        #expect(defaults["dias_cupon"] == "15")

        let changed = try await cartero.asAdmin { db in
            try LetterSettings.update(regional: "NORTE", [("firmante", " Ana María Gómez "), ("gln", "7701234000011"), ("dias_cupon", "20")], on: db)
        }
        #expect(changed["firmante"] == "Ana María Gómez")
        #expect(changed["gln"] == "7701234000011")
        #expect(changed["dias_cupon"] == "20")
        #expect(try await cartero.asAdmin { try LetterSettings.update(regional: "NORTE", [("gln", "")], on: $0)["gln"] } == "")

        await #expect(throws: CarteroError.forbidden("only an administrator may change what the letters say")) {
            try await cartero.acting(coordinator) { try LetterSettings.update(regional: "NORTE", [("firmante", "Otro")], on: $0) }
        }
        let refusals: [((String, String), String)] = [
            (("color", "azul"), "'color' is not a letter setting; the settings are \(LetterSettings.keys.map(\.name).joined(separator: ", "))"),
            (("gln", "7701234000012"), "gln '7701234000012' is not a GS1 location number: 13 digits whose last is the check digit"),
            (("dias_cupon", "91"), "dias_cupon must be a whole number of days from 1 to 90, not '91'"),
            (("dias_cupon", "0"), "dias_cupon must be a whole number of days from 1 to 90, not '0'"),
            (("empresa", "  "), "empresa cannot be empty"),
            (("nit", String(repeating: "9", count: 21)), "nit takes at most 20 characters, not 21"),
        ]
        for (change, sentence) in refusals {
            await #expect(throws: CarteroError.invalid(sentence)) {
                try await cartero.asAdmin { try LetterSettings.update(regional: "NORTE", [change], on: $0) }
            }
        }
        #expect(try await cartero.acting(coordinator) { try LetterSettings.find(regional: "NORTE", on: $0)["firmante"] } == "Ana María Gómez")
        // Another regional's settings are not his to see.
        _ = try await cartero.coordinator("SUR")
        await #expect(throws: CarteroError.notFound("the letters of regional SUR are not yours to see")) {
            try await cartero.acting(coordinator) { try LetterSettings.find(regional: "SUR", on: $0) }
        }
    }

    /// Runs a tool of poppler-utils or zbar-tools (scripts/test installs them); its output.
    @Test func thePDFHoldsEveryLetterWithItsCouponAndABarcodeABankCanRead() async throws {
        let (id, coordinator) = try await approvedCampaign()
        try cartero.superuser().execute("UPDATE cartero.accounts SET titular = 'José Ñúñez Pérez' WHERE cuenta = 'L-1'")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestDatabase.uniqueName("cartas"))
        defer { try? FileManager.default.removeItem(at: directory) }

        // Without the regional's GS1 location number there is no coupon: nothing is numbered.
        await #expect(throws: CarteroError.invalid(
            "regional NORTE has no GS1 location number for the payment coupon's barcode: an administrator sets the letter setting gln")) {
            try await cartero.acting(coordinator) { try Letters.generate(id, into: directory, on: $0) }
        }
        #expect(try cartero.superuser().queryValue("SELECT count(*) FROM cartero.letters", as: Int.self) == 0)

        _ = try await cartero.asAdmin { try LetterSettings.update(regional: "NORTE", [("gln", "7701234000011"), ("dias_cupon", "10")], on: $0) }
        let generated = try await cartero.acting(coordinator) { try Letters.generate(id, into: directory, on: $0) }
        #expect((generated.letters, generated.pages) == (3, 3))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["cartas.pdf", "manifiesto.csv"])
        #expect(try toolOutput("pdfinfo", [generated.pdf.path]).contains("Pages:           3"))

        let first = try toolOutput("pdftotext", ["-f", "1", "-l", "1", "-layout", generated.pdf.path, "-"])
        for text in ["NORTE-\(year)-000001", "José Ñúñez Pérez", "$ 900.001", "303 días", "cuenta L-1", "Páguese hasta"] {
            #expect(first.contains(text), "page 1 lacks \(text)")
        }
        let last = try toolOutput("pdftotext", ["-f", "3", "-l", "3", generated.pdf.path, "-"])
        #expect(last.contains("NORTE-\(year)-000003") && last.contains("$ 300.000"))

        // The barcode, drawn and read back as a bank's reader would.
        let image = directory.appendingPathComponent("page")
        _ = try toolOutput("pdftoppm", ["-f", "1", "-l", "1", "-r", "300", "-png", "-singlefile", generated.pdf.path, image.path])
        let today = try cartero.superuser().queryValue("SELECT to_char(current_date + 10, 'YYYYMMDD')", as: String.self)
        let read = try toolOutput("zbarimg", ["-q", image.path + ".png"])
        // zbar gives each FNC1 after the first as GS (0x1D): the ends of 8020 and 3900.
        let data: String = "4157701234000011" + "8020L-1" + "\u{1D}" + "3900900001" + "\u{1D}" + "96" + today
        #expect(read.trimmingCharacters(in: .whitespacesAndNewlines) == "CODE-128:" + data)
        try FileManager.default.removeItem(at: image.appendingPathExtension("png"))

        // Again: the same letters, numbered as before.
        let manifest = try String(contentsOf: generated.manifest, encoding: .utf8)
        let again = try await cartero.acting(coordinator) { try Letters.generate(id, into: directory, on: $0) }
        #expect(again.letters == 3)
        #expect(try String(contentsOf: again.manifest, encoding: .utf8) == manifest)
        #expect(try cartero.superuser().queryValue("SELECT ultimo FROM cartero.letter_counters", as: Int.self) == 3)
    }

    /// The consecutivos a PDF's pages show, in order.
    func consecutivos(_ pdf: URL) throws -> [String] {
        try toolOutput("pdftotext", [pdf.path, "-"]).split(separator: "\n")
            .filter { $0.hasPrefix("Consecutivo NORTE-") }.map { String($0.dropFirst("Consecutivo ".count)) }
    }

    @Test func theVolumesSplitTheLettersInManifestOrderAndARunLeavesNoneOfAnotherSize() async throws {
        let (id, coordinator) = try await approvedCampaign()
        _ = try await cartero.asAdmin { try LetterSettings.update(regional: "NORTE", [("gln", "7701234000011")], on: $0) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestDatabase.uniqueName("volumes"))
        defer { try? FileManager.default.removeItem(at: directory) }
        for size in [0, -3] {
            await #expect(throws: CarteroError.invalid("the volume size must be 1 letter or more, not \(size)")) {
                try await cartero.acting(coordinator) { try Letters.generate(id, into: directory, volumeSize: size, on: $0) }
            }
        }
        #expect(try cartero.superuser().queryValue("SELECT count(*) FROM cartero.letters", as: Int.self) == 0)

        let generated = try await cartero.acting(coordinator) { try Letters.generate(id, into: directory, volumeSize: 2, on: $0) }
        #expect(generated.volumes.map(\.lastPathComponent) == ["cartas-001.pdf", "cartas-002.pdf"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            == ["cartas-001.pdf", "cartas-002.pdf", "cartas.pdf", "manifiesto.csv"])
        let all = try consecutivos(generated.pdf)
        #expect(all == (1...3).map { "NORTE-\(year)-00000\($0)" })
        #expect(try generated.volumes.map(consecutivos) == [Array(all[0..<2]), [all[2]]])
        let pages = try ([generated.pdf] + generated.volumes).map { pdf in
            try toolOutput("pdfinfo", [pdf.path]).split(separator: "\n").first { $0.hasPrefix("Pages:") }?.split(separator: " ").last
        }
        #expect(pages == ["3", "2", "1"])
        #expect(try toolOutput("pdftotext", [generated.volumes[1].path, "-"]).contains("$ 300.000"))

        // Again with volumes larger than the campaign: one volume, and no second one left over.
        let again = try await cartero.acting(coordinator) { try Letters.generate(id, into: directory, volumeSize: 50, on: $0) }
        #expect(again.volumes.map(\.lastPathComponent) == ["cartas-001.pdf"])
        #expect(try consecutivos(again.volumes[0]) == all)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
            == ["cartas-001.pdf", "cartas.pdf", "manifiesto.csv"])
        // And without volumes: none at all.
        _ = try await cartero.acting(coordinator) { try Letters.generate(id, into: directory, on: $0) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["cartas.pdf", "manifiesto.csv"])
    }

    @Test func generateSaysWhichVolumesItWroteAndRefusesASizeBelowOne() async throws {
        let (id, _) = try await approvedCampaign()
        _ = try await cartero.asAdmin { try LetterSettings.update(regional: "NORTE", [("gln", "7701234000011")], on: $0) }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestDatabase.uniqueName("cli_volumes"))
        defer { try? FileManager.default.removeItem(at: directory) }
        let cli = CarteroCLI(conninfo: cartero.conninfo)
        try cli.run(["campaign", "generate", String(id), "--out", directory.path, "--volume-size", "0"], as: "coord.norte")
            .expectFailure("the volume size must be 1 letter or more, not 0")
        try cli.run(["campaign", "generate", String(id), "--out", directory.path, "--volume-size", "dos"], as: "coord.norte")
            .expectUsageError(mentioning: "--volume-size")
        let two = try cli.run(["campaign", "generate", String(id), "--out", directory.path, "--volume-size", "2"], as: "coord.norte")
        #expect(two.out == "campaign \(id): 3 letters in \(directory.path)/cartas.pdf (3 pages) and \(directory.path)/manifiesto.csv; 2 volumes of at most 2 letters, cartas-001.pdf to cartas-002.pdf\n", "\(two.err)")
        let one = try cli.run(["campaign", "generate", String(id), "--out", directory.path, "--volume-size", "3"], as: "coord.norte")
        #expect(one.out.hasSuffix("manifiesto.csv; 1 volume, cartas-001.pdf\n"), "\(one.err)")
    }
}
