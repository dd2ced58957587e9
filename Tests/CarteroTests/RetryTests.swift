import Cartero
import CarteroTesting
import Foundation
import PQ
import Synchronization
import Testing

/// Several regionals work at once: when PostgreSQL breaks a deadlock or refuses a
/// serializable transaction, it asks for a retry, and `CarteroDatabase` gives it one
/// instead of showing the user the failure.
/// How many times a transaction's body ran.
private final class Runs: Sendable {
    private let count = Atomic<Int>(0)
    func add() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

@Suite struct RetryTests {
    let cartero: TestCartero

    init() throws { cartero = try TestCartero("retry") }

    @Test func aTransactionPostgreSQLBrokeADeadlockInIsRunAgain() async throws {
        let admin = try await cartero.admin
        let runs = Runs()
        let database = cartero.database
        // Two transactions take two locks in opposite orders: PostgreSQL rolls one back
        // (40P01) after deadlock_timeout; run again, it finds the other one done.
        @Sendable func take(_ first: Int, then second: Int) async throws -> String {
            try await database.transaction(as: admin) { db in
                runs.add()
                try db.execute("SELECT pg_advisory_xact_lock(\(first))")
                try db.execute("SELECT pg_sleep(0.3)")
                try db.execute("SELECT pg_advisory_xact_lock(\(second))")
                return "\(first)\(second)"
            }
        }
        let one = Task { try await take(41, then: 42) }
        let other = Task { try await take(42, then: 41) }
        #expect(try await [one.value, other.value] == ["4142", "4241"])
        #expect(runs.value == 3, "one of them ran twice")
    }

    @Test func otherFailuresAreNotRetried() async throws {
        let runs = Runs()
        await #expect(throws: PQError.self) {
            try await cartero.asAdmin { db in
                runs.add()
                _ = try db.execute("SELECT 1 / 0")
            }
        }
        #expect(runs.value == 1)
    }

    @Test func aSerializationFailureIsRetriedAFewTimesOnly() async throws {
        let runs = Runs()
        let error = await #expect(throws: PQError.self) {
            try await cartero.asAdmin { db in
                runs.add()
                // What a serializable transaction that lost gets.
                _ = try db.execute("DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '40001'; END $$")
            }
        }
        #expect(error?.sqlState == .serializationFailure)
        #expect(runs.value == 4)
    }
}
