import CLibPQ
import Foundation

/// A value sent as a statement parameter: its type and its bytes on the wire.
public struct PQBind: Sendable {
    /// The parameter's type OID; 0 lets the server infer it, as for a quoted literal.
    public var type: UInt32
    /// nil sends SQL NULL.
    public var bytes: [UInt8]?
    /// Binary format (bytea) rather than text.
    public var isBinary: Bool

    public init(type: UInt32, bytes: [UInt8]?, isBinary: Bool = false) {
        self.type = type
        self.bytes = bytes
        self.isBinary = isBinary
    }

    public static func text(_ value: String, type: UInt32) -> PQBind {
        PQBind(type: type, bytes: Array(value.utf8))
    }

    public static let null = PQBind(type: 0, bytes: nil)
}

/// Type OIDs from pg_type.
public enum PQType {
    public static let unknown: UInt32 = 0
    public static let bool: UInt32 = 16
    public static let bytea: UInt32 = 17
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let text: UInt32 = 25
    public static let float8: UInt32 = 701
    public static let textArray: UInt32 = 1009
    public static let int8Array: UInt32 = 1016
    public static let date: UInt32 = 1082
    public static let timestamptz: UInt32 = 1184
    public static let numeric: UInt32 = 1700
}

/// A Swift value that can be bound as a parameter.
public protocol PQEncodable: Sendable {
    var pqBind: PQBind { get }
}

/// A Swift value that can be read from a result column (text format).
public protocol PQDecodable {
    init(pqField field: PQField) throws
}

public typealias PQCodable = PQEncodable & PQDecodable

/// One cell of a result, valid while its result is alive.
public struct PQField {
    /// The cell's text; nil for SQL NULL.
    public let bytes: UnsafeBufferPointer<UInt8>?
    let result: OpaquePointer
    let column: Int32

    public var columnName: String { String(cString: PQfname(result, column)) }

    /// The bytes of a non-NULL cell, or an error naming the column.
    public func require<T>(_ type: T.Type) throws -> UnsafeBufferPointer<UInt8> {
        guard let bytes else { throw PQError.decoding(column: columnName, "is NULL, expected \(T.self)") }
        return bytes
    }

    public var string: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

    public func mismatch<T>(_ type: T.Type) -> PQError {
        PQError.decoding(column: columnName, "cannot read \(T.self) from '\(string ?? "NULL")'")
    }
}

// MARK: - Text

extension String: PQEncodable, PQDecodable {
    /// Sent untyped, like a quoted literal, so `$1` takes the type its place needs
    /// (a `date` column, an enum word, a `jsonb`).
    public var pqBind: PQBind { .text(self, type: PQType.unknown) }
    public init(pqField field: PQField) throws {
        self = String(decoding: try field.require(String.self), as: UTF8.self)
    }
}

extension Substring: PQEncodable {
    public var pqBind: PQBind { String(self).pqBind }
}

// MARK: - Integers

private func parseInteger<T: FixedWidthInteger>(_ field: PQField, as type: T.Type) throws -> T {
    let bytes = try field.require(T.self)
    var index = 0
    var negative = false
    if bytes.first == UInt8(ascii: "-") { negative = true; index = 1 }
    guard index < bytes.count else { throw field.mismatch(T.self) }
    var value: T = 0
    while index < bytes.count {
        let digit = bytes[index] &- 48
        guard digit < 10 else { throw field.mismatch(T.self) }
        let (m, o1) = value.multipliedReportingOverflow(by: 10)
        let (s, o2) = negative ? m.subtractingReportingOverflow(T(digit)) : m.addingReportingOverflow(T(digit))
        guard !o1, !o2 else { throw field.mismatch(T.self) }
        value = s
        index += 1
    }
    return value
}

// Int and Int64 go untyped, like a literal `42`, so they fit `int4` parameters of
// functions (`make_interval(months => $1)`) as well as `int8` columns.
extension Int: PQEncodable, PQDecodable {
    public var pqBind: PQBind { .text(String(self), type: PQType.unknown) }
    public init(pqField field: PQField) throws { self = try parseInteger(field, as: Int.self) }
}

extension Int64: PQEncodable, PQDecodable {
    public var pqBind: PQBind { .text(String(self), type: PQType.unknown) }
    public init(pqField field: PQField) throws { self = try parseInteger(field, as: Int64.self) }
}

extension Int32: PQEncodable, PQDecodable {
    public var pqBind: PQBind { .text(String(self), type: PQType.int4) }
    public init(pqField field: PQField) throws { self = try parseInteger(field, as: Int32.self) }
}

extension Int16: PQEncodable, PQDecodable {
    public var pqBind: PQBind { .text(String(self), type: PQType.int2) }
    public init(pqField field: PQField) throws { self = try parseInteger(field, as: Int16.self) }
}

// MARK: - Floating point, booleans

extension Double: PQEncodable, PQDecodable {
    public var pqBind: PQBind { .text(String(self), type: PQType.float8) }
    public init(pqField field: PQField) throws {
        let text = String(decoding: try field.require(Double.self), as: UTF8.self)
        switch text {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(text) else { throw field.mismatch(Double.self) }
            self = value
        }
    }
}

extension Bool: PQEncodable, PQDecodable {
    public var pqBind: PQBind { .text(self ? "t" : "f", type: PQType.bool) }
    public init(pqField field: PQField) throws {
        let bytes = try field.require(Bool.self)
        guard bytes.count == 1 else { throw field.mismatch(Bool.self) }
        switch bytes[0] {
        case UInt8(ascii: "t"): self = true
        case UInt8(ascii: "f"): self = false
        default: throw field.mismatch(Bool.self)
        }
    }
}

