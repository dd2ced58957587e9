import Dispatch
import Synchronization

/// Connections shared by async code.
///
/// libpq blocks the thread it runs on, so the pool never runs it on Swift's
/// cooperative thread pool: each connection lives on a serial dispatch queue of
/// its own, and `withConnection` suspends the caller until the closure has run
/// there. Callers wait in the order they came when every connection is busy.
/// A connection that the server dropped (restart, `pg_terminate_backend`) is
/// noticed before it is lent again, and replaced: a long-running process recovers
/// on its own. Only the caller whose statement it broke gets the error.
public final class ConnectionPool: Sendable {
    public struct Configuration: Sendable {
        /// A libpq connection string or URI.
        public var conninfo: String
        public var maxConnections: Int
        /// Runs once on every new connection, before it is used (e.g. `SET ROLE`).
        public var setup: (@Sendable (Connection) throws -> Void)?

        public init(conninfo: String, maxConnections: Int = 4, setup: (@Sendable (Connection) throws -> Void)? = nil) {
            precondition(maxConnections > 0)
            self.conninfo = conninfo
            self.maxConnections = maxConnections
            self.setup = setup
        }
    }

    /// A place for one connection and the queue it is used on.
    ///
    /// `@unchecked Sendable` is safe because `connection` is only read or written
    /// by work running on `queue`, which is serial, and a slot is lent to one
    /// caller at a time by the pool's lock.
    private final class Slot: @unchecked Sendable {
        var connection: Connection?
        let queue: DispatchQueue

        init(number: Int) {
            queue = DispatchQueue(label: "pq.connection.\(number)")
        }

        /// The slot's connection, opened anew when there is none or it is broken.
        func open(_ configuration: Configuration) throws -> Connection {
            if let connection, connection.isHealthy { return connection }
            connection = nil
            let fresh = try Connection(configuration.conninfo)
            try configuration.setup?(fresh)
            connection = fresh
            return fresh
        }

        /// After the caller's work: a broken connection is dropped, and one left
        /// inside a transaction is rolled back so the next caller starts clean.
        func tidy() {
            guard let connection else { return }
            guard connection.isHealthy else {
                self.connection = nil
                return
            }
            if connection.isInTransaction {
                do { try connection.execute("ROLLBACK") } catch { self.connection = nil }
            }
        }
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Slot, any Error>
    }

    private struct State {
        var idle: [Slot] = []
        var created = 0
        /// In the order they came.
        var waiters: [Waiter] = []
        var nextWaiterID: UInt64 = 0
        var closed = false
        var checkouts = 0
        var waited: Duration = .zero
    }

    /// What an operator watches of the pool: how full it is, and how long callers
    /// wait for a connection (a rate of `waited` over a rate of `checkouts` is the
    /// mean wait).
    public struct Statistics: Sendable, Equatable {
        /// Connections the pool holds, busy or idle (at most `maxConnections`).
        public var connections: Int
        /// Connections lent at this moment.
        public var inUse: Int
        /// Callers waiting for one at this moment.
        public var waiting: Int
        /// Connections lent since the pool was made.
        public var checkouts: Int
        /// Time callers spent waiting for a connection since the pool was made.
        public var waited: Duration
    }

    public var statistics: Statistics {
        state.withLock { state in
            Statistics(connections: state.created, inUse: state.created - state.idle.count, waiting: state.waiters.count,
                       checkouts: state.checkouts, waited: state.waited)
        }
    }

    public let configuration: Configuration
    private let state = Mutex(State())

    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    public convenience init(conninfo: String, maxConnections: Int = 4, setup: (@Sendable (Connection) throws -> Void)? = nil) {
        self.init(Configuration(conninfo: conninfo, maxConnections: maxConnections, setup: setup))
    }

