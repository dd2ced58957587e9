import PQ

/// What stays of a campaign's evaluation once its letters have done their work
/// (docs/operations.md, "Five years of data"): a campaign dispatched long enough ago
/// keeps its selected accounts and its control group, a cancelled one nothing; the
/// funnel stays whole. Administrators only (`cartero.retain_evaluations`).
public enum EvaluationRetention {
    /// The days after its dispatch during which a campaign's evaluation stays whole:
    /// past the 90 days that reporting.campaign_effectiveness measures, with room to
    /// look again.
    public static let daysAfterDispatch = 180
    /// The days after it was cancelled.
    public static let daysAfterCancellation = 30

    /// Reduces the evaluations of the campaigns dispatched before `dispatchedBefore` or
    /// cancelled before `cancelledBefore`; returns how many were reduced.
    public static func apply(dispatchedBefore: CalendarDate, cancelledBefore: CalendarDate, on db: Connection) throws -> Int {
        try db.queryValue("SELECT cartero.retain_evaluations(\(dispatchedBefore), \(cancelledBefore))", as: Int.self)
    }

    /// Throws when the campaign's evaluation was reduced: what reads it whole (a
    /// what-if, the exclusions) would give a wrong answer.
    static func requireWhole(_ id: Campaign.ID, on db: Connection) throws {
        let retained = try db.queryValue(
            "SELECT evaluation_retained_at::date FROM cartero.campaigns WHERE id = \(id)", as: CalendarDate?.self)
        if let retained {
            throw CarteroError.invalid(
                "campaign \(id)'s evaluation was reduced to its letters and control group on \(retained) (the retention of evaluations); its funnel is kept, but a what-if or its exclusions need it whole")
        }
    }
}
