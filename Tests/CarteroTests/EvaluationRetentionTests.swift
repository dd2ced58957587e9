import Cartero
import CarteroTesting
import Foundation
import PQ
import Testing

/// Five years of data: an old campaign's evaluation keeps what reports read again (its
/// selected accounts, its control group) and its funnel; a cancelled one keeps nothing.
@Suite struct EvaluationRetentionTests {
    let cartero: TestCartero

    init() async throws {
        cartero = try TestCartero("retention")
        _ = try await cartero.asAdmin { db in try Regionals.add(code: "NORTE", name: "Regional Norte", on: db) }
    }

    func rows(_ id: Campaign.ID) throws -> String {
        try cartero.superuser().queryValue("""
            SELECT count(*) || ' ' || count(*) FILTER (WHERE prioridad IS NOT NULL) || ' ' || count(*) FILTER (WHERE reasons = ARRAY['grupo_control'])
              FROM cartero.campaign_accounts WHERE campaign_id = \(id)
            """, as: String.self)
    }

    func tallies(_ id: Campaign.ID) throws -> String {
        try cartero.superuser().queryValue(
            "SELECT string_agg(clave || '=' || cuentas, ' ' ORDER BY dimension, orden) FROM cartero.campaign_tallies WHERE campaign_id = \(id)",
            as: String.self)
    }

    @Test func anOldDispatchedCampaignKeepsItsLettersControlGroupAndFunnel() async throws {
        // 20 accounts above the threshold, 10 below it: 20 selected, 5 letters, 15 past capacity, 1 held back.
        try await cartero.insert((1...30).map { FixtureAccount(cuenta: "R-\($0)", saldo: $0 <= 20 ? 900_000 : 1_000) })
        var parameters = ParameterOverrides()
        parameters.maxLetters = 6
        parameters.controlGroupPercent = 20
        let coordinator = try await cartero.coordinator()
        let id = try await cartero.createCampaign(parameters, as: coordinator)
        let dispatchedOn = try cartero.superuser().queryValue("SELECT current_date", as: CalendarDate.self)
        _ = try await cartero.acting(coordinator) { db in
            try Campaigns.approve(id, on: db)
            try Letters.number(id, on: db)
            return try Letters.dispatch(id, on: dispatchedOn, on: db)
        }
        let funnel = try tallies(id)
        #expect(try rows(id) == "30 5 1")

        // Only an administrator applies it; before the date nothing changes.
        await #expect(throws: PQError.self) {
            try await cartero.acting(coordinator) { db in
                try EvaluationRetention.apply(dispatchedBefore: CalendarDate("2026-01-01")!, cancelledBefore: CalendarDate("2026-01-01")!, on: db)
            }
        }
        let early = try await cartero.asAdmin { db in
            try EvaluationRetention.apply(dispatchedBefore: dispatchedOn, cancelledBefore: CalendarDate("2026-01-01")!, on: db)
        }
        #expect(try early == 0 && rows(id) == "30 5 1")

        let reduced = try await cartero.asAdmin { db in
            try EvaluationRetention.apply(dispatchedBefore: dispatchedOn.adding(days: 1), cancelledBefore: CalendarDate("2026-01-01")!, on: db)
        }
        #expect(reduced == 1)
        #expect(try rows(id) == "6 5 1", "the 5 letters and the 1 held back")
        #expect(try tallies(id) == funnel, "the funnel stays whole")
        #expect(try cartero.superuser().queryValue("SELECT count(*) FROM reporting.campaign_effectiveness WHERE campaign_id = \(id) AND cuentas_control = 1", as: Int.self) == 3)

        // What needs the whole evaluation says so instead of answering wrong.
        await #expect(throws: CarteroError.self) {
            try await cartero.asAdmin { db in try Funnel.whatIf(id, overrides: ParameterOverrides(), on: db) }
        }
        await #expect(throws: CarteroError.self) { _ = try await cartero.evaluation(id) }
        #expect(try await cartero.asAdmin { try Funnel.stored(id, on: $0) }.steps.isEmpty == false)

        // Run again, nothing more to do.
        let again = try await cartero.asAdmin { db in
            try EvaluationRetention.apply(dispatchedBefore: CalendarDate("2026-12-01")!, cancelledBefore: CalendarDate("2026-12-01")!, on: db)
        }
        #expect(again == 0)
    }

    @Test func aCancelledCampaignKeepsNothingOnceItsTimeHasPassed() async throws {
        try await cartero.insert((1...5).map { FixtureAccount(cuenta: "K-\($0)", saldo: 900_000) })
        let coordinator = try await cartero.coordinator()
        let id = try await cartero.createCampaign(as: coordinator)
        _ = try await cartero.acting(coordinator) { db in try Campaigns.cancel(id, on: db) }
        let today = try cartero.superuser().queryValue("SELECT current_date", as: CalendarDate.self)
        let notYet = try await cartero.asAdmin { db in
            try EvaluationRetention.apply(dispatchedBefore: today, cancelledBefore: today.adding(days: -30), on: db)
        }
        #expect(try notYet == 0 && rows(id) == "5 5 0")
        let emptied = try await cartero.asAdmin { db in
            try EvaluationRetention.apply(dispatchedBefore: today, cancelledBefore: today.adding(days: 1), on: db)
        }
        #expect(try emptied == 1 && rows(id) == "0 0 0")
    }
}