    /// Lends a connection to `body`, which runs on the connection's own thread.
    ///
    /// Cancelling the calling task:
    /// - before it calls, or while it waits for a connection, it gets no connection
    ///   and throws `CancellationError` (and leaves its place in the line to the next);
    /// - while `body` runs, the statement running at that moment is cancelled on the
    ///   server (`PQcancel`), and a statement `body` starts after that is not sent.
    ///   `withConnection` then throws `CancellationError`, never the `PQError` with
    ///   SQLSTATE 57014 the statement failed with (which a `statement_timeout` also
    ///   gives, and still does when the task was not cancelled). Open transactions
    ///   are rolled back; what was committed before stays. When `body` returns
    ///   anyway (it finished first, or caught the error), its value is returned.
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let slot = try await checkout()
        defer { checkin(slot) }
        let configuration = self.configuration
        let lease = Lease()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, any Error>, Never>) in
                slot.queue.async {
                    let result = Result { try lease.run(on: slot.open(configuration), body) }
                    slot.tidy()
                    continuation.resume(returning: result)
                }
            }
        } onCancel: {
            lease.cancel()
        }
        return try lease.outcome(result).get()
    }

    /// Lends a connection inside a transaction: committed when `body` returns,
    /// rolled back when it throws. Cancelled as `withConnection` says: a cancelled
    /// task's transaction is not committed unless its COMMIT was already running.
    public func withTransaction<T: Sendable>(
        _ isolation: Connection.IsolationLevel = .readCommitted, readOnly: Bool = false,
        _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        try await withConnection { connection in
            try connection.transaction(isolation, readOnly: readOnly) { try body(connection) }
        }
    }

    /// Closes the idle connections and refuses new work; busy ones close when returned.
    public func close() {
        let (idle, waiters) = state.withLock { state -> ([Slot], [Waiter]) in
            state.closed = true
            defer { state.idle = []; state.waiters = [] }
            return (state.idle, state.waiters)
        }
        for slot in idle { slot.queue.async { slot.connection = nil } }
        for waiter in waiters { waiter.continuation.resume(throwing: PQError(.pool, message: "the connection pool is closed")) }
    }

    private func checkout() async throws -> Slot {
        // Whoever takes a waiter out of the list (checkin, close, or the cancellation
        // handler) resumes it; the lock makes that one of them only.
        let id = state.withLock { state in
            defer { state.nextWaiterID += 1 }
            return state.nextWaiterID
        }
        let start = ContinuousClock.now
        let slot = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Slot, any Error>) in
                state.withLock { state in
                    if state.closed {
                        continuation.resume(throwing: PQError(.pool, message: "the connection pool is closed"))
                    } else if Task.isCancelled {
                        // Cancelled before it could wait: the handler found no waiter to remove.
                        continuation.resume(throwing: CancellationError())
                    } else if let slot = state.idle.popLast() {
                        continuation.resume(returning: slot)
                    } else if state.created < configuration.maxConnections {
                        state.created += 1
                        continuation.resume(returning: Slot(number: state.created))
                    } else {
                        state.waiters.append(Waiter(id: id, continuation: continuation))
                    }
                }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
        let waited = ContinuousClock.now - start
        state.withLock { state in
            state.checkouts += 1
            state.waited += waited
        }
        return slot
    }

    private func checkin(_ slot: Slot) {
        let waiter: Waiter? = state.withLock { state in
            if state.closed {
                slot.queue.async { slot.connection = nil }
                return nil
            }
            if state.waiters.isEmpty {
                state.idle.append(slot)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.continuation.resume(returning: slot)
    }
}

/// One loan of a connection, as the borrowing task's cancellation handler sees it.
///
/// The handler may run on any thread, at any moment: before `body` starts (it then
/// does not start), while a statement runs (it is cancelled on the server), between
/// statements (the next one is not sent), or after `body` is done (nothing to do).
private final class Lease: Sendable {
    private struct State {
        var cancelled = false
        /// The connection `body` is using, while it is.
        var running: Connection.CancelHandle?
    }

    private let state = Mutex(State())
    /// Cancel requests in flight: the loan does not end before they have reached the
    /// server, or one could stop a statement of the connection's next borrower.
    private let requests = DispatchGroup()

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    func run<T>(on connection: Connection, _ body: (Connection) throws -> T) throws -> T {
        try state.withLock { state in
            if state.cancelled { throw CancellationError() }
            state.running = connection.cancelHandle
        }
        connection.leaseIsCancelled = { [self] in isCancelled }
        defer {
            connection.leaseIsCancelled = nil
            state.withLock { $0.running = nil }
            requests.wait()
        }
        return try body(connection)
    }

    func cancel() {
        state.withLock { state in
            state.cancelled = true
            guard let running = state.running else { return }
            // PQcancel blocks on a round trip to the server: not on the canceller's thread,
            // which may be one of Swift's cooperative threads.
            requests.enter()
            DispatchQueue.global().async { [requests] in
                running.cancel()
                requests.leave()
            }
        }
    }

    /// What `withConnection` gives its caller: `CancellationError` for a statement that
    /// failed because the task was cancelled, whatever it failed with.
    func outcome<T>(_ result: Result<T, any Error>) -> Result<T, any Error> {
        guard case .failure(let error) = result, isCancelled else { return result }
        if error is CancellationError || (error as? PQError)?.sqlState == .queryCanceled {
            return .failure(CancellationError())
        }
        return result
    }
}
