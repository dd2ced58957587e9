import PQ

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

    /// The database has no Cartero schema: its migrations never ran.
    public static let notMigrated = CarteroError(.notFound, "the database has no Cartero schema yet")

    public static func invalid(_ message: String) -> CarteroError { CarteroError(.invalid, message) }
    public static func notFound(_ message: String) -> CarteroError { CarteroError(.notFound, message) }
    public static func forbidden(_ message: String) -> CarteroError { CarteroError(.forbidden, message) }
    public static func conflict(_ message: String) -> CarteroError { CarteroError(.conflict, message) }

    /// The refusal a Cartero function raised (SQLSTATE class CA; see
    /// sql/migrations/0006_role_limits.sql), carrying the function's own sentence:
    /// Cartero writes those, PostgreSQL never translates them. nil for any other error.
    public init?(raisedBy error: any Error) {
        guard let error = error as? PQError, let state = error.sqlState?.rawValue, state.hasPrefix("CA") else { return nil }
        switch state {
        case "CA403": self.init(.forbidden, error.message)
        case "CA404": self.init(.notFound, error.message)
        case "CA409", "CA412": self.init(.conflict, error.message)
        default: self.init(.invalid, error.message)
        }
    }

    /// Runs `body`, turning what a Cartero function raised into a CarteroError, and a
    /// refusal of row-level security or of a grant (42501, whose text the server
    /// writes in its own language) into `forbidden`, said with `whenRefused`.
    public static func translating<T>(whenRefused: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PQError where error.sqlState == .insufficientPrivilege {
            throw CarteroError.forbidden(whenRefused())
        } catch {
            throw CarteroError(raisedBy: error) ?? error
        }
    }
}
