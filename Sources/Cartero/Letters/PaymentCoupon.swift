import Foundation
import PQ

/// The payment coupon at the foot of every letter: the GS1-128 data that a bank's
/// reader takes to collect the payment (recaudo), as FORMATS.md specifies it:
///
///     (415) the regional's GLN · (8020) the account, FNC1 · (3900) whole pesos, FNC1 · (96) due date
public struct PaymentCoupon: Sendable, Hashable {
    /// The regional's 13-digit GS1 location number, its check digit included.
    public let locationNumber: String
    /// The payment reference: the account number.
    public let reference: String
    /// The amount to pay, rounded to the peso.
    public let pesos: Int64
    public let dueDate: CalendarDate

    public init(locationNumber: String, reference: String, amount: Decimal, dueDate: CalendarDate) throws {
        guard Self.isValidLocationNumber(locationNumber) else {
            throw CarteroError.invalid("'\(locationNumber)' is not a GS1 location number: 13 digits whose last is the check digit")
        }
        // AI 8020 takes up to 25 characters of GS1's set 82; an account number (letters,
        // digits, '-') always fits it, and FORMATS.md allows 24.
        guard (1...24).contains(reference.utf8.count),
            reference.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) })
        else {
            throw CarteroError.invalid("'\(reference)' cannot be a payment reference: 1 to 24 letters, digits or '-'")
        }
        var value = amount
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 0, .plain)
        guard rounded >= 0, rounded < Decimal(string: "100000000000000")! else {
            throw CarteroError.invalid("the amount \(amount) does not fit a payment coupon (0 to 14 digits of pesos)")
        }
        self.locationNumber = locationNumber
        self.reference = reference
        self.pesos = NSDecimalNumber(decimal: rounded).int64Value
        self.dueDate = dueDate
    }

    private var dueDigits: String { String(dueDate.description.filter(\.isNumber)) }

    /// The line printed under the bars: `(415)7701234000011(8020)188694659(3900)1234567(96)20261215`.
    public var humanReadable: String {
        "(415)\(locationNumber)(8020)\(reference)(3900)\(pesos)(96)\(dueDigits)"
    }

    /// What the symbol holds: the application identifiers and their data, with FNC1
    /// after each field of variable length but the last.
    public var elements: [Code128.Element] {
        func characters(_ text: String) -> [Code128.Element] { text.utf8.map { .character($0) } }
        return [.fnc1] + characters("415" + locationNumber) + characters("8020" + reference) + [.fnc1]
            + characters("3900" + String(pesos)) + [.fnc1] + characters("96" + dueDigits)
    }

    /// The Code 128 symbol values, from Start C and its FNC1 to the stop.
    public var symbols: [Int] {
        // Every character is a letter, a digit or '-': always encodable.
        (try? Code128.symbols(elements)) ?? []
    }

    /// GS1's check digit: the digits weighted 3, 1, 3, … from the right, and what takes
    /// their sum to a multiple of ten.
    public static func checkDigit(_ digits: some StringProtocol) -> Int {
        var sum = 0
        for (offset, character) in digits.reversed().enumerated() {
            sum += (character.wholeNumberValue ?? 0) * (offset % 2 == 0 ? 3 : 1)
        }
        return (10 - sum % 10) % 10
    }

    public static func isValidLocationNumber(_ text: String) -> Bool {
        guard text.count == 13, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        return checkDigit(text.prefix(12)) == text.last!.wholeNumberValue
    }
}
