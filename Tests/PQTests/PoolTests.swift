import CarteroTesting
import Foundation
import PQ
import Synchronization
import Testing

@Suite struct PoolTests {
    let conninfo: String

    init() throws {
        conninfo = try TestDatabase.empty("pool")
    }

    @Test func fiftyTasksShareFourConnections() async throws {
        let pool = ConnectionPool(conninfo: conninfo, maxConnections: 4)
        defer { pool.close() }
        try await pool.withConnection { _ = try $0.execute("CREATE TABLE hits (task int, pid int)") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<50 {
                group.addTask {
                    try await pool.withTransaction { db in
                        _ = try db.execute("INSERT INTO hits SELECT \(task), pg_backend_pid() FROM pg_sleep(0.01)")
                    }
                }
            }
            try await group.waitForAll()
        }
        let (rows, backends) = try await pool.withConnection { db in
            try db.queryRow("SELECT count(*), count(DISTINCT pid) FROM hits")!.decode((Int, Int).self)
        }
        #expect(rows == 50)
        #expect(backends <= 4)
        #expect(backends >= 2)
    }

    /// What /metrics shows of the pool: connections held and lent, callers waiting,
    /// and the time they waited.
    @Test func statisticsCountWaitersAndTheirWait() async throws {
        let pool = ConnectionPool(conninfo: conninfo, maxConnections: 1)
        defer { pool.close() }
        let holding = Task { try await pool.withConnection { _ = try $0.execute("SELECT pg_sleep(0.5)") } }
        var polls = 0
        while pool.statistics.inUse == 0, polls < 200 { try await Task.sleep(for: .milliseconds(5)); polls += 1 }
        let waiter = Task { try await pool.withConnection { _ = try $0.execute("SELECT 1") } }
        polls = 0
        while pool.statistics.waiting == 0, polls < 200 { try await Task.sleep(for: .milliseconds(5)); polls += 1 }
        var now = pool.statistics
        #expect((now.connections, now.inUse, now.waiting, now.checkouts) == (1, 1, 1, 1))
        try await holding.value
        try await waiter.value
        now = pool.statistics
        #expect((now.connections, now.inUse, now.waiting, now.checkouts) == (1, 0, 0, 2))
        #expect(now.waited >= .milliseconds(100) && now.waited < .seconds(5), "\(now.waited)")
    }

    /// libpq blocks the thread it runs on. With statements blocked on more connections
    /// than Swift has cooperative threads, this test's own task must still go on to
    /// release them; were they blocking the cooperative threads, it would only be back
    /// when they timed out.
    @Test func blockingStatementsLeaveTheCooperativeThreadsFree() async throws {
        let width = ProcessInfo.processInfo.activeProcessorCount + 2
        let pool = ConnectionPool(conninfo: conninfo, maxConnections: width)
        defer { pool.close() }
        let holder = try Connection(conninfo)
        try holder.execute("SELECT pg_advisory_lock(7)")
        let blocked = (0..<width).map { _ in
            Task {
                try await pool.withConnection { db in
                    try db.execute("SET statement_timeout = '10s'")
                    _ = try db.execute("SELECT pg_advisory_lock_shared(7)")
                }
            }
        }
        var waiting = 0
        var polls = 0
        while waiting < width, polls < 200 {
            try await Task.sleep(for: .milliseconds(25))
            polls += 1
            waiting = try holder.queryValue("""
                SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
                 WHERE l.locktype = 'advisory' AND l.objid = 7 AND NOT l.granted AND d.datname = current_database()
                """, as: Int.self)
        }
        #expect(waiting == width, "statements waiting on the pool's connections")
        try holder.execute("SELECT pg_advisory_unlock(7)")
        for task in blocked { try await task.value }
    }

