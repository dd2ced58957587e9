import Cartero
import Foundation
import PQ
import Testing

/// The payment coupon's GS1-128 data (FORMATS.md) and its Code 128 symbols, read back
/// by a decoder written here from the standard, apart from the encoder.
@Suite struct PaymentCouponTests {
    let example = try! PaymentCoupon(
        locationNumber: "7701234000011", reference: "188694659", amount: 1_234_567, dueDate: CalendarDate("2026-12-15")!)

    @Test func theHumanReadableLineIsFormatsExample() {
        #expect(example.humanReadable == "(415)7701234000011(8020)188694659(3900)1234567(96)20261215")
    }

    @Test func locationNumbersCarryGS1sCheckDigit() {
        #expect(PaymentCoupon.checkDigit("770123400001") == 1)
        #expect(PaymentCoupon.isValidLocationNumber("7701234000011"))
        for wrong in ["7701234000012", "770123400001", "77012340000111", "770123400001A"] {
            #expect(!PaymentCoupon.isValidLocationNumber(wrong), "\(wrong)")
        }
        // GS1's own example GLN.
        #expect(PaymentCoupon.isValidLocationNumber("0614141000012"))
        #expect(throws: CarteroError.invalid("'7701234000012' is not a GS1 location number: 13 digits whose last is the check digit")) {
            try PaymentCoupon(locationNumber: "7701234000012", reference: "1", amount: 1, dueDate: CalendarDate("2026-12-15")!)
        }
    }

    @Test func theAmountIsRoundedToThePesoAndFitsFourteenDigits() throws {
        let due = CalendarDate("2026-12-15")!
        func pesos(_ amount: Decimal) throws -> Int64 {
            try PaymentCoupon(locationNumber: "7701234000011", reference: "A-1", amount: amount, dueDate: due).pesos
        }
        #expect(try pesos(Decimal(string: "1234567.49")!) == 1_234_567)
        #expect(try pesos(Decimal(string: "1234567.50")!) == 1_234_568)
        #expect(try pesos(0) == 0)
        #expect(try pesos(Decimal(string: "99999999999999.49")!) == 99_999_999_999_999)
        #expect(throws: CarteroError.self) { try pesos(Decimal(string: "99999999999999.5")!) }
        #expect(throws: CarteroError.self) {
            try PaymentCoupon(locationNumber: "7701234000011", reference: String(repeating: "9", count: 25), amount: 1, dueDate: due)
        }
        #expect(throws: CarteroError.self) {
            try PaymentCoupon(locationNumber: "7701234000011", reference: "A 1", amount: 1, dueDate: due)
        }
    }

    @Test func theSymbolsDecodeBackToTheElementString() throws {
        let references = ["188694659", "A-10", "a-1", "1", "12", "123", "12345678901234567890abcd", "AB-1234-5", "00000000000000000000"]
        for reference in references {
            let coupon = try PaymentCoupon(locationNumber: "7701234000011", reference: reference, amount: Decimal(string: "987654.5")!, dueDate: CalendarDate("2027-01-31")!)
            let symbols = coupon.symbols
            #expect(symbols.first == Code128.startC, "\(reference)")
            #expect(symbols[1] == 102, "a GS1-128 symbol begins with FNC1 (\(reference))")
            #expect(symbols.last == Code128.stop)
            #expect(Self.checkSymbol(symbols.dropLast(2)) == symbols[symbols.count - 2], "\(reference)")
            let expected: String = "]C1" + "4157701234000011" + "8020" + reference + "\u{1D}3900987655\u{1D}9620270131"
            let decoded = try Self.decode(symbols)
            #expect(decoded == expected)
        }
    }

    @Test func digitsTakeCodeSetC() throws {
        // 16 digits after FNC1: eight symbols, no switch.
        let digits = try Code128.symbols([.fnc1] + "4157701234000011".utf8.map { .character($0) })
        #expect(digits.count == 1 + 1 + 8 + 2)
        // A letter in the middle: C, then B for it, then C again for a long run.
        let mixed = try Code128.symbols("12A345678".utf8.map { .character($0) })
        #expect(try Self.decode(mixed) == "12A345678")
        let mostSymbols = 12  // start, 12, code B, A, code C, three pairs, check, stop: 10
        #expect(mixed.count <= mostSymbols)
        #expect(throws: Code128.Problem.notEncodable(0xC3)) { try Code128.symbols("ñ".utf8.map { .character($0) }) }
    }

    @Test func everyPatternIsElevenModulesAndUnique() {
        var seen = Set<[Int]>()
        for value in 0...106 {
            let pattern = Code128.widths([value])
            #expect(pattern.reduce(0, +) == (value == 106 ? 13 : 11), "symbol \(value)")
            #expect(pattern.count == (value == 106 ? 7 : 6), "symbol \(value)")
            // Bars (even positions) add up to an even number of modules: Code 128's parity.
            let barModules: Int = pattern[0] + pattern[2] + pattern[4]
            #expect(barModules % 2 == 0, "symbol \(value)")
            seen.insert(Array(pattern.prefix(6)))
        }
        #expect(seen.count == 107)
    }

    // MARK: - A decoder from the standard, apart from the encoder

    static func checkSymbol(_ values: some Collection<Int>) -> Int {
        var sum = 0
        for (position, value) in values.enumerated() { sum += (position == 0 ? 1 : position) * value }
        return sum % 103
    }

    /// The text the symbols hold; FNC1 as GS (0x1D), but first after the start as `]C1`.
    static func decode(_ symbols: [Int]) throws -> String {
        enum Set { case a, b, c }
        var set: Set = symbols[0] == 105 ? .c : symbols[0] == 104 ? .b : .a
        var text = ""
        for (index, value) in symbols.dropFirst().dropLast(2).enumerated() {
            switch (set, value) {
            case (_, 102): text += index == 0 ? "]C1" : "\u{1D}"
            case (.c, 100), (.a, 100): set = .b
            case (.b, 99), (.a, 99): set = .c
            case (.c, 0..<100): text += String(format: "%02d", value)
            case (.b, 0..<96): text.append(Character(UnicodeScalar(UInt8(value + 32))))
            default: throw CarteroError.invalid("symbol \(value) not expected in code set \(set)")
            }
        }
        return text
    }
}
