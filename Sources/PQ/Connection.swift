import CLibPQ

/// One libpq connection.
///
/// Not `Sendable` (see the unavailable conformance below): a `PGconn` must not be
/// used from two threads at once. Share a `ConnectionPool` instead, which hands a
/// connection to one closure at a time on the pool's own threads. What may cross
/// threads is its `cancelHandle`.
public final class Connection {
    let handle: OpaquePointer

    /// Asks the server to stop the statement this connection is running; made once,
    /// when the connection opens, so that another thread can use it at any time.
    public let cancelHandle: CancelHandle

    /// Set by the pool while it lends the connection to a task: once that task is
    /// cancelled, a statement not yet sent is not sent (`CancellationError`).
    var leaseIsCancelled: (@Sendable () -> Bool)?

    /// What the server said between statements; libpq's notice receiver writes it.
    private let notices = Notices()

    /// Opens a connection from a libpq connection string or URI
    /// (`host=/path port=5432 dbname=cartero`, `postgresql://user@host/db`).
    public init(_ conninfo: String) throws {
        guard let handle = PQconnectdb(conninfo) else {
            throw PQError(.connection, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK, let cancel = PQgetCancel(handle) else {
            let error = PQError.connection(handle, "could not connect to the database")
            PQfinish(handle)
            throw error
        }
        self.handle = handle
        self.cancelHandle = CancelHandle(cancel)
        // Notices (e.g. "relation already exists, skipping") are not errors; libpq
        // would print them on stderr, in the middle of a command's output. `notices`
        // lives as long as the connection: `deinit` finishes the connection first.
        PQsetNoticeReceiver(handle, { context, result in
            guard let context, let result else { return }
            Unmanaged<Notices>.fromOpaque(context).takeUnretainedValue().receive(result)
        }, Unmanaged.passUnretained(notices).toOpaque())
        // Values are read in these forms: dates as YYYY-MM-DD, text as UTF-8. And an
        // error's context does not quote the values bound to the statement, whatever
        // the role or database says (`redacting` still takes them out if a session asks).
        try executeScript(unsafeSQL: """
            SET client_encoding = 'UTF8'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601';
            SET log_parameter_max_length_on_error = 0
            """)
    }

    deinit { PQfinish(handle) }

    /// False once the server has gone: a restart, `pg_terminate_backend`, a broken network.
    /// Reads any pending input first, so a connection the server already closed is noticed
    /// before a statement is sent on it.
    public var isHealthy: Bool {
        guard PQstatus(handle) == CONNECTION_OK, !notices.serverEndedSession else { return false }
        if PQtransactionStatus(handle) == PQTRANS_IDLE {
            // A backend that is told to end (a restart, pg_terminate_backend) sends a
            // FATAL message, then exits. PQisBusy hands a message that came between
            // statements to the notice receiver, which notes the FATAL; the end of the
            // stream can come a moment later. A backend that died without a word
            // (a crash, the network) shows only the end of the stream.
            for _ in 0..<2 {
                guard PQconsumeInput(handle) == 1 else { return false }
                _ = PQisBusy(handle)
                if notices.serverEndedSession { return false }
            }
        }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// True inside BEGIN … COMMIT.
    public var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// The server's backend process id (for `pg_terminate_backend` in tests, and logs).
    public var backendPID: Int { Int(PQbackendPID(handle)) }

    // MARK: - Statements

    /// Runs a statement and returns its rows (none for a command).
    @discardableResult
    public func execute(_ query: Query) throws -> Rows {
        try checkLease()
        return try run(query)
    }

    /// `execute` even when the lease was cancelled: for the ROLLBACK that undoes
    /// what a cancelled task began.
    @discardableResult
    private func run(_ query: Query) throws -> Rows {
        let (sql, binds) = try query.render(on: handle)
        let result = withParameters(binds) { count, types, values, lengths, formats in
            PQexecParams(handle, sql, count, types, values, lengths, formats, 0)
        }
        do {
            return Rows(try check(result))
        } catch let error as PQError {
            throw error.redacting(binds)
        }
    }

    /// The first row, or nil when there is none.
    public func queryRow(_ query: Query) throws -> Row? {
        let rows = try execute(query)
        return rows.isEmpty ? nil : rows[0]
    }

    /// The first column of the first row; an error when there is no row.
    public func queryValue<T: PQDecodable>(_ query: Query, as type: T.Type = T.self) throws -> T {
        guard let row = try queryRow(query) else {
            throw PQError(.decoding, message: "the statement returned no row: \(query)")
        }
        return try row.decode(0, as: T.self)
    }

    /// Runs several statements in one string with the simple-query protocol,
    /// as migrations are written. No parameters: the text is run as it is.
    public func executeScript(unsafeSQL sql: String) throws {
        try checkLease()
        // PQexec keeps the last result only; the first error stops the script there.
        _ = try check(PQexec(handle, sql))
    }

    /// Streams the rows of a statement one at a time (libpq's single-row mode),
    /// so a million-row result never sits in memory at once.
    public func forEachRow(_ query: Query, _ body: (Row) throws -> Void) throws {
        try checkLease()
        let (sql, binds) = try query.render(on: handle)
        let sent = withParameters(binds) { count, types, values, lengths, formats in
            PQsendQueryParams(handle, sql, count, types, values, lengths, formats, 0)
        }
        guard sent == 1 else { throw PQError.connection(handle, "could not send the statement") }
        PQsetSingleRowMode(handle)
        var failure: (any Error)?
        // Every one-row result has the same columns: names are indexed once.
        let columns = ColumnIndex()
        while let result = PQgetResult(handle) {
            if failure != nil {
                PQclear(result)
                continue
            }
            do {
                let checked = try check(result, columns: columns)
                if PQresultStatus(result) == PGRES_SINGLE_TUPLE {
                    try body(Row(handle: checked, row: 0))
                }
            } catch {
                failure = (error as? PQError)?.redacting(binds) ?? error
                cancel()
            }
        }
        if let failure { throw failure }
    }

    /// Asks the server to stop the statement running on this connection.
    public func cancel() {
        cancelHandle.cancel()
    }

    /// A connection's `PGcancel`: what `PQcancel` needs to ask the server, over a
    /// connection of its own, to stop the statement the connection is running.
    ///
    /// `@unchecked Sendable`: libpq never changes a `PGcancel` after making it and
    /// documents `PQcancel` as safe to call from any thread, even while another
    /// thread waits on the connection; it holds no pointer to the `PGconn`, so it
    /// may outlive it.
    public final class CancelHandle: @unchecked Sendable {
        private let pointer: OpaquePointer

        init(_ pointer: OpaquePointer) { self.pointer = pointer }
        deinit { PQfreeCancel(pointer) }

        /// Blocks until the server has the request (a local round trip). When the
        /// statement was still running it fails with SQLSTATE 57014
        /// (`SQLState.queryCanceled`); when none was, nothing happens. Best effort:
        /// a server that cannot be reached is not an error here.
        public func cancel() {
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(pointer, &buffer, Int32(buffer.count))
        }
    }

    // MARK: - Transactions

    public enum IsolationLevel: String, Sendable {
        case readCommitted = "READ COMMITTED"
        case repeatableRead = "REPEATABLE READ"
        case serializable = "SERIALIZABLE"
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it
    /// throws. Inside another transaction it becomes a savepoint.
    public func transaction<T>(
        _ isolation: IsolationLevel = .readCommitted, readOnly: Bool = false, _ body: () throws -> T
    ) throws -> T {
        if isInTransaction { return try savepoint(body) }
        try execute(Query(unsafeSQL: "BEGIN ISOLATION LEVEL \(isolation.rawValue)\(readOnly ? " READ ONLY" : "")"))
        let value: T
        do {
            value = try body()
        } catch {
            if PQstatus(handle) == CONNECTION_OK { _ = try? run("ROLLBACK") }
            throw error
        }
        let commit: Rows
        do {
            commit = try execute("COMMIT")
        } catch is CancellationError {
            // Not sent: the task was cancelled before it could commit.
            _ = try? run("ROLLBACK")
            throw CancellationError()
        }
        // COMMIT of a transaction that an error (caught inside body) left aborted rolls back,
        // and says so in its command tag, which (unlike messages) the server never translates.
        if String(cString: PQcmdStatus(commit.handle.pointer)) == "ROLLBACK" {
            throw PQError(.server, sqlState: SQLState("25P02"), message: "the transaction was rolled back because a statement in it failed")
        }
        return value
    }

    private var savepointDepth = 0

    /// Runs `body` inside a savepoint of the current transaction: rolled back to it when it throws.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let name = "pq_savepoint_\(savepointDepth)"
        try execute(Query(unsafeSQL: "SAVEPOINT \(name)"))
        do {
            let value = try body()
            try execute(Query(unsafeSQL: "RELEASE SAVEPOINT \(name)"))
            return value
        } catch {
            if PQstatus(handle) == CONNECTION_OK { _ = try? run(Query(unsafeSQL: "ROLLBACK TO SAVEPOINT \(name)")) }
            throw error
        }
    }

    // MARK: - Internals

    /// Throws `CancellationError` when the task this connection is lent to was cancelled.
    func checkLease() throws {
        if let leaseIsCancelled, leaseIsCancelled() { throw CancellationError() }
    }

    /// Turns a result into a handle, or into an error (freeing it).
    func check(_ result: OpaquePointer?, columns: ColumnIndex? = nil) throws -> ResultHandle {
        guard let result else { throw PQError.connection(handle, "no result from the server") }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE, PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_EMPTY_QUERY:
            return ResultHandle(result, columns: columns)
        default:
            let error = PQError(result: result, connection: handle)
            PQclear(result)
            throw error
        }
    }

    /// Lays the parameters out as the C arrays `PQexecParams` takes. Text values
    /// are NUL-terminated (libpq ignores their lengths); binary ones are not.
    private func withParameters<R>(
        _ binds: [PQBind],
        _ body: (Int32, UnsafePointer<UInt32>?, UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
    ) -> R {
        if binds.isEmpty { return body(0, nil, nil, nil, nil) }
        // Never empty, so its base address is never nil.
        var storage: [UInt8] = [0]
        var offsets: [Int?] = []
        var lengths: [Int32] = []
        for bind in binds {
            guard let bytes = bind.bytes else {
                offsets.append(nil)
                lengths.append(0)
                continue
            }
            offsets.append(storage.count)
            storage.append(contentsOf: bytes)
            if !bind.isBinary { storage.append(0) }
            lengths.append(Int32(bytes.count))
        }
        let types = binds.map(\.type)
        let formats = binds.map { Int32($0.isBinary ? 1 : 0) }
        return storage.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            let values: [UnsafePointer<CChar>?] = offsets.map { offset in
                offset.map { (base + $0).assumingMemoryBound(to: CChar.self) }
            }
            return body(Int32(binds.count), types, values, lengths, formats)
        }
    }
}

/// Said in code, not only in a comment, so that the compiler refuses to send one.
@available(*, unavailable)
extension Connection: Sendable {}

/// Messages the server sends outside a statement's result. libpq hands them to the
/// notice receiver: the notices and warnings a statement raises, which are not errors,
/// and, between statements, the FATAL error of a backend about to close the connection.
private final class Notices {
    /// The server said it ends this session. Read from the severity field that is
    /// never translated (`V`), not from the message.
    private(set) var serverEndedSession = false

    func receive(_ result: OpaquePointer) {
        guard let severity = PQresultErrorField(result, Int32(UInt8(ascii: "V"))) else { return }
        switch String(cString: severity) {
        case "FATAL", "PANIC": serverEndedSession = true
        default: break
        }
    }
}
