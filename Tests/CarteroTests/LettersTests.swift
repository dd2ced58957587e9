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
}
