import Cartero
import CarteroTesting
import Foundation
import PQ
import Testing

/// What CLI.md promises of every command: who it acts as, its exit statuses, and the
/// `regional` and `staff` lines, run as the built executable.
@Suite struct CommandLineTests {
    let cartero: TestCartero

    init() throws { cartero = try TestCartero("cli") }

    var cli: CarteroCLI { CarteroCLI(conninfo: cartero.conninfo) }

    @Test func usageErrorsExitWithStatusTwo() throws {
        try cli.run(["campaign", "create", "--regional", "NORTE", "--name", "x"]).expectUsageError(mentioning: "--cut-date")
        try cli.run(["staff", "add", "x", "--name", "X", "--role", "jefe"]).expectUsageError(mentioning: "--role must be one of")
        try cli.run(["campaign", "selection", "doce", "--csv"]).expectUsageError(mentioning: "doce")
        try cli.run(["regional", "remove", "NORTE"]).expectUsageError(mentioning: "remove")
        try cli.run(["regional", "add", "NORTE"]).expectUsageError(mentioning: "<name>")
    }

    @Test func regionalAddTakesTwoToEightCapitalLetters() throws {
        let added = try cli.run(["regional", "add", "NORTE", "Regional Norte"])
        #expect(added.status == 0)
        #expect(added.err.isEmpty)
        #expect(added.out == "added regional NORTE (Regional Norte)\n")
        #expect(try cli.run(["regional", "add", "AB", "Dos"]).status == 0)
        #expect(try cli.run(["regional", "add", "ABCDEFGH", "Ocho"]).status == 0)
        for code in ["A", "ABCDEFGHI", "Norte", "NORTE2", "NOR TE"] {
            try cli.run(["regional", "add", code, "x"]).expectFailure("regional code '\(code)' must be 2 to 8 capital letters")
        }
        try cli.run(["regional", "add", "NORTE", "Otra"]).expectFailure("regional NORTE already exists")
        #expect(try cartero.superuser().queryValue("SELECT string_agg(code, ',' ORDER BY code) FROM cartero.regionals", as: String.self)
            == "AB,ABCDEFGH,NORTE")
    }

    @Test func staffAddTakesThePasswordFromStandardInputOnly() async throws {
        #expect(try cli.run(["regional", "add", "NORTE", "Norte"]).status == 0)
        let added = try cli.run(
            ["staff", "add", "c.norte", "--name", "Carla Norte", "--role", "coordinador", "--regional", "NORTE", "--password-stdin"],
            stdin: "clave de Carla\n")
        #expect(added.status == 0, "\(added.err)")
        #expect(added.out == "added coordinador c.norte in NORTE\n")
        #expect(try await cartero.asAdmin { try StaffDirectory.signIn(login: "c.norte", password: "clave de Carla", on: $0) } != nil)
        try cli.run(["staff", "add", "t.norte", "--name", "T", "--role", "auxiliar_terreno", "--regional", "NORTE", "--password-stdin"])
            .expectFailure("--password-stdin was given but standard input held no password")
        // Only an administrator adds members: acting as the coordinator, refused.
        try cli.run(["staff", "add", "t.norte", "--name", "T", "--role", "auxiliar_terreno", "--regional", "NORTE"], as: "c.norte")
            .expectFailure("only an administrator may add staff members")
    }

    /// `--as LOGIN`, else CARTERO_USER, else the built-in admin; seen through `staff list --csv`,
    /// whose rows are the member's row-level view.
    @Test func everyCommandActsAsTheMemberItIsGiven() async throws {
        try await cartero.addMember("c.norte", role: .coordinador, regional: "NORTE")
        try await cartero.addMember("t.norte", role: .auxiliarTerreno, regional: "NORTE")
        try await cartero.addMember("c.sur", role: .coordinador, regional: "SUR")
        let header = "login,nombre,rol,regional,activo,acceso_sql\n"
        // By regional (the admin first), then role and login by name.
        let norte = "t.norte,t.norte,auxiliar_terreno,NORTE,S,N\nc.norte,c.norte,coordinador,NORTE,S,N\n"
        let sur = "c.sur,c.sur,coordinador,SUR,S,N\n"

        let byDefault = try cli.run(["staff", "list", "--csv"])
        #expect(byDefault.status == 0)
        #expect(byDefault.out == header + "admin,Administrador,admin,,S,N\n" + norte + sur)
        #expect(try cli.run(["staff", "list", "--csv"], as: "").out == byDefault.out, "an empty CARTERO_USER is no one: admin")
        #expect(try cli.run(["staff", "list", "--csv", "--regional", "SUR"]).out == header + sur)

        #expect(try cli.run(["staff", "list", "--csv"], as: "c.norte").out == header + norte)
        #expect(try cli.run(["staff", "list", "--csv", "--as", "c.sur"]).out == header + sur)
        #expect(try cli.run(["staff", "list", "--csv", "--as", "c.sur"], as: "c.norte").out == header + sur, "--as wins over CARTERO_USER")

        try cli.run(["staff", "list", "--csv", "--as", "nadie"]).expectFailure("no active staff member has the login 'nadie'")
        try cli.run(["staff", "list", "--csv"], as: "nadie").expectFailure("no active staff member has the login 'nadie'")
    }
}
