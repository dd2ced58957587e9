import Cartero
import CarteroTesting
import Foundation
import PQ
import Testing

/// The funnel of a stored result and of a what-if.
@Suite struct CampaignFunnelTests {
    let cartero: TestCartero

    init() throws { cartero = try TestCartero("campaign_funnel") }

    /// Eight accounts: three selected (two residencial directa, one comercial conjunta),
    /// five excluded, two of them for several reasons.
    func portfolio() async throws {
        _ = try await cartero.coordinator()
        try await cartero.insert([
            FixtureAccount(cuenta: "SEL-1", saldo: 500_000),
            FixtureAccount(cuenta: "SEL-2", saldo: 200_000.50),
            FixtureAccount(cuenta: "SEL-3", uso: "comercial", facturacion: "conjunta", saldo: 1_000_000),
            FixtureAccount(cuenta: "JUR", saldo: 40_000, cobroJuridico: true),
            FixtureAccount(cuenta: "SAN", saldo: 60_000, direccion: "", saneamiento: "lote"),
            FixtureAccount(cuenta: "BAJO", saldo: 90_000),
            FixtureAccount(cuenta: "BAJO-2", saldo: 10_000, fechaMora: nil),
            FixtureAccount(cuenta: "PAGO", saldo: 700_000),
        ])
        try await cartero.addPayment("PAGO", on: "2026-03-20")
    }

    func step(_ funnel: Funnel, _ reason: ExclusionReason) -> [Decimal] {
        let s = funnel.steps.first { $0.reason == reason }!
        return [Decimal(s.failing), Decimal(s.firstFailing), s.firstFailingBalance]
    }

    @Test func theFunnelCountsEveryReasonAndTheFirstFailingOne() async throws {
        try await portfolio()
        let id = try await cartero.createCampaign()
        let funnel = try await cartero.acting(try await cartero.coordinator()) { try Funnel.stored(id, on: $0) }
        #expect(!funnel.isWhatIf)
        #expect(funnel.steps.map(\.reason) == ExclusionReason.allCases)
        #expect(step(funnel, .cobroJuridico) == [1, 1, 40_000])
        #expect(step(funnel, .saneamiento) == [1, 1, 60_000])
        #expect(step(funnel, .abonoReciente) == [1, 1, 700_000])
        #expect(step(funnel, .cartaReciente) == [0, 0, 0])
        #expect(step(funnel, .saldoBajoUmbral) == [4, 2, 100_000])  // JUR, SAN, BAJO, BAJO-2
        #expect(step(funnel, .moraInsuficiente) == [1, 0, 0])
        #expect(step(funnel, .sinDireccion) == [1, 0, 0])
        #expect(step(funnel, .fueraDeCapacidad) == [0, 0, 0])
        #expect(funnel.selected == Funnel.Tally(accounts: 3, balance: 1_700_000.50))
        #expect(funnel.evaluated == Funnel.Tally(accounts: 8, balance: 2_600_000.50))
        #expect(funnel.steps.map(\.firstFailing).reduce(0, +) + funnel.selected.accounts == funnel.evaluated.accounts)
        #expect(funnel.selectedByUse.map(\.use) == UseClass.allCases)
        #expect(funnel.selectedByUse.first { $0.use == .residencial }?.tally == Funnel.Tally(accounts: 2, balance: 700_000.50))
        #expect(funnel.selectedByUse.first { $0.use == .comercial }?.tally == Funnel.Tally(accounts: 1, balance: 1_000_000))
        #expect(funnel.selectedByUse.first { $0.use == .industrial }?.tally == .zero)
        #expect(funnel.selectedByBilling.map(\.billing) == ["directa", "conjunta"])
        #expect(funnel.selectedByBilling.map(\.tally.accounts) == [2, 1])
    }

