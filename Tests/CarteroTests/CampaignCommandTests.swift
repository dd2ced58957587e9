import Cartero
import CarteroTesting
import Foundation
import PQ
import Testing

/// The `cartero campaign` lines of CLI.md, run as the built executable
/// (`swift build --build-tests` builds it; scripts/test does).
@Suite struct CampaignCommandTests {
    let cartero: TestCartero

    init() throws { cartero = try TestCartero("campaign_cli") }

    /// Runs `cartero arguments…` on this suite's database, acting as `login`.
    func run(_ arguments: [String], as login: String = "coord.norte") throws -> CLIRun {
        try CarteroCLI(conninfo: cartero.conninfo).run(arguments, as: login)
    }

    func portfolio() async throws {
        _ = try await cartero.coordinator()
        _ = try await cartero.coordinator("SUR")
        try await cartero.insert([
            FixtureAccount(cuenta: "N1", saldo: 1_234_567),
            FixtureAccount(cuenta: "N2", saldo: 200_000),
            FixtureAccount(cuenta: "N3", saldo: 50_000),
        ])
    }

    /// CLI.md: `campaign generate ID --out DIR` and `campaign dispatch ID --date YYYY-MM-DD`,
    /// and the administrator's `regional letter CODE --set KEY=VALUE`.
    @Test func generateWritesTheLettersAndTheManifestAndDispatchRecordsTheDate() async throws {
        try await portfolio()
        let id = try run(["campaign", "create", "--regional", "NORTE", "--name", "Cartas", "--cut-date", "2026-03-31"])
            .out.trimmingCharacters(in: .newlines)
        #expect(try run(["campaign", "approve", id]).status == 0)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestDatabase.uniqueName("cli_cartas"))
        defer { try? FileManager.default.removeItem(at: directory) }
        try run(["campaign", "generate", id, "--out", directory.path])
            .expectFailure("regional NORTE has no GS1 location number for the payment coupon's barcode: an administrator sets the letter setting gln")
        try run(["regional", "letter", "NORTE", "--set", "gln=7701234000011"])
            .expectFailure("only an administrator may change what the letters say")
        #expect(try run(["regional", "letter", "NORTE", "--set", "gln=7701234000011"], as: "admin").out
            == "letter settings of NORTE changed: gln\n")
        let generated = try run(["campaign", "generate", id, "--out", directory.path])
        #expect(generated.status == 0, "\(generated.err)")
        #expect(generated.out == "campaign \(id): 2 letters in \(directory.path)/cartas.pdf (2 pages) and \(directory.path)/manifiesto.csv\n")
        let manifest = try String(contentsOf: directory.appendingPathComponent("manifiesto.csv"), encoding: .utf8)
        #expect(manifest.hasPrefix("consecutivo,cuenta,titular,direccion,barrio,municipio,ruta,saldo_mora,dias_mora,paginas\nNORTE-"))
        try run(["campaign", "dispatch", id, "--date", "02/12/2026"])
            .expectFailure("dispatch date '02/12/2026' must be a day written YYYY-MM-DD, e.g. 2026-12-02")
        let today = try cartero.superuser().queryValue("SELECT current_date::text", as: String.self)
        #expect(try run(["campaign", "dispatch", id, "--date", today]).out
            == "campaign \(id) dispatched: 2 letters handed to the courier on \(today)\n")
    }

    @Test func createPrintsTheIdAloneAndTheExportsAreCSV() async throws {
        try await portfolio()
        let created = try run(["campaign", "create", "--regional", "NORTE", "--name", "Marzo, norte", "--cut-date", "2026-03-31",
                               "--max-letters", "5000", "--threshold", "residencial=100000"])
        #expect(created.status == 0)
        #expect(created.out.range(of: "^[0-9]+\n$", options: .regularExpression) != nil, "stdout: \(created.out)")
        let id = created.out.trimmingCharacters(in: .newlines)

        let selection = try run(["campaign", "selection", id, "--csv"])
        #expect(selection.status == 0)
        #expect(selection.out == "cuenta,prioridad\nN1,1\nN2,2\n")
        let exclusions = try run(["campaign", "exclusions", id, "--csv"])
        #expect(exclusions.out == "cuenta,motivo\nN3,saldo_bajo_umbral\n")

        let csv = try run(["campaign", "preview", id, "--csv"])
        #expect(csv.status == 0)
        let lines = csv.out.split(separator: "\n")
        #expect(lines.first == "regla,cuentas_que_fallan,primera_falla,saldo")
        #expect(lines.dropFirst().prefix(10).map { $0.split(separator: ",").first.map(String.init) } == ExclusionReason.allCases.map(\.rawValue))
        #expect(lines.contains("saldo_bajo_umbral,1,1,50000.00"))
        #expect(lines.contains("seleccionadas,,2,1434567.00"))
        #expect(lines.contains("seleccionadas_uso_residencial,,2,1434567.00"))
        #expect(lines.contains("seleccionadas_facturacion_conjunta,,0,0.00"))

        let human = try run(["campaign", "preview", id])
        #expect(human.out.contains("$1.434.567"))
        #expect(human.out.contains("letters at most        5.000"))
        #expect(!human.out.contains("WHAT-IF"))

        let list = try run(["campaign", "list", "--regional", "NORTE", "--csv"])
        #expect(list.out.hasPrefix("id,regional,nombre,fecha_corte,estado,seleccionadas,creada_por,creada_en\n\(id),NORTE,\"Marzo, norte\",2026-03-31,borrador,2,coord.norte,"))
    }

    @Test func aWhatIfSaysNothingWasSaved() async throws {
        try await portfolio()
        let id = try await cartero.createCampaign()
        let before = try cartero.storedRows(id)
        let whatIf = try run(["campaign", "preview", String(id), "--threshold", "residencial=300000", "--min-days", "90", "--max-letters", "1"])
        #expect(whatIf.status == 0)
        #expect(whatIf.out.hasPrefix("WHAT-IF for campaign \(id)"))
        #expect(whatIf.out.contains("Nothing was saved"))
        #expect(whatIf.out.contains("residencial $300.000 *"))
        #expect(try cartero.storedRows(id) == before)
    }

    @Test func errorsAreOneSentenceWithStatusOne() async throws {
        try await portfolio()
        let id = try await cartero.createCampaign()
        try run(["campaign", "create", "--regional", "NORTE", "--name", "x", "--cut-date", "2026-03-31", "--threshold", "rural=1"])
            .expectFailure("threshold 'rural=1': 'rural' is not a use class; use one of residencial, comercial, industrial, oficial, especial")
        try run(["campaign", "create", "--regional", "NORTE", "--name", "x", "--cut-date", "2026-02-29"])
            .expectFailure("cut date '2026-02-29' does not exist on the calendar")
        try run(["campaign", "create", "--regional", "NOPE", "--name", "x", "--cut-date", "2026-03-31"], as: "admin")
            .expectFailure("regional NOPE does not exist")

        try run(["campaign", "preview", String(id)], as: "coord.sur").expectFailure("campaign \(id) does not exist")
        try run(["campaign", "selection", String(id), "--csv"], as: "coord.sur").expectFailure("campaign \(id) does not exist")

        #expect(try run(["campaign", "approve", String(id)]).out == "campaign \(id) approved: 2 accounts reserved\n")
        try run(["campaign", "refresh", String(id)]).expectFailure("campaign \(id) is aprobada; only a draft can be refreshed")
        #expect(try run(["campaign", "cancel", String(id)]).out == "campaign \(id) cancelled: 2 reserved accounts released\n")
    }
}
