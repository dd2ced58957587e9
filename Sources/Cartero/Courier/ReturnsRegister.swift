import Crypto
import Foundation
import PQ

/// The REGISTRO DE INFORMACIÓN DE MENSAJERÍA (RULES.md section 3): a returned letter
/// recorded in the office with its cause, the courier's observation and the scans of
/// the letter and of the courier's support. The writing is `cartero.register_return`
/// and `cartero.add_return_scan` (sql/migrations/0010_courier_and_returns.sql); these
/// functions check the files first, to say what is wrong before anything is sent.
public enum ReturnsRegister {
    /// The largest scan stored: 10 MB.
    public static let maximumScanBytes = 10 * 1024 * 1024

    /// What `register` did.
    public struct Registration: Sendable, Hashable {
        public let id: Int64
        public let consecutivo: String
        /// False when the letter was registered already, with the same cause.
        public let created: Bool
        /// The destinations of the cases it opened (none when the cause routes nowhere, or
        /// when the courier's file opened them first).
        public let casesOpened: [String]
        public let scans: [StoredScan]
    }

    /// Registers the return of letter `consecutivo` with `causal` and stores its scans,
    /// all or nothing: every file is read and checked (PDF, JPEG, PNG or TIFF, 1 byte to
    /// 10 MB) before anything is stored. The same letter and cause again adds the scans
    /// it does not hold yet. Only an auxiliar de oficina or a coordinador of the letter's
    /// regional, or an admin.
    public static func register(
        _ consecutivo: String, causal: String, observacion: String = "", scans: [URL] = [], uploads: [Attachment] = [],
        on db: Connection
    ) throws -> Registration {
        let files = try scans.map { try ScanFile(reading: $0, on: db) } + uploads.map { try ScanFile($0, on: db) }
        return try CarteroError.translating(whenRefused: "you may not register returned letters") {
            try db.transaction {
                let (id, created, opened) = try db.queryRow("""
                    SELECT registration_id, created, cases_opened
                    FROM cartero.register_return(\(consecutivo), \(causal.trimmed.uppercased()), \(observacion.trimmed))
                    """)!.decode((Int64, Bool, Int).self)
                // The letter's cases opened in this transaction: by this registration.
                let destinations = opened == 0 ? [] : try db.execute("""
                    SELECT k.destino FROM cartero.cases k JOIN cartero.return_registrations g ON g.letter_id = k.letter_id
                    WHERE g.id = \(id) AND k.opened_at = now() ORDER BY k.id
                    """).map { try $0.decode(0, as: String.self) }
                let stored = try files.map { file in
                    let (scanID, sha256, new) = try db.queryRow("""
                        SELECT scan_id, sha256, created FROM cartero.add_return_scan(\(id), \(file.name), \(file.content))
                        """)!.decode((Int64, String, Bool).self)
                    return StoredScan(id: scanID, fileName: file.name, mediaType: file.mediaType, byteSize: file.content.count,
                                      sha256: sha256, created: new)
                }
                return Registration(id: id, consecutivo: consecutivo, created: created, casesOpened: destinations, scans: stored)
            }
        }
    }

    /// The scans of letter `consecutivo`'s registered return that the acting member sees,
    /// oldest first, without their bytes.
    public static func scans(ofLetter consecutivo: String, on db: Connection) throws -> [StoredScan] {
        try db.execute("""
            SELECT s.id, s.file_name, s.media_type, s.byte_size, s.sha256
              FROM cartero.return_scans s JOIN cartero.return_registrations g ON g.id = s.registration_id
             WHERE g.consecutivo = \(consecutivo)
             ORDER BY s.id
            """).map { row in
            let (id, name, type, size, sha256) = try row.decode((Int64, String, String, Int, String).self)
            return StoredScan(id: id, fileName: name, mediaType: type, byteSize: size, sha256: sha256, created: true)
        }
    }

    /// One scan and its bytes, checked against its SHA-256; nil when the acting member may not see it.
    public static func scan(_ id: Int64, on db: Connection) throws -> (StoredScan, Data)? {
        guard let row = try db.queryRow("""
            SELECT id, file_name, media_type, byte_size, sha256, content FROM cartero.return_scans WHERE id = \(id)
            """) else { return nil }
        return try checkedScan(row, of: "")
    }

    /// A row of (id, file_name, media_type, byte_size, sha256, content), its bytes checked
    /// against the SHA-256 stored with them: a damaged scan is never served or written.
    private static func checkedScan(_ row: Row, of what: String) throws -> (StoredScan, Data) {
        let (id, name, type, size, sha256, content) = try row.decode((Int64, String, String, Int, String, Data).self)
        guard SHA256.hash(data: content).hex == sha256 else {
            throw CarteroError.conflict("scan \(id)\(what) does not match its SHA-256: it was not written")
        }
        return (StoredScan(id: id, fileName: name, mediaType: type, byteSize: size, sha256: sha256, created: false), content)
    }

