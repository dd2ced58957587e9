import Cartero
import Foundation
import Testing

/// `cartero import` and `cartero sample` as a script runs them: the built executable,
/// its output streams and exit status.
@Suite struct ImportCommandTests {
    let fixture: ImportFixture

    init() async throws { fixture = try await ImportFixture("import_cli") }

    var cli: CarteroCLI { CarteroCLI(conninfo: fixture.cartero.conninfo) }

    @Test func anImportPrintsOneSummaryLine() async throws {
        let file = try fixture.write(ImportFixture.accounts([["cuenta": "1001"], ["cuenta": "1002"]]), as: "accounts.csv")
        let run = try cli.run(["import", "accounts", file.path])
        #expect(run.status == 0)
        #expect(run.err == "")
        let batch = try fixture.value("SELECT max(id) FROM cartero.import_batches", as: Int.self)
        #expect(run.out == "accounts.csv: 2 rows read, 2 inserted, 0 updated, 0 unchanged (batch \(batch))\n")
    }

    @Test func aRejectedFilePrintsTheFirstHundredErrorsThenTheCountAndExitsOne() async throws {
        let rows = (1...150).map { ["cuenta": "\(5000 + $0)", "saldo_mora": "1.000,00"] }
        let file = try fixture.write(ImportFixture.accounts(rows), as: "accounts.csv")
        let run = try cli.run(["import", "accounts", file.path])
        #expect(run.status == 1)
        #expect(run.out == "")
        let lines = run.err.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 103)
        #expect(lines.first?.hasPrefix("line 2: saldo_mora: '1.000,00' is not an amount") == true)
        #expect(lines[99].hasPrefix("line 101: saldo_mora:"))
        #expect(lines[100] == "… and 50 more errors")
        #expect(lines[101] == "error: accounts.csv was not imported (150 errors); nothing was written")
        #expect(try fixture.counts() == [0, 0, 0, 0])
    }

    @Test func aMemberImportsOnlyWhatHeMay() async throws {
        try await fixture.cartero.addMember("c.norte", role: .coordinador, regional: "NORTE")
        let file = try fixture.write(ImportFixture.accounts([["cuenta": "1001", "regional": "SUR"]]), as: "accounts.csv")
        let run = try cli.run(["import", "accounts", file.path, "--as", "c.norte"])
        #expect(run.status == 1)
        #expect(run.err.hasPrefix("line 2: regional: you may not import accounts of regional SUR\n"))
        #expect(try fixture.counts() == [0, 0, 0, 0])
    }

    @Test func theSampleIsDeterministicAndImportsCleanly() async throws {
        let first = fixture.directory.appendingPathComponent("sample1")
        let second = fixture.directory.appendingPathComponent("sample2")
        let run = try cli.run(["sample", "--accounts", "400", "--regionals", "2", "--seed", "7", "--as-of", "2026-03-31", "--out", first.path])
        #expect(run.status == 0)
        #expect(run.out.contains("\naccounts.csv    400  accounts\n"))
        #expect(run.out.contains("cartero regional add NORTE 'Regional Norte'"))
        #expect(run.out.contains("cartero regional add SUR 'Regional Sur'"))
        _ = try cli.run(["sample", "--accounts", "400", "--regionals", "2", "--seed", "7", "--as-of", "2026-03-31", "--out", second.path])
        for name in ["accounts.csv", "payments.csv", "letters.csv", "regionals.csv"] {
            let a = try Data(contentsOf: first.appendingPathComponent(name))
            let b = try Data(contentsOf: second.appendingPathComponent(name))
            #expect(a == b, "\(name) differs between two runs with the same seed")
        }
        for kind in ["accounts", "payments", "letters"] {
            let imported = try cli.run(["import", kind, first.appendingPathComponent("\(kind).csv").path])
            #expect(imported.status == 0, "\(kind): \(imported.err)")
            let again = try cli.run(["import", kind, first.appendingPathComponent("\(kind).csv").path])
            #expect(again.out.contains(" 0 inserted, 0 updated, "), "\(kind) again: \(again.out)")
        }
        #expect(try fixture.value("SELECT count(*) FROM cartero.accounts", as: Int.self) == 400)
    }

    @Test func sampleRefusesADateThatDoesNotExist() throws {
        let run = try cli.run(["sample", "--accounts", "1", "--as-of", "2026-02-30", "--out", fixture.directory.path])
        #expect(run.status == 2)
        #expect(run.err.contains("--as-of must be a date YYYY-MM-DD, got '2026-02-30'"))
    }
}
