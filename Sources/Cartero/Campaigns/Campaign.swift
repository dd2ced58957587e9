import Foundation
import PQ

/// Where a campaign is in its life.
public enum CampaignStatus: String, Sendable, CaseIterable, Codable {
    /// Draft: evaluated, may be refreshed, reserves nothing yet.
    case borrador
    /// Approved: its selected accounts are reserved.
    case aprobada
    /// Its letters are numbered.
    case generada
    /// Handed to the courier.
    case despachada
    case cerrada
    /// Cancelled.
    case anulada
}

/// A mass collection-letter campaign (campaña de gestión de cobro masiva) of one regional.
public struct Campaign: Sendable, Hashable {
    public typealias ID = Int64

    public let id: ID
    public let regional: String
    public let name: String
    /// The cut date `D` (fecha de corte).
    public let cutDate: CalendarDate
    /// The values its segmentation used.
    public let parameters: CampaignParameters
    public let status: CampaignStatus
    /// The login of the member who created it (`staff N` when the acting member may not see him).
    public let createdBy: String
    public let createdAt: Date
    /// When its result was last computed; nil when its parameters changed since.
    public let evaluatedAt: Date?
    public let approvedAt: Date?
    /// Accounts selected for a letter at its last evaluation.
    public let selectedCount: Int

    /// A draft's result may be recomputed; an approved campaign's is what it reserved.
    public var isDraft: Bool { status == .borrador }

    /// The columns `read` decodes, by name, from `cartero.campaigns c`.
    static let selectList: Query = """
        c.id, c.regional, c.name, c.cut_date, c.status,
        coalesce((SELECT s.login FROM cartero.staff s WHERE s.id = c.created_by), 'staff ' || c.created_by) AS created_by,
        c.created_at, c.evaluated_at, c.approved_at, coalesce(c.selected_count, 0) AS selected_count,
        \(CampaignParameters.selectList)
        """

    static func read(_ row: Row) throws -> Campaign {
        let id = try row.decode("id", as: Int64.self)
        let status = try row.decode("status", as: String.self)
        guard let campaignStatus = CampaignStatus(rawValue: status) else {
            throw CarteroError.invalid("campaign \(id) has an unknown status '\(status)'")
        }
        return Campaign(
            id: id, regional: try row.decode("regional"), name: try row.decode("name"), cutDate: try row.decode("cut_date"),
            parameters: try CampaignParameters.read(row), status: campaignStatus,
            createdBy: try row.decode("created_by"), createdAt: try row.decode("created_at"),
            evaluatedAt: try row.decode("evaluated_at"), approvedAt: try row.decode("approved_at"),
            selectedCount: try row.decode("selected_count"))
    }
}

/// What a coordinator gives to create a campaign.
public struct NewCampaign: Sendable {
    public var regional: String
    public var name: String
    public var cutDate: CalendarDate
    public var parameters: ParameterOverrides

    public init(regional: String, name: String, cutDate: CalendarDate, parameters: ParameterOverrides = ParameterOverrides()) {
        self.regional = regional
        self.name = name
        self.cutDate = cutDate
        self.parameters = parameters
    }

    /// Reads a cut date as `YYYY-MM-DD`, saying whether the text is malformed or the day does not exist.
    public static func cutDate(_ text: String) throws -> CalendarDate {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard text.range(of: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", options: .regularExpression) != nil else {
            throw CarteroError.invalid("cut date '\(text)' must be written YYYY-MM-DD, e.g. 2026-03-31")
        }
        guard let date = CalendarDate(text) else {
            throw CarteroError.invalid("cut date '\(text)' does not exist on the calendar")
        }
        try requireCutDateInRange(date)
        return date
    }

    /// The range of the check on `cartero.campaigns.cut_date`.
    static let cutDates = CalendarDate(year: 2000, month: 1, day: 1)!...CalendarDate(year: 2099, month: 12, day: 31)!

    static func requireCutDateInRange(_ date: CalendarDate) throws {
        guard cutDates.contains(date) else {
            throw CarteroError.invalid("cut date \(date) must be between \(cutDates.lowerBound) and \(cutDates.upperBound)")
        }
    }
}
