import CarteroTesting
import Foundation
import PQ
import Testing

@Suite struct ValueTests {
    let db: Connection

    init() throws {
        db = try Connection(try TestDatabase.empty("values"))
    }

    /// Sends a value as a parameter, has the server cast it to `type`, and reads it back.
    func roundTrip<T: PQCodable>(_ value: T, _ type: String) throws -> T {
        try db.queryValue("SELECT \(value)::\(unsafeSQL: type)", as: T.self)
    }

    @Test func textKeepsSpanishLetters() throws {
        for text in ["Muñoz Ñañez", "Álvarez, José \"Pepe\"", "pingüino", "", "línea\nnueva", "back\\slash"] {
            #expect(try roundTrip(text, "text") == text)
            // A round trip alone passes even when both directions mangle alike (a client
            // encoding other than UTF-8): the server must count ñ as one letter of two bytes.
            #expect(try db.queryValue("SELECT length(\(text)::text)", as: Int.self) == text.unicodeScalars.count, "\(text)")
            #expect(try db.queryValue("SELECT octet_length(\(text)::text)", as: Int.self) == text.utf8.count, "\(text)")
        }
        #expect(try db.queryValue("SELECT chr(209) || chr(241) || chr(225) || chr(252)", as: String.self) == "Ññáü")
    }

    @Test func integersAtTheirLimits() throws {
        #expect(try roundTrip(Int.max, "int8") == Int.max)
        #expect(try roundTrip(Int.min, "int8") == Int.min)
        #expect(try roundTrip(Int32.min, "int4") == Int32.min)
        #expect(try roundTrip(Int32.max, "int4") == Int32.max)
        #expect(try roundTrip(Int64.min, "int8") == Int64.min)
        #expect(try roundTrip(Int64.max, "int8") == Int64.max)
        #expect(try roundTrip(Int16.max, "int2") == Int16.max)
        #expect(try roundTrip(-42, "int8") == -42)
    }

    @Test func doublesAndBooleans() throws {
        #expect(try roundTrip(Double(0.1), "float8") == 0.1)
        #expect(try roundTrip(Double(-1.5e300), "float8") == -1.5e300)
        #expect(try roundTrip(true, "bool") == true)
        #expect(try roundTrip(false, "bool") == false)
    }

    @Test func numericIsExact() throws {
        let amount = Decimal(string: "1234567.89")!
        #expect(try roundTrip(amount, "numeric(14,2)") == amount)
        #expect(try db.queryValue("SELECT 1234567.89::numeric(14,2)", as: Decimal.self) == amount)
        // A sum that binary floating point gets wrong.
        let sum = try db.queryValue("SELECT \(Decimal(string: "0.1")!)::numeric + \(Decimal(string: "0.2")!)::numeric", as: Decimal.self)
        #expect(sum == Decimal(string: "0.3")!)
        #expect(try db.queryValue("SELECT '99999999999999.99'::numeric", as: Decimal.self) == Decimal(string: "99999999999999.99")!)
        // The short path (up to 18 digits) and Foundation's parser (longer) agree.
        for text in ["-0.50", "0", "100000.00", "-1234567.89", "123456789012345678", "12345678901234567890.12", "0.000001"] {
            #expect(try db.queryValue("SELECT \(text)::numeric", as: Decimal.self) == Decimal(string: text)!)
        }
        #expect(throws: PQError.self) { try db.queryValue("SELECT 'NaN'::numeric", as: Decimal.self) }
    }

    @Test func datesAtMonthEndsAndLeapDays() throws {
        for text in ["2024-02-29", "2026-02-28", "2026-03-31", "2000-02-29", "1999-12-31", "2026-12-31"] {
            let date = try #require(CalendarDate(text))
            #expect(try roundTrip(date, "date") == date)
            #expect(try db.queryValue("SELECT \(text)::date", as: CalendarDate.self) == date)
        }
        #expect(CalendarDate("2026-02-29") == nil)
        #expect(CalendarDate("2026-13-01") == nil)
        // Calendar months clamp to the end of a shorter month, as PostgreSQL does.
        for (start, months) in [("2026-03-31", -1), ("2024-03-31", -1), ("2026-05-31", -2), ("2026-01-31", 1), ("2025-12-15", 3)] {
            let date = try #require(CalendarDate(start))
            let server = try db.queryValue("SELECT (\(date)::date + make_interval(months => \(months)))::date", as: CalendarDate.self)
            #expect(date.adding(months: months) == server)
        }
    }

    @Test func datesDoNotShiftWithTheTimeZone() throws {
        let date = try #require(CalendarDate("2026-01-01"))
        for zone in ["Pacific/Kiritimati", "America/Bogota", "Pacific/Pago_Pago"] {
            try db.execute("SELECT set_config('TimeZone', \(zone), false)")
            #expect(try roundTrip(date, "date") == date)
            // What the server stored and what it sends, checked apart from each other.
            #expect(try db.queryValue("SELECT \(date)::date = date '2026-01-01'", as: Bool.self), "\(zone)")
            #expect(try db.queryValue("SELECT date '2026-01-01'", as: CalendarDate.self) == date, "\(zone)")
        }
    }

