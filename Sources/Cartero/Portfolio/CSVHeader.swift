/// The first record of a CSV file (RFC 4180), read in Swift so that columns can be
/// found by name before the rest of the file goes to PostgreSQL's `COPY` as it is.
struct CSVHeader: Equatable {
    /// The column names as written (a leading byte-order mark dropped).
    let names: [String]
    /// Where the data records start: the byte after the header's line break.
    let dataOffset: Int

    enum Problem: Error, Equatable {
        /// The bytes hold no complete header yet: read more (or the file ends inside it).
        case incomplete
        case notUTF8
    }

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Parses the header at the start of `bytes`. `atEnd` says the file holds nothing
    /// more, so a header without a final line break is complete.
    static func parse(_ bytes: [UInt8], atEnd: Bool) throws(Problem) -> CSVHeader {
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
        var index = bytes.starts(with: byteOrderMark) ? byteOrderMark.count : 0
        var fields: [[UInt8]] = []
        var field: [UInt8] = []
        var quoted = false
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if quoted {
                if byte != quote {
                    field.append(byte)
                } else if index < bytes.count, bytes[index] == quote {
                    field.append(quote)
                    index += 1
                } else if index == bytes.count, !atEnd {
                    throw .incomplete  // a doubled quote may follow in the next chunk
                } else {
                    quoted = false
                }
                continue
            }
            switch byte {
            case quote:
                quoted = true
            case comma:
                fields.append(field)
                field = []
            case lf:
                fields.append(field)
                return try header(fields, dataOffset: index)
            case cr:
                if index < bytes.count, bytes[index] == lf { index += 1 } else if index == bytes.count, !atEnd { throw .incomplete }
                fields.append(field)
                return try header(fields, dataOffset: index)
            default:
                field.append(byte)
            }
        }
        guard atEnd, !quoted else { throw .incomplete }
        fields.append(field)
        return try header(fields, dataOffset: bytes.count)
    }

    private static func header(_ fields: [[UInt8]], dataOffset: Int) throws(Problem) -> CSVHeader {
        var names: [String] = []
        for field in fields {
            guard let name = String(validating: field, as: UTF8.self) else { throw .notUTF8 }
            names.append(name)
        }
        return CSVHeader(names: names, dataOffset: dataOffset)
    }
}
