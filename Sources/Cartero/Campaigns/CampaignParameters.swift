import Foundation
import PQ

/// A use class (`uso`): it picks the balance threshold (RULES.md §1).
public enum UseClass: String, Sendable, CaseIterable, Codable {
    case residencial, comercial, industrial, oficial, especial

    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// Why an account gets no letter, in RULES.md's order: the order of a campaign's
/// `reasons`, of the funnel and of the exclusions CSV. The codes are stable: never rename them.
public enum ExclusionReason: String, Sendable, CaseIterable, Codable {
    case cobroJuridico = "cobro_juridico"
    case saneamiento
    case abonoReciente = "abono_reciente"
    case cartaReciente = "carta_reciente"
    case saldoBajoUmbral = "saldo_bajo_umbral"
    case moraInsuficiente = "mora_insuficiente"
    case sinDireccion = "sin_direccion"
    case casoAbierto = "caso_abierto"
    case fueraDeCapacidad = "fuera_de_capacidad"
    case grupoControl = "grupo_control"
}

/// The values a campaign's segmentation used, as stored with it so that its result
/// can be reproduced.
public struct CampaignParameters: Sendable, Hashable {
    /// An account is excluded when its overdue balance is not greater than its use class's threshold.
    public var thresholds: [UseClass: Decimal]
    /// Excluded when `D − fecha_mora` is not greater than this.
    public var minDaysPastDue: Int
    /// Excluded when paid after `D −` this many calendar months.
    public var paymentWindowMonths: Int
    /// Excluded when a letter was sent after `D −` this many calendar months.
    public var letterWindowMonths: Int
    /// Ranks past it get `fuera_de_capacidad`; nil for no limit.
    public var maxLetters: Int?
    /// Share of the accounts within capacity held back as `grupo_control`; nil for none.
    public var controlGroupPercent: Decimal?

    public init(
        thresholds: [UseClass: Decimal], minDaysPastDue: Int, paymentWindowMonths: Int, letterWindowMonths: Int,
        maxLetters: Int?, controlGroupPercent: Decimal?
    ) {
        self.thresholds = thresholds
        self.minDaysPastDue = minDaysPastDue
        self.paymentWindowMonths = paymentWindowMonths
        self.letterWindowMonths = letterWindowMonths
        self.maxLetters = maxLetters
        self.controlGroupPercent = controlGroupPercent
    }

    public func threshold(_ use: UseClass) -> Decimal { thresholds[use] ?? 0 }

    /// The columns of `cartero.campaigns` that hold the parameters, in the order `read` decodes them.
    static let selectList: Query = """
        c.threshold_residencial, c.threshold_comercial, c.threshold_industrial, c.threshold_oficial,
        c.threshold_especial, c.min_days_past_due, c.payment_window_months, c.letter_window_months,
        c.max_letters, c.control_group_pct
        """

    /// Reads the columns of `selectList` from `row`, by name.
    static func read(_ row: Row) throws -> CampaignParameters {
        var thresholds: [UseClass: Decimal] = [:]
        for use in UseClass.allCases {
            thresholds[use] = try row.decode("threshold_\(use.rawValue)", as: Decimal.self)
        }
        return CampaignParameters(
            thresholds: thresholds,
            minDaysPastDue: try row.decode("min_days_past_due"),
            paymentWindowMonths: try row.decode("payment_window_months"),
            letterWindowMonths: try row.decode("letter_window_months"),
            maxLetters: try row.decode("max_letters"),
            controlGroupPercent: try row.decode("control_group_pct"))
    }
}

/// Parameters given for a new campaign or a what-if; what is nil keeps the stored
/// value (or, for a new campaign, the table's default: RULES.md's values).
public struct ParameterOverrides: Sendable, Hashable {
    public var thresholds: [UseClass: Decimal] = [:]
    public var minDaysPastDue: Int?
    public var paymentWindowMonths: Int?
    public var letterWindowMonths: Int?
    public var maxLetters: Int?
    public var controlGroupPercent: Decimal?

    public init(
        thresholds: [UseClass: Decimal] = [:], minDaysPastDue: Int? = nil, paymentWindowMonths: Int? = nil,
        letterWindowMonths: Int? = nil, maxLetters: Int? = nil, controlGroupPercent: Decimal? = nil
    ) {
        self.thresholds = thresholds
        self.minDaysPastDue = minDaysPastDue
        self.paymentWindowMonths = paymentWindowMonths
        self.letterWindowMonths = letterWindowMonths
        self.maxLetters = maxLetters
        self.controlGroupPercent = controlGroupPercent
    }

    public var isEmpty: Bool { columns.isEmpty }

    public static let maxDaysPastDue = 3650
    public static let maxWindowMonths = 120
    public static let maxLetters = 10_000_000