// MARK: - Exact decimals

/// `numeric` travels as text both ways, so pesos never pass through binary floating point.
extension Decimal: PQEncodable, PQDecodable {
    public var pqBind: PQBind { .text(NSDecimalNumber(decimal: self).description(withLocale: nil), type: PQType.numeric) }
    public init(pqField field: PQField) throws {
        let bytes = try field.require(Decimal.self)
        if let value = Decimal.parseShort(bytes) {
            self = value
            return
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let value = Decimal(string: text, locale: Decimal.posix), !value.isNaN else {
            throw field.mismatch(Decimal.self)
        }
        self = value
    }

    private static let posix = Locale(identifier: "en_US_POSIX")

    /// `-123.45` with at most 18 digits, without going through Foundation's parser
    /// (ten times slower); nil for anything else, which takes the long way.
    static func parseShort(_ bytes: UnsafeBufferPointer<UInt8>) -> Decimal? {
        var index = 0
        var negative = false
        if bytes.first == UInt8(ascii: "-") { negative = true; index = 1 }
        var significand: UInt64 = 0
        var digits = 0
        var scale = 0
        var seenPoint = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
            } else {
                let digit = byte &- 48
                guard digit < 10, digits < 18 else { return nil }
                significand = significand * 10 + UInt64(digit)
                digits += 1
                if seenPoint { scale += 1 }
            }
            index += 1
        }
        guard digits > 0 else { return nil }
        return Decimal(sign: negative ? .minus : .plus, exponent: -scale, significand: Decimal(significand))
    }
}

// MARK: - Dates and instants

extension CalendarDate: PQEncodable, PQDecodable {
    public var pqBind: PQBind { .text(description, type: PQType.date) }
    public init(pqField field: PQField) throws {
        guard let date = CalendarDate(utf8: try field.require(CalendarDate.self)) else { throw field.mismatch(CalendarDate.self) }
        self = date
    }
}

/// `timestamptz`. Connections run with `TimeZone=UTC` and `DateStyle=ISO`, so the
/// server writes `2026-11-30 20:52:25.123456+00`.
extension Date: PQEncodable, PQDecodable {
    public var pqBind: PQBind {
        let micros = (timeIntervalSince1970 * 1_000_000).rounded()
        let seconds = Int((micros / 1_000_000).rounded(.down))
        let fraction = Int(micros) - seconds * 1_000_000
        let day = CalendarDate(daysSinceEpoch: Int((Double(seconds) / 86_400).rounded(.down)))
        let secondOfDay = seconds - day.daysSinceEpoch * 86_400
        let time = String(format: "%02d:%02d:%02d.%06d", secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60, fraction)
        return .text("\(day) \(time)+00", type: PQType.timestamptz)
    }

    public init(pqField field: PQField) throws {
        let text = String(decoding: try field.require(Date.self), as: UTF8.self)
        guard let value = Date.parsePostgresTimestamp(text) else { throw field.mismatch(Date.self) }
        self = value
    }

    static func parsePostgresTimestamp(_ text: String) -> Date? {
        // yyyy-mm-dd hh:mm:ss[.ffffff][+|-hh[:mm[:ss]]]
        let chars = Array(text.utf8)
        guard chars.count >= 19, let day = CalendarDate(String(decoding: chars[0..<10], as: UTF8.self)) else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= chars.count else { return nil }
            var v = 0
            for c in chars[range] {
                guard c >= 48, c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard let h = number(11..<13), let m = number(14..<16), let s = number(17..<19) else { return nil }
        var index = 19
        var fraction = 0.0
        if index < chars.count, chars[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < chars.count, chars[index] >= 48, chars[index] <= 57 {
                fraction += Double(chars[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset = 0
        if index < chars.count {
            let sign = chars[index] == UInt8(ascii: "-") ? -1 : 1
            guard let oh = number(index + 1..<index + 3) else { return nil }
            offset = oh * 3600
            if index + 3 < chars.count, let om = number(index + 4..<index + 6) { offset += om * 60 }
            offset *= sign
        }
        let seconds = day.daysSinceEpoch * 86_400 + h * 3600 + m * 60 + s - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}

// MARK: - Bytes

/// `bytea` is sent in binary; it comes back in the server's hex text form.
extension Data: PQEncodable, PQDecodable {
    public var pqBind: PQBind { PQBind(type: PQType.bytea, bytes: Array(self), isBinary: true) }
    public init(pqField field: PQField) throws {
        let bytes = try field.require(Data.self)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0 else {
            throw field.mismatch(Data.self)
        }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var data = Data(capacity: (bytes.count - 2) / 2)
        var i = 2
        while i < bytes.count {
            guard let hi = nibble(bytes[i]), let lo = nibble(bytes[i + 1]) else { throw field.mismatch(Data.self) }
            data.append(hi << 4 | lo)
            i += 2
        }
        self = data
    }
}

// MARK: - NULL

extension Optional: PQEncodable where Wrapped: PQEncodable {
    public var pqBind: PQBind {
        switch self {
        case .some(let value): return value.pqBind
        case .none: return .null
        }
    }
}

extension Optional: PQDecodable where Wrapped: PQDecodable {
    public init(pqField field: PQField) throws {
        self = field.bytes == nil ? nil : try Wrapped(pqField: field)
    }
}
