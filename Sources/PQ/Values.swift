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

/// Type OIDs from pg_type: what a parameter is sent as, and what `PQftype` says a column holds.
public enum PQType {
    /// Not a type: a parameter sent with it is typed by the server from its place, as a quoted literal is.
    public static let unknown: UInt32 = 0
    public static let bool: UInt32 = 16
    public static let bytea: UInt32 = 17
    /// `"char"`, the one-byte type of catalog columns such as `pg_class.relkind`.
    public static let char: UInt32 = 18
    public static let name: UInt32 = 19
    public static let int8: UInt32 = 20
    public static let int2: UInt32 = 21
    public static let int4: UInt32 = 23
    public static let text: UInt32 = 25
    public static let oid: UInt32 = 26
    public static let json: UInt32 = 114
    public static let float4: UInt32 = 700
    public static let float8: UInt32 = 701
    /// The type of a column that is an untyped literal the server did not resolve (`unknown`).
    public static let unknownLiteral: UInt32 = 705
    public static let bpchar: UInt32 = 1042
    public static let varchar: UInt32 = 1043
    public static let date: UInt32 = 1082
    public static let time: UInt32 = 1083
    public static let timestamp: UInt32 = 1114
    public static let timestamptz: UInt32 = 1184
    public static let interval: UInt32 = 1186
    public static let numeric: UInt32 = 1700
    public static let uuid: UInt32 = 2950
    public static let jsonb: UInt32 = 3802

    public static let boolArray: UInt32 = 1000
    public static let byteaArray: UInt32 = 1001
    public static let charArray: UInt32 = 1002
    public static let nameArray: UInt32 = 1003
    public static let int2Array: UInt32 = 1005
    public static let int4Array: UInt32 = 1007
    public static let textArray: UInt32 = 1009
    public static let bpcharArray: UInt32 = 1014
    public static let varcharArray: UInt32 = 1015
    public static let int8Array: UInt32 = 1016
    public static let float4Array: UInt32 = 1021
    public static let float8Array: UInt32 = 1022
    public static let oidArray: UInt32 = 1028
    public static let timestampArray: UInt32 = 1115
    public static let dateArray: UInt32 = 1182
    public static let timestamptzArray: UInt32 = 1185
    public static let numericArray: UInt32 = 1231
    public static let jsonArray: UInt32 = 199
    public static let uuidArray: UInt32 = 2951
    public static let jsonbArray: UInt32 = 3807

    /// The element type of the built-in array types above; nil for any other type.
    public static func element(ofArray type: UInt32) -> UInt32? {
        arrays[type]
    }

    /// The type's name for messages, e.g. `numeric`, `int8[]`; `type 16423` for a type this
    /// table does not know (an enum, a composite): looking it up would take a statement.
    public static func name(of type: UInt32) -> String {
        if let name = names[type] { return name }
        if let element = arrays[type], let name = names[element] { return name + "[]" }
        return "type \(type)"
    }

    private static let names: [UInt32: String] = [
        bool: "bool", bytea: "bytea", char: "\"char\"", name: "name", int8: "int8", int2: "int2", int4: "int4",
        text: "text", oid: "oid", json: "json", float4: "float4", float8: "float8", unknownLiteral: "unknown",
        bpchar: "bpchar", varchar: "varchar", date: "date", time: "time", timestamp: "timestamp",
        timestamptz: "timestamptz", interval: "interval", numeric: "numeric", uuid: "uuid", jsonb: "jsonb",
    ]

    private static let arrays: [UInt32: UInt32] = [
        boolArray: bool, byteaArray: bytea, charArray: char, nameArray: name, int2Array: int2, int4Array: int4,
        textArray: text, bpcharArray: bpchar, varcharArray: varchar, int8Array: int8, float4Array: float4,
        float8Array: float8, oidArray: oid, timestampArray: timestamp, dateArray: date, timestamptzArray: timestamptz,
        numericArray: numeric, jsonArray: json, uuidArray: uuid, jsonbArray: jsonb,
    ]
}

/// A Swift value that can be bound as a parameter.
public protocol PQEncodable: Sendable {
    var pqBind: PQBind { get }
}

/// A Swift value that can be read from a result column (text format).
///
/// `Row` reads a column only into a type that accepts the column's type, so a
/// whole `numeric` balance does not pass for an `Int` until the day it has cents,
/// and a date kept as `text` does not pass for a `CalendarDate`.
public protocol PQDecodable {
    /// Whether a column of this type (a pg_type OID, as `PQftype` gives it) can be read as `Self`.
    static func pqAccepts(type: UInt32) -> Bool
    init(pqField field: PQField) throws
}

public typealias PQCodable = PQEncodable & PQDecodable

/// One cell of a result, valid while its result is alive.
public struct PQField {
    /// The cell's text; nil for SQL NULL.
    public let bytes: UnsafeBufferPointer<UInt8>?
    /// The value's type OID: the column's, or the element type inside an array.
    public let type: UInt32
    let result: OpaquePointer
    let column: Int32

    public var columnName: String { String(cString: PQfname(result, column)) }

