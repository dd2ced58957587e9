/// Reads the data records of a CSV file (everything after the header) the way
/// PostgreSQL's `COPY … (FORMAT csv)` splits them, and finds, while the file streams,
/// what COPY would refuse or, worse, silently misread:
///
/// - a line holding only `\.`, COPY's end-of-data marker: COPY would stop there and
///   report success, losing every row after it (even inside a quoted field);
/// - a record with more or fewer fields than the header, or an empty line;
/// - bytes that are not UTF-8, and NUL bytes;
/// - line breaks that change kind (COPY takes the kind of the first data record's);
/// - a quoted field that is never closed.
///
/// Deciding these here, rather than from COPY's error, keeps every message ours:
/// the server's text is translated when it runs with `lc_messages` in Spanish, and
/// its CONTEXT line names COPY's record, not the file's line.
///
/// Lines are numbered as `RowError` says: the header is line 1, the n-th data record
/// line n + 1, however many line breaks its quoted fields hold.
///
/// Given a key field (the accounts' `cuenta`), it also hashes each record's key, so
/// that the exact check for a key given twice, a GROUP BY over the whole file in SQL,
/// runs only when two hashes meet (`keysMayRepeat`): almost never for a good file.
struct CSVStructure {
    private enum LineBreak { case lf, crlf, cr }

    /// A record's problems, each reported once for the record.
    private struct Flags: OptionSet {
        let rawValue: UInt8
        static let endOfData = Flags(rawValue: 1)
        static let notUTF8 = Flags(rawValue: 2)
        static let nul = Flags(rawValue: 4)
        static let mixedBreaks = Flags(rawValue: 8)
    }

    let expectedFields: Int
    /// The first `limit` problems, in file order.
    private(set) var problems: [RowError] = []
    /// Every problem found, listed or not.
    private(set) var problemCount = 0
    private let limit: Int

    private var line = 2
    private var fields = 1
    private var recordIsEmpty = true
    private var flags: Flags = []
    private var inQuote = false
    private var lineBreak: LineBreak?
    /// The previous byte was an unquoted carriage return: a line feed may follow.
    private var pendingCR = false
    /// Where a line that may be `\.` stands: 0 elsewhere, 1 at a line's start,
    /// 2 after its `\`, 3 after `\.` (a line break or the end makes it the marker).
    private var markerState = 1
    /// UTF-8: continuation bytes still expected, and the range the next one must be in.
    private var utf8Pending = 0
    private var utf8Low: UInt8 = 0x80
    private var utf8High: UInt8 = 0xBF

    /// The position of the key field in a record, if any.
    private let keyField: Int?
    private var keyHash = CSVStructure.fnvOffset
    private var keyHashes = Set<UInt64>()
    /// Two records' keys had the same hash: the same key twice, or (rarely) a collision.
    private(set) var keysMayRepeat = false

    private static let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let fnvPrime: UInt64 = 0x100_0000_01b3

    init(expectedFields: Int, limit: Int, keyField: Int? = nil) {
        self.expectedFields = expectedFields
        self.limit = limit
        self.keyField = keyField
    }

    var isClean: Bool { problemCount == 0 }

    mutating func scan(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes { step(byte) }
    }

    /// The end of the file: closes the last record (a final line break is optional).
    mutating func finish() {
        if pendingCR { pendingCR = false; endRecord(.cr) }
        if markerState == 3 { flags.insert(.endOfData) }
        if utf8Pending > 0 { flags.insert(.notUTF8) }
        if inQuote {
            report("a quoted field is not closed")
            return
        }
        if !recordIsEmpty || !flags.isEmpty { closeRecord() }
    }

    private mutating func step(_ byte: UInt8) {
        if pendingCR {
            pendingCR = false
            if byte == 0x0A {
                endRecord(.crlf)
                return
            }
            endRecord(.cr)
        }
        checkUTF8(byte)
        advanceMarker(byte)
        // The key's bytes as COPY stores them: quotes are not part of it.
        if fields - 1 == keyField, byte != 0x22, inQuote || (byte != 0x2C && byte != 0x0A && byte != 0x0D) {
            keyHash = (keyHash ^ UInt64(byte)) &* Self.fnvPrime
        }
        switch byte {
        case 0x22:  // "
            inQuote.toggle()
            recordIsEmpty = false
        case 0x2C where !inQuote:  // ,
            fields += 1
            recordIsEmpty = false
        case 0x0A where !inQuote:
            endRecord(.lf)
        case 0x0D where !inQuote:
            pendingCR = true
        case 0x00:
            flags.insert(.nul)
            recordIsEmpty = false
        default:
            recordIsEmpty = false
        }
    }

    /// Tracks a physical line that holds only `\.`; quoted line breaks count, as COPY
    /// looks for the marker at the start of every line it reads.
    private mutating func advanceMarker(_ byte: UInt8) {
        switch (markerState, byte) {
        case (_, 0x0A), (_, 0x0D):
            if markerState == 3 { flags.insert(.endOfData) }
            markerState = 1
        case (1, 0x5C): markerState = 2  // \
        case (2, 0x2E): markerState = 3  // .
        default: markerState = 0
        }
    }

    private mutating func checkUTF8(_ byte: UInt8) {
        if utf8Pending > 0 {
            if byte >= utf8Low && byte <= utf8High {
                utf8Pending -= 1
                utf8Low = 0x80
                utf8High = 0xBF
                return
            }
            flags.insert(.notUTF8)
            utf8Pending = 0
            utf8Low = 0x80
            utf8High = 0xBF
        }
        switch byte {
        case 0x00...0x7F: return
        case 0xC2...0xDF: utf8Pending = 1
        case 0xE0: utf8Pending = 2; utf8Low = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: utf8Pending = 2
        case 0xED: utf8Pending = 2; utf8High = 0x9F
        case 0xF0: utf8Pending = 3; utf8Low = 0x90
        case 0xF1...0xF3: utf8Pending = 3
        case 0xF4: utf8Pending = 3; utf8High = 0x8F
        default: flags.insert(.notUTF8)
        }
    }

    private mutating func endRecord(_ kind: LineBreak) {
        if let lineBreak {
            if kind != lineBreak { flags.insert(.mixedBreaks) }
        } else {
            lineBreak = kind
        }
        closeRecord()
    }

    private mutating func closeRecord() {
        if flags.contains(.endOfData) {
            report("a line holding only \\. would end the import there and drop the rows after it; remove that line")
        } else if flags.contains(.nul) {
            report("the line holds a NUL byte (code 0), which is not text; save the file again as CSV UTF-8")
        } else if flags.contains(.notUTF8) {
            report("the file is not UTF-8 here (a Latin-1 export from an old spreadsheet?); save it as CSV UTF-8")
        } else if flags.contains(.mixedBreaks) {
            report("the line breaks are mixed (Windows CRLF and Unix LF); save the file again as CSV")
        } else if recordIsEmpty && fields == 1 {
            report("the line is empty")
        } else if fields > expectedFields {
            report("the row has more fields than the header (\(expectedFields))")
        } else if fields < expectedFields {
            report("the row has fewer fields than the header (\(expectedFields))")
        }
        if keyField != nil {
            if !keyHashes.insert(keyHash).inserted { keysMayRepeat = true }
            keyHash = Self.fnvOffset
        }
        line += 1
        fields = 1
        recordIsEmpty = true
        flags = []
    }

    private mutating func report(_ message: String) {
        problemCount += 1
        if problems.count < limit { problems.append(RowError(line: line, column: nil, message: message)) }
    }
}
