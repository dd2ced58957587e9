import ArgumentParser
import Cartero
import CarteroSample
import Foundation
import PQ

struct SampleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Write a synthetic extract (accounts, payments, letters) for demos and benchmarks.",
        discussion: "The same options always write the same files. Needs no database.")

    @Option(help: "How many accounts.") var accounts: Int
    @Option(help: "How many regionals, 1 to \(SampleExtract.regionalCatalog.count).") var regionals = 5
    @Option(help: "Seed of the generator.") var seed: UInt64 = 1
    @Option(name: .customLong("as-of"), help: "The extract's date, YYYY-MM-DD (default: today).") var asOf: String?
    @Option(help: "Folder to write the files into (created if missing).") var out: String

    func validate() throws {
        guard accounts >= 0 else { throw ValidationError("--accounts must not be negative") }
        guard (1...SampleExtract.regionalCatalog.count).contains(regionals) else {
            throw ValidationError("--regionals must be between 1 and \(SampleExtract.regionalCatalog.count)")
        }
        if let asOf, CalendarDate(asOf) == nil { throw ValidationError("--as-of must be a date YYYY-MM-DD, got '\(asOf)'") }
    }

    func run() async throws {
        let date = asOf.flatMap { CalendarDate($0) } ?? Self.today
        let options = SampleExtract.Options(accounts: accounts, regionals: regionals, seed: seed, asOf: date)
        let directory = URL(fileURLWithPath: out)
        let summary = try SampleExtract.write(options, to: directory) { [accounts] written in
            Terminal.progress("writing accounts: \(accounts > 0 ? written * 100 / accounts : 100)%")
        }
        Terminal.endProgress()
        Terminal.out("wrote the extract of \(date) to \(directory.path):\n")
        Terminal.out(Terminal.table(["file", "rows", "what"], [
            [summary.accountsFile.lastPathComponent, "\(summary.accounts)", "accounts"],
            [summary.paymentsFile.lastPathComponent, "\(summary.payments)", "payments"],
            [summary.lettersFile.lastPathComponent, "\(summary.letters)", "letters sent before"],
            [summary.regionalsFile.lastPathComponent, "\(summary.regionals.count)", "regionals: " + summary.regionals.map(\.code).joined(separator: ", ")],
        ], rightAligned: [1]))
        Terminal.out("add the regionals before importing (once per database):\n")
        for regional in summary.regionals {
            Terminal.out("  cartero regional add \(regional.code) '\(regional.name)'\n")
        }
    }

    /// Today on this machine's calendar.
    static var today: CalendarDate {
        let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}
