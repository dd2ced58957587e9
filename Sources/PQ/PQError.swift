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

    /// The error with every bound value of three or more characters that the server
    /// echoed (`Key (cuenta)=(…) already exists`, `invalid input syntax …: "…"`)
    /// replaced by its placeholder, `$n`: bound values may be personal data, and
    /// errors end up in logs and on terminals. The server echoes them in the detail
    /// and context of any error, and in the message of data exceptions (class 22)
    /// and integrity violations (23); other messages, such as a function's own
    /// RAISE, are sentences written for the user and stay whole. Values shorter
    /// than three characters are left, or a `1` would garble every line number.
    func redacting(_ binds: [PQBind]) -> PQError {
        var error = self
        let messageEchoesInput = ["22", "23"].contains(sqlState?.errorClass)
        for (index, bind) in binds.enumerated() {
            guard !bind.isBinary, let bytes = bind.bytes, bytes.count >= 3 else { continue }
            let value = String(decoding: bytes, as: UTF8.self)
            let placeholder = "$\(index + 1)"
            if messageEchoesInput { error.message = error.message.replacingOccurrences(of: value, with: placeholder) }
            error.detail = error.detail?.replacingOccurrences(of: value, with: placeholder)
            error.context = error.context?.replacingOccurrences(of: value, with: placeholder)
        }
        return error
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
