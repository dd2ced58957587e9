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

    /// With `log_parameter_max_length_on_error = -1` the server quotes the bound values
    /// in the error's CONTEXT: when a value cannot be read as its parameter's type
    /// (`unnamed portal parameter $1 = '…'`) and when the statement fails later
    /// (`unnamed portal with parameters: $1 = '…', $2 = '…'`), quotes doubled. None of
    /// it may reach the error.
    @Test func boundValuesStayOutOfTheErrorWhenTheServerQuotesThem() throws {
        try db.execute("SET log_parameter_max_length_on_error = -1")
        for secret in ["cédula 79123456", "O'Neil, cédula 79123456"] {
            let errors = [
                #expect(throws: PQError.self) { try db.execute("SELECT \(secret)::int") },
                #expect(throws: PQError.self) { try db.execute("INSERT INTO items VALUES (\(secret), \(-1))") },
                #expect(throws: PQError.self) { try db.execute("SELECT \(secret)::text, \(5)::int / 0") },
            ]
            for error in errors {
                let error = try #require(error)
                // The server did quote the parameter, and it was replaced by its placeholder.
                #expect(error.context?.contains("$1 = '$1'") == true, "\(String(describing: error.context))")
                for text in [error.message, error.detail, error.hint, error.context, error.description] {
                    #expect(text?.contains("79123456") != true, "\(String(describing: text))")
                }
            }
        }
        // Cut to a length, the value is cut inside its quotes and followed by `...`.
        try db.execute("SET log_parameter_max_length_on_error = 14")
        let cut = #expect(throws: PQError.self) { try db.execute("SELECT \("cédula 79123456")::text, 1 / 0") }
        #expect(cut?.context?.contains("$1 = '$1'") == true, "\(String(describing: cut?.context))")
        #expect(cut?.context?.contains("7912") == false, "\(String(describing: cut?.context))")
    }

    /// A role or database may have the server quote parameters in every error; a
    /// connection turns it off for itself.
    @Test func aConnectionAsksTheServerNotToQuoteParameters() throws {
        let conninfo = try TestDatabase.empty("quoted_parameters")
        let database = try Connection(conninfo).queryValue("SELECT current_database()", as: String.self)
        try Connection(conninfo).execute("ALTER DATABASE \(identifier: database) SET log_parameter_max_length_on_error = -1")
        #expect(try Connection(conninfo).queryValue("SHOW log_parameter_max_length_on_error", as: String.self) == "0")
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
