import PQ

/// A campaign's life: create (and evaluate), refresh, approve, cancel, list.
///
/// The rules themselves are in SQL (`sql/migrations/0004_campaigns.sql`:
/// `cartero.segmentation`, `evaluate_campaign`, `approve_campaign`, `cancel_campaign`),
/// set-based and under the acting member's row rules; these functions check what
/// they can say better first, call them, and turn their errors into sentences.
/// Every function runs in the caller's transaction.
public enum Campaigns {
    /// Creates a campaign and evaluates it; returns its id.
    /// Only a coordinador of the regional or an admin.
    public static func create(_ campaign: NewCampaign, on db: Connection) throws -> Campaign.ID {
        let name = campaign.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw CarteroError.invalid("the campaign needs a name") }
        try campaign.parameters.validate()
        try NewCampaign.requireCutDateInRange(campaign.cutDate)
        try Regionals.require(campaign.regional, on: db)
        var columns: Query = ""
        var values: Query = ""
        for column in campaign.parameters.columns {
            columns = columns + ", \(unsafeSQL: column.name)"
            values = values + ", \(column.value.bind)"
        }
        return try translatingErrors(of: nil) {
            let id = try db.queryValue("""
                INSERT INTO cartero.campaigns (regional, name, cut_date\(columns))
                VALUES (\(campaign.regional), \(name), \(campaign.cutDate)\(values))
                RETURNING id
                """, as: Int64.self)
            try db.execute("SELECT cartero.evaluate_campaign(\(id))")
            return id
        }
    }

    /// The campaign, if the acting member may see it; otherwise `campaign ID does not exist`
    /// (another regional's campaign is not told apart from a missing one).
    public static func find(_ id: Campaign.ID, on db: Connection) throws -> Campaign {
        guard let row = try db.queryRow("SELECT \(Campaign.selectList) FROM cartero.campaigns c WHERE c.id = \(id)") else {
            throw notFound(id)
        }
        return try Campaign.read(row)
    }

    /// The campaigns the acting member may see, newest first; of one regional when given.
    public static func list(regional: String? = nil, on db: Connection) throws -> [Campaign] {
        var filter: Query = ""
        if let regional {
            try Regionals.require(regional, on: db)
            filter = "WHERE c.regional = \(regional)"
        }
        return try db.execute("""
            SELECT \(Campaign.selectList) FROM cartero.campaigns c \(filter)
            ORDER BY c.created_at DESC, c.id DESC
            """).map(Campaign.read)
    }

    /// Evaluates a draft again against today's data (payments, letters, reservations
    /// of campaigns approved since); returns the campaign as it now stands.
    @discardableResult
    public static func refresh(_ id: Campaign.ID, on db: Connection) throws -> Campaign {
        let campaign = try find(id, on: db)
        guard campaign.isDraft else {
            throw CarteroError.conflict("campaign \(id) is \(campaign.status.rawValue); only a draft can be refreshed")
        }
        try translatingErrors(of: id) { _ = try db.execute("SELECT cartero.evaluate_campaign(\(id))") }
        return try find(id, on: db)
    }

    /// Approves a draft: reserves every account it selected, all or none, so that no
    /// other campaign mails them. Returns how many accounts were reserved. When another
    /// approval took some of them after this campaign was evaluated, fails with
    /// `N accounts were reserved by campaign X after this one was evaluated; refresh it`
    /// and changes nothing.
    @discardableResult
    public static func approve(_ id: Campaign.ID, on db: Connection) throws -> Int {
        _ = try find(id, on: db)
        return try translatingErrors(of: id) {
            try db.queryValue("SELECT cartero.approve_campaign(\(id))", as: Int.self)
        }
    }

    /// Cancels a draft or an approved campaign (anulada), releasing its reserved
    /// accounts; returns how many were released.
    @discardableResult
    public static func cancel(_ id: Campaign.ID, on db: Connection) throws -> Int {
        _ = try find(id, on: db)
        return try translatingErrors(of: id) {
            try db.queryValue("SELECT cartero.cancel_campaign(\(id))", as: Int.self)
        }
    }

    static func notFound(_ id: Campaign.ID) -> CarteroError {
        CarteroError.notFound("campaign \(id) does not exist")
    }

    /// The campaign functions' refusals as CarteroErrors carrying the function's own
    /// sentence; a campaign the member may not see reads as missing.
    static func translatingErrors<T>(of id: Campaign.ID?, _ body: () throws -> T) throws -> T {
        do {
            return try CarteroError.translating(whenRefused: "only a coordinator of the campaign's regional or an administrator may do that") {
                try body()
            }
        } catch let error as CarteroError where error.kind == .notFound {
            throw id.map(notFound) ?? error
        } catch SQLState.checkViolation {
            throw CarteroError.invalid("a campaign parameter is out of range")
        }
    }
}
