import Dispatch
import Synchronization

/// Connections shared by async code.
///
/// libpq blocks the thread it runs on, so the pool never runs it on Swift's
/// cooperative thread pool: each connection lives on a serial dispatch queue of
/// its own, and `withConnection` suspends the caller until the closure has run
/// there. Callers wait in the order they came when every connection is busy.
/// A connection that the server dropped (restart, `pg_terminate_backend`) is
/// noticed and replaced; the caller whose statement it broke gets the error.
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

    private struct State {
        var idle: [Slot] = []
        var created = 0
        var waiters: [CheckedContinuation<Slot, any Error>] = []
        var closed = false
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
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws -> T {
        let slot = try await checkout()
        defer { checkin(slot) }
        let configuration = self.configuration
        return try await withCheckedThrowingContinuation { continuation in
            slot.queue.async {
                let result = Result { try body(slot.open(configuration)) }
                slot.tidy()
                continuation.resume(with: result)
            }
        }
    }

    /// Lends a connection inside a transaction: committed when `body` returns,
    /// rolled back when it throws.
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
        let (idle, waiters) = state.withLock { state -> ([Slot], [CheckedContinuation<Slot, any Error>]) in
            state.closed = true
            defer { state.idle = []; state.waiters = [] }
            return (state.idle, state.waiters)
        }
        for slot in idle { slot.queue.async { slot.connection = nil } }
        for waiter in waiters { waiter.resume(throwing: PQError(.pool, message: "the connection pool is closed")) }
    }

    private func checkout() async throws -> Slot {
        try await withCheckedThrowingContinuation { continuation in
            state.withLock { state in
                if state.closed {
                    continuation.resume(throwing: PQError(.pool, message: "the connection pool is closed"))
                } else if let slot = state.idle.popLast() {
                    continuation.resume(returning: slot)
                } else if state.created < configuration.maxConnections {
                    state.created += 1
                    continuation.resume(returning: Slot(number: state.created))
                } else {
                    state.waiters.append(continuation)
                }
            }
        }
    }

    private func checkin(_ slot: Slot) {
        let waiter: CheckedContinuation<Slot, any Error>? = state.withLock { state in
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
        waiter?.resume(returning: slot)
    }
}
