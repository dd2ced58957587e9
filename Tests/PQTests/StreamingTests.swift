import CarteroTesting
import Foundation
import PQ
import Testing

@Suite struct StreamingTests {
    let db: Connection

    init() throws {
        db = try Connection(try TestDatabase.empty("streaming"))
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

    @Test func serverErrorMidStreamIsThrown() throws {
        let error = #expect(throws: PQError.self) {
            try db.forEachRow("SELECT 1 / (5000 - g) FROM generate_series(1, 10000) g") { _ in }
        }
        #expect(error?.sqlState == SQLState("22012"))
    }
}
