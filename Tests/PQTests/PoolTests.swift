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

    @Test func closedPoolRefusesWork() async throws {
        let pool = ConnectionPool(conninfo: conninfo, maxConnections: 1)
        pool.close()
        let error = await #expect(throws: PQError.self) { try await pool.withConnection { _ in 1 } }
        #expect(error?.kind == .pool)
    }
}

final class Recorder: Sendable {
    private let storage = Mutex<[Int]>([])
    func append(_ n: Int) { storage.withLock { $0.append(n) } }
    var values: [Int] { storage.withLock { $0 } }
}
