import Cartero
import CarteroTesting
import PQ
import Testing

@Suite struct StaffTests {
    let cartero: TestCartero

    init() throws { cartero = try TestCartero("staff") }

    @Test func adminAddsRegionalsAndMembers() async throws {
        let coordinator = try await cartero.addMember("coord.norte", role: .coordinador, regional: "NORTE")
        #expect(coordinator.regional == "NORTE")
        #expect(coordinator.role == .coordinador)
    }

    @Test func regionalCodesAreCheckedAndUnique() async throws {
        await #expect(throws: CarteroError.invalid("regional code 'norte' must be 2 to 8 capital letters")) {
            try await cartero.asAdmin { try Regionals.add(code: "norte", name: "x", on: $0) }
        }
        await #expect(throws: CarteroError.invalid("regional code 'ABCDEFGHI' must be 2 to 8 capital letters")) {
            try await cartero.asAdmin { try Regionals.add(code: "ABCDEFGHI", name: "x", on: $0) }
        }
        _ = try await cartero.asAdmin { try Regionals.add(code: "AB", name: "x", on: $0) }
        await #expect(throws: CarteroError.conflict("regional AB already exists")) {
            try await cartero.asAdmin { try Regionals.add(code: "AB", name: "x", on: $0) }
        }
    }

    @Test func aCoordinatorMayNotAddRegionalsNorStaff() async throws {
        let coordinator = try await cartero.addMember("coord.sur", role: .coordinador, regional: "SUR")
        await #expect(throws: CarteroError.forbidden("only an administrator may add regionals")) {
            try await cartero.database.transaction(as: coordinator) { try Regionals.add(code: "OTRA", name: "x", on: $0) }
        }
        await #expect(throws: CarteroError.forbidden("only an administrator may add staff members")) {
            try await cartero.database.transaction(as: coordinator) {
                try StaffDirectory.add(NewStaffMember(login: "x1", fullName: "x", role: .analista, regional: "SUR", password: nil, dbLogin: false), on: $0)
            }
        }
    }

    @Test func listingAnUnknownRegionalIsAnError() async throws {
        await #expect(throws: CarteroError.notFound("regional NOPE does not exist")) {
            try await cartero.asAdmin { try StaffDirectory.list(regional: "NOPE", on: $0) }
        }
    }

    @Test func membersSeeOnlyTheirRegionalsStaff() async throws {
        let norte = try await cartero.addMember("c.norte", role: .coordinador, regional: "NORTE")
        try await cartero.addMember("t.norte", role: .auxiliarTerreno, regional: "NORTE")
        try await cartero.addMember("c.sur", role: .coordinador, regional: "SUR")
        let seen = try await cartero.database.transaction(as: norte) { try StaffDirectory.list(on: $0).map(\.login) }
        #expect(Set(seen) == ["c.norte", "t.norte"])
        let all = try await cartero.asAdmin { try StaffDirectory.list(on: $0).map(\.login) }
        #expect(Set(all).isSuperset(of: ["admin", "c.norte", "t.norte", "c.sur"]))
    }

    @Test func passwordsAreHashedWithBcrypt() async throws {
        try await cartero.asAdmin {
            _ = try Regionals.add(code: "CENTRO", name: "Centro", on: $0)
            try StaffDirectory.add(NewStaffMember(login: "pw", fullName: "P", role: .auxiliarOficina, regional: "CENTRO", password: "correct horse", dbLogin: false), on: $0)
        }
        let hash = try cartero.superuser().queryValue("SELECT password_hash FROM cartero.staff WHERE login = 'pw'", as: String.self)
        #expect(hash.hasPrefix("$2b$11$"))
        let id = try cartero.superuser().queryValue("SELECT id FROM cartero.staff WHERE login = 'pw'", as: Int64.self)
        // Checked inside the database, by the only reader of the hash.
        let (right, wrong, otherLogin) = try await cartero.asAdmin { db in
            (try StaffDirectory.signIn(login: "pw", password: "correct horse", on: db),
             try StaffDirectory.signIn(login: "pw", password: "wrong horse", on: db),
             try StaffDirectory.signIn(login: "admin", password: "correct horse", on: db))
        }
        #expect(right == id)
        #expect(wrong == nil)
        #expect(otherLogin == nil)
        await #expect(throws: CarteroError.invalid("the password must have at most 72 bytes (72 letters without accents)")) {
            try await cartero.asAdmin {
                try StaffDirectory.add(NewStaffMember(login: "long", fullName: "L", role: .auxiliarOficina, regional: "CENTRO", password: String(repeating: "ñ", count: 40), dbLogin: false), on: $0)
            }
        }
    }

    @Test func noMemberReadsAPasswordHashThroughTheService() async throws {
        let error = await #expect(throws: PQError.self) {
            try await cartero.asAdmin { _ = try $0.execute("SELECT password_hash FROM cartero.staff") }
        }
        #expect(error?.sqlState == .insufficientPrivilege)
    }

    /// A database login never takes PostgreSQL's reserved names or an existing role
    /// that is not an analyst's: `pg_read_all_data` would become an analyst.
    @Test func databaseLoginsRefuseReservedAndForeignRoles() async throws {
        _ = try await cartero.asAdmin { try Regionals.add(code: "NORTE", name: "Norte", on: $0) }
        for login in ["pg_read_all_data", "cartero_app"] {
            await #expect(throws: CarteroError.invalid("the database login \(login) is a name PostgreSQL or Cartero keeps for itself; give the member another login")) {
                try await cartero.asAdmin { try StaffDirectory.add(NewStaffMember(login: login, fullName: "x", role: .analista, regional: "NORTE", password: nil, dbLogin: true), on: $0) }
            }
        }
        let foreign = TestDatabase.uniqueName("dba")
        try cartero.superuser().execute("CREATE ROLE \(identifier: foreign) LOGIN")
        await #expect(throws: CarteroError.forbidden("the database role \(foreign) already exists and is not an analyst's login")) {
            try await cartero.asAdmin { try StaffDirectory.add(NewStaffMember(login: foreign, fullName: "x", role: .analista, regional: "NORTE", password: nil, dbLogin: true), on: $0) }
        }
        // Refused whole: no staff row either.
        #expect(try cartero.superuser().queryValue("SELECT count(*) FROM cartero.staff WHERE login = \(foreign)", as: Int.self) == 0)
        #expect(try !cartero.superuser().queryValue("SELECT pg_has_role(\(foreign), 'cartero_analyst', 'MEMBER')", as: Bool.self))
    }

    @Test func roleAndRegionalMustAgree() async throws {
        await #expect(throws: CarteroError.invalid("a coordinador belongs to a regional: say which")) {
            try await cartero.asAdmin { try StaffDirectory.add(NewStaffMember(login: "nr", fullName: "x", role: .coordinador, regional: nil, password: nil, dbLogin: false), on: $0) }
        }
        // An analyst without a regional reads every regional (0021).
        try await cartero.asAdmin { try StaffDirectory.add(NewStaffMember(login: "an", fullName: "x", role: .analista, regional: nil, password: nil, dbLogin: false), on: $0) }
        #expect(try await cartero.asAdmin { try StaffDirectory.list(on: $0).first { $0.login == "an" }?.regional } == nil)
        _ = try await cartero.asAdmin { try Regionals.add(code: "NORTE", name: "Norte", on: $0) }
        await #expect(throws: CarteroError.invalid("an administrator works across regionals and has no regional")) {
            try await cartero.asAdmin { try StaffDirectory.add(NewStaffMember(login: "na", fullName: "x", role: .admin, regional: "NORTE", password: nil, dbLogin: false), on: $0) }
        }
        await #expect(throws: CarteroError.notFound("regional NOPE does not exist")) {
            try await cartero.asAdmin { try StaffDirectory.add(NewStaffMember(login: "nr", fullName: "x", role: .coordinador, regional: "NOPE", password: nil, dbLogin: false), on: $0) }
        }
    }

    @Test func anAnalystLoginThatForgesTheStaffSettingGainsNothing() async throws {
        let login = TestDatabase.uniqueName("analyst")
        try await cartero.addMember("c.este", role: .coordinador, regional: "ESTE")
        try await cartero.addMember("c.oeste", role: .coordinador, regional: "OESTE")
        try await cartero.asAdmin { db in
            try StaffDirectory.add(NewStaffMember(login: login, fullName: "Analista", role: .analista, regional: "ESTE", password: nil, dbLogin: true), on: db)
        }
        let adminID = try await cartero.admin.id
        let analyst = try Connection("\(cartero.conninfo) user=\(login)")
        #expect(try analyst.queryValue("SELECT cartero.current_staff_regional()", as: String?.self) == "ESTE")
        try analyst.execute("SELECT set_config('cartero.staff_id', \(String(adminID)), false)")
        #expect(try analyst.queryValue("SELECT cartero.current_staff_is_admin()", as: Bool.self) == false)
        #expect(try analyst.queryValue("SELECT cartero.current_staff_regional()", as: String?.self) == "ESTE")
        // Analysts read the reporting views, not the tables' personal columns.
        for forbidden in ["SELECT documento FROM cartero.accounts", "SELECT password_hash FROM cartero.staff"] {
            let error = #expect(throws: PQError.self) { try analyst.execute(Query(unsafeSQL: forbidden)) }
            #expect(error?.sqlState == .insufficientPrivilege, "\(forbidden): \(String(describing: error))")
        }
    }
}
