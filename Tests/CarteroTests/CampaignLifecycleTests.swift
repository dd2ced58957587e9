import Cartero
import CarteroTesting
import Foundation
import PQ
import Testing

/// Creating, approving, refreshing, cancelling; who may; racing approvals.
@Suite struct CampaignLifecycleTests {
    let cartero: TestCartero

    init() throws { cartero = try TestCartero("campaign_life") }

    /// Four accounts that pass every rule, ranked A1 > A2 > A3 > A4, and one that fails.
    func portfolio(_ regional: String = "NORTE") async throws {
        _ = try await cartero.coordinator(regional)
        let p = regional.prefix(1)
        try await cartero.insert([
            FixtureAccount(cuenta: "\(p)1", regional: regional, saldo: 900_000),
            FixtureAccount(cuenta: "\(p)2", regional: regional, saldo: 800_000),
            FixtureAccount(cuenta: "\(p)3", regional: regional, saldo: 700_000),
            FixtureAccount(cuenta: "\(p)4", regional: regional, saldo: 600_000),
            FixtureAccount(cuenta: "\(p)-LOW", regional: regional, saldo: 1000),
        ])
    }

    @Test func createStoresTheParametersUsed() async throws {
        try await portfolio()
        var overrides = try ParameterOverrides(thresholdArguments: ["comercial=250000.50", "residencial=120000"])
        overrides.maxLetters = 3
        overrides.controlGroupPercent = 2.5
        let id = try await cartero.createCampaign(overrides)
        let campaign = try await cartero.acting(try await cartero.coordinator()) { try Campaigns.find(id, on: $0) }
        #expect(campaign.status == .borrador)
        #expect(campaign.cutDate == CalendarDate("2026-03-31"))
        #expect(campaign.createdBy == "coord.norte")
        #expect(campaign.evaluatedAt != nil)
        #expect(campaign.selectedCount == 3)
        #expect(campaign.parameters == CampaignParameters(
            thresholds: [.residencial: 120_000, .comercial: 250_000.5, .industrial: 300_000, .oficial: 300_000, .especial: 300_000],
            minDaysPastDue: 60, paymentWindowMonths: 1, letterWindowMonths: 2, maxLetters: 3, controlGroupPercent: 2.5))
    }

    @Test func inputIsCheckedWithClearSentences() async throws {
        #expect(throws: CarteroError.invalid("threshold 'rural=5': 'rural' is not a use class; use one of residencial, comercial, industrial, oficial, especial")) {
            try ParameterOverrides(thresholdArguments: ["rural=5"])
        }
        #expect(throws: CarteroError.invalid("threshold 'residencial=abc': 'abc' is not an amount in pesos: write digits only, without thousands separators, and at most two decimals after a '.'")) {
            try ParameterOverrides(thresholdArguments: ["residencial=abc"])
        }
        for amount in ["150.000", "-1"] {
            #expect(throws: CarteroError.invalid("threshold 'residencial=\(amount)': '\(amount)' is not an amount in pesos: write digits only, without thousands separators, and at most two decimals after a '.'")) {
                try ParameterOverrides(thresholdArguments: ["residencial=\(amount)"])
            }
        }
        #expect(throws: CarteroError.invalid("threshold 'residencial' must be USO=AMOUNT, e.g. residencial=150000")) {
            try ParameterOverrides(thresholdArguments: ["residencial"])
        }
        #expect(throws: CarteroError.invalid("cut date '2026-02-30' does not exist on the calendar")) {
            try NewCampaign.cutDate("2026-02-30")
        }
        #expect(throws: CarteroError.invalid("cut date '31/03/2026' must be written YYYY-MM-DD, e.g. 2026-03-31")) {
            try NewCampaign.cutDate("31/03/2026")
        }
        for percent in ["100", "0"] {
            #expect(throws: CarteroError.invalid("control group '\(percent)' must be a percentage greater than 0 and less than 100, e.g. 5 or 2.5")) {
                try ParameterOverrides.percent(percent)
            }
        }
        #expect(throws: CarteroError.invalid("the maximum number of letters must be from 1 to 10000000")) {
            try ParameterOverrides(maxLetters: 0).validate()
        }
        // Each bound, just inside and just outside, as the database's checks hold them.
        #expect(throws: Never.self) {
            try ParameterOverrides(minDaysPastDue: 3650, paymentWindowMonths: 120, letterWindowMonths: 0, maxLetters: 10_000_000).validate()
        }
        #expect(throws: CarteroError.invalid("the minimum days past due must be a whole number from 0 to 3650")) {
            try ParameterOverrides(minDaysPastDue: 99_999_999_999).validate()
        }
        #expect(throws: CarteroError.invalid("the payment window must be from 0 to 120 months")) {
            try ParameterOverrides(paymentWindowMonths: 121).validate()
        }
        #expect(throws: CarteroError.invalid("the letter window must be from 0 to 120 months")) {
            try ParameterOverrides(letterWindowMonths: -1).validate()
        }
        #expect(throws: CarteroError.invalid("the maximum number of letters must be from 1 to 10000000")) {
            try ParameterOverrides(maxLetters: 10_000_001).validate()
        }
        #expect(throws: CarteroError.invalid("cut date 0001-01-01 must be between 2000-01-01 and 2099-12-31")) {
            try NewCampaign.cutDate("0001-01-01")
        }
        #expect(throws: CarteroError.invalid("cut date 2100-01-01 must be between 2000-01-01 and 2099-12-31")) {
            try NewCampaign.cutDate("2100-01-01")
        }
        #expect(try NewCampaign.cutDate("2000-01-01").description == "2000-01-01")
        await #expect(throws: CarteroError.notFound("regional NOPE does not exist")) {
            try await cartero.createCampaign(regional: "NOPE", as: try await cartero.admin)
        }
    }

    @Test func onlyTheRegionalsCoordinatorOrAnAdminCreatesAndApproves() async throws {
        try await portfolio()
        try await portfolio("SUR")
        let clerk = try await cartero.addMember("oficina.norte", role: .auxiliarOficina, regional: "NORTE")
        await #expect(throws: CarteroError.forbidden("only a coordinator or an administrator may create campaigns of regional NORTE")) {
            try await cartero.createCampaign(as: clerk)
        }
        await #expect(throws: CarteroError.forbidden("only a coordinator or an administrator may create campaigns of regional NORTE")) {
            try await cartero.createCampaign(as: try await cartero.coordinator("SUR"))
        }
        let id = try await cartero.createCampaign(as: try await cartero.admin)
        // The clerk sees the campaign of his regional, but may not approve it.
        #expect(try await cartero.acting(clerk) { try Campaigns.find(id, on: $0).selectedCount } == 4)
        await #expect(throws: CarteroError.forbidden("only a coordinator or an administrator may approve campaigns of regional NORTE")) {
            try await cartero.acting(clerk) { try Campaigns.approve(id, on: $0) }
        }
        #expect(try cartero.reservations(of: id) == 0)
    }

    @Test func anotherRegionalSeesNothing() async throws {
        try await portfolio()
        let id = try await cartero.createCampaign()
        let sur = try await cartero.coordinator("SUR")
        let missing = CarteroError.notFound("campaign \(id) does not exist")
        await #expect(throws: missing) { try await cartero.acting(sur) { try Campaigns.find(id, on: $0) } }
        await #expect(throws: missing) { try await cartero.acting(sur) { try Funnel.stored(id, on: $0) } }
        await #expect(throws: missing) { try await cartero.acting(sur) { try Funnel.whatIf(id, overrides: ParameterOverrides(maxLetters: 1), on: $0) } }
        await #expect(throws: missing) { try await cartero.evaluation(id, as: sur) }
        await #expect(throws: missing) { try await cartero.acting(sur) { try Campaigns.approve(id, on: $0) } }
        await #expect(throws: missing) { try await cartero.acting(sur) { try Campaigns.refresh(id, on: $0) } }
        await #expect(throws: missing) { try await cartero.acting(sur) { try Campaigns.cancel(id, on: $0) } }
        #expect(try await cartero.acting(sur) { try Campaigns.list(on: $0).map(\.id) }.isEmpty)
        #expect(try await cartero.acting(sur) { try Campaigns.list(regional: "NORTE", on: $0).map(\.id) }.isEmpty)
        #expect(try await cartero.acting(sur) { db in
            try db.queryValue("SELECT count(*) FROM cartero.campaign_accounts", as: Int.self)
        } == 0)
        // The superuser's check that there was something to hide.
        #expect(try cartero.superuser().queryValue("SELECT count(*) FROM cartero.campaign_accounts WHERE campaign_id = \(id)", as: Int.self) == 5)
        #expect(try await cartero.acting(try await cartero.coordinator()) { try Campaigns.list(on: $0).map(\.id) } == [id])
    }

    @Test func approvalReservesAndTheNextCampaignSeesCartaReciente() async throws {
        try await portfolio()
        let coordinator = try await cartero.coordinator()
        let first = try await cartero.createCampaign(ParameterOverrides(maxLetters: 2))
        #expect(try await cartero.acting(coordinator) { try Campaigns.approve(first, on: $0) } == 2)
        #expect(try cartero.reservations(of: first) == 2)
        let approved = try await cartero.acting(coordinator) { try Campaigns.find(first, on: $0) }
        #expect(approved.status == .aprobada)
        #expect(approved.approvedAt != nil)

        let next = try await cartero.evaluation(try await cartero.createCampaign())
        #expect(next.reasons == ["N1": ["carta_reciente"], "N2": ["carta_reciente"], "N-LOW": ["saldo_bajo_umbral"]])
        #expect(next.selection == ["N3", "N4"])

        await #expect(throws: CarteroError.conflict("campaign \(first) is aprobada; only a draft can be refreshed")) {
            try await cartero.acting(coordinator) { try Campaigns.refresh(first, on: $0) }
        }
        await #expect(throws: CarteroError.conflict("campaign \(first) is aprobada; only a draft can be approved")) {
            try await cartero.acting(coordinator) { try Campaigns.approve(first, on: $0) }
        }
    }

    @Test func cancelReleasesTheReservations() async throws {
        try await portfolio()
        let coordinator = try await cartero.coordinator()
        let draft = try await cartero.createCampaign()
        #expect(try await cartero.acting(coordinator) { try Campaigns.cancel(draft, on: $0) } == 0)
        #expect(try await cartero.acting(coordinator) { try Campaigns.find(draft, on: $0).status } == .anulada)

        let approved = try await cartero.createCampaign()
        _ = try await cartero.acting(coordinator) { try Campaigns.approve(approved, on: $0) }
        #expect(try await cartero.acting(coordinator) { try Campaigns.cancel(approved, on: $0) } == 4)
        #expect(try cartero.reservations(of: approved) == 0)
        #expect(try await cartero.evaluation(try await cartero.createCampaign()).selection == ["N1", "N2", "N3", "N4"])

        // Once its letters are generated, a campaign can no longer be cancelled: no status
        // past aprobada can (the status is the functions' to set: set here as the owner).
        let generated = try await cartero.createCampaign()
        try await cartero.acting(coordinator) { db in try Campaigns.approve(generated, on: db) }
        for status in [CampaignStatus.generada, .despachada, .cerrada, .anulada] {
            try cartero.superuser().execute("UPDATE cartero.campaigns SET status = \(status.rawValue) WHERE id = \(generated)")
            await #expect(throws: CarteroError.conflict("campaign \(generated) is \(status.rawValue); only a draft or an approved campaign can be cancelled")) {
                try await cartero.acting(coordinator) { try Campaigns.cancel(generated, on: $0) }
            }
        }
        #expect(try cartero.reservations(of: generated) == 4)
    }

    /// The loser of a race waits for the winner's transaction, then fails with the exact
    /// sentence and leaves nothing behind.
    @Test func theSecondOfTwoOverlappingApprovalsFailsAndChangesNothing() async throws {
        try await portfolio()
        let coordinator = try await cartero.coordinator()
        let winner = try await cartero.createCampaign(ParameterOverrides(maxLetters: 3))
        let loser = try await cartero.createCampaign()  // N1…N4: three of them are the winner's

        // The winner's approval, left uncommitted on a connection of its own.
        let held = try cartero.openTransaction(as: coordinator)
        #expect(try Campaigns.approve(winner, on: held) == 3)

        let racing = Task { try await cartero.acting(coordinator) { try Campaigns.approve(loser, on: $0) } }
        try await waitUntilABackendWaitsForALock()
        try held.execute("COMMIT")

        await #expect(throws: CarteroError.conflict("3 accounts were reserved by campaign \(winner) after this one was evaluated; refresh it")) {
            try await racing.value
        }
        #expect(try await cartero.acting(coordinator) { try Campaigns.find(loser, on: $0).status } == .borrador)
        #expect(try cartero.reservations(of: loser) == 0)
        #expect(try cartero.reservations(of: winner) == 3)

        // Refreshed, it sees what the winner took, and may be approved for the rest.
        #expect(try await cartero.acting(coordinator) { try Campaigns.refresh(loser, on: $0).selectedCount } == 1)
        #expect(try await cartero.acting(coordinator) { try Campaigns.approve(loser, on: $0) } == 1)
    }

    @Test func twoApprovalsRacingFromTwoConnectionsReserveEachAccountOnce() async throws {
        try await portfolio()
        let a = try await cartero.createCampaign()
        let b = try await cartero.createCampaign()
        try await race(a, b, shared: 4)
    }

    /// Two campaigns that rank their shared accounts in opposite orders (balances changed
    /// between their evaluations) still race to the clear sentence, never to a deadlock.
    @Test func approvalsOfOppositeRankingsRaceWithoutDeadlock() async throws {
        _ = try await cartero.coordinator()
        try await cartero.insert([FixtureAccount(cuenta: "SEED")])
        try await cartero.asAdmin { db in
            _ = try db.execute("""
                INSERT INTO cartero.accounts (cuenta, regional, titular, direccion, municipio, uso, facturacion,
                                              saldo_mora, fecha_mora, cobro_juridico, import_batch_id)
                SELECT 'R' || g, 'NORTE', 'T', 'Calle 1', 'M', 'residencial', 'directa', 200000 + g, '2025-01-01', false,
                       (SELECT import_batch_id FROM cartero.accounts WHERE cuenta = 'SEED')
                  FROM generate_series(1, 5000) g
                """)
        }
        let a = try await cartero.createCampaign()
        try await cartero.asAdmin { _ = try $0.execute("UPDATE cartero.accounts SET saldo_mora = 900000 - saldo_mora WHERE cuenta LIKE 'R%'") }
        let b = try await cartero.createCampaign()
        try await race(a, b, shared: 5001)
    }

    /// Approves `a` and `b` at once from two connections: exactly one wins, the other fails
    /// with the exact sentence naming the winner and reserves nothing.
    func race(_ a: Campaign.ID, _ b: Campaign.ID, shared: Int) async throws {
        let coordinator = try await cartero.coordinator()
        @Sendable func approve(_ id: Campaign.ID) async -> Result<Int, any Error> {
            do { return .success(try await cartero.acting(coordinator) { try Campaigns.approve(id, on: $0) }) }
            catch { return .failure(error) }
        }
        async let first = approve(a)
        async let second = approve(b)
        let results = [(a, b, await first), (b, a, await second)]
        #expect(results.filter { (try? $0.2.get()) != nil }.count == 1)
        for (id, winner, result) in results where (try? result.get()) == nil {
            #expect(throws: CarteroError.conflict("\(shared) accounts were reserved by campaign \(winner) after this one was evaluated; refresh it")) {
                try result.get()
            }
            #expect(try cartero.reservations(of: id) == 0)
            #expect(try cartero.reservations(of: winner) == shared)
        }
    }

    @Test func campaignsOfDifferentRegionalsNeverWaitForEachOther() async throws {
        try await portfolio()
        try await portfolio("SUR")
        let norte = try await cartero.coordinator()
        let sur = try await cartero.coordinator("SUR")
        let north = try await cartero.createCampaign()
        let south = try await cartero.createCampaign(regional: "SUR")

        let held = try cartero.openTransaction(as: norte)
        #expect(try Campaigns.approve(north, on: held) == 4)
        // While NORTE's approval holds its locks, SUR's goes through; a wait would fail here.
        let reserved = try await cartero.acting(sur) { db in
            try db.execute("SET LOCAL lock_timeout = '2s'")
            return try Campaigns.approve(south, on: db)
        }
        #expect(reserved == 4)
        try held.execute("COMMIT")
    }

    /// Polls the server until some backend of this database waits for a lock.
    func waitUntilABackendWaitsForALock() async throws {
        let observer = try cartero.superuser()
        for _ in 0..<200 {
            let waiting = try observer.queryValue("""
                SELECT count(*) FROM pg_stat_activity
                 WHERE datname = current_database() AND wait_event_type = 'Lock'
                """, as: Int.self)
            if waiting > 0 { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("no backend started waiting for a lock within 5 s")
    }
}
