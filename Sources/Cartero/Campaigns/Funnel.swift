import Foundation
import PQ

/// A campaign's funnel: per exclusion rule, in RULES.md's order, the accounts failing
/// it and those for which it is the first failing rule; then the selected accounts,
/// broken down by use class and billing mode.
///
/// The same query serves the stored result (`campaign_accounts`) and a what-if, which
/// runs `cartero.segmentation` on the campaign with other parameters and writes nothing.
public struct Funnel: Sendable {
    public struct Step: Sendable, Hashable {
        public let reason: ExclusionReason
        /// Accounts failing this rule; an account may fail several.
        public let failing: Int
        /// Accounts for which this is the first failing rule: these add up to all excluded accounts.
        public let firstFailing: Int
        /// Overdue balance of the accounts for which this is the first failing rule.
        public let firstFailingBalance: Decimal
    }

    /// A number of accounts and their overdue balance.
    public struct Tally: Sendable, Hashable {
        public let accounts: Int
        public let balance: Decimal

        public init(accounts: Int, balance: Decimal) {
            self.accounts = accounts
            self.balance = balance
        }

        public static let zero = Tally(accounts: 0, balance: 0)
    }

    public let campaign: Campaign
    /// The values this funnel was computed with: the campaign's own, or the what-if's.
    public let parameters: CampaignParameters
    /// True when evaluated on the spot for other parameters; nothing was saved.
    public let isWhatIf: Bool
    /// Every rule of `ExclusionReason`, in order, with zeros where no account fails it.
    public let steps: [Step]
    public let evaluated: Tally
    public let selected: Tally
    /// The selection per use class, in `UseClass` order, every class listed.
    public let selectedByUse: [(use: UseClass, tally: Tally)]
    /// The selection per billing mode: directa, then conjunta.
    public let selectedByBilling: [(billing: String, tally: Tally)]

    public static let billingModes = ["directa", "conjunta"]

    /// The funnel of the campaign's last evaluation, as stored with it
    /// (`cartero.campaign_tallies`): a few rows, whatever the campaign's size.
    public static func stored(_ id: Campaign.ID, on db: Connection) throws -> Funnel {
        let campaign = try Campaigns.find(id, on: db)
        let lines = try db.execute("""
            SELECT \(lineColumns)
              FROM cartero.campaign_tallies
             WHERE campaign_id = \(id)
            """)
        return try Funnel(campaign, parameters: campaign.parameters, isWhatIf: false, lines: lines)
    }

    /// The funnel the campaign would have with `overrides` applied to its parameters;
    /// nothing is written. Thresholds, minimum days, capacity and control group are
    /// applied to the stored evaluation (`cartero.campaign_funnel`: no payment or letter
    /// is read again); other windows need the segmentation itself, run now.
    public static func whatIf(_ id: Campaign.ID, overrides: ParameterOverrides, on db: Connection) throws -> Funnel {
        try overrides.validate()
        let campaign = try Campaigns.find(id, on: db)
        try EvaluationRetention.requireWhole(id, on: db)
        // The campaign row with the overrides, as text, so that it reaches the function
        // as one bound value and the planner plans for these values.
        // Its parameters are read back from that same row, so what is shown is what ran.
        let populated = try db.queryRow("""
            SELECT \(CampaignParameters.selectList), c::text AS campaign_row
              FROM (SELECT (jsonb_populate_record(x, \(overrides.json)::jsonb)).* FROM cartero.campaigns x WHERE x.id = \(id)) c
            """)!
        let parameters = try CampaignParameters.read(populated)
        let row = try populated.decode("campaign_row", as: String.self)
        let sameWindows = parameters.paymentWindowMonths == campaign.parameters.paymentWindowMonths
            && parameters.letterWindowMonths == campaign.parameters.letterWindowMonths
        // JIT compiles these big statements for longer than it saves (0.5 s of 1.4 s on a
        // million accounts); the extra work_mem keeps their sorts and hashes in memory.
        try db.execute("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)")
        let lines: Rows
        if sameWindows && campaign.evaluatedAt != nil {
            lines = try db.execute("""
                SELECT \(lineColumns)
                  FROM cartero.campaign_funnel(\(row)::cartero.campaigns)
                """)
        } else {
            lines = try db.execute("""
                SELECT \(lineColumns)
                  FROM cartero.funnel_lines(ARRAY(
                       SELECT ROW(cartero.reason_mask(s.reasons), s.uso, s.facturacion, count(*), sum(s.saldo_mora))::cartero.funnel_group
                         FROM cartero.segmentation(\(row)::cartero.campaigns) s
                        GROUP BY cartero.reason_mask(s.reasons), s.uso, s.facturacion))
                """)
        }
        return try Funnel(campaign, parameters: parameters, isWhatIf: true, lines: lines)
    }

    /// The columns of `cartero.funnel_lines` (and `campaign_tallies`) that `init(lines:)` reads.
    private static let lineColumns = Query(unsafeSQL: "dimension, clave, cuentas, cuentas_primer_motivo, saldo_mora_primer_motivo")

    /// Reads the lines of `cartero.funnel_lines`: per reason, the totals, and the
    /// selection per use class and billing mode.
    private init(_ campaign: Campaign, parameters: CampaignParameters, isWhatIf: Bool, lines: Rows) throws {
        var byReason: [String: Step] = [:]
        var totals: [String: Tally] = [:]
        var byUse: [String: Tally] = [:]
        var byBilling: [String: Tally] = [:]
        for line in lines {
            let (dimension, key, accounts, firstFailing, firstFailingBalance) =
                try line.decode((String, String, Int, Int, Decimal).self)
            let tally = Tally(accounts: firstFailing, balance: firstFailingBalance)
            switch dimension {
            case "motivo":
                if let reason = ExclusionReason(rawValue: key) {
                    byReason[key] = Step(reason: reason, failing: accounts, firstFailing: firstFailing, firstFailingBalance: firstFailingBalance)
                }
            case "total": totals[key] = tally
            case "uso": byUse[key] = tally
            case "facturacion": byBilling[key] = tally
            default: break
            }
        }
        self.campaign = campaign
        self.parameters = parameters
        self.isWhatIf = isWhatIf
        steps = ExclusionReason.allCases.map {
            byReason[$0.rawValue] ?? Step(reason: $0, failing: 0, firstFailing: 0, firstFailingBalance: 0)
        }
        evaluated = totals["evaluadas"] ?? .zero
        selected = totals["seleccionadas"] ?? .zero
        selectedByUse = UseClass.allCases.map { ($0, byUse[$0.rawValue] ?? .zero) }
        selectedByBilling = Self.billingModes.map { ($0, byBilling[$0] ?? .zero) }
    }
}
