import Crypto
import Foundation
import PQ

/// An extract file loaded, as it is, into the temporary table `pg_temp.import_staging`:
/// one text column per column of the kind (NULL when the file lacks an optional one),
/// one per unknown column of the file (ignored), and `line`, the record's line in the
/// file, numbered in COPY order. Temporary, so never WAL-logged; dropped at commit.
struct ExtractStaging {
    let kind: ExtractKind
    /// The kind's columns the file has, in the file's order.
    let present: [ExtractColumn]
    /// The staging column each field of a record goes to, in the file's order.
    let targets: [String]
    /// Data records in the file, and the SHA-256 of all its bytes (hex), once loaded.
    private(set) var rowsRead = 0
    private(set) var sha256 = ""
    /// False when no two records can have the same key (`CSVStructure.keysMayRepeat`):
    /// the validation then skips the exact check for repeated keys.
    private(set) var keysMayRepeat = true

    /// Bytes read and sent to COPY at a time: the file is never held in memory whole.
    static let chunkSize = 256 * 1024

    /// Reads the header, creates the staging table and streams the data records into
    /// it. A header without a required column, a ragged record or bytes that are not
    /// UTF-8 reject the file.
    static func load(
        _ kind: ExtractKind, file: URL, on db: Connection, progress: (ImportProgress) -> Void
    ) throws -> ExtractStaging {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: file.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw CarteroError.invalid("\(file.path) is a folder, not a file: name the CSV file inside it")
        }
        guard let handle = try? FileHandle(forReadingFrom: file) else {
            throw CarteroError.notFound("cannot read the file \(file.path): it does not exist or you may not read it")
        }
        defer { try? handle.close() }
        let size = (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? NSNumber)?.int64Value ?? 0
        var hasher = SHA256()
        func read() throws -> Data {
            let chunk = try handle.read(upToCount: chunkSize) ?? Data()
            hasher.update(data: chunk)
            return chunk
        }

        // The header, from as many chunks as it takes (one, unless it is huge).
        var head: [UInt8] = []
        var header: CSVHeader?
        while header == nil {
            let chunk = try read()
            head.append(contentsOf: chunk)
            do {
                header = try CSVHeader.parse(head, atEnd: chunk.isEmpty)
            } catch .incomplete where !chunk.isEmpty && head.count < 16 * chunkSize {
                continue
            } catch .incomplete {
                throw ExtractRejection([RowError(line: 1, column: nil, message: "the header row has no end (an unclosed quote?)")])
            } catch .notUTF8 {
                throw ExtractRejection([RowError(line: 1, column: nil, message: "the header row is not UTF-8 text")])
            }
        }
        guard let header, !(header.names == [""] && head.count <= header.dataOffset) else {
            throw ExtractRejection([RowError(line: 1, column: nil, message: "the file is empty: it needs a header row naming its columns")])
        }

        var staging = try ExtractStaging(kind: kind, header: header.names)
        try db.execute("DROP TABLE IF EXISTS pg_temp.import_staging")
        try db.execute(staging.createStatement)
        // Each chunk is checked before it is sent; after the first problem nothing more
        // is sent (COPY is aborted at the end), but the rest is still read, so that the
        // user sees every bad line at once.
        // The file's key: the account number of an accounts file, which must not repeat,
        // or the consecutivo of a results file, whose repeats must agree.
        let key = staging.present.first {
            switch $0.rule {
            case .cuenta, .dispatchedLetter: true
            default: false
            }
        }
        let keyField = key.flatMap { staging.targets.firstIndex(of: $0.name) }
        var structure = CSVStructure(expectedFields: header.names.count, limit: ExtractImport.reportedErrors, keyField: keyField)
        var sent = Int64(head.count)  // the header and the first records, read already
        let rows = try db.copyIn(staging.copyStatement) { writer in
            try head[header.dataOffset...].withUnsafeBytes { try pass($0, through: &structure, to: writer) }
            head = []
            progress(.sending(bytes: sent, of: size))
            while true {
                let chunk = try read()
                if chunk.isEmpty { break }
                try chunk.withUnsafeBytes { try pass($0, through: &structure, to: writer) }
                sent += Int64(chunk.count)
                progress(.sending(bytes: sent, of: size))
            }
            structure.finish()
            if !structure.isClean { throw ExtractRejection(structure.problems, total: structure.problemCount) }
        }
        staging.rowsRead = rows
        staging.sha256 = hasher.finalize().hex
        staging.keysMayRepeat = structure.keysMayRepeat
        return staging
    }

    private static func pass(
        _ bytes: UnsafeRawBufferPointer, through structure: inout CSVStructure, to writer: borrowing CopyInWriter
    ) throws {
        structure.scan(bytes)
        if structure.isClean { try writer.write(bytes) }
    }

    private init(kind: ExtractKind, header: [String]) throws {
        self.kind = kind
        let specs = Dictionary(uniqueKeysWithValues: kind.columns.map { ($0.name, $0) })
        var present: [ExtractColumn] = []
        var targets: [String] = []
        var problems: [RowError] = []
        for (position, raw) in header.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard let spec = specs[name] else {
                targets.append("ignored_\(position + 1)")
                continue
            }
            if present.contains(where: { $0.name == name }) {
                problems.append(RowError(line: 1, column: nil, message: "column '\(name)' appears twice"))
                targets.append("ignored_\(position + 1)")
                continue
            }
            present.append(spec)
            targets.append(spec.name)
        }
        for spec in kind.columns where spec.required && !present.contains(where: { $0.name == spec.name }) {
            problems.append(RowError(line: 1, column: nil, message: "missing required column '\(spec.name)'"))
        }
        guard problems.isEmpty else { throw ExtractRejection(problems) }
        self.present = present
        self.targets = targets
    }

    /// Column names are the spec's and `ignored_N`, chosen here, never the file's.
    private var createStatement: Query {
        let columns = kind.columns.map(\.name) + targets.filter { $0.hasPrefix("ignored_") }
        return Query(unsafeSQL: """
            CREATE TEMP TABLE import_staging (
                line bigint GENERATED ALWAYS AS IDENTITY (START WITH 2),
                \(columns.map { "\($0) text" }.joined(separator: ",\n    "))
            ) ON COMMIT DROP
            """)
    }

    private var copyStatement: Query {
        Query(unsafeSQL: "COPY pg_temp.import_staging (\(targets.joined(separator: ", "))) FROM STDIN (FORMAT csv)")
    }
}