    @Test func callersWaitInTheirTurn() async throws {
        let pool = ConnectionPool(conninfo: conninfo, maxConnections: 1)
        defer { pool.close() }
        let order = Recorder()
        // Hold the only connection while three callers line up behind it, one after the other.
        async let holder: Void = pool.withConnection { db in _ = try db.execute("SELECT pg_sleep(0.3)") }
        try await Task.sleep(for: .milliseconds(50))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 1...3 {
                group.addTask { try await pool.withConnection { _ in order.append(n) } }
                try await Task.sleep(for: .milliseconds(30))
            }
            try await group.waitForAll()
        }
        try await holder
        #expect(order.values == [1, 2, 3])
    }

    @Test func recoversAfterItsBackendsAreTerminated() async throws {
        let pool = ConnectionPool(conninfo: conninfo, maxConnections: 2)
        defer { pool.close() }
        let first = try await pool.withConnection { $0.backendPID }
        let killer = try Connection(conninfo)
        try killer.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        try await Task.sleep(for: .milliseconds(200))
        // The pool notices the dead connection and opens a new one.
        let second = try await pool.withConnection { try $0.queryValue("SELECT pg_backend_pid()", as: Int.self) }
        #expect(second != first)
    }

    @Test func aConnectionKilledMidStatementGivesAClearErrorThenRecovers() async throws {
        let pool = ConnectionPool(conninfo: conninfo, maxConnections: 1)
        defer { pool.close() }
        let pid = try await pool.withConnection { $0.backendPID }
        let killer = Task {
            try await Task.sleep(for: .milliseconds(300))
            let db = try Connection(conninfo)
            try db.execute("SELECT pg_terminate_backend(\(pid))")
        }
        let error = await #expect(throws: PQError.self) {
            try await pool.withConnection { db in _ = try db.execute("SELECT pg_sleep(10)") }
        }
        try await killer.value
        #expect(error?.isConnectionLost == true)
        #expect(try await pool.withConnection { try $0.queryValue("SELECT 1", as: Int.self) } == 1)
    }

    @Test func setupRunsOnEveryNewConnection() async throws {
        let pool = ConnectionPool(conninfo: conninfo, maxConnections: 1) { db in
            try db.execute("SET application_name = 'cartero-test'")
        }
        defer { pool.close() }
        #expect(try await pool.withConnection { try $0.queryValue("SHOW application_name", as: String.self) } == "cartero-test")
        // The connection that replaces a dropped one is set up too (CarteroDatabase's
        // SET ROLE cartero_app rides on this: without it a replacement would skip row rules).
        let first = try await pool.withConnection { $0.backendPID }
        try Connection(conninfo).execute("SELECT pg_terminate_backend(\(first))")
        try await Task.sleep(for: .milliseconds(200))
        let (pid, name) = try await pool.withConnection { db in
            try db.queryRow("SELECT pg_backend_pid(), current_setting('application_name')")!.decode((Int, String).self)
        }
        #expect(pid != first)
        #expect(name == "cartero-test")
    }

    @Test func anAbandonedTransactionIsRolledBackBeforeReuse() async throws {
        let pool = ConnectionPool(conninfo: conninfo, maxConnections: 1)
        defer { pool.close() }
        try await pool.withConnection { db in
            try db.execute("BEGIN")
            try db.execute("CREATE TABLE abandoned (x int)")
        }
        let inTransaction = try await pool.withConnection { $0.isInTransaction }
        #expect(!inTransaction)
        let exists = try await pool.withConnection { try $0.queryValue("SELECT to_regclass('abandoned') IS NOT NULL", as: Bool.self) }
        #expect(!exists)
    }

    /// The only connection is busy; of two callers waiting for it, the first is
    /// cancelled. It must stop waiting at once, and the second must still be served.
    @Test func aCancelledWaiterStopsWaitingAndTheNextIsServed() async throws {
        let pool = ConnectionPool(conninfo: conninfo, maxConnections: 1)
        defer { pool.close() }
        let holder = try Connection(conninfo)
        try holder.execute("SELECT pg_advisory_lock(11)")
        let busy = Task { try await pool.withConnection { db in _ = try db.execute("SELECT pg_advisory_lock_shared(11)") } }
        try await waitUntil { try holder.queryValue(Self.waitingOnLock(11), as: Int.self) == 1 }
        let ran = Recorder()
        let cancelled = Task { try await pool.withConnection { _ in ran.append(1) } }
        try await Task.sleep(for: .milliseconds(100))
        let next = Task { try await pool.withConnection { try $0.queryValue("SELECT 42", as: Int.self) } }
        try await Task.sleep(for: .milliseconds(100))

        cancelled.cancel()
        let outcome = await result(of: cancelled, within: .seconds(10))
        #expect(outcome?.failure is CancellationError, "\(String(describing: outcome))")

        try holder.execute("SELECT pg_advisory_unlock(11)")
        try await busy.value
        let served = await result(of: next, within: .seconds(10))
        #expect(try served?.get() == 42)
        #expect(ran.values.isEmpty, "the cancelled caller's closure ran")
    }

    /// A task cancelled while its statement runs has it cancelled on the server
    /// (PQcancel), and gets CancellationError; the connection goes on serving.
    @Test func cancellingTheTaskCancelsItsStatementOnTheServer() async throws {
        let pool = ConnectionPool(conninfo: conninfo, maxConnections: 1)
        defer { pool.close() }
        let pid = try await pool.withConnection { $0.backendPID }
        let task = Task {
            try await pool.withConnection { db in
                try db.execute("SET statement_timeout = '20s'")
                _ = try db.execute("SELECT pg_sleep(15)")
            }
        }
        let observer = try Connection(conninfo)
        try await waitUntil {
            try observer.queryValue(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid) AND state = 'active' AND wait_event = 'PgSleep'", as: Int.self) == 1
        }
        let start = ContinuousClock.now
        task.cancel()
        let outcome = await result(of: task, within: .seconds(10))
        #expect(outcome?.failure is CancellationError, "\(String(describing: outcome))")
        #expect(ContinuousClock.now - start < .seconds(5))
        // Stopped on the server, and the connection was kept: the next caller has the same backend.
        #expect(try observer.queryValue("SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid) AND state = 'active'", as: Int.self) == 0)
        #expect(try await pool.withConnection { $0.backendPID } == pid)
    }

    /// Cancelled between two statements, the task sends no more, and its transaction
    /// is rolled back rather than committed.
    @Test func aCancelledTaskSendsNoFurtherStatementAndCommitsNothing() async throws {
        let pool = ConnectionPool(conninfo: conninfo, maxConnections: 1)
        defer { pool.close() }
        try await pool.withConnection { _ = try $0.execute("CREATE TABLE cancelled_work (step int)") }
        let started = Recorder()
        let proceed = DispatchSemaphore(value: 0)
        let task = Task {
            try await pool.withTransaction { db in
                try db.execute("INSERT INTO cancelled_work VALUES (1)")
                started.append(1)
                proceed.wait()
                try db.execute("INSERT INTO cancelled_work VALUES (2)")
            }
        }
        try await waitUntil { !started.values.isEmpty }
        task.cancel()
        proceed.signal()
        let outcome = await result(of: task, within: .seconds(10))
        #expect(outcome?.failure is CancellationError, "\(String(describing: outcome))")
        #expect(try await pool.withConnection { try $0.queryValue("SELECT count(*) FROM cancelled_work", as: Int.self) } == 0)
    }

    /// Every connection of the pool is terminated under it, as a server restart does;
    /// the next callers get new ones, at once, without an error.
    @Test func connectionsTerminatedUnderThePoolAreReplacedOnNextUse() async throws {
        let pool = ConnectionPool(conninfo: conninfo, maxConnections: 3)
        defer { pool.close() }
        // Three callers at once, each holding its connection long enough for the others to take theirs.
        let first = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<3 {
                group.addTask { try await pool.withConnection { db in _ = try db.execute("SELECT pg_sleep(0.3)"); return db.backendPID } }
            }
            return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
        }
        #expect(first.count == 3)
        // Waits until each backend has exited.
        let killer = try Connection(conninfo)
        let terminated = try killer.queryValue(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid::int4, 5000)) FROM unnest(\(Array(first))) pid", as: Int.self)
        #expect(terminated == 3)
        let second = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<6 {
                group.addTask { try await pool.withConnection { try $0.queryValue("SELECT pg_backend_pid()", as: Int.self) } }
            }
            return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
        }
        #expect(second.isDisjoint(with: first))
    }

    /// A backend told to end sends its FATAL message, then exits, and the connection
    /// closes only then. Here it cannot exit yet: at exit it drops its temporary table,
    /// on which another session holds a lock. The pool must not send a statement to a
    /// connection whose server has said it is ending, or the caller would wait for as
    /// long as that exit takes, and then fail.
    @Test func aConnectionWhoseServerSaidItIsEndingIsReplacedBeforeItCloses() async throws {
        let pool = ConnectionPool(conninfo: conninfo, maxConnections: 1)
        defer { pool.close() }
        let (pid, schema) = try await pool.withConnection { db in
            try db.execute("CREATE TEMP TABLE lingering (a int)")
            return try db.queryRow("SELECT pg_backend_pid(), pg_my_temp_schema()::regnamespace::text")!.decode((Int, String).self)
        }
        let holder = try Connection(conninfo)
        try holder.execute("BEGIN")
        try holder.execute("LOCK TABLE \(identifier: schema).lingering IN ACCESS SHARE MODE")
        defer { _ = try? holder.execute("ROLLBACK") }
        try holder.execute("SELECT pg_terminate_backend(\(pid))")
        // Waiting for the lock at exit: the FATAL message has been sent.
        try await waitUntil { try holder.queryValue("SELECT count(*) FROM pg_locks WHERE pid = \(pid) AND NOT granted", as: Int.self) == 1 }
        let next = Task { try await pool.withConnection { try $0.queryValue("SELECT pg_backend_pid()", as: Int.self) } }
        let outcome = await result(of: next, within: .seconds(10))
        let newPID = try #require(try outcome?.get())
        #expect(newPID != pid)
    }

    @Test func closedPoolRefusesWork() async throws {
        let pool = ConnectionPool(conninfo: conninfo, maxConnections: 1)
        pool.close()
        let error = await #expect(throws: PQError.self) { try await pool.withConnection { _ in 1 } }
        #expect(error?.kind == .pool)
    }
}

