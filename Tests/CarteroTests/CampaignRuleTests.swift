import Cartero
import CarteroTesting
import Foundation
import PQ
import Testing

/// RULES.md §1, every rule at its boundary, through `campaign create` and the exports.
@Suite struct CampaignRuleTests {
    let cartero: TestCartero

    init() throws { cartero = try TestCartero("campaign_rules") }

    /// D = 2026-03-31: one month back is 2026-02-28 (clamped), two months back 2026-01-31.
    @Test func everyRuleAtItsBoundary() async throws {
        _ = try await cartero.coordinator()
        let d = "2026-03-31"
        try await cartero.insert([
            FixtureAccount(cuenta: "RES-EXACT", saldo: 100_000),
            FixtureAccount(cuenta: "RES-ABOVE", saldo: 100_000.01),
            FixtureAccount(cuenta: "COM-EXACT", uso: "comercial", saldo: 300_000),
            FixtureAccount(cuenta: "COM-ABOVE", uso: "comercial", saldo: 300_000.01),
            FixtureAccount(cuenta: "IND-EXACT", uso: "industrial", saldo: 300_000),
            FixtureAccount(cuenta: "IND-ABOVE", uso: "industrial", saldo: 300_000.01),
            FixtureAccount(cuenta: "IND-200K", uso: "industrial", saldo: 200_000),
            FixtureAccount(cuenta: "OFI-EXACT", uso: "oficial", saldo: 300_000),
            FixtureAccount(cuenta: "ESP-EXACT", uso: "especial", saldo: 300_000),
            FixtureAccount(cuenta: "DIAS-60", fechaMora: .days(60, before: d)),
            FixtureAccount(cuenta: "DIAS-61", fechaMora: .days(61, before: d)),
            FixtureAccount(cuenta: "SIN-MORA", fechaMora: nil),
            FixtureAccount(cuenta: "PAGO-0228"),
            FixtureAccount(cuenta: "PAGO-0301"),
            FixtureAccount(cuenta: "PAGO-DESPUES"),
            FixtureAccount(cuenta: "CARTA-0131"),
            FixtureAccount(cuenta: "CARTA-0201"),
            FixtureAccount(cuenta: "CARTA-DESPUES"),
            FixtureAccount(cuenta: "DIR-VACIA", direccion: ""),
            FixtureAccount(cuenta: "DIR-BLANCOS", direccion: "  \t "),
            FixtureAccount(cuenta: "JURIDICO", cobroJuridico: true),
            FixtureAccount(cuenta: "SAN-EXTRACTO", saneamiento: "demolido"),
            FixtureAccount(cuenta: "SAN-DOBLE", saneamiento: "doble_facturacion"),
            FixtureAccount(cuenta: "SAN-MARCA"),
            FixtureAccount(cuenta: "SAN-LEVANTADA"),
            FixtureAccount(cuenta: "VARIOS", saldo: 50_000, fechaMora: CalendarDate("2026-03-01"), direccion: "",
                           cobroJuridico: true, saneamiento: "lote"),
        ])
        try await cartero.addPayment("PAGO-0228", on: "2026-02-28")
        try await cartero.addPayment("PAGO-0301", on: "2026-03-01")
        try await cartero.addPayment("PAGO-DESPUES", on: "2026-04-10")
        try await cartero.addLetter("CARTA-0131", on: "2026-01-31")
        try await cartero.addLetter("CARTA-0201", on: "2026-02-01")
        try await cartero.addLetter("CARTA-DESPUES", on: "2026-04-10")
        try await cartero.addCleanupMark("SAN-MARCA")
        try await cartero.addCleanupMark("SAN-LEVANTADA", cleared: true)
        try await cartero.addPayment("VARIOS", on: "2026-03-15")
        try await cartero.addLetter("VARIOS", on: "2026-03-01")

        let id = try await cartero.createCampaign(cutDate: d)
        let result = try await cartero.evaluation(id)
        #expect(result.reasons == [
            "RES-EXACT": ["saldo_bajo_umbral"],
            "COM-EXACT": ["saldo_bajo_umbral"],
            "IND-EXACT": ["saldo_bajo_umbral"],
            "IND-200K": ["saldo_bajo_umbral"],
            "OFI-EXACT": ["saldo_bajo_umbral"],
            "ESP-EXACT": ["saldo_bajo_umbral"],
            "DIAS-60": ["mora_insuficiente"],
            "SIN-MORA": ["mora_insuficiente"],
            "PAGO-0301": ["abono_reciente"],
            "PAGO-DESPUES": ["abono_reciente"],
            "CARTA-0201": ["carta_reciente"],
            "CARTA-DESPUES": ["carta_reciente"],
            "DIR-VACIA": ["sin_direccion"],
            "DIR-BLANCOS": ["sin_direccion"],
            "JURIDICO": ["cobro_juridico"],
            "SAN-EXTRACTO": ["saneamiento"],
            "SAN-DOBLE": ["saneamiento"],
            "SAN-MARCA": ["saneamiento"],
            "VARIOS": ["cobro_juridico", "saneamiento", "abono_reciente", "carta_reciente", "saldo_bajo_umbral",
                       "mora_insuficiente", "sin_direccion"],
        ])
        #expect(result.selected == ["RES-ABOVE", "COM-ABOVE", "IND-ABOVE", "DIAS-61", "PAGO-0228", "CARTA-0131", "SAN-LEVANTADA"])
    }

    /// An ordinary cut date, and overridden windows, days and thresholds, each at its boundary.
    @Test func overriddenParametersAtTheirBoundaries() async throws {
        _ = try await cartero.coordinator()
        let d = "2026-05-15"
        try await cartero.insert([
            FixtureAccount(cuenta: "PAGO-0415"), FixtureAccount(cuenta: "PAGO-0416"),
            FixtureAccount(cuenta: "PAGO-0215"), FixtureAccount(cuenta: "PAGO-0216"),
            FixtureAccount(cuenta: "CARTA-0315"), FixtureAccount(cuenta: "CARTA-0316"),
            FixtureAccount(cuenta: "CARTA-1115"), FixtureAccount(cuenta: "CARTA-1116"),
            FixtureAccount(cuenta: "DIAS-90", fechaMora: .days(90, before: d)),
            FixtureAccount(cuenta: "DIAS-91", fechaMora: .days(91, before: d)),
            FixtureAccount(cuenta: "RES-150K", saldo: 150_000),
            FixtureAccount(cuenta: "RES-150K01", saldo: 150_000.01),
        ])
        try await cartero.addPayment("PAGO-0415", on: "2026-04-15")
        try await cartero.addPayment("PAGO-0416", on: "2026-04-16")
        try await cartero.addPayment("PAGO-0215", on: "2026-02-15")
        try await cartero.addPayment("PAGO-0216", on: "2026-02-16")
        try await cartero.addLetter("CARTA-0315", on: "2026-03-15")
        try await cartero.addLetter("CARTA-0316", on: "2026-03-16")
        try await cartero.addLetter("CARTA-1115", on: "2025-11-15")
        try await cartero.addLetter("CARTA-1116", on: "2025-11-16")

        let defaults = try await cartero.evaluation(try await cartero.createCampaign(cutDate: d))
        #expect(defaults.reasons == ["PAGO-0416": ["abono_reciente"], "CARTA-0316": ["carta_reciente"]])
        #expect(defaults.selected == [
            "PAGO-0415", "PAGO-0215", "PAGO-0216", "CARTA-0315", "CARTA-1115", "CARTA-1116", "DIAS-90", "DIAS-91",
            "RES-150K", "RES-150K01",
        ])

        var overrides = try ParameterOverrides(thresholdArguments: ["residencial=150000"])
        overrides.minDaysPastDue = 90
        overrides.paymentWindowMonths = 3
        overrides.letterWindowMonths = 6
        let custom = try await cartero.evaluation(try await cartero.createCampaign(cutDate: d, overrides))
        #expect(custom.reasons == [
            "PAGO-0415": ["abono_reciente"], "PAGO-0416": ["abono_reciente"], "PAGO-0216": ["abono_reciente"],
            "CARTA-0315": ["carta_reciente"], "CARTA-0316": ["carta_reciente"], "CARTA-1116": ["carta_reciente"],
            "DIAS-90": ["mora_insuficiente"], "RES-150K": ["saldo_bajo_umbral"],
        ])
        #expect(custom.selected == ["PAGO-0215", "CARTA-1115", "DIAS-91", "RES-150K01"])
    }

    /// directa first, then balance (highest first), then days past due (most first), then cuenta.
    @Test func tiesInTheRankingAreResolvedAsRulesSays() async throws {
        _ = try await cartero.coordinator()
        let d = "2026-03-31"
        try await cartero.insert(Self.rankingAccounts(cut: d))
        let result = try await cartero.evaluation(try await cartero.createCampaign(cutDate: d))
        #expect(result.selection == ["D", "C", "B1", "B2", "Y-CONJ", "A-CONJ", "Z-CONJ"])
        #expect(result.reasons.isEmpty)
    }

    /// The last tie-break compares account numbers byte by byte (README: collation "C"),
    /// whatever the database's collation: `A-10` < `A-9` < `B-1` < `a-1`.
    @Test func theLastTieBreakIsTheAccountNumbersBytes() async throws {
        _ = try await cartero.coordinator()
        try await cartero.insert(["a-1", "B-1", "A-9", "A-10"].map { FixtureAccount(cuenta: $0) })
        let result = try await cartero.evaluation(try await cartero.createCampaign())
        #expect(result.selection == ["A-10", "A-9", "B-1", "a-1"])
    }

    @Test func ranksPastMaxLettersAreFueraDeCapacidad() async throws {
        _ = try await cartero.coordinator()
        let d = "2026-03-31"
        try await cartero.insert(Self.rankingAccounts(cut: d) + [FixtureAccount(cuenta: "BAJO", saldo: 1)])
        let result = try await cartero.evaluation(try await cartero.createCampaign(cutDate: d, ParameterOverrides(maxLetters: 3)))
        #expect(result.selection == ["D", "C", "B1"])
        #expect(result.reasons == [
            "B2": ["fuera_de_capacidad"], "Y-CONJ": ["fuera_de_capacidad"], "A-CONJ": ["fuera_de_capacidad"],
            "Z-CONJ": ["fuera_de_capacidad"], "BAJO": ["saldo_bajo_umbral"],
        ])
    }

    /// floor(n × pct / 100) of the n accounts within capacity, the same set at every evaluation.
    @Test func controlGroupIsAReproducibleShare() async throws {
        _ = try await cartero.coordinator()
        try await cartero.insert((1...40).map { FixtureAccount(cuenta: "CG-\($0)", saldo: Decimal(200_000 + $0 * 1000)) })

        let id = try await cartero.createCampaign(ParameterOverrides(controlGroupPercent: 25))
        let first = try await cartero.evaluation(id)
        let control = Set(first.reasons.filter { $0.value == ["grupo_control"] }.keys)
        #expect(control.count == 10)
        #expect(first.reasons.count == 10)
        #expect(first.selection.count == 30)
        #expect(first.selected.isDisjoint(with: control))
        // The ranks of the mailed accounts stay in priority order (highest balance first).
        #expect(first.selection == first.selection.sorted { Int($0.dropFirst(3))! > Int($1.dropFirst(3))! })

        _ = try await cartero.acting(try await cartero.coordinator()) { try Campaigns.refresh(id, on: $0) }
        let again = try await cartero.evaluation(id)
        #expect(again.reasons == first.reasons)
        #expect(again.selection == first.selection)

        // With capacity 19: n = 19 within capacity, floor(19 × 10 / 100) = 1 held back.
        let capped = try await cartero.evaluation(
            try await cartero.createCampaign(ParameterOverrides(maxLetters: 19, controlGroupPercent: 10)))
        #expect(capped.reasons.values.filter { $0 == ["grupo_control"] }.count == 1)
        #expect(capped.reasons.values.filter { $0 == ["fuera_de_capacidad"] }.count == 21)
        #expect(capped.selection.count == 18)
    }

    /// Seven selectable accounts whose order exercises every tie-break.
    static func rankingAccounts(cut d: String) -> [FixtureAccount] {
        [
            FixtureAccount(cuenta: "Z-CONJ", facturacion: "conjunta", saldo: 900_000, fechaMora: .days(300, before: d)),
            FixtureAccount(cuenta: "B2", saldo: 500_000, fechaMora: .days(100, before: d)),
            FixtureAccount(cuenta: "B1", saldo: 500_000, fechaMora: .days(100, before: d)),
            FixtureAccount(cuenta: "C", saldo: 500_000, fechaMora: .days(150, before: d)),
            FixtureAccount(cuenta: "D", saldo: 600_000, fechaMora: .days(70, before: d)),
            FixtureAccount(cuenta: "A-CONJ", facturacion: "conjunta", saldo: 900_000, fechaMora: .days(300, before: d)),
            FixtureAccount(cuenta: "Y-CONJ", facturacion: "conjunta", saldo: 900_000, fechaMora: .days(400, before: d)),
        ]
    }
}
