import CLibPQ

/// Feeds the data of a `COPY … FROM STDIN`.
public struct CopyInWriter: ~Copyable {
    let handle: OpaquePointer

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard bytes.count > 0 else { return }
        let sent = bytes.withMemoryRebound(to: CChar.self) { chars in
            PQputCopyData(handle, chars.baseAddress, Int32(chars.count))
        }
        guard sent == 1 else { throw PQError.connection(handle, "could not send COPY data") }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ text: String) throws {
        var text = text
        try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
    }
}

extension Connection {
    /// Runs `COPY … FROM STDIN` and lets `body` feed the data in chunks of any size,
    /// e.g. straight from a file, so nothing has to be held in memory at once.
    /// When `body` throws, the COPY is aborted and nothing of it is kept.
    /// Returns the number of rows copied.
    @discardableResult
    public func copyIn(_ statement: Query, _ body: (borrowing CopyInWriter) throws -> Void) throws -> Int {
        try checkLease()
        let (sql, binds) = try statement.render(on: handle)
        precondition(binds.isEmpty, "COPY takes no parameters")
        let start = try check(PQexec(handle, sql))
        guard PQresultStatus(start.pointer) == PGRES_COPY_IN else {
            throw PQError(.server, message: "the statement is not a COPY FROM STDIN: \(statement)")
        }
        var failure: (any Error)?
        do {
            try body(CopyInWriter(handle: handle))
        } catch {
            failure = error
        }
        let ended = PQputCopyEnd(handle, failure == nil ? nil : "aborted by the client")
        guard ended == 1 else { throw failure ?? PQError.connection(handle, "could not end COPY") }
        return try finishCopy(after: failure)
    }

    /// Runs `COPY … TO STDOUT` and hands each chunk (one row in text and CSV formats) to `body`.
    /// Returns the number of rows copied.
    @discardableResult
    public func copyOut(_ statement: Query, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        try checkLease()
        let (sql, binds) = try statement.render(on: handle)
        precondition(binds.isEmpty, "COPY takes no parameters")
        let start = try check(PQexec(handle, sql))
        guard PQresultStatus(start.pointer) == PGRES_COPY_OUT else {
            throw PQError(.server, message: "the statement is not a COPY TO STDOUT: \(statement)")
        }
        var failure: (any Error)?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let length = PQgetCopyData(handle, &buffer, 0)
            if length == -1 { break }  // done; the final status follows
            if length == -2 { throw PQError.connection(handle, "COPY TO STDOUT failed") }
            guard let buffer else { continue }
            defer { PQfreemem(buffer) }
            if failure == nil {
                do {
                    try body(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
                } catch {
                    failure = error
                    cancel()
                }
            }
        }
        return try finishCopy(after: failure)
    }

    /// Reads the results that close a COPY and returns its row count. The caller's
    /// own error, if it had one, wins over the server's (which only echoes the abort).
    private func finishCopy(after callerFailure: (any Error)?) throws -> Int {
        var rows = 0
        var failure = callerFailure
        while let result = PQgetResult(handle) {
            do {
                let checked = try check(result)
                rows = Int(String(cString: PQcmdTuples(checked.pointer))) ?? rows
            } catch {
                failure = failure ?? error
            }
        }
        if let failure { throw failure }
        return rows
    }
}
