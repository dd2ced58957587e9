import Cartero
import Foundation
import PQ
import Testing

/// An account as a test wants it. The defaults pass every rule for a cut date in 2026:
/// residencial, directa, owing 500000 since 2025-06-01, with an address.
struct FixtureAccount: Sendable {
    var cuenta: String
    var regional = "NORTE"
    var uso = "residencial"
    var facturacion = "directa"
    var saldo: Decimal = 500_000
    var fechaMora: CalendarDate? = CalendarDate("2025-06-01")
    var direccion = "Calle 10 # 20-30"
    var cobroJuridico = false
    var saneamiento: String?
}

/// What a campaign's exports say, read back through the domain API.
struct Evaluation {
    /// Every excluded account's reasons, in the order the exclusions CSV gives them.
    var reasons: [String: [String]] = [:]
    /// The selected accounts by rank (the selection CSV's order).
    var selection: [String] = []

    var selected: Set<String> { Set(selection) }
}

extension TestCartero {
    /// Inserts the accounts as admin, as the commercial system's extract would have them.
    func insert(_ accounts: [FixtureAccount]) async throws {
        _ = try await asAdmin { db in
            let batch = try Self.batch("accounts", on: db)
            for a in accounts {
                _ = try db.execute("""
                    INSERT INTO cartero.accounts (cuenta, regional, titular, direccion, municipio, uso, facturacion,
                                                  saldo_mora, fecha_mora, cobro_juridico, saneamiento, import_batch_id)
                    VALUES (\(a.cuenta), \(a.regional), \("Titular \(a.cuenta)"), \(a.direccion), 'Municipio', \(a.uso),
                            \(a.facturacion), \(a.saldo), \(a.fechaMora as CalendarDate?), \(a.cobroJuridico), \(a.saneamiento as String?), \(batch))
                    """)
            }
        }
    }

    func addPayment(_ cuenta: String, on fecha: String, regional: String = "NORTE") async throws {
        try await asAdmin { db in
            _ = try db.execute("""
                INSERT INTO cartero.payments (cuenta, regional, fecha, valor, import_batch_id)
                VALUES (\(cuenta), \(regional), \(CalendarDate(fecha)!), 10000, \(try Self.batch("payments", on: db)))
                """)
        }
    }

    func addLetter(_ cuenta: String, on fecha: String, regional: String = "NORTE") async throws {
        try await asAdmin { db in
            _ = try db.execute("""
                INSERT INTO cartero.letter_history (cuenta, regional, fecha_envio, import_batch_id)
                VALUES (\(cuenta), \(regional), \(CalendarDate(fecha)!), \(try Self.batch("letters", on: db)))
                """)
        }
    }

    /// A clean-up mark set by Cartero (a resolved facturación case); `cleared` lifts it again.
    func addCleanupMark(_ cuenta: String, mark: String = "lote", cleared: Bool = false, regional: String = "NORTE") async throws {
        try await asAdmin { db in
            _ = try db.execute("INSERT INTO cartero.account_cleanup_marks (cuenta, regional, mark) VALUES (\(cuenta), \(regional), \(mark))")
            if cleared {
                _ = try db.execute("""
                    UPDATE cartero.account_cleanup_marks SET cleared_by = cartero.current_staff_id(), cleared_at = now()
                    WHERE cuenta = \(cuenta) AND mark = \(mark) AND cleared_at IS NULL
                    """)
            }
        }
    }

    private static func batch(_ kind: String, on db: Connection) throws -> Int64 {
        try db.queryValue("""
            INSERT INTO cartero.import_batches (kind, file_name, sha256)
            VALUES (\(kind), 'fixture.csv', repeat('0', 64)) RETURNING id
            """)
    }

    /// The regional's coordinator (created with the regional on first use).
    func coordinator(_ regional: String = "NORTE") async throws -> ActingMember {
        let login = "coord.\(regional.lowercased())"
        if let member = try? await member(login) { return member }
        return try await addMember(login, role: .coordinador, regional: regional)
    }

    func createCampaign(
        regional: String = "NORTE", cutDate: String = "2026-03-31", _ overrides: ParameterOverrides = ParameterOverrides(),
        as member: ActingMember? = nil
    ) async throws -> Campaign.ID {
        var acting = member
        if acting == nil { acting = try await coordinator(regional) }
        let campaign = NewCampaign(
            regional: regional, name: "Campaña \(regional) \(cutDate)", cutDate: CalendarDate(cutDate)!, parameters: overrides)
        return try await database.transaction(as: acting!) { try Campaigns.create(campaign, on: $0) }
    }

    /// Runs `body` acting as `member`.
    func acting<T: Sendable>(_ member: ActingMember, _ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await database.transaction(as: member, .readCommitted, body)
    }

    /// The campaign's selection and exclusions, read through their CSV exports.
    func evaluation(_ id: Campaign.ID, as member: ActingMember? = nil) async throws -> Evaluation {
        var who = member
        if who == nil { who = try await admin }
        let (selection, exclusions) = try await acting(who!) { db in
            (try Self.csvRows { try CampaignExports.selection(id, on: db, $0) },
             try Self.csvRows { try CampaignExports.exclusions(id, on: db, $0) })
        }
        #expect(selection.first == ["cuenta", "prioridad"])
        #expect(exclusions.first == ["cuenta", "motivo"])
        var evaluation = Evaluation()
        for (rank, row) in selection.dropFirst().enumerated() {
            #expect(row[1] == String(rank + 1), "ranks are 1..n in order")
            evaluation.selection.append(row[0])
        }
        for row in exclusions.dropFirst() { evaluation.reasons[row[0], default: []].append(row[1]) }
        return evaluation
    }

    /// Collects what an export writes and splits it into rows and fields (no quoting needed:
    /// account numbers and reason codes hold no commas).
    static func csvRows(_ export: ((UnsafeRawBufferPointer) throws -> Void) throws -> Int) throws -> [[String]] {
        var bytes: [UInt8] = []
        _ = try export { bytes.append(contentsOf: $0) }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    /// The superuser's view of a campaign's stored rows, to compare before and after.
    func storedRows(_ id: Campaign.ID) throws -> String {
        try superuser().queryValue("""
            SELECT coalesce(string_agg(row(ca.*)::text, E'\\n' ORDER BY ca.cuenta), '')
                   || (SELECT row(c.*)::text FROM cartero.campaigns c WHERE c.id = \(id))
              FROM cartero.campaign_accounts ca WHERE ca.campaign_id = \(id)
            """)
    }

    func reservations(of id: Campaign.ID) throws -> Int {
        try superuser().queryValue("SELECT count(*) FROM cartero.account_reservations WHERE campaign_id = \(id)")
    }
}

extension CalendarDate {
    /// `D − n` days, written as the fixtures want it.
    static func days(_ n: Int, before date: String) -> CalendarDate { CalendarDate(date)!.adding(days: -n) }
}
