// The PQ side of scripts/bench: each figure is printed as `name seconds count`,
// and the script puts it beside its baseline (psql doing the same work).
import Foundation
import PQ

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("cartero-bench: \(message)\n".utf8))
    exit(1)
}

func measure(_ body: () throws -> Int) rethrows -> (seconds: Double, count: Int) {
    let start = ContinuousClock.now
    let count = try body()
    let elapsed = ContinuousClock.now - start
    return (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, count)
}

let arguments = CommandLine.arguments
guard arguments.count >= 2, let url = ProcessInfo.processInfo.environment["DATABASE_URL"] else {
    fail("usage: DATABASE_URL=… cartero-bench copy-in FILE TABLE | decode N")
}

do {
    let db = try Connection(url)
    switch arguments[1] {
    case "copy-in" where arguments.count == 4:
        // Streams the file in 256 KB chunks, as the importer does.
        guard let file = FileHandle(forReadingAtPath: arguments[2]) else { fail("cannot read \(arguments[2])") }
        let result = try measure {
            try db.copyIn(Query(unsafeSQL: "COPY \(arguments[3]) FROM STDIN (FORMAT csv)")) { writer in
                while let chunk = try file.read(upToCount: 262_144), !chunk.isEmpty {
                    try chunk.withUnsafeBytes { try writer.write($0) }
                }
            }
        }
        print("copy-in \(result.seconds) \(result.count)")
    case "decode" where arguments.count == 3:
        guard let n = Int(arguments[2]) else { fail("decode takes a row count") }
        // Ten columns of the types Cartero reads most: text, integers, numeric, dates, booleans.
        var checksum = 0
        let result = try measure {
            var rows = 0
            try db.forEachRow("""
                SELECT 'C' || g, g, g::int4, (g * 1.25)::numeric(14,2), DATE '2020-01-01' + (g % 2000),
                       g % 2 = 0, 'Calle ' || g || ' # 12-34', NULLIF(g % 7, 0), g::float8 / 3, 'residencial'
                FROM generate_series(1, \(n)) g
                """) { row in
                let (a, b, c, d, e, f, g, h, i, j) = try row.decode(
                    (String, Int, Int32, Decimal, CalendarDate, Bool, String, Int?, Double, String).self)
                checksum &+= a.utf8.count &+ b &+ Int(c) &+ (d.isZero ? 0 : 1) &+ e.day &+ (f ? 1 : 0) &+ g.utf8.count
                checksum &+= (h ?? 0) &+ Int(i) &+ j.utf8.count
                rows += 1
            }
            return rows
        }
        print("decode \(result.seconds) \(result.count) \(checksum % 10)")
    default:
        fail("usage: cartero-bench copy-in FILE TABLE | decode N")
    }
} catch {
    fail("\(error)")
}
