import CLibPQ

/// A statement whose interpolated values become `$1…$n` parameters.
///
///     let query: Query = "SELECT titular FROM cartero.accounts WHERE cuenta = \(cuenta)"
///
/// No value is ever spliced into the SQL text. What cannot be a parameter goes
/// through an escape hatch whose name shows the danger: `\(identifier: name)`,
/// quoted by libpq, or `\(unsafeSQL: text)`, pasted as written.
public struct Query: ExpressibleByStringInterpolation, Sendable, CustomStringConvertible {
    enum Fragment: Sendable {
        case sql(String)
        case bind(PQBind)
        case identifier(String)
    }

    var fragments: [Fragment]

    public init(stringLiteral value: String) {
        fragments = [.sql(value)]
    }

    public init(stringInterpolation: StringInterpolation) {
        fragments = stringInterpolation.fragments
    }

    /// SQL text written by the program, never by a user.
    public init(unsafeSQL text: String) {
        fragments = [.sql(text)]
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var fragments: [Fragment] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            fragments.reserveCapacity(interpolationCount * 2 + 1)
        }

        public mutating func appendLiteral(_ literal: String) {
            fragments.append(.sql(literal))
        }

        public mutating func appendInterpolation(_ value: some PQEncodable) {
            fragments.append(.bind(value.pqBind))
        }

        /// NULL when nil. Spelled out so that the compiler does not take an optional for
        /// a slip that would print `Optional(…)`, as it would in a `String`.
        public mutating func appendInterpolation<T: PQEncodable>(_ value: T?) {
            fragments.append(.bind(value.pqBind))
        }

        /// A whole fragment written elsewhere, with its own parameters.
        public mutating func appendInterpolation(_ query: Query) {
            fragments.append(contentsOf: query.fragments)
        }

        /// A table or column name, quoted with `PQescapeIdentifier`.
        public mutating func appendInterpolation(identifier: String) {
            fragments.append(.identifier(identifier))
        }

        /// Pasted into the statement as written: only for text the program chose.
        public mutating func appendInterpolation(unsafeSQL text: String) {
            fragments.append(.sql(text))
        }
    }

    public static func + (lhs: Query, rhs: Query) -> Query {
        var query = lhs
        query.fragments += rhs.fragments
        return query
    }

    /// The statement with `$n` in place of values; safe to log.
    public var description: String {
        var text = ""
        var n = 0
        for fragment in fragments {
            switch fragment {
            case .sql(let sql): text += sql
            case .bind: n += 1; text += "$\(n)"
            case .identifier(let name): text += "\"\(name.replacingAll("\"", with: "\"\""))\""
            }
        }
        return text
    }

    /// The SQL text and parameters for `PQexecParams`.
    func render(on connection: OpaquePointer) throws -> (sql: String, binds: [PQBind]) {
        var text = ""
        var binds: [PQBind] = []
        for fragment in fragments {
            switch fragment {
            case .sql(let sql):
                text += sql
            case .bind(let bind):
                binds.append(bind)
                text += "$\(binds.count)"
            case .identifier(let name):
                guard let quoted = PQescapeIdentifier(connection, name, name.utf8.count) else {
                    throw PQError.connection(connection, "could not quote identifier")
                }
                defer { PQfreemem(quoted) }
                text += String(cString: quoted)
            }
        }
        return (text, binds)
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
