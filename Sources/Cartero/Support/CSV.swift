import Foundation

/// Writing RFC 4180 CSV that a spreadsheet opens as it is.
public enum CSV {
    /// One record, fields quoted when they hold a comma, a quote or a line break; ends in CRLF-free `\n`.
    public static func line(_ fields: [String]) -> String {
        fields.map(quote).joined(separator: ",") + "\n"
    }

    /// Records one after another, a line each (the header is the first record).
    public static func lines(_ records: [[String]]) -> String {
        records.map(line).joined()
    }

    public static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
