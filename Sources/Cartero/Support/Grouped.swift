import Foundation

/// Numbers for people, Colombian style: `1.234.567`; pesos as `$1.234.567`. The CLI,
/// the letters and the web write them all so.
public enum Grouped {
    public static func count(_ value: Int) -> String {
        digits(String(value.magnitude), negative: value < 0)
    }

    /// Whole pesos (rounded half up), or with `,cc` when `cents` and the amount has them.
    public static func pesos(_ value: Decimal, cents: Bool = false) -> String {
        let rounded = round(value, places: cents ? 2 : 0)
        let parts = plain(rounded.magnitude).split(separator: ".", maxSplits: 1)
        var result = "$" + digits(String(parts[0]), negative: false)
        if parts.count == 2 { result += "," + parts[1].padding(toLength: 2, withPad: "0", startingAt: 0) }
        return (rounded < 0 ? "-" : "") + result
    }

    /// An amount for a CSV: digits, a `.` and always two decimals.
    public static func csvAmount(_ value: Decimal) -> String {
        let text = plain(round(value, places: 2))
        guard let dot = text.firstIndex(of: ".") else { return text + ".00" }
        return text.distance(from: dot, to: text.endIndex) == 2 ? text + "0" : text
    }

    /// Digits and a `.` before the decimals, whatever the locale: `2.5`.
    public static func plain(_ value: Decimal) -> String {
        NSDecimalNumber(decimal: value).description(withLocale: nil)
    }

    /// Rounded half away from zero to `places` decimals.
    private static func round(_ value: Decimal, places: Int) -> Decimal {
        var rounded = Decimal()
        var input = value
        NSDecimalRound(&rounded, &input, places, .plain)
        return rounded
    }

    private static func digits(_ digits: String, negative: Bool) -> String {
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return (negative ? "-" : "") + groups.joined(separator: ".")
    }
}
