import CLibPQ

/// Owns a `PGresult` and frees it when the last row that reads it is gone.
final class ResultHandle {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
    deinit { PQclear(pointer) }
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

/// One row of a result. Columns are read by position or by name; a NULL read
/// into a non-optional, or text of the wrong shape, throws an error naming the column.
public struct Row {
    let handle: ResultHandle
    let row: Int32

    public var columnCount: Int { Int(PQnfields(handle.pointer)) }

    public func field(_ column: Int) throws -> PQField {
        let result = handle.pointer
        guard column >= 0, column < columnCount else {
            throw PQError(.decoding, message: "no column at position \(column) (the row has \(columnCount))")
        }
        let c = Int32(column)
        if PQgetisnull(result, row, c) == 1 { return PQField(bytes: nil, result: result, column: c) }
        let bytes = PQgetvalue(result, row, c).withMemoryRebound(to: UInt8.self, capacity: 1) { $0 }
        return PQField(bytes: UnsafeBufferPointer(start: bytes, count: Int(PQgetlength(result, row, c))), result: result, column: c)
    }

    public func column(named name: String) throws -> Int {
        // Quoted, so PQfnumber keeps the name's case as written.
        let index = PQfnumber(handle.pointer, "\"\(name)\"")
        guard index >= 0 else { throw PQError(.decoding, message: "no column named \(name) in the result") }
        return Int(index)
    }

    public func decode<T: PQDecodable>(_ column: Int, as type: T.Type = T.self) throws -> T {
        try T(pqField: field(column))
    }

    public func decode<T: PQDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try T(pqField: field(column(named: name)))
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

    /// Every column as text (NULL as nil), e.g. for a CSV writer.
    public func texts() -> [String?] {
        (0..<columnCount).map { c in (try? field(c))?.string }
    }
}
