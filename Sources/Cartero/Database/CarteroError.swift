/// A refusal the user can act on, in one plain sentence.
///
/// The CLI prints `message` as it is; the web maps `kind` to a status and page.
public struct CarteroError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The input breaks a rule (a bad code, a missing column).
        case invalid
        /// What was named does not exist, or the member may not see it.
        case notFound
        /// The member's role or regional does not allow it.
        case forbidden
        /// The state changed under the request (a race lost, a duplicate).
        case conflict
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    public static func invalid(_ message: String) -> CarteroError { CarteroError(.invalid, message) }
    public static func notFound(_ message: String) -> CarteroError { CarteroError(.notFound, message) }
    public static func forbidden(_ message: String) -> CarteroError { CarteroError(.forbidden, message) }
    public static func conflict(_ message: String) -> CarteroError { CarteroError(.conflict, message) }
}
