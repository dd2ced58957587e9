import CarteroTesting
import Foundation
import PQ
import Testing

@Suite struct StreamingTests {
    let conninfo: String
    let db: Connection

    init() throws {
        conninfo = try TestDatabase.empty("streaming")
        db = try Connection(conninfo)
        try db.execute("CREATE TABLE rows (n int, label text, amount numeric(14,2), day date)")
    }

    @Test func copyInAndOutOfAHundredThousandRows() throws {
        let count = 100_000
        let copied = try db.copyIn("COPY rows FROM STDIN (FORMAT csv)") { writer in
            var chunk = ""
            for n in 1...count {
                chunk += "\(n),\"línea \(n), \"\"ñ\"\"\",\(n).25,2026-01-\(n % 28 + 1)\n"
                if chunk.utf8.count > 60_000 {
                    try writer.write(chunk)
                    chunk = ""
                }
            }
            try writer.write(chunk)
        }
        #expect(copied == count)
        #expect(try db.queryValue("SELECT sum(amount) FROM rows", as: Decimal.self) == Decimal(count * (count + 1) / 2) + Decimal(count) * Decimal(string: "0.25")!)
        #expect(try db.queryValue("SELECT label FROM rows WHERE n = 7", as: String.self) == "línea 7, \"ñ\"")

        var bytes = 0
        var lines = 0
        let out = try db.copyOut("COPY (SELECT * FROM rows ORDER BY n) TO STDOUT (FORMAT csv)") { chunk in
            bytes += chunk.count
            lines += chunk.filter { $0 == UInt8(ascii: "\n") }.count
        }
        #expect(out == count)
        #expect(lines == count)
        #expect(bytes > count * 20)
    }

    @Test func badCopyDataIsAServerErrorAndWritesNothing() throws {
        let error = #expect(throws: PQError.self) {
            try db.copyIn("COPY rows FROM STDIN (FORMAT csv)") { writer in
                try writer.write("1,a,1.00,2026-01-01\n")
                try writer.write("2,b,not-a-number,2026-01-01\n")
            }
        }
        #expect(error?.sqlState == .invalidTextRepresentation)
        #expect(error?.context?.contains("line 2") == true)
        #expect(try db.queryValue("SELECT count(*) FROM rows", as: Int.self) == 0)
        #expect(db.isHealthy)
    }

    @Test func throwingFeederAbortsTheCopy() throws {
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try db.copyIn("COPY rows FROM STDIN (FORMAT csv)") { writer in
                try writer.write("1,a,1.00,2026-01-01\n")
                throw Stop()
            }
        }
        #expect(try db.queryValue("SELECT count(*) FROM rows", as: Int.self) == 0)
    }

    @Test func forEachRowStreams() throws {
        var sum = 0
        var seen = 0
        try db.forEachRow("SELECT g, 'x' || g FROM generate_series(1, \(50_000)) g") { row in
            let (n, label) = try row.decode((Int, String).self)
            sum += n
            seen += 1
            #expect(label == "x\(n)")
        }
        #expect(seen == 50_000)
        #expect(sum == 50_000 * 50_001 / 2)
    }

    /// The server cannot produce row 50 until the body has seen row 1: row 50 waits for
    /// an advisory lock that the body releases. Streamed, the body gets row 1 while the
    /// server waits; were the result gathered before the body saw any of it (all at
    /// once, or row by row into a buffer), the statement would wait for the lock until
    /// lock_timeout and fail. Rows are wider than the server's 8 kB output buffer, so
    /// that each is sent as soon as it is made rather than when the buffer fills.
    @Test func forEachRowHandsOverRowsWhileTheServerIsStillMakingThem() throws {
        let holder = try Connection(conninfo)
        try holder.execute("SELECT pg_advisory_lock(21)")
        try db.execute("SET lock_timeout = '5s'")
        defer { _ = try? db.execute("RESET lock_timeout") }
        var seen = 0
        try db.forEachRow("""
            SELECT g, CASE WHEN g = 50 THEN pg_advisory_lock_shared(21)::text END, repeat('x', 10000)
              FROM generate_series(1, 100) g
            """) { row in
            seen += 1
            #expect(try row.decode(0, as: Int.self) == seen)
            if seen == 1 { try holder.execute("SELECT pg_advisory_unlock(21)") }
        }
        #expect(seen == 100)
    }

    @Test func throwingReaderStopsTheStreamAndLeavesTheConnectionUsable() throws {
        struct Enough: Error {}
        var seen = 0
        #expect(throws: Enough.self) {
            try db.forEachRow("SELECT g FROM generate_series(1, 10000000) g") { _ in
                seen += 1
                if seen == 10 { throw Enough() }
            }
        }
        #expect(seen == 10)
        #expect(try db.queryValue("SELECT 1", as: Int.self) == 1)
    }

    /// The rows made before the error reach the body, then the error is thrown.
    @Test func serverErrorMidStreamIsThrownAfterTheRowsBeforeIt() throws {
        var seen = 0
        let error = #expect(throws: PQError.self) {
            try db.forEachRow("SELECT CASE WHEN g < 1000 THEN g ELSE 1 / (g - g) END FROM generate_series(1, 2000) g") { _ in
                seen += 1
            }
        }
        #expect(error?.sqlState == SQLState("22012"))
        #expect(seen == 999)
        #expect(try db.queryValue("SELECT 1", as: Int.self) == 1)
    }
}
