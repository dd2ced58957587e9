import Foundation
import PQ

/// The CSV files Cartero reads (spec/FORMATS.md) and their columns: the three extracts
/// of the commercial system, and the courier's results.
///
/// One pipeline serves them all, driven by the column spec: the header is read in
/// Swift, the rest of the file is streamed through `COPY` into a temporary staging
/// table (`ExtractStaging`), checked there in SQL (`ExtractValidation`), and merged
/// (`ExtractMerge`, or `CourierResults` for the courier's file), all in one transaction.
public enum ExtractKind: String, Sendable, CaseIterable {
    case accounts
    case payments
    case letters
    /// The courier's `resultados.csv`.
    case courierResults = "courier_results"

    /// The extracts of the commercial system, which `cartero import` reads.
    public static let extracts: [ExtractKind] = [.accounts, .payments, .letters]

    /// The clean-up marks (saneamiento) an extract may set on an account.
    package static let cleanUpMarks = ["demolido", "lote", "doble_facturacion"]

    /// The columns FORMATS.md defines, in its order.
    var columns: [ExtractColumn] {
        switch self {
        case .accounts:
            [
                .init("cuenta", required: true, rule: .cuenta),
                .init("regional", required: true, rule: .regional),
                .init("titular", required: true, rule: .text(max: 200)),
                .init("documento", required: false, rule: .text(max: 30)),
                .init("direccion", required: false, rule: .text(max: 200)),
                .init("barrio", required: false, rule: .text(max: 100)),
                .init("municipio", required: true, rule: .text(max: 100)),
                .init("ruta", required: false, rule: .text(max: 40)),
                .init("uso", required: true, rule: .oneOf(UseClass.allCases.map(\.rawValue))),
                .init("estrato", required: false, rule: .estrato),
                .init("facturacion", required: true, rule: .oneOf(["directa", "conjunta"])),
                .init("saldo_mora", required: true, rule: .amount(positive: false)),
                .init("fecha_mora", required: false, rule: .date),
                .init("cobro_juridico", required: true, rule: .oneOf(["S", "N"])),
                .init("saneamiento", required: false, rule: .oneOf(Self.cleanUpMarks)),
            ]
        case .payments:
            [
                .init("cuenta", required: true, rule: .existingAccount),
                .init("fecha", required: true, rule: .date),
                .init("valor", required: true, rule: .amount(positive: true)),
                .init("referencia", required: false, rule: .text(max: 60)),
            ]
        case .letters:
            [
                .init("cuenta", required: true, rule: .existingAccount),
                .init("fecha_envio", required: true, rule: .date),
            ]
        case .courierResults:
            [
                .init("consecutivo", required: true, rule: .dispatchedLetter),
                .init("guia", required: true, rule: .text(max: 60)),
                .init("estado", required: true, rule: .deliveryResult),
                .init("fecha", required: true, rule: .resultDate),
                // Every file has the column; a row leaves it blank when delivered.
                .init("causal", required: true, rule: .returnCause),
                .init("observacion", required: false, rule: .text(max: 500)),
            ]
        }
    }
}

/// A column of an extract: its header name, whether the header and every row must
/// have it, and what a non-blank value must look like.
struct ExtractColumn: Sendable {
    let name: String
    let required: Bool
    let rule: ValueRule

    init(_ name: String, required: Bool, rule: ValueRule) {
        self.name = name
        self.required = required
        self.rule = rule
    }
}

/// What a non-blank value must be; `ExtractValidation` turns each into SQL.
enum ValueRule: Sendable {
    /// Any text of at most `max` characters (the column's check in the database).
    case text(max: Int)
    /// An account number, 1–20 of `A-Z a-z 0-9 -`, at most once per file.
    case cuenta
    /// An account number of an account that exists and that the acting member sees.
    case existingAccount
    /// The code of an existing regional whose accounts the acting member may import.
    case regional
    /// One of these words, exactly.
    case oneOf([String])
    /// 1 to 6, and only on residential accounts (the row's `uso`).
    case estrato
    /// Pesos: digits with up to two decimals, ≥ 0 (or > 0 when `positive`).
    case amount(positive: Bool)
    /// `YYYY-MM-DD`, a day that exists.
    case date
    /// The consecutivo of a dispatched letter that the acting member sees. Its checks
    /// join the letter, its stored result and its registered return, which the three
    /// rules below read.
    case dispatchedLetter
    /// `ENTREGADA` or `DEVUELTA`, agreeing with what is stored for the letter and with
    /// the file's earlier lines for it.
    case deliveryResult
    /// A date from the letter's dispatch to today.
    case resultDate
    /// A code of `cartero.return_causes` on a `DEVUELTA`, blank on an `ENTREGADA`.
    case returnCause
}

