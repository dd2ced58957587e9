import Cartero
import Foundation
import PQ

/// A deterministic synthetic extract of the commercial system, for demos, tests and
/// benchmarks: `accounts.csv`, `payments.csv`, `letters.csv` (formats in
/// spec/FORMATS.md) and `regionals.csv` (`code,name`).
///
/// The same options always give byte-identical files: the generator has its own PRNG
/// (SplitMix64, SampleRandom.swift) and its own `exp` (only +, −, ×, ÷ on doubles), and
/// counts days with `CalendarDate` (no time zones), so the output does not depend on the
/// platform's libm, Foundation's calendars, or Swift's randomly seeded hashing.
///
/// This file is the interface; the word lists are in SampleLexicon.swift, the CSV output
/// in SampleWriter.swift, the rows in SampleGenerator.swift and SampleWording.swift.
///
/// The data are shaped so that every segmentation rule of RULES.md §1 excludes a
/// visible share of accounts when a campaign is cut at `asOf`, and a good share is
/// selected; a few hundred accounts sit exactly on each boundary (threshold balances,
/// 60 days past due, a payment exactly one month before, a letter exactly two months
/// before).
public struct SampleExtract: Sendable {

    public struct Options: Sendable {
        /// Number of accounts (rows of accounts.csv).
        public var accounts: Int
        /// How many regionals of `regionalCatalog` to use (the first K), 1...8.
        public var regionals: Int
        public var seed: UInt64
        /// The extract's date: payments and letters lie before it, overdue dates too.
        public var asOf: CalendarDate

        public init(
            accounts: Int = 10_000,
            regionals: Int = 5,
            seed: UInt64 = 1,
            asOf: CalendarDate = CalendarDate(year: 2026, month: 3, day: 31)!
        ) {
            self.accounts = accounts
            self.regionals = regionals
            self.seed = seed
            self.asOf = asOf
        }
    }

    public struct Summary: Sendable {
        public let accounts: Int
        public let payments: Int
        public let letters: Int
        /// The regionals used, in catalog order.
        public let regionals: [Regional]
        public let accountsFile: URL
        public let paymentsFile: URL
        public let lettersFile: URL
        public let regionalsFile: URL
    }

    /// Regional codes are 2–8 capital letters (spec/CLI.md), hence `OCCIDENT`.
    public static let regionalCatalog = [
        Regional(code: "NORTE", name: "Regional Norte"),
        Regional(code: "SUR", name: "Regional Sur"),
        Regional(code: "CENTRO", name: "Regional Centro"),
        Regional(code: "ORIENTE", name: "Regional Oriente"),
        Regional(code: "OCCIDENT", name: "Regional Occidente"),
        Regional(code: "CAFETERO", name: "Regional Eje Cafetero"),
        Regional(code: "LLANOS", name: "Regional Llanos"),
        Regional(code: "COSTA", name: "Regional Costa"),
    ]

    /// Writes the four files into `directory` (created if missing; existing files of
    /// the same names are replaced). `progress` is called now and then, on the calling
    /// thread, with the number of accounts written so far, and once at the end.
    public static func write(
        _ options: Options, to directory: URL, progress: ((Int) -> Void)? = nil
    ) throws -> Summary {
        guard options.accounts >= 0 else {
            throw CarteroError.invalid("The number of accounts must not be negative.")
        }
        guard (1...regionalCatalog.count).contains(options.regionals) else {
            throw CarteroError.invalid("The number of regionals must be between 1 and \(regionalCatalog.count).")
        }
        guard (1900...9000).contains(options.asOf.year) else {
            throw CarteroError.invalid("The extract date \(options.asOf) is not between the years 1900 and 9000.")
        }
        guard options.accounts <= 50_000_000 else {
            throw CarteroError.invalid("At most 50 million accounts can be generated.")
        }

        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let accountsURL = directory.appendingPathComponent("accounts.csv")
        let paymentsURL = directory.appendingPathComponent("payments.csv")
        let lettersURL = directory.appendingPathComponent("letters.csv")
        let regionalsURL = directory.appendingPathComponent("regionals.csv")

        let used = Array(regionalCatalog.prefix(options.regionals))
        let regionalsSink = try ByteSink(regionalsURL)
        regionalsSink.text(CSV.lines([["code", "name"]] + used.map { [$0.code, $0.name] }))
        try regionalsSink.close()

        let generator = try Generator(
            options: options, accountsURL: accountsURL, paymentsURL: paymentsURL, lettersURL: lettersURL)
        try generator.run(progress: progress)

        return Summary(
            accounts: options.accounts,
            payments: generator.paymentCount,
            letters: generator.letterCount,
            regionals: used,
            accountsFile: accountsURL,
            paymentsFile: paymentsURL,
            lettersFile: lettersURL,
            regionalsFile: regionalsURL)
    }
}
