import CarteroTesting
import PQ
import Testing

@Suite struct ErrorAndTransactionTests {
    let db: Connection

    init() throws {
        db = try Connection(try TestDatabase.empty("errors"))
        try db.execute("CREATE TABLE items (code text PRIMARY KEY, qty int CHECK (qty >= 0))")
    }

    @Test func uniqueViolationIsMatchedBySQLState() throws {
        try db.execute("INSERT INTO items VALUES ('a', 1)")
        var matched = false
        do {
            try db.execute("INSERT INTO items VALUES (\("a"), \(2))")
        } catch SQLState.uniqueViolation {
            matched = true
        }
        #expect(matched)
    }

    @Test func errorCarriesStateDetailAndNoBindValues() throws {
        try db.execute("INSERT INTO items VALUES ('secret-1', 1)")
        let error = #expect(throws: PQError.self) {
            try db.execute("INSERT INTO items VALUES (\("secret-1"), \(5))")
        }
        #expect(error?.sqlState == .uniqueViolation)
        #expect(error?.detail?.isEmpty == false)
        // The bound value is personal data in real use: the description must not carry it.
        #expect(error?.description.contains("secret-1") == false, "\(String(describing: error))")
        #expect(error?.detail?.contains("$1") == true)
        // The server echoes a value it cannot read in the message itself.
        let cast = #expect(throws: PQError.self) { try db.execute("SELECT \("cédula 79123456")::int") }
        #expect(cast?.description.contains("79123456") == false, "\(String(describing: cast))")
        let check = #expect(throws: PQError.self) { try db.execute("INSERT INTO items VALUES ('b', \(-1))") }
        #expect(check?.sqlState == .checkViolation)
        #expect(!(SQLState.uniqueViolation ~= check!))
    }

    @Test func rollbackOnThrow() throws {
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.execute("INSERT INTO items VALUES ('r', 1)")
                throw Boom()
            }
        }
        #expect(try db.queryValue("SELECT count(*) FROM items WHERE code = 'r'", as: Int.self) == 0)
        #expect(!db.isInTransaction)
    }

    @Test func commitWhenBodyReturns() throws {
        let value = try db.transaction(.serializable) {
            try db.execute("INSERT INTO items VALUES ('c', 3)")
            return 7
        }
        #expect(value == 7)
        #expect(try db.queryValue("SELECT qty FROM items WHERE code = 'c'", as: Int.self) == 3)
    }

    @Test func theIsolationLevelIsTheOneAskedFor() throws {
        for (level, shown) in [(Connection.IsolationLevel.readCommitted, "read committed"), (.repeatableRead, "repeatable read"), (.serializable, "serializable")] {
            #expect(try db.transaction(level) { try db.queryValue("SHOW transaction_isolation", as: String.self) } == shown)
        }
        #expect(try db.transaction(readOnly: true) { try db.queryValue("SHOW transaction_read_only", as: String.self) } == "on")
    }

    @Test func swallowedErrorStillRollsBack() throws {
        #expect(throws: PQError.self) {
            try db.transaction {
                try db.execute("INSERT INTO items VALUES ('s', 1)")
                _ = try? db.execute("INSERT INTO items VALUES ('s', 1)")
            }
        }
        #expect(try db.queryValue("SELECT count(*) FROM items WHERE code = 's'", as: Int.self) == 0)
    }

    @Test func savepointUndoesOnlyItsPart() throws {
        try db.transaction {
            try db.execute("INSERT INTO items VALUES ('outer', 1)")
            let error = #expect(throws: PQError.self) {
                try db.savepoint {
                    try db.execute("INSERT INTO items VALUES ('inner', 1)")
                    try db.execute("INSERT INTO items VALUES ('outer', 1)")
                }
            }
            #expect(error?.sqlState == .uniqueViolation)
            try db.execute("UPDATE items SET qty = 2 WHERE code = 'outer'")
        }
        #expect(try db.queryValue("SELECT string_agg(code || qty, ',') FROM items WHERE code IN ('outer', 'inner')", as: String.self) == "outer2")
    }

    @Test func syntaxErrorIsAServerError() throws {
        let error = #expect(throws: PQError.self) { try db.execute("SELEC 1") }
        #expect(error?.kind == .server)
        #expect(error?.sqlState?.errorClass == "42")
        #expect(db.isHealthy)
    }

    @Test func badConnectionStringIsAConnectionError() throws {
        let error = #expect(throws: PQError.self) { _ = try Connection("host=/nonexistent-dir port=1 dbname=x connect_timeout=2") }
        #expect(error?.kind == .connection)
    }
}