    /// Reads the `--threshold` arguments (`USO=AMOUNT`, the amount in pesos with at most
    /// two decimals and no thousands separators); a use class given twice keeps the last.
    public init(thresholdArguments: [String]) throws {
        for argument in thresholdArguments {
            let parts = argument.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw CarteroError.invalid("threshold '\(argument)' must be USO=AMOUNT, e.g. residencial=150000")
            }
            let name = parts[0].trimmingCharacters(in: .whitespaces)
            guard let use = UseClass(rawValue: name.lowercased()) else {
                throw CarteroError.invalid("threshold '\(argument)': '\(name)' is not a use class; use one of \(UseClass.allNames)")
            }
            thresholds[use] = try Self.amount(String(parts[1]), what: "threshold '\(argument)'")
        }
    }

    /// Pesos as a person types them for a rule: digits, optionally `.` and one or two
    /// decimals. `150.000` is refused rather than read as 150.
    public static func amount(_ text: String, what: String) throws -> Decimal {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard text.range(of: "^[0-9]{1,12}(\\.[0-9]{1,2})?$", options: .regularExpression) != nil,
            let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
        else {
            throw CarteroError.invalid(
                "\(what): '\(text)' is not an amount in pesos: write digits only, without thousands separators, and at most two decimals after a '.'")
        }
        return value
    }

    /// Percentage of the control group, as `--control-group` gives it.
    public static func percent(_ text: String) throws -> Decimal {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard text.range(of: "^[0-9]{1,2}(\\.[0-9]{1,2})?$", options: .regularExpression) != nil,
            let value = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), value > 0
        else {
            throw CarteroError.invalid("control group '\(text)' must be a percentage greater than 0 and less than 100, e.g. 5 or 2.5")
        }
        return value
    }

    /// Refuses values the campaigns table would refuse, with a sentence a coordinator understands.
    public func validate() throws {
        for use in UseClass.allCases {
            if let threshold = thresholds[use], threshold < 0 {
                throw CarteroError.invalid("the \(use.rawValue) threshold cannot be negative")
            }
        }
        // The ranges of the checks on cartero.campaigns (0006_role_limits.sql).
        if let minDaysPastDue, !(0...Self.maxDaysPastDue).contains(minDaysPastDue) {
            throw CarteroError.invalid("the minimum days past due must be a whole number from 0 to \(Self.maxDaysPastDue)")
        }
        if let paymentWindowMonths, !(0...Self.maxWindowMonths).contains(paymentWindowMonths) {
            throw CarteroError.invalid("the payment window must be from 0 to \(Self.maxWindowMonths) months")
        }
        if let letterWindowMonths, !(0...Self.maxWindowMonths).contains(letterWindowMonths) {
            throw CarteroError.invalid("the letter window must be from 0 to \(Self.maxWindowMonths) months")
        }
        if let maxLetters, !(1...Self.maxLetters).contains(maxLetters) {
            throw CarteroError.invalid("the maximum number of letters must be from 1 to \(Self.maxLetters)")
        }
        if let controlGroupPercent, !(controlGroupPercent > 0 && controlGroupPercent < 100) {
            throw CarteroError.invalid("the control group must be a percentage greater than 0 and less than 100")
        }
    }

    /// The overridden columns of `cartero.campaigns` and their values. The names are
    /// the program's own, never a user's.
    var columns: [(name: String, value: ParameterValue)] {
        var columns: [(String, ParameterValue)] = []
        for use in UseClass.allCases {
            if let threshold = thresholds[use] { columns.append(("threshold_\(use.rawValue)", .amount(threshold))) }
        }
        if let minDaysPastDue { columns.append(("min_days_past_due", .count(minDaysPastDue))) }
        if let paymentWindowMonths { columns.append(("payment_window_months", .count(paymentWindowMonths))) }
        if let letterWindowMonths { columns.append(("letter_window_months", .count(letterWindowMonths))) }
        if let maxLetters { columns.append(("max_letters", .count(maxLetters))) }
        if let controlGroupPercent { columns.append(("control_group_pct", .amount(controlGroupPercent))) }
        return columns
    }

    /// The overrides as a JSON object of numbers keyed by column, for `jsonb_populate_record`.
    /// It is sent as one bound parameter.
    var json: String {
        "{" + columns.map { "\"\($0.name)\": \($0.value.jsonNumber)" }.joined(separator: ", ") + "}"
    }
}

enum ParameterValue {
    case amount(Decimal)
    case count(Int)

    var bind: any PQEncodable {
        switch self {
        case .amount(let value): return value
        case .count(let value): return value
        }
    }

    var jsonNumber: String {
        switch self {
        case .amount(let value): return NSDecimalNumber(decimal: value).description(withLocale: nil)
        case .count(let value): return String(value)
        }
    }
}