    /// The bytes of a non-NULL cell, or an error naming the column.
    public func require<T>(_ type: T.Type) throws -> UnsafeBufferPointer<UInt8> {
        guard let bytes else { throw PQError.decoding(column: columnName, "is NULL, expected \(T.self)") }
        return bytes
    }

    public var string: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

    /// The error for a value of a column type `T` accepts that `T` cannot hold (a `NaN`
    /// numeric, an `infinity` timestamp). It does not quote the value: values are
    /// personal data, and errors end up in logs.
    public func mismatch<T>(_ type: T.Type) -> PQError {
        PQError.decoding(column: columnName, "this \(PQType.name(of: self.type)) value cannot be read as \(T.self)")
    }
}

// MARK: - Text

extension String: PQEncodable, PQDecodable {
    /// Sent untyped, like a quoted literal, so `$1` takes the type its place needs
    /// (a `date` column, an enum word, a `jsonb`).
    public var pqBind: PQBind { .text(self, type: PQType.unknown) }
    /// Text of any kind, and JSON as written. Not dates or numbers: cast those in the
    /// statement (`::text`) when their text is really what is wanted; nor enums, whose
    /// type OIDs differ from database to database.
    public static func pqAccepts(type: UInt32) -> Bool {
        switch type {
        case PQType.text, PQType.varchar, PQType.bpchar, PQType.name, PQType.char, PQType.unknownLiteral,
            PQType.json, PQType.jsonb:
            true
        default: false
        }
    }
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

// An integer type reads the integer columns it can hold whatever their value:
// `int8` is not an `Int32` even when today's values fit.
private func isInteger(_ type: UInt32, upTo widest: UInt32) -> Bool {
    switch type {
    case PQType.int2: true
    case PQType.int4: widest != PQType.int2
    case PQType.int8: widest == PQType.int8
    default: false
    }
}

// Int and Int64 go untyped, like a literal `42`, so they fit `int4` parameters of
// functions (`make_interval(months => $1)`) as well as `int8` columns.
extension Int: PQEncodable, PQDecodable {
    public var pqBind: PQBind { .text(String(self), type: PQType.unknown) }
    public static func pqAccepts(type: UInt32) -> Bool { isInteger(type, upTo: PQType.int8) }
    public init(pqField field: PQField) throws { self = try parseInteger(field, as: Int.self) }
}

extension Int64: PQEncodable, PQDecodable {
    public var pqBind: PQBind { .text(String(self), type: PQType.unknown) }
    public static func pqAccepts(type: UInt32) -> Bool { isInteger(type, upTo: PQType.int8) }
    public init(pqField field: PQField) throws { self = try parseInteger(field, as: Int64.self) }
}

extension Int32: PQEncodable, PQDecodable {
    public var pqBind: PQBind { .text(String(self), type: PQType.int4) }
    public static func pqAccepts(type: UInt32) -> Bool { isInteger(type, upTo: PQType.int4) }
    public init(pqField field: PQField) throws { self = try parseInteger(field, as: Int32.self) }
}

extension Int16: PQEncodable, PQDecodable {
    public var pqBind: PQBind { .text(String(self), type: PQType.int2) }
    public static func pqAccepts(type: UInt32) -> Bool { isInteger(type, upTo: PQType.int2) }
    public init(pqField field: PQField) throws { self = try parseInteger(field, as: Int16.self) }
}

// MARK: - Floating point, booleans

extension Double: PQEncodable, PQDecodable {
    public var pqBind: PQBind { .text(String(self), type: PQType.float8) }
    /// Not `numeric`, which is exact and read as `Decimal`: cast in the statement
    /// (`::float8`) where an approximation is wanted.
    public static func pqAccepts(type: UInt32) -> Bool { type == PQType.float8 || type == PQType.float4 }
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
    public static func pqAccepts(type: UInt32) -> Bool { type == PQType.bool }
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
    /// `numeric` and the integers, which it holds exactly; not floating point, which it would only seem to.
    public static func pqAccepts(type: UInt32) -> Bool { type == PQType.numeric || isInteger(type, upTo: PQType.int8) }
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
    public static func pqAccepts(type: UInt32) -> Bool { type == PQType.date }
    public init(pqField field: PQField) throws {
        guard let date = CalendarDate(utf8: try field.require(CalendarDate.self)) else { throw field.mismatch(CalendarDate.self) }
        self = date
    }
}

/// `timestamptz`. Connections run with `DateStyle=ISO`, so the server writes
/// `2026-11-30 15:52:25.123456-05`, with the session time zone's offset.
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

    /// `timestamptz` only: a `timestamp` without time zone is not an instant until the
    /// statement says in which zone it is (`AT TIME ZONE`).
    public static func pqAccepts(type: UInt32) -> Bool { type == PQType.timestamptz }

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
    public static func pqAccepts(type: UInt32) -> Bool { type == PQType.bytea }
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
    public static func pqAccepts(type: UInt32) -> Bool { Wrapped.pqAccepts(type: type) }
    public init(pqField field: PQField) throws {
        self = field.bytes == nil ? nil : try Wrapped(pqField: field)
    }
}