    @Test func aWhatIfShowsOtherParametersAndChangesNothing() async throws {
        try await portfolio()
        let coordinator = try await cartero.coordinator()
        let id = try await cartero.createCampaign()
        let before = try cartero.storedRows(id)

        var overrides = try ParameterOverrides(thresholdArguments: ["residencial=300000"])
        overrides.maxLetters = 1
        let whatIf = try await cartero.acting(coordinator) { [overrides] in try Funnel.whatIf(id, overrides: overrides, on: $0) }
        #expect(whatIf.isWhatIf)
        #expect(whatIf.parameters.threshold(.residencial) == 300_000)
        #expect(whatIf.parameters.maxLetters == 1)
        #expect(whatIf.campaign.parameters.threshold(.residencial) == 100_000)
        #expect(step(whatIf, .saldoBajoUmbral) == [5, 3, 300_000.50])  // SEL-2 now too low
        #expect(step(whatIf, .fueraDeCapacidad) == [1, 1, 1_000_000])  // SEL-3 (conjunta) ranks after SEL-1
        #expect(whatIf.selected == Funnel.Tally(accounts: 1, balance: 500_000))
        #expect(whatIf.selectedByBilling.map(\.tally.accounts) == [1, 0])

        #expect(try cartero.storedRows(id) == before)
        let stored = try await cartero.acting(coordinator) { try Funnel.stored(id, on: $0) }
        #expect(stored.selected.accounts == 3)
        #expect(stored.parameters.maxLetters == nil)
    }

    /// One funnel query serves both: a what-if with the stored values equals the stored funnel.
    @Test func aWhatIfWithTheStoredValuesMatchesTheStoredFunnel() async throws {
        try await portfolio()
        let coordinator = try await cartero.coordinator()
        let id = try await cartero.createCampaign(ParameterOverrides(maxLetters: 2))
        let (stored, same) = try await cartero.acting(coordinator) { db in
            (try Funnel.stored(id, on: db), try Funnel.whatIf(id, overrides: ParameterOverrides(maxLetters: 2, controlGroupPercent: nil), on: db))
        }
        #expect(same.steps == stored.steps)
        #expect(same.selected == stored.selected)
        #expect(same.evaluated == stored.evaluated)
        #expect(step(stored, .fueraDeCapacidad) == [1, 1, 1_000_000])
    }

    /// Other windows cannot be recomputed from the stored evaluation (it holds no
    /// dates): that what-if runs the segmentation now.
    @Test func aWhatIfWithOtherWindowsSegmentsAgain() async throws {
        try await portfolio()
        let coordinator = try await cartero.coordinator()
        let id = try await cartero.createCampaign()
        let whatIf = try await cartero.acting(coordinator) { try Funnel.whatIf(id, overrides: ParameterOverrides(paymentWindowMonths: 0), on: $0) }
        #expect(whatIf.parameters.paymentWindowMonths == 0)
        #expect(step(whatIf, .abonoReciente) == [0, 0, 0])  // PAGO paid before the cut: no longer recent
        #expect(whatIf.selected == Funnel.Tally(accounts: 4, balance: 2_400_000.50))
        #expect(whatIf.selectedByUse.first { $0.use == .residencial }?.tally == Funnel.Tally(accounts: 3, balance: 1_400_000.50))
    }

    @Test func exportsListTheSelectionByRankAndEveryReason() async throws {
        try await portfolio()
        let id = try await cartero.createCampaign()
        let result = try await cartero.evaluation(id, as: try await cartero.coordinator())
        #expect(result.selection == ["SEL-1", "SEL-2", "SEL-3"])
        #expect(result.reasons == [
            "JUR": ["cobro_juridico", "saldo_bajo_umbral"],
            "SAN": ["saneamiento", "saldo_bajo_umbral", "sin_direccion"],
            "BAJO": ["saldo_bajo_umbral"],
            "BAJO-2": ["saldo_bajo_umbral", "mora_insuficiente"],
            "PAGO": ["abono_reciente"],
        ])
    }
}
