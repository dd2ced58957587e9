/// Code 128 (ISO/IEC 15417), as GS1-128 uses it: symbol values from text and FNC1
/// marks, and the widths of the bars and spaces that draw them.
///
/// The encoder switches between code set C (two digits a symbol) and code set B
/// (printable ASCII) so that runs of digits, most of a payment coupon, take half the
/// width: it starts in C (a GS1-128 symbol starts with Start C, FNC1 when its data
/// begins with digits), stays in C while two digits follow, and goes back to C from B
/// when four or more digits follow (or two at the very end).
public enum Code128 {
    /// One thing to encode: a character of printable ASCII, or the FNC1 function.
    public enum Element: Hashable, Sendable {
        case character(UInt8)
        case fnc1
    }

    public static let startB = 104
    public static let startC = 105
    public static let stop = 106
    static let fnc1 = 102
    static let codeB = 100  // in code set C: switch to B
    static let codeC = 99  // in code set B: switch to C

    public enum Problem: Error, Equatable {
        /// Only printable ASCII (32 to 126) can be encoded here.
        case notEncodable(UInt8)
    }

    /// The symbol values, start and check symbol and stop included.
    public static func symbols(_ elements: [Element]) throws(Problem) -> [Int] {
        func isDigit(_ index: Int) -> Bool {
            guard index < elements.count, case .character(let c) = elements[index] else { return false }
            return c >= 0x30 && c <= 0x39
        }
        func digit(_ index: Int) -> Int {
            guard case .character(let c) = elements[index] else { return 0 }
            return Int(c) - 0x30
        }
        /// How many digits follow from `index`.
        func digitRun(_ index: Int) -> Int {
            var end = index
            while isDigit(end) { end += 1 }
            return end - index
        }

        var values: [Int] = []
        var inC: Bool
        let firstRun = digitRun(0)
        if elements.first == .fnc1 || firstRun >= 2 {
            values.append(startC)
            inC = true
        } else {
            values.append(startB)
            inC = false
        }
        var i = 0
        while i < elements.count {
            if elements[i] == .fnc1 {
                values.append(fnc1)  // the same value in every code set
                i += 1
                continue
            }
            let run = digitRun(i)
            if inC {
                if run >= 2 {
                    values.append(digit(i) * 10 + digit(i + 1))
                    i += 2
                    continue
                }
                values.append(codeB)
                inC = false
            } else if run >= 4 || (run >= 2 && i + run == elements.count) {
                // An odd run starts with one digit in B, so that the rest pairs up.
                if run % 2 == 1 {
                    values.append(try valueB(elements[i]))
                    i += 1
                }
                values.append(codeC)
                inC = true
                continue
            }
            values.append(try valueB(elements[i]))
            i += 1
        }
        values.append(checkSymbol(values))
        values.append(stop)
        return values
    }

    /// The check symbol: the start value plus each symbol times its position, mod 103.
    static func checkSymbol(_ values: [Int]) -> Int {
        var sum = values[0]
        for (position, value) in values.enumerated().dropFirst() { sum += position * value }
        return sum % 103
    }

    private static func valueB(_ element: Element) throws(Problem) -> Int {
        guard case .character(let c) = element else { return fnc1 }
        guard c >= 32, c <= 126 else { throw .notEncodable(c) }
        return Int(c) - 32
    }

    /// The widths, in modules, of the bars and spaces that draw the symbols, bar first:
    /// six elements a symbol, seven for the stop (its final bar of two modules).
    public static func widths(_ symbols: [Int]) -> [Int] {
        symbols.flatMap { patterns[$0] }
    }

    /// Each symbol value's bar, space, bar, space, bar, space widths (ISO/IEC 15417,
    /// table 1); 11 modules each, the stop 13.
    static let patterns: [[Int]] = [
        "212222", "222122", "222221", "121223", "121322", "131222", "122213", "122312", "132212", "221213",
        "221312", "231212", "112232", "122132", "122231", "113222", "123122", "123221", "223211", "221132",
        "221231", "213212", "223112", "312131", "311222", "321122", "321221", "312212", "322112", "322211",
        "212123", "212321", "232121", "111323", "131123", "131321", "112313", "132113", "132311", "211313",
        "231113", "231311", "112133", "112331", "132131", "113123", "113321", "133121", "313121", "211331",
        "231131", "213113", "213311", "213131", "311123", "311321", "331121", "312113", "312311", "332111",
        "314111", "221411", "431111", "111224", "111422", "121124", "121421", "141122", "141221", "112214",
        "112412", "122114", "122411", "142112", "142211", "241211", "221114", "413111", "241112", "134111",
        "111242", "121142", "121241", "114212", "124112", "124211", "411212", "421112", "421211", "212141",
        "214121", "412121", "111143", "111341", "131141", "114113", "114311", "411113", "411311", "113141",
        "114131", "311141", "411131", "211412", "211214", "211232", "2331112",
    ].map { $0.map { Int(String($0))! } }
}
