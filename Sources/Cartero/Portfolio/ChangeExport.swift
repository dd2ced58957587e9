import Foundation
import PQ

/// Back to the commercial system, the system of record: the addresses and clean-up
/// marks decided in Cartero, as a CSV its billing team loads
/// (`cartero.export_changes`, sql/migrations/0014_change_exports.sql). Each export is
/// recorded; `.last` starts where the regional's previous one ended, so no change is
/// sent twice or left out.
public enum ChangeExport {
    public enum Start: Sendable, Hashable {
        /// The changes from the start of that day on.
        case day(CalendarDate)
        /// The changes since the end of the regional's previous export (all, for the first).
        case last
    }

    /// What `write` did.
    public struct Written: Sendable, Hashable {
        public let id: Int64
        public let changes: Int
        public let file: URL
    }

    /// The CSV's header: one row per change, oldest first.
    public static let header = ["cuenta", "regional", "cambio", "antes", "despues", "caso", "quien", "cuando"]

    /// Writes the changes of `regional` (nil: every regional, an admin's export) since
    /// `start` into `file`, beside its name until complete. A coordinador or a facturación
    /// member of the regional, or an admin.
    public static func write(regional: String?, since start: Start, to file: URL, on db: Connection) throws -> Written {
        let since: CalendarDate? = if case .day(let day) = start { day } else { nil }
        let partial = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).partial")
        guard FileManager.default.createFile(atPath: partial.path, contents: nil),
            let handle = try? FileHandle(forWritingTo: partial)
        else { throw CarteroError.invalid("cannot write \(file.path): its folder does not exist or you may not write there") }
        defer {
            try? handle.close()
            try? FileManager.default.removeItem(at: partial)
        }
        var buffer = CSV.line(header)
        let exported = try CarteroError.translating(whenRefused: "you may not export the changes of \(regional ?? "every regional")") {
            try db.transaction {
                try db.forEachRow("""
                    SELECT cuenta, regional, cambio, antes, despues, caso, quien,
                           to_char(cuando AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                    FROM cartero.export_changes(\(regional), \(since)::date::timestamptz)
                    """) { row in
                    let (cuenta, regional, cambio, antes, despues, caso, quien, cuando) =
                        try row.decode((String, String, String, String, String, Int64?, String?, String).self)
                    buffer += CSV.line([cuenta, regional, cambio, antes, despues, caso.map(String.init) ?? "", quien ?? "", cuando])
                    if buffer.utf8.count > 64 * 1024 {
                        try handle.write(contentsOf: Data(buffer.utf8))
                        buffer = ""
                    }
                }
                // Exports take turns (a lock in export_changes): the newest of the member's is this one.
                return try db.queryRow("""
                    SELECT id, changes FROM cartero.change_exports
                    WHERE exported_by = cartero.current_staff_id() ORDER BY id DESC LIMIT 1
                    """)!.decode((Int64, Int).self)
            }
        }
        try handle.write(contentsOf: Data(buffer.utf8))
        try handle.synchronize()
        _ = try? FileManager.default.removeItem(at: file)
        try FileManager.default.moveItem(at: partial, to: file)
        return Written(id: exported.0, changes: exported.1, file: file)
    }
}
