import CarteroTesting
import Foundation
import PQ
import Testing

/// Reading columns by name, and only into Swift types that accept the column's type.
@Suite struct TypedRowTests {
    let db: Connection

    init() throws {
        db = try Connection(try TestDatabase.empty("typed_rows"))
    }

    @Test func aColumnOfAnotherTypeIsRefusedNamingTheColumnAndBothTypes() throws {
        let error = #expect(throws: PQError.self) {
            try db.queryRow("SELECT 1250.00::numeric AS saldo_mora")!.decode("saldo_mora", as: Int.self)
        }
        #expect(error?.kind == .decoding)
        #expect(error?.description == "column saldo_mora: is numeric, cannot be read as Int")
        // Refused even where the text would parse: the column's type decides, not the
        // value it happens to hold today.
        let whole = #expect(throws: PQError.self) { try db.queryValue("SELECT 1250::numeric AS saldo_mora", as: Int.self) }
        #expect(whole?.description == "column saldo_mora: is numeric, cannot be read as Int")
        let day = #expect(throws: PQError.self) { try db.queryValue("SELECT '2026-01-31'::text AS fecha", as: CalendarDate.self) }
        #expect(day?.description == "column fecha: is text, cannot be read as CalendarDate")
        let wide = #expect(throws: PQError.self) { try db.queryRow("SELECT 7::int8 AS dias")!.decode(0, as: Int32?.self) }
        #expect(wide?.description == "column dias: is int8, cannot be read as Optional<Int32>")
        // A NULL is refused too when its column is of another type: the mistake is in the code, not the data.
        let null = #expect(throws: PQError.self) { try db.queryValue("SELECT NULL::numeric AS saldo", as: Int?.self) }
        #expect(null?.kind == .decoding)
    }

    /// Which column types each Swift type reads: every pair is tried.
    @Test func eachSwiftTypeReadsTheColumnTypesItSays() throws {
        let rows = try db.execute("""
            SELECT 1::int2 AS int2, 1::int4 AS int4, 1::int8 AS int8, 1::numeric AS numeric,
                   1::float4 AS float4, 1::float8 AS float8, true AS bool,
                   't'::text AS text, 't'::varchar AS varchar, 't'::char(1) AS bpchar, 't'::name AS name,
                   't'::"char" AS char, '{"a": 1}'::json AS json, '{"a": 1}'::jsonb AS jsonb,
                   DATE '2026-01-31' AS date, TIMESTAMPTZ '2026-01-31 12:00:00+00' AS timestamptz,
                   TIMESTAMP '2026-01-31 12:00:00' AS timestamp, '\\x01'::bytea AS bytea,
                   '{1}'::int4[] AS int4s, '{1}'::int8[] AS int8s, '{1}'::numeric[] AS numerics,
                   '{t}'::text[] AS texts, '{t}'::varchar[] AS varchars, '{2026-01-31}'::date[] AS dates,
                   'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS uuid, interval '1 day' AS interval
            """)
        let row = rows[0]
        let names = rows.columnNames
        func readable<T: PQDecodable>(_: T.Type) throws -> Set<String> {
            var readable: Set<String> = []
            for (position, name) in names.enumerated() {
                do {
                    _ = try row.decode(position, as: T.self)
                    readable.insert(name)
                } catch let error as PQError {
                    // Refused for its type, not for its value: every value above is readable.
                    #expect(error.message.hasSuffix(", cannot be read as \(T.self)"), "\(name): \(error)")
                }
            }
            return readable
        }
        let integers: Set = ["int2", "int4", "int8"]
        let texts: Set = ["text", "varchar", "bpchar", "name", "char", "json", "jsonb"]
        #expect(try readable(Int.self) == integers)
        #expect(try readable(Int64.self) == integers)
        #expect(try readable(Int32.self) == ["int2", "int4"])
        #expect(try readable(Int16.self) == ["int2"])
        #expect(try readable(Decimal.self) == integers.union(["numeric"]))
        #expect(try readable(Double.self) == ["float4", "float8"])
        #expect(try readable(Bool.self) == ["bool"])
        #expect(try readable(String.self) == texts)
        #expect(try readable(CalendarDate.self) == ["date"])
        #expect(try readable(Date.self) == ["timestamptz"])
        #expect(try readable(Data.self) == ["bytea"])
        #expect(try readable([Int].self) == ["int4s", "int8s"])
        #expect(try readable([Decimal].self) == ["int4s", "int8s", "numerics"])
        #expect(try readable([String].self) == ["texts", "varchars"])
        #expect(try readable([CalendarDate?].self) == ["dates"])
        // An optional reads what its wrapped type reads.
        #expect(try readable(Int?.self) == integers)
        #expect(try readable(String?.self) == texts)
    }

    /// The OIDs PQ knows are the server's.
    @Test func typeOIDsAreTheServers() throws {
        let known: [(String, UInt32, UInt32?)] = [
            ("bool", PQType.bool, PQType.boolArray), ("bytea", PQType.bytea, PQType.byteaArray),
            ("char", PQType.char, PQType.charArray), ("name", PQType.name, PQType.nameArray),
            ("int8", PQType.int8, PQType.int8Array), ("int2", PQType.int2, PQType.int2Array),
            ("int4", PQType.int4, PQType.int4Array), ("text", PQType.text, PQType.textArray),
            ("oid", PQType.oid, PQType.oidArray), ("json", PQType.json, PQType.jsonArray),
            ("float4", PQType.float4, PQType.float4Array), ("float8", PQType.float8, PQType.float8Array),
            ("unknown", PQType.unknownLiteral, nil), ("bpchar", PQType.bpchar, PQType.bpcharArray),
            ("varchar", PQType.varchar, PQType.varcharArray), ("date", PQType.date, PQType.dateArray),
            ("time", PQType.time, nil), ("timestamp", PQType.timestamp, PQType.timestampArray),
            ("timestamptz", PQType.timestamptz, PQType.timestamptzArray), ("interval", PQType.interval, nil),
            ("numeric", PQType.numeric, PQType.numericArray), ("uuid", PQType.uuid, PQType.uuidArray),
            ("jsonb", PQType.jsonb, PQType.jsonbArray),
        ]
        for (name, oid, array) in known {
            let (serverOID, serverArray) = try db.queryRow(
                "SELECT oid::int8, typarray::int8 FROM pg_type WHERE typname = \(name) AND typnamespace = 'pg_catalog'::regnamespace"
            )!.decode((Int64, Int64).self)
            #expect(UInt32(serverOID) == oid, "\(name)")
            if let array {
                #expect(UInt32(serverArray) == array, "\(name)[]")
                #expect(PQType.element(ofArray: array) == oid, "\(name)[]")
            }
        }
        #expect(PQType.name(of: PQType.int8Array) == "int8[]")
        #expect(PQType.name(of: 16_423) == "type 16423")
    }

    @Test func tuplesByColumnName() throws {
        let row = try #require(try db.queryRow("""
            SELECT 'ana' AS login, 7::int8 AS id, NULL::text AS regional, 1250.50::numeric AS saldo_mora, 2 AS "Id"
            """))
        // In the order named, wherever the columns stand.
        let (id, login, regional, saldo) = try row.decode((Int64, String, String?, Decimal).self, columns: "id", "login", "regional", "saldo_mora")
        #expect(id == 7 && login == "ana" && regional == nil && saldo == Decimal(string: "1250.50")!)
        // A name in a variable; names keep their case, as quoted identifiers do.
        let name = "Id"
        let (byVariable, byLiteral) = try row.decode((Int, Int64).self, columns: ColumnName(name), "id")
        #expect(byVariable == 2 && byLiteral == 7)
        let single: Int = try row.decode("Id")
        #expect(single == 2)

        let missing = #expect(throws: PQError.self) { try row.decode((Int64, String).self, columns: "id", "nombre") }
        #expect(missing?.description == "no column named nombre in the result")
        let mistyped = #expect(throws: PQError.self) { try row.decode((Int64, Int).self, columns: "id", "saldo_mora") }
        #expect(mistyped?.description == "column saldo_mora: is numeric, cannot be read as Int")
        let joined = try #require(try db.queryRow("SELECT 1 AS id, 2 AS id, 3 AS other"))
        let ambiguous = #expect(throws: PQError.self) { try joined.decode("id", as: Int.self) }
        #expect(ambiguous?.kind == .decoding)
        #expect(ambiguous?.description.contains("2 columns named id") == true, "\(String(describing: ambiguous))")
        #expect(try joined.decode("other", as: Int.self) == 3)
        // By position, the existing way, still reads either.
        let (one, two) = try joined.decode((Int, Int).self)
        #expect(one == 1 && two == 2)
    }

    @Test func streamedRowsReadByName() throws {
        var sum = 0
        var rows = 0
        try db.forEachRow("SELECT 'x' || g AS label, g AS n FROM generate_series(1, 2000) g") { row in
            let (n, label) = try row.decode((Int, String).self, columns: "n", "label")
            #expect(label == "x\(n)")
            sum += n
            rows += 1
        }
        #expect(rows == 2000)
        #expect(sum == 2000 * 2001 / 2)
    }

    @Test func aValueOfTheRightTypeThatDoesNotFitDoesNotShowItself() throws {
        let error = #expect(throws: PQError.self) { try db.queryValue("SELECT 'NaN'::numeric AS saldo", as: Decimal.self) }
        #expect(error?.description == "column saldo: this numeric value cannot be read as Decimal")
    }
}
