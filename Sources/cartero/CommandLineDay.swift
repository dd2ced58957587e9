import Cartero
import Foundation
import PQ

/// A day given on the command line, written YYYY-MM-DD and on the calendar; otherwise one
/// sentence naming what the day was for.
func commandLineDay(_ text: String, for what: String) throws -> CalendarDate {
    guard text.range(of: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", options: .regularExpression) != nil, let day = CalendarDate(text) else {
        throw CarteroError.invalid("\(what) '\(text)' must be a day written YYYY-MM-DD, e.g. 2026-12-02")
    }
    return day
}
