import Cartero
import CarteroTesting
import Foundation
import PQ
import Testing

/// A migrated database of its own for one suite, with helpers to act as members.
struct TestCartero {
    let conninfo: String
    let database: CarteroDatabase

    init(_ label: String) throws {
        conninfo = try TestDatabase.migrated(label)
        database = CarteroDatabase(conninfo: conninfo, maxConnections: 4)
    }

    var admin: ActingMember {
        get async throws { try await database.member(login: "admin") }
    }

    func member(_ login: String) async throws -> ActingMember {
        try await database.member(login: login)
    }

    /// Runs `body` acting as the built-in admin.
    func asAdmin<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        try await database.transaction(as: try await admin, .readCommitted, body)
    }

    /// Adds a regional and a member of it with the given role; returns the member.
    @discardableResult
    func addMember(_ login: String, role: StaffRole, regional: String?) async throws -> ActingMember {
        try await asAdmin { db in
            if let regional, try db.queryRow("SELECT 1 FROM cartero.regionals WHERE code = \(regional)") == nil {
                _ = try Regionals.add(code: regional, name: "Regional \(regional)", on: db)
            }
            try StaffDirectory.add(
                NewStaffMember(login: login, fullName: login, role: role, regional: regional, password: nil, dbLogin: false), on: db)
        }
        return try await member(login)
    }

    /// A plain connection as the login of the test server (a superuser), for checks
    /// that must not go through row-level security.
    func superuser() throws -> Connection { try Connection(conninfo) }

    /// A connection of its own acting as `member` (as `cartero_app`) inside a transaction
    /// that it leaves open, so that what the caller does on it holds its locks while other
    /// connections work; the caller ends it with COMMIT or ROLLBACK.
    func openTransaction(as member: ActingMember) throws -> Connection {
        let held = try Connection(conninfo)
        try held.execute("SET ROLE cartero_app")
        try held.execute("BEGIN")
        try held.execute("SELECT set_config('cartero.staff_id', \(String(member.id)), true)")
        return held
    }
}

/// What one run of the `cartero` executable gave back.
struct CLIRun {
    let status: Int32
    let out: String
    let err: String

    /// Expects a failure as CLI.md words it: status 1, nothing on standard output, and
    /// on standard error the one sentence `error: <sentence>`.
    func expectFailure(_ sentence: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == 1, "exit status (stderr: \(err))", sourceLocation: sourceLocation)
        #expect(out.isEmpty, "nothing on stdout", sourceLocation: sourceLocation)
        #expect(err == "error: \(sentence)\n", sourceLocation: sourceLocation)
    }

    /// Expects a usage error: status 2, nothing on standard output, and standard error
    /// saying what was wrong (`mentioning`).
    func expectUsageError(mentioning fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == 2, "exit status (stderr: \(err))", sourceLocation: sourceLocation)
        #expect(out.isEmpty, "nothing on stdout", sourceLocation: sourceLocation)
        #expect(err.contains(fragment), "stderr: \(err)", sourceLocation: sourceLocation)
    }
}

/// The built `cartero` executable run as a script runs it, on one database:
/// `DATABASE_URL` is `conninfo`, and `CARTERO_USER` is the login (unset when nil).
struct CarteroCLI {
    let conninfo: String

    /// The `cartero` built beside the test bundle (`swift build --build-tests` builds both).
    static var executable: URL? {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        return [beside, beside.deletingLastPathComponent(), Bundle.main.bundleURL.deletingLastPathComponent()]
            .map { $0.appendingPathComponent("cartero") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs `cartero arguments…` to its end. Standard input is `stdin`, or empty when nil.
    /// stdout and stderr go to files, not pipes, so a child that writes a lot to one
    /// of them while the other is being read cannot stall.
    func run(_ arguments: [String], as login: String? = nil, stdin: String? = nil) throws -> CLIRun {
        let executable = try #require(Self.executable, "cartero is not built beside the tests")
        let files = FileManager.default
        let scratch = files.temporaryDirectory.appendingPathComponent(TestDatabase.uniqueName("cli"))
        try files.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? files.removeItem(at: scratch) }

        func handle(_ name: String, contents: String = "", forWriting: Bool) throws -> (URL, FileHandle) {
            let url = scratch.appendingPathComponent(name)
            guard files.createFile(atPath: url.path, contents: Data(contents.utf8)) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
            return (url, forWriting ? try FileHandle(forWritingTo: url) : try FileHandle(forReadingFrom: url))
        }
        let (_, input) = try handle("stdin", contents: stdin ?? "", forWriting: false)
        let (outURL, out) = try handle("stdout", forWriting: true)
        let (errURL, err) = try handle("stderr", forWriting: true)

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = conninfo
        environment["CARTERO_USER"] = login
        process.environment = environment
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        defer { for handle in [input, out, err] { try? handle.close() } }
        try process.run()
        process.waitUntilExit()
        return CLIRun(
            status: process.terminationStatus,
            out: String(decoding: try Data(contentsOf: outURL), as: UTF8.self),
            err: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }
}

/// What a tool of this machine (pdftotext, zbarimg…) prints on standard output; its
/// standard error is dropped.
func toolOutput(_ name: String, _ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [name] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