extension PoolTests {
    /// Counts the sessions of this database waiting for advisory lock `key`.
    static func waitingOnLock(_ key: Int) -> Query {
        """
        SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
         WHERE l.locktype = 'advisory' AND l.objid = \(key) AND NOT l.granted AND d.datname = current_database()
        """
    }

    /// Polls `condition` until it holds; fails the test after `limit`.
    func waitUntil(
        _ limit: Duration = .seconds(30), sourceLocation: SourceLocation = #_sourceLocation, _ condition: () throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + limit
        while try !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("the condition did not come true within \(limit)", sourceLocation: sourceLocation)
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The task's result, or nil when it has not finished within `limit`, so that a
    /// broken pool fails the test instead of hanging it.
    func result<T: Sendable>(of task: Task<T, any Error>, within limit: Duration) async -> Result<T, any Error>? {
        let box = Box<Result<T, any Error>>()
        Task { box.value = await task.result }
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let result = box.value { return result }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return nil
    }
}

final class Box<Value: Sendable>: Sendable {
    private let storage = Mutex<Value?>(nil)
    var value: Value? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

final class Recorder: Sendable {
    private let storage = Mutex<[Int]>([])
    func append(_ n: Int) { storage.withLock { $0.append(n) } }
    var values: [Int] { storage.withLock { $0 } }
}
