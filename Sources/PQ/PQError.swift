import CLibPQ
import Foundation

/// A five-character SQLSTATE, matchable in `catch` clauses:
///
///     do { try db.execute(...) }
///     catch SQLState.uniqueViolation { ... }
public struct SQLState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// The two-character class, e.g. `23` for integrity constraint violations.
    public var errorClass: String { String(rawValue.prefix(2)) }
    public var description: String { rawValue }

    public static let uniqueViolation = SQLState("23505")
    public static let foreignKeyViolation = SQLState("23503")
    public static let notNullViolation = SQLState("23502")
    public static let checkViolation = SQLState("23514")
    public static let exclusionViolation = SQLState("23P01")
    public static let serializationFailure = SQLState("40001")
    public static let deadlockDetected = SQLState("40P01")
    public static let lockNotAvailable = SQLState("55P03")
    public static let insufficientPrivilege = SQLState("42501")
    public static let undefinedTable = SQLState("42P01")
    public static let undefinedObject = SQLState("42704")
    public static let duplicateObject = SQLState("42710")
    public static let invalidTextRepresentation = SQLState("22P02")
    public static let invalidDatetimeFormat = SQLState("22007")
    public static let datetimeFieldOverflow = SQLState("22008")
    public static let characterNotInRepertoire = SQLState("22021")
    public static let badCopyFileFormat = SQLState("22P04")
    public static let raiseException = SQLState("P0001")
    public static let queryCanceled = SQLState("57014")
    public static let objectInUse = SQLState("55006")
    public static let adminShutdown = SQLState("57P01")
    public static let connectionFailure = SQLState("08006")
    public static let connectionDoesNotExist = SQLState("08003")

    /// Lets `catch SQLState.uniqueViolation` match a thrown `PQError`.
    public static func ~= (pattern: SQLState, error: any Error) -> Bool {
        (error as? PQError)?.sqlState == pattern
    }
}

