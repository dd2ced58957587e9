import ArgumentParser
import Cartero
import Foundation

struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: "Staff members and their roles.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a staff member.")
        @OptionGroup var database: DatabaseOptions
        @Argument var login: String
        @Option var name: String
        @Option(help: "One of: \(StaffRole.allNames).") var role: String
        @Option var regional: String?
        @Flag(help: "Read the web password from standard input (never from an argument).") var passwordStdin = false
        @Flag(help: "Also create a PostgreSQL login role, for an analyst who queries with SQL.") var dbLogin = false

        func validate() throws {
            guard StaffRole(rawValue: role) != nil else {
                throw ValidationError("--role must be one of: \(StaffRole.allNames)")
            }
        }

        func run() async throws {
            let role = StaffRole(rawValue: role)!
            if role == .admin, regional != nil {
                throw CarteroError.invalid("an administrator works across regionals: leave out --regional")
            }
            if role != .admin, role != .analista, regional == nil {
                throw CarteroError.invalid("a \(role.rawValue) belongs to a regional: give --regional CODE")
            }
            var password: String?
            if passwordStdin {
                guard let line = readLine(strippingNewline: true), !line.isEmpty else {
                    throw CarteroError.invalid("--password-stdin was given but standard input held no password")
                }
                password = line
            }
            let member = NewStaffMember(
                login: login, fullName: name, role: role, regional: regional,
                password: password, dbLogin: dbLogin)
            try await database.transaction { try StaffDirectory.add(member, on: $0) }
            Terminal.out("added \(member.role.rawValue) \(member.login)\(member.regional.map { " in \($0)" } ?? "")\(dbLogin ? " with a database login" : "")\n")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the staff members you may see.")
        @OptionGroup var database: DatabaseOptions
        @Option var regional: String?
        @Flag(help: "CSV for a spreadsheet.") var csv = false

        func run() async throws {
            let members = try await database.transaction { [regional] in try StaffDirectory.list(regional: regional, on: $0) }
            let rows = members.map { m in
                [m.login, m.fullName, m.role.rawValue, m.regional ?? "", m.active ? "S" : "N", m.dbLogin ? "S" : "N"]
            }
            Terminal.out(Terminal.listing(
                rows, csv: csv,
                csvHeader: ["login", "nombre", "rol", "regional", "activo", "acceso_sql"],
                header: ["login", "name", "role", "regional", "active", "sql"]))
        }
    }
}
