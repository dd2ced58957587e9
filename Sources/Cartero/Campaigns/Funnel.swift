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

    /// The funnel of the campaign's last evaluation.
    public static func stored(_ id: Campaign.ID, on db: Connection) throws -> Funnel {
        let campaign = try Campaigns.find(id, on: db)
        let source: Query = """
            SELECT ca.reasons, ca.saldo_mora, ca.uso, ca.facturacion
              FROM cartero.campaign_accounts ca
             WHERE ca.campaign_id = \(id)
            """
        return try compute(campaign, parameters: campaign.parameters, isWhatIf: false, source: source, on: db)
    }

    /// The funnel the campaign would have with `overrides` applied to its parameters,
    /// evaluated now; nothing is written.
    public static func whatIf(_ id: Campaign.ID, overrides: ParameterOverrides, on db: Connection) throws -> Funnel {
        try overrides.validate()
        let campaign = try Campaigns.find(id, on: db)
        // The campaign row with the overrides, as text, so that it reaches the segmentation
        // as a bound value and the planner plans for this cut date and these windows, as
        // evaluate_campaign's EXECUTE … USING does.
        // Its parameters are read back from that same row, so what is shown is what ran.
        let populated = try db.queryRow("""
            SELECT \(CampaignParameters.selectList), c::text
              FROM (SELECT (jsonb_populate_record(x, \(overrides.json)::jsonb)).* FROM cartero.campaigns x WHERE x.id = \(id)) c
            """)!
        let parameters = try CampaignParameters.read(populated, from: 0)
        let row = try populated.decode(CampaignParameters.columnCount, as: String.self)
        // Like evaluate_campaign: JIT costs more than it saves on this statement.
        try db.execute("SELECT set_config('jit', 'off', true), set_config('work_mem', '64MB', true)")
        let source: Query = """
            SELECT s.reasons, s.saldo_mora, s.uso, s.facturacion
              FROM cartero.segmentation(\(row)::cartero.campaigns) s
            """
        return try compute(campaign, parameters: parameters, isWhatIf: true, source: source, on: db)
    }

    /// One pass over the evaluated accounts (`reasons`, `saldo_mora`, `uso`, `facturacion`):
    /// each account is joined to its reasons (none when selected, giving one row whose
    /// motivo is NULL), and grouped per reason, per selected use class and billing mode,
    /// and in total. `n IS NULL OR n = 1` picks each account exactly once.
    private static func compute(
        _ campaign: Campaign, parameters: CampaignParameters, isWhatIf: Bool, source: Query, on db: Connection
    ) throws -> Funnel {
        let rows = try db.execute("""
            SELECT GROUPING(u.motivo, s.uso, s.facturacion) AS g, u.motivo, s.uso, s.facturacion,
                   count(*) AS cuentas,
                   count(*) FILTER (WHERE u.n IS NULL OR u.n = 1) AS primera,
                   coalesce(sum(s.saldo_mora) FILTER (WHERE u.n IS NULL OR u.n = 1), 0) AS saldo
              FROM (\(source)) s
              LEFT JOIN LATERAL unnest(s.reasons) WITH ORDINALITY AS u(motivo, n) ON true
             GROUP BY GROUPING SETS ((u.motivo), (u.motivo, s.uso), (u.motivo, s.facturacion), ())
            """)
        var byReason: [String: Step] = [:]
        var evaluated = Tally.zero
        var selected = Tally.zero
        var byUse: [String: Tally] = [:]
        var byBilling: [String: Tally] = [:]
        for row in rows {
            // GROUPING bits: motivo 4, uso 2, facturacion 1 (1 = not grouped by it).
            let (grouping, motivo, uso, facturacion, failing, first, balance) =
                try row.decode((Int, String?, String?, String?, Int, Int, Decimal).self)
            let tally = Tally(accounts: first, balance: balance)
            switch (grouping, motivo) {
            case (7, _): evaluated = tally
            case (3, nil): selected = tally
            case (3, let motivo?):
                if let reason = ExclusionReason(rawValue: motivo) {
                    byReason[motivo] = Step(reason: reason, failing: failing, firstFailing: first, firstFailingBalance: balance)
                }
            case (1, nil): byUse[uso ?? ""] = tally
            case (2, nil): byBilling[facturacion ?? ""] = tally
            default: break  // a reason per use class or billing mode: not shown
            }
        }
        return Funnel(
            campaign: campaign, parameters: parameters, isWhatIf: isWhatIf,
            steps: ExclusionReason.allCases.map {
                byReason[$0.rawValue] ?? Step(reason: $0, failing: 0, firstFailing: 0, firstFailingBalance: 0)
            },
            evaluated: evaluated, selected: selected,
            selectedByUse: UseClass.allCases.map { ($0, byUse[$0.rawValue] ?? .zero) },
            selectedByBilling: billingModes.map { ($0, byBilling[$0] ?? .zero) })
    }
}