    /// Writes the scans of letter `consecutivo`'s registered return into `directory`
    /// (made when missing), each under its own name (two of one name: the second gets
    /// its id in front), checking each against its SHA-256. Returns them with where
    /// they went. Streams them one at a time: a scan is at most 10 MB in memory.
    public static func writeScans(of consecutivo: String, into directory: URL, on db: Connection) throws -> [(StoredScan, URL)] {
        guard try db.queryRow("SELECT 1 FROM cartero.letters WHERE consecutivo = \(consecutivo)") != nil else {
            throw CarteroError.notFound("no letter you may see has the consecutivo \(consecutivo)")
        }
        guard let registration = try db.queryRow("SELECT id FROM cartero.return_registrations WHERE consecutivo = \(consecutivo)")
        else { throw CarteroError.notFound("letter \(consecutivo) has no registered return") }
        let registrationID = try registration.decode(0, as: Int64.self)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var written: [(StoredScan, URL)] = []
        var names: Set<String> = []
        try db.forEachRow("""
            SELECT id, file_name, media_type, byte_size, sha256, content
            FROM cartero.return_scans WHERE registration_id = \(registrationID) ORDER BY id
            """) { row in
            let (stored, content) = try checkedScan(row, of: " of letter \(consecutivo)")
            var name = safeFileName(stored.fileName, id: stored.id)
            if !names.insert(name).inserted {
                name = "\(stored.id)-\(name)"
                names.insert(name)
            }
            let url = directory.appendingPathComponent(name)
            try content.write(to: url, options: .atomic)
            written.append((stored, url))
        }
        return written
    }

    /// The stored name without any folder, or `scan-ID` when nothing usable is left.
    private static func safeFileName(_ name: String, id: Int64) -> String {
        let last = URL(fileURLWithPath: name).lastPathComponent
        return last.isEmpty || last == "." || last == ".." || last == "/" ? "scan-\(id)" : last
    }
}

/// A letter as the office looks it up when it comes back: what was mailed, what the
/// courier said, whether it was registered, and the cases it opened.
public struct LetterLookup: Sendable, Hashable {
    public let consecutivo: String
    public let cuenta: String
    public let titular: String
    public let direccion: String
    /// generada or despachada.
    public let status: String
    /// The courier's result (`ENTREGADA`, or `DEVUELTA CAUSAL`), if any.
    public let courierResult: String?
    /// The cause it was registered with in the office, if it was.
    public let registeredCause: String?
    /// The cases it opened: `destino estado` each.
    public let cases: [String]
}

extension ReturnsRegister {
    /// The letter with that consecutivo or courier's tracking number (a barcode reader
    /// types either), if the acting member may see it.
    public static func lookUp(_ text: String, on db: Connection) throws -> LetterLookup? {
        let key = text.trimmed
        guard !key.isEmpty, let row = try db.queryRow("""
            SELECT l.consecutivo, l.cuenta, l.titular, l.direccion, l.status,
                   r.estado || coalesce(' ' || r.causal, ''), g.causal,
                   coalesce((SELECT string_agg(k.destino || ' ' || k.estado, ', ' ORDER BY k.id) FROM cartero.cases k
                              WHERE k.letter_id = l.id), '')
              FROM cartero.letters l
              LEFT JOIN cartero.courier_results r ON r.letter_id = l.id
              LEFT JOIN cartero.return_registrations g ON g.letter_id = l.id
             WHERE l.consecutivo = \(key.uppercased())
                OR l.id = (SELECT r2.letter_id FROM cartero.courier_results r2 WHERE r2.guia = \(key) LIMIT 1)
             LIMIT 1
            """)
        else { return nil }
        let (consecutivo, cuenta, titular, direccion, status, result, cause, cases) =
            try row.decode((String, String, String, String, String, String?, String?, String).self)
        return LetterLookup(consecutivo: consecutivo, cuenta: cuenta, titular: titular, direccion: direccion, status: status,
                            courierResult: result, registeredCause: cause,
                            cases: cases.isEmpty ? [] : cases.components(separatedBy: ", "))
    }

    /// Today's registered returns the acting member sees, newest first: consecutivo and cause.
    public static func registeredToday(on db: Connection) throws -> [(consecutivo: String, causal: String)] {
        try db.execute("""
            SELECT consecutivo, causal FROM cartero.return_registrations
             WHERE registered_at >= current_date ORDER BY id DESC
            """).map { try $0.decode((String, String).self) }
    }
}