/// One thing wrong with the file: `line N: column: what is wrong`. Line 1 is the
/// header; a data record's line is its record number + 1 (a record whose quoted field
/// holds line breaks still counts as one line, as a spreadsheet shows it).
public struct RowError: Sendable, Hashable, CustomStringConvertible {
    public let line: Int
    /// The column at fault; nil when the whole line is (a missing header column, a ragged row).
    public let column: String?
    public let message: String

    public init(line: Int, column: String?, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        column.map { "line \(line): \($0): \(message)" } ?? "line \(line): \(message)"
    }
}

/// What an import changed, as recorded in `cartero.import_batches`.
public struct ImportSummary: Sendable, Hashable, CustomStringConvertible {
    public let kind: ExtractKind
    public let fileName: String
    public let batchID: Int64
    public let sha256: String
    public let rowsRead: Int
    public let inserted: Int
    /// Rows that changed a stored one (accounts only; 0 for payments and letters).
    public let updated: Int
    /// Rows equal to one already stored, skipped.
    public let unchanged: Int
    /// Cases that the file's returns opened (courier results only).
    public var casesOpened = 0

    /// `accounts.csv: 150000 rows read, 149000 inserted, 800 updated, 200 unchanged (batch 7)`
    public var description: String {
        kind == .courierResults
            ? "\(fileName): \(rowsRead) rows read, \(inserted) results recorded, \(unchanged) unchanged, \(casesOpened) cases opened (batch \(batchID))"
            : "\(fileName): \(rowsRead) rows read, \(inserted) inserted, \(updated) updated, \(unchanged) unchanged (batch \(batchID))"
    }
}

public enum ImportOutcome: Sendable {
    case imported(ImportSummary)
    /// Nothing was written. `errors` holds the first `ExtractImport.reportedErrors`
    /// problems, by line then column; `total` counts them all.
    case rejected(errors: [RowError], total: Int)
}

/// Where a running import is, for a progress display.
public enum ImportProgress: Sendable {
    case sending(bytes: Int64, of: Int64)
    case validating
    case merging
}

/// A file rejected whole: thrown inside the import's transaction so that it rolls
/// back, and turned into `ImportOutcome.rejected` outside it.
struct ExtractRejection: Error {
    let errors: [RowError]
    let total: Int

    init(_ errors: [RowError], total: Int? = nil) {
        self.errors = errors
        self.total = total ?? errors.count
    }
}

public enum ExtractImport {
    /// How many problems a rejection lists; the rest are only counted.
    public static let reportedErrors = 100

    /// Imports one extract file as the member acting in `db`'s transaction (see
    /// `CarteroDatabase.transaction(as:)`): all of it, or — when any row is invalid —
    /// nothing. Runs in a savepoint of the caller's transaction, or in a transaction
    /// of its own when there is none. `progress` is called on the calling thread.
    public static func run(
        _ kind: ExtractKind, file: URL, on db: Connection, progress: (ImportProgress) -> Void = { _ in }
    ) throws -> ImportOutcome {
        do {
            return .imported(try db.transaction {
                try requireImporter(kind, on: db)
                // One import is one big set-based job: let its hashes (duplicate
                // cuentas, accounts joined to payments) stay in memory, for this
                // transaction only.
                try db.execute("SELECT set_config('work_mem', '256MB', true)")
                let staged = try ExtractStaging.load(kind, file: file, on: db, progress: progress)
                progress(.validating)
                try ExtractValidation.check(staged, on: db)
                progress(.merging)
                return kind == .courierResults
                    ? try CourierResults.record(staged, fileName: file.lastPathComponent, on: db)
                    : try ExtractMerge.merge(staged, fileName: file.lastPathComponent, on: db)
            })
        } catch let rejection as ExtractRejection {
            return .rejected(errors: rejection.errors, total: rejection.total)
        }
    }

    /// Extracts feed every regional's portfolio: an administrator imports them, a
    /// coordinator those of his own regional (`ExtractValidation` checks the rows). The
    /// courier's results are the office's work: an auxiliar de oficina imports them too.
    /// Said here first, in a sentence; the database holds the same rule.
    private static func requireImporter(_ kind: ExtractKind, on db: Connection) throws {
        let role = try db.queryValue("SELECT cartero.current_staff_role()", as: String?.self).flatMap(StaffRole.init)
        switch (kind, role) {
        case (_, .admin?), (_, .coordinador?), (.courierResults, .auxiliarOficina?):
            return
        case (.courierResults, _):
            throw CarteroError.forbidden("only an auxiliar de oficina, a coordinator or an administrator may import the courier's results")
        default:
            throw CarteroError.forbidden("only an administrator or a coordinator may import \(kind.rawValue)")
        }
    }
}
