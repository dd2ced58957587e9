import CLibPQ

/// Owns a `PGresult` and frees it when the last row that reads it is gone.
final class ResultHandle {
    let pointer: OpaquePointer
    let columns: ColumnIndex

    /// `columns`: the index of an earlier result with the same columns (the one-row
    /// results of a streamed statement share one), or nil for a new one.
    init(_ pointer: OpaquePointer, columns: ColumnIndex? = nil) {
        self.pointer = pointer
        self.columns = columns ?? ColumnIndex()
    }

    deinit { PQclear(pointer) }
}

/// The positions of a result's columns by name, built on the first lookup by name:
/// `PQfnumber` scans the names, and folds and copies the one asked for, on every call.
final class ColumnIndex {
    /// A name that more than one column has.
    private static let ambiguous: Int32 = -1
    private var positions: [String: Int32]?

    enum Lookup {
        case found(Int32)
        case missing
        case ambiguous(count: Int)
    }

    func lookup(_ name: String, in result: OpaquePointer) -> Lookup {
        let positions = self.positions ?? build(result)
        switch positions[name] {
        case nil: return .missing
        case Self.ambiguous?:
            let count = (0..<PQnfields(result)).count(where: { String(cString: PQfname(result, $0)) == name })
            return .ambiguous(count: count)
        case let position?: return .found(position)
        }
    }

    private func build(_ result: OpaquePointer) -> [String: Int32] {
        var positions: [String: Int32] = [:]
        for column in 0..<PQnfields(result) {
            let name = String(cString: PQfname(result, column))
            positions[name] = positions[name] == nil ? column : Self.ambiguous
        }
        self.positions = positions
        return positions
    }
}

/// The rows a statement returned, held in memory. For large results use
/// `Connection.forEachRow`, which streams them.
public struct Rows: RandomAccessCollection {
    let handle: ResultHandle

    init(_ handle: ResultHandle) { self.handle = handle }

    public var startIndex: Int { 0 }
    public var endIndex: Int { Int(PQntuples(handle.pointer)) }
    public subscript(position: Int) -> Row { Row(handle: handle, row: Int32(position)) }

    public var columnNames: [String] {
        (0..<PQnfields(handle.pointer)).map { String(cString: PQfname(handle.pointer, $0)) }
    }

    /// The number of rows a command touched (`INSERT 0 12` → 12).
    public var affectedRows: Int { Int(String(cString: PQcmdTuples(handle.pointer))) ?? 0 }
}

/// A column name for `Row.decode(_:columns:)`, typed by the value read from it, so
/// that a list of names and a tuple of types that are not as long do not compile.
/// A string literal is one: `columns: "id", "login"`; a name in a variable is
/// `ColumnName(name)`.
public struct ColumnName<Value>: ExpressibleByStringLiteral, Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public init(_ name: String) { self.name = name }
    public init(stringLiteral name: String) { self.name = name }
    public var description: String { name }
}

/// One row of a result. Columns are read by name or by position, into a Swift type
/// that accepts the column's type (`PQDecodable.pqAccepts`); a NULL read into a
/// non-optional, or a value the type cannot hold, throws an error naming the column.
public struct Row {
    let handle: ResultHandle
    let row: Int32

    public var columnCount: Int { Int(PQnfields(handle.pointer)) }

    /// The cell at `column`, not yet read into any Swift type.
    public func field(_ column: Int) throws -> PQField {
        let result = handle.pointer
        guard column >= 0, column < columnCount else {
            throw PQError(.decoding, message: "no column at position \(column) (the row has \(columnCount))")
        }
        let c = Int32(column)
        let type = UInt32(PQftype(result, c))
        if PQgetisnull(result, row, c) == 1 { return PQField(bytes: nil, type: type, result: result, column: c) }
        let bytes = PQgetvalue(result, row, c).withMemoryRebound(to: UInt8.self, capacity: 1) { $0 }
        return PQField(
            bytes: UnsafeBufferPointer(start: bytes, count: Int(PQgetlength(result, row, c))), type: type, result: result, column: c)
    }

    /// The position of the column named exactly `name` (case counts, as in a quoted
    /// identifier); an error when there is none, or more than one.
    public func column(named name: String) throws -> Int {
        switch handle.columns.lookup(name, in: handle.pointer) {
        case .found(let position):
            return Int(position)
        case .missing:
            throw PQError(.decoding, message: "no column named \(name) in the result")
        case .ambiguous(let count):
            throw PQError(.decoding, message: "the result has \(count) columns named \(name): name them apart with AS")
        }
    }

    /// The column at `column` (from 0):
    ///
    ///     let saldo = try row.decode(3, as: Decimal.self)
    public func decode<T: PQDecodable>(_ column: Int, as type: T.Type = T.self) throws -> T {
        let field = try field(column)
        guard T.pqAccepts(type: field.type) else {
            throw PQError.decoding(column: field.columnName, "is \(PQType.name(of: field.type)), cannot be read as \(T.self)")
        }
        return try T(pqField: field)
    }

    /// The column named `name`:
    ///
    ///     let saldo: Decimal = try row.decode("saldo_mora")
    public func decode<T: PQDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try decode(column(named: name), as: T.self)
    }

    /// The leading columns, in order, as a tuple:
    ///
    ///     let (cuenta, saldo) = try row.decode((String, Decimal).self)
    public func decode<each T: PQDecodable>(_ types: (repeat each T).Type) throws -> (repeat each T) {
        var position = 0
        func next<U: PQDecodable>(_: U.Type) throws -> U {
            defer { position += 1 }
            return try decode(position, as: U.self)
        }
        return (repeat try next((each T).self))
    }

    /// The named columns, in the order named, as a tuple; where they stand in the
    /// row does not matter:
    ///
    ///     let (id, login) = try row.decode((Int64, String).self, columns: "id", "login")
    public func decode<each T: PQDecodable>(
        _ types: (repeat each T).Type, columns names: repeat ColumnName<each T>
    ) throws -> (repeat each T) {
        (repeat try decode((each names).name, as: (each T).self))
    }

    /// Every column as text (NULL as nil), e.g. for a CSV writer.
    public func texts() -> [String?] {
        (0..<columnCount).map { c in (try? field(c))?.string }
    }
}