    @Test func timestampsKeepTheInstant() throws {
        let instant = Date(timeIntervalSince1970: 1_790_000_000.123456)
        try db.execute("SET TimeZone = 'America/Bogota'")
        let back = try roundTrip(instant, "timestamptz")
        #expect(abs(back.timeIntervalSince1970 - instant.timeIntervalSince1970) < 0.000_001)
        let epoch = try db.queryValue("SELECT extract(epoch FROM \(instant)::timestamptz)::float8", as: Double.self)
        #expect(abs(epoch - instant.timeIntervalSince1970) < 0.000_001)
    }

    @Test func byteaIsSentBinary() throws {
        let bytes = Data([0, 1, 2, 0xFF, 0x5C, 0x27, 0])
        #expect(try roundTrip(bytes, "bytea") == bytes)
        #expect(try db.queryValue("SELECT length(\(bytes))", as: Int.self) == 7)
        #expect(try roundTrip(Data(), "bytea") == Data())
    }

    @Test func arraysForAny() throws {
        let words = ["a", "b,c", "d\"e", "f\\g", "NULL", "ñ", ""]
        #expect(try roundTrip(words, "text[]") == words)
        #expect(try roundTrip([1, -2, 3], "int8[]") == [1, -2, 3])
        #expect(try roundTrip([String](), "text[]") == [])
        let count = try db.queryValue(
            "SELECT count(*) FROM (VALUES ('a'), ('b'), ('z')) v(x) WHERE x = ANY(\(["a", "z"]))", as: Int.self)
        #expect(count == 2)
        #expect(try db.queryValue("SELECT ARRAY['x', NULL]::text[]", as: [String?].self) == ["x", nil])
    }

    @Test func nullsAsOptionals() throws {
        let none: String? = nil
        #expect(try roundTrip(none, "text") == nil)
        let noDate: CalendarDate? = nil
        #expect(try roundTrip(noDate, "date") == nil)
        #expect(try roundTrip(Optional(5), "int8") == 5)
    }

    /// NULL travels as NULL for every type, both ways.
    @Test func everyTypeRoundTripsNULL() throws {
        func null<T: PQCodable>(_ type: T.Type, _ sqlType: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            #expect(try db.queryValue("SELECT \(T?.none)::\(unsafeSQL: sqlType) IS NULL", as: Bool.self), sourceLocation: sourceLocation)
            #expect(try roundTrip(T?.none, sqlType) == nil, sourceLocation: sourceLocation)
        }
        try null(String.self, "text")
        try null(Int.self, "int8")
        try null(Int64.self, "int8")
        try null(Int32.self, "int4")
        try null(Int16.self, "int2")
        try null(Double.self, "float8")
        try null(Bool.self, "bool")
        try null(Decimal.self, "numeric")
        try null(CalendarDate.self, "date")
        try null(Date.self, "timestamptz")
        try null(Data.self, "bytea")
        try null([String].self, "text[]")
        try null([Int].self, "int8[]")
    }

    @Test func nullIntoNonOptionalNamesTheColumn() throws {
        let error = #expect(throws: PQError.self) {
            try db.queryRow("SELECT NULL::text AS titular")!.decode("titular", as: String.self)
        }
        #expect(error?.kind == .decoding)
        #expect(error?.description.contains("titular") == true)
    }

    @Test func wrongTypeNamesTheColumn() throws {
        let error = #expect(throws: PQError.self) {
            try db.queryRow("SELECT 'abc'::text AS saldo_mora")!.decode("saldo_mora", as: Int.self)
        }
        #expect(error?.description.contains("saldo_mora") == true)
        // Read by position, the error still names the column.
        let overflow = #expect(throws: PQError.self) { try db.queryRow("SELECT 99999999999::int8 AS numero")!.decode(0, as: Int32.self) }
        #expect(overflow?.kind == .decoding)
        #expect(overflow?.description.contains("numero") == true, "\(String(describing: overflow))")
    }

    @Test func decodingByNameAndPosition() throws {
        let row = try #require(try db.queryRow("SELECT 'x' AS cuenta, 42 AS dias, NULL::date AS fecha"))
        let (cuenta, dias, fecha) = try row.decode((String, Int, CalendarDate?).self)
        #expect(cuenta == "x" && dias == 42 && fecha == nil)
        #expect(try row.decode("dias", as: Int.self) == 42)
        let missing = #expect(throws: PQError.self) { try row.decode("nope", as: Int.self) }
        #expect(missing?.description.contains("nope") == true, "\(String(describing: missing))")
    }

    @Test func valuesAreNeverSplicedIntoTheStatement() throws {
        let hostile = "'; DROP TABLE x; --"
        #expect(try roundTrip(hostile, "text") == hostile)
        let query: Query = "SELECT \(hostile)"
        #expect(query.description == "SELECT $1")
        let name = "weird \"name\""
        try db.execute("CREATE TEMP TABLE \(identifier: name) (a int)")
        #expect(try db.queryValue("SELECT count(*) FROM \(identifier: name)", as: Int.self) == 0)
    }
}
