import Cartero
import CarteroTesting
import Foundation
import PQ
import Testing

/// `cartero report`: any analysts' view, filtered by campaign and regional, in its order,
/// under the acting member's row rules. The views' figures are sql/tests/reporting_test.sql's.
@Suite struct ReportsTests {
    let cartero: TestCartero

    init() throws { cartero = try TestCartero("reports") }

    @Test func aReportIsFilteredByCampaignAndRegionalAndReadUnderTheRowRules() async throws {
        _ = try await cartero.coordinator("SUR")
        try await cartero.insert([FixtureAccount(cuenta: "N-1"), FixtureAccount(cuenta: "N-2"),
                                  FixtureAccount(cuenta: "S-1", regional: "SUR")])
        let norte = try await cartero.createCampaign()
        let sur = try await cartero.acting(try await cartero.coordinator("SUR")) { db in
            try Campaigns.create(NewCampaign(regional: "SUR", name: "sur", cutDate: CalendarDate("2026-03-31")!), on: db)
        }
        let funnel = try await cartero.asAdmin { try Reports.table("campaign_funnel", campaign: norte, on: $0) }
        #expect(funnel.header.prefix(4) == ["campaign_id", "regional", "orden", "motivo"])
        #expect(funnel.rows.count == 10 && funnel.rows.allSatisfy { $0[0] == String(norte) })
        #expect(funnel.rows.map { $0[3] } == ExclusionReason.allCases.map(\.rawValue), "in the view's documented order")

        let portfolio = try await cartero.asAdmin { db -> String in
            var text = ""
            try Reports.csv("portfolio", regional: "SUR", on: db) { text += String(decoding: $0, as: UTF8.self) }
            return text
        }
        #expect(portfolio == "regional,uso,estrato,facturacion,franja_mora,cuentas,saldo_mora\nSUR,residencial,,directa,mas_de_360,1,500000.00\n")

        // SUR's coordinator sees his campaign's funnel and nothing of NORTE's.
        let seen = try await cartero.acting(try await cartero.coordinator("SUR")) { db in
            (try Reports.table("campaign_funnel", on: db).rows.map { $0[0] }, try Reports.table("campaign_funnel", campaign: norte, on: db).rows)
        }
        #expect(Set(seen.0) == [String(sur)] && seen.1.isEmpty)

        await #expect(throws: CarteroError.invalid("the report portfolio is not per campaign; leave out --campaign")) {
            try await cartero.asAdmin { try Reports.table("portfolio", campaign: norte, on: $0) }
        }
        await #expect(throws: CarteroError.self) { try await cartero.asAdmin { try Reports.table("nope", on: $0) } }
    }
}
