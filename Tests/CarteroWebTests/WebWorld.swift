import Cartero
import CarteroTesting
import CarteroWeb
import Foundation
import Hummingbird
import PQ

/// A database for the web's screens: regionals NORTE (ready to print letters) and SUR,
/// one member of each role (password `clave-LOGIN`), 30 NORTE accounts N-01…N-30 held by
/// "Pedro Pérez N-nn" and 3 SUR ones; with `letters`, a NORTE campaign whose letters are
/// generated and dispatched today.
struct WebWorld {
    let conninfo: String
    let database: CarteroDatabase
    let lettersDirectory: URL
    /// The NORTE campaign of the letters, when asked for.
    var campaign: Campaign.ID?

    static let members: [(String, StaffRole, String?)] = [
        ("jefe", .admin, nil), ("coord", .coordinador, "NORTE"), ("coordsur", .coordinador, "SUR"),
        ("ana", .auxiliarTerreno, "NORTE"), ("beto", .auxiliarTerreno, "NORTE"), ("ofi", .auxiliarOficina, "NORTE"),
        ("fac", .facturacion, "NORTE"),
    ]

    init(_ label: String, letters: Bool = false) async throws {
        conninfo = try TestDatabase.migrated(label)
        database = CarteroDatabase(conninfo: conninfo, maxConnections: 4)
        lettersDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("cartas-\(UUID().uuidString)")
        let admin = try await database.member(login: "admin")
        try await database.transaction(as: admin) { db in
            _ = try Regionals.add(code: "NORTE", name: "Regional Norte", on: db)
            _ = try Regionals.add(code: "SUR", name: "Regional Sur", on: db)
            _ = try LetterSettings.update(regional: "NORTE", [("gln", "7701234000011")], on: db)

            let batch = try db.queryValue("""
                INSERT INTO cartero.import_batches (kind, file_name, sha256) VALUES ('accounts', 'web.csv', repeat('0', 64)) RETURNING id
                """, as: Int64.self)
            try db.execute("""
                INSERT INTO cartero.accounts (cuenta, regional, titular, direccion, barrio, municipio, ruta, uso, facturacion,
                                              saldo_mora, fecha_mora, cobro_juridico, import_batch_id)
                SELECT p || '-' || lpad(n::text, 2, '0'), r, 'Pedro Pérez ' || p || '-' || lpad(n::text, 2, '0'),
                       'Calle ' || n || ' # 1-2', 'Centro', 'Cali', 'R-1', 'residencial', 'directa',
                       200000 + 10000 * n, DATE '2025-06-01', false, \(batch)
                  FROM (VALUES ('N', 'NORTE', 30), ('S', 'SUR', 3)) AS g(p, r, total), generate_series(1, total) AS n
                """)
        }
        // The members, with their passwords hashed at bcrypt's lowest cost: a dozen suites
        // hashing at the service's cost 11 at once kept both cores busy for seconds.
        try WebWorld.addMembers(Self.members, to: conninfo)
        if letters {
            let coordinator = try await database.member(login: "coord")
            let directory = lettersDirectory
            campaign = try await database.transaction(as: coordinator) { db in
                let id = try Campaigns.create(NewCampaign(regional: "NORTE", name: "Marzo", cutDate: CalendarDate("2026-03-31")!), on: db)
                try Campaigns.approve(id, on: db)
                _ = try Letters.generate(id, into: directory.appendingPathComponent(String(id)), on: db)
                try Letters.dispatch(id, on: try db.queryValue("SELECT current_date", as: CalendarDate.self), on: db)
                return id
            }
        }
    }

    /// Adds the members as the commercial system's owner would, password `clave-LOGIN`.
    static func addMembers(_ members: [(String, StaffRole, String?)], to conninfo: String) throws {
        let owner = try Connection(conninfo)
        for (login, role, regional) in members {
            try owner.execute("""
                INSERT INTO cartero.staff (login, full_name, role, regional, password_hash)
                VALUES (\(login), \(login.capitalized), \(role.rawValue), \(regional),
                        cartero_crypto.crypt(\("clave-\(login)"), cartero_crypto.gen_salt('bf', 4)))
                """)
        }
    }

    func app() throws -> some ApplicationProtocol {
        Application(router: try buildRouter(database: database, configuration: WebConfiguration(lettersDirectory: lettersDirectory)))
    }

    /// A fresh connection as the database's owner, to look behind the screens.
    func owner() throws -> Connection { try Connection(conninfo) }
}
