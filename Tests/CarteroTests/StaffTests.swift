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
        #expect(hash.hasPrefix("$2"))
        #expect(StaffDirectory.verify(password: "correct horse", hash: hash))
        #expect(!StaffDirectory.verify(password: "wrong horse", hash: hash))
    }

    @Test func roleAndRegionalMustAgree() async throws {
        await #expect(throws: CarteroError.invalid("a coordinador belongs to a regional: give --regional CODE")) {
            try await cartero.asAdmin { try StaffDirectory.add(NewStaffMember(login: "nr", fullName: "x", role: .coordinador, regional: nil, password: nil, dbLogin: false), on: $0) }
        }
        _ = try await cartero.asAdmin { try Regionals.add(code: "NORTE", name: "Norte", on: $0) }
        await #expect(throws: CarteroError.invalid("an administrator works across regionals: leave out --regional")) {
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