/// An error from libpq or from the server.
///
/// Its description carries the server's message, detail and hint, never the
/// values bound to the statement (see `redacting`): they may hold personal data.
public struct PQError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The connection could not be made or was lost.
        case connection
        /// The server refused a statement.
        case server
        /// A column could not be read as the Swift type asked for.
        case decoding
        /// The pool gave up waiting, or was closed.
        case pool
    }

    public var kind: Kind
    public var sqlState: SQLState?
    public var message: String
    public var detail: String?
    public var hint: String?
    /// The server's CONTEXT line (e.g. which COPY line failed).
    public var context: String?

    public init(
        _ kind: Kind, sqlState: SQLState? = nil, message: String,
        detail: String? = nil, hint: String? = nil, context: String? = nil
    ) {
        self.kind = kind
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.hint = hint
        self.context = context
    }

    public var description: String {
        var text = message
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let detail, !detail.isEmpty { text += "; detail: \(detail)" }
        if let hint, !hint.isEmpty { text += "; hint: \(hint)" }
        return text
    }

    /// The error with the bound values that the server echoed replaced by their
    /// placeholders, `$n`: bound values may be personal data, and errors end up in
    /// logs and on terminals.
    ///
    /// The server echoes a value as it was sent in the detail and context of any error
    /// (`Key (cuenta)=(…) already exists`) and in the message of data exceptions
    /// (class 22) and integrity violations (23); other messages, such as a function's
    /// own RAISE, are sentences written for the user and stay whole. When the session's
    /// `log_parameter_max_length_on_error` is not 0 (`Connection` sets it to 0; a
    /// statement may set it back), the context also lists the parameters as quoted
    /// literals, quotes doubled (`$1 = 'O''Neil'`) and cut short (`'O''Ne...'`) when
    /// that setting is a length: those forms go too.
    ///
    /// Only the values and the SQLSTATE decide: never the wording of the message,
    /// which the server translates (`lc_messages`), so a line cannot be recognised by
    /// its words. Longer values go first, so that a value inside another does not leave
    /// the rest of that one behind. A value shorter than three bytes is replaced only
    /// where it stands quoted, or a `1` would garble every line number.
    func redacting(_ binds: [PQBind]) -> PQError {
        let values = binds.enumerated().compactMap { index, bind -> (value: [UInt8], placeholder: String)? in
            guard let bytes = bind.bytes, !bytes.isEmpty else { return nil }
            // Binary values (bytea) come back in the server's hex form.
            let value = bind.isBinary ? Array("\\x".utf8) + bytes.flatMap(Self.hex) : bytes
            return (value, "$\(index + 1)")
        }.sorted { $0.value.count > $1.value.count }
        guard !values.isEmpty else { return self }
        func redact(_ text: String) -> String {
            var text = Array(text.utf8)
            for (value, placeholder) in values {
                text = Self.replacingQuoted(value, in: text, with: Array(placeholder.utf8))
                if value.count >= 3 { text = Self.replacing(value, in: text, with: Array(placeholder.utf8)) }
            }
            return String(decoding: text, as: UTF8.self)
        }
        var error = self
        if ["22", "23"].contains(sqlState?.errorClass) { error.message = redact(error.message) }
        error.detail = error.detail.map(redact)
        error.hint = error.hint.map(redact)
        error.context = error.context.map(redact)
        return error
    }

    private static func hex(_ byte: UInt8) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
    }

    /// `text` with every occurrence of `value` replaced.
    static func replacing(_ value: [UInt8], in text: [UInt8], with replacement: [UInt8]) -> [UInt8] {
        guard !value.isEmpty, text.count >= value.count else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            if text[i] == value[0], i + value.count <= text.count, text[i..<i + value.count].elementsEqual(value) {
                out += replacement
                i += value.count
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    /// `text` with `value` replaced where the server wrote it as a quoted literal
    /// (PostgreSQL's `appendStringInfoStringQuoted`): `'…'` with each `'` doubled, or,
    /// cut to a length on a character boundary, `'…...'`. Either becomes `'$n'`.
    static func replacingQuoted(_ value: [UInt8], in text: [UInt8], with placeholder: [UInt8]) -> [UInt8] {
        let quote = UInt8(ascii: "'")
        // The value as quoted, and the lengths of it at which a cut may end.
        var quoted: [UInt8] = []
        var cuts: Set<Int> = []
        for (index, byte) in value.enumerated() {
            quoted.append(byte)
            if byte == quote { quoted.append(quote) }
            let next = index + 1 < value.count ? value[index + 1] : 0
            if next & 0xC0 != 0x80 { cuts.insert(quoted.count) }
        }
        let ellipsis = Array("...'".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        while i < text.count {
            guard text[i] == quote else {
                out.append(text[i])
                i += 1
                continue
            }
            var matched = 0
            while matched < quoted.count, i + 1 + matched < text.count, text[i + 1 + matched] == quoted[matched] { matched += 1 }
            let after = i + 1 + matched
            var end: Int?
            if matched == quoted.count, after < text.count, text[after] == quote {
                end = after + 1
            } else {
                for length in stride(from: matched, through: 1, by: -1) where cuts.contains(length) {
                    let start = i + 1 + length
                    if start + ellipsis.count <= text.count, text[start..<start + ellipsis.count].elementsEqual(ellipsis) {
                        end = start + ellipsis.count
                        break
                    }
                }
            }
            if let end {
                out.append(quote)
                out += placeholder
                out.append(quote)
                i = end
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    /// True when the connection cannot be used again and must be replaced.
    public var isConnectionLost: Bool {
        kind == .connection || sqlState?.errorClass == "08" || sqlState == .adminShutdown
    }

    /// Reads the fields of a failed result.
    init(result: OpaquePointer?, connection: OpaquePointer?) {
        func field(_ code: Character) -> String? {
            guard let result, let value = PQresultErrorField(result, Int32(code.asciiValue!)) else { return nil }
            return String(cString: value)
        }
        let state = field("C").map(SQLState.init(rawValue:))
        let primary = field("M")
            ?? connection.flatMap { PQerrorMessage($0) }.map { String(cString: $0) }?.trimmed
            ?? "unknown libpq error"
        let lost = connection.map { PQstatus($0) != CONNECTION_OK } ?? false
        self.init(
            lost ? .connection : .server, sqlState: state, message: primary.trimmed,
            detail: field("D"), hint: field("H"), context: field("W"))
    }

    static func connection(_ handle: OpaquePointer?, _ fallback: String) -> PQError {
        let text = handle.flatMap { PQerrorMessage($0) }.map { String(cString: $0).trimmed } ?? ""
        return PQError(.connection, sqlState: .connectionFailure, message: text.isEmpty ? fallback : text)
    }

    static func decoding(column: String, _ message: String) -> PQError {
        PQError(.decoding, message: "column \(column): \(message)")
    }
}

extension String {
    var trimmed: String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        return String(text)
    }
}
