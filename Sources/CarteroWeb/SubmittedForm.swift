import Cartero
import Foundation
import Hummingbird
import MultipartKit

/// A submitted form, urlencoded or multipart/form-data (a form with files): its text
/// fields and its files, several to a field when the input takes several. A file input
/// left empty sends an empty, nameless part: it is not a file.
///
/// A multipart body is read as it arrives, never whole: text fields are kept (64 kB at
/// most), and each file either
/// - as a scan (`.scans`): kept in memory up to 10 MB, as it goes to the database; one
///   that grows past its maximum, or whose first bytes are not a PDF, JPEG, PNG or TIFF, is
///   dropped at once and named in `refused`, its remaining bytes read and discarded; or
/// - saved (`.saved`): written to a folder as it arrives, up to a maximum.
/// A body larger than the form may be is answered 413 without reading the rest.
struct SubmittedForm {
    enum Files {
        /// Scans of at most `maximumBytes` each, three at most.
        case scans(maximumBytes: Int = ReturnsRegister.maximumScanBytes)
        case saved(in: URL, maximumBytes: Int)
    }

    private(set) var fields: [String: String] = [:]
    /// Scans, in memory.
    private(set) var files: [String: [Attachment]] = [:]
    /// Saved files, by field.
    private(set) var saved: [String: [URL]] = [:]
    /// Fields whose file was dropped as it arrived (too big, or not a scan).
    private(set) var refused: Set<String> = []

    /// A form without files: what a person types.
    static let maximumFieldBytes = 64 * 1024

    subscript(_ name: String) -> String? { fields[name] }

    /// The field, trimmed; nil when missing or blank.
    func text(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    init(_ request: Request, files policy: Files = .scans()) async throws {
        let type = request.headers[.contentType] ?? ""
        guard type.lowercased().hasPrefix("multipart/form-data") else {
            let body = try await body(of: request, upTo: Self.maximumFieldBytes)
            guard let pairs = try? URLEncodedFormDecoder().decode([String: String].self, from: String(buffer: body)) else {
                throw HTTPError(.badRequest)
            }
            fields = pairs
            return
        }
        guard let boundary = Self.parameter("boundary", of: type) else { throw HTTPError(.badRequest) }
        let reader = MultipartReader(boundary: boundary, policy: policy)
        var total = 0
        let limit: Int
        // The files and the form around them.
        switch policy {
        case .scans(let maximumBytes): limit = 3 * maximumBytes + 256 * 1024
        case .saved(_, let maximumBytes): limit = maximumBytes + 256 * 1024
        }
        do {
            for try await chunk in request.body {
                total += chunk.readableBytes
                guard total <= limit else { throw HTTPError(.contentTooLarge) }
                try reader.read(chunk)
            }
        } catch {
            reader.discard()
            throw error
        }
        fields = reader.fields
        files = reader.files
        saved = reader.saved
        refused = reader.refused
    }

    /// `key=value` or `key="value"` of a header such as Content-Type or Content-Disposition.
    static func parameter(_ key: String, of header: String) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}

/// The parts of one multipart body, fed chunk by chunk to MultipartKit's parser.
private final class MultipartReader {
    /// What the part being read is, known from its headers at its first bytes.
    private enum Part {
        case field(name: String, value: ByteBuffer)
        case scan(field: String, fileName: String, content: ByteBuffer, maximumBytes: Int)
        case saved(field: String, url: URL, handle: FileHandle, bytes: Int)
        /// A file part with no name and no bytes so far, or one being dropped.
        case skipped(field: String, fileName: String, refused: Bool)
    }

    let policy: SubmittedForm.Files
    private let parser: MultipartParser
    private var headers: [String: String] = [:]
    private var part: Part?
    private var fieldBytes = 0
    private var failure: (any Error)?
    var fields: [String: String] = [:]
    var files: [String: [Attachment]] = [:]
    var saved: [String: [URL]] = [:]
    var refused: Set<String> = []

    init(boundary: String, policy: SubmittedForm.Files) {
        self.policy = policy
        parser = MultipartParser(boundary: boundary)
        parser.onHeader = { [unowned self] name, value in headers[name.lowercased()] = value }
        parser.onBody = { [unowned self] chunk in body(&chunk) }
        parser.onPartComplete = { [unowned self] in complete() }
    }

    func read(_ chunk: ByteBuffer) throws {
        do { try parser.execute(chunk) } catch { throw HTTPError(.badRequest) }
        if let failure { throw failure }
    }

    /// Removes what was saved: the form is not going to be used.
    func discard() {
        if case .saved(_, let url, let handle, _) = part {
            try? handle.close()
            try? FileManager.default.removeItem(at: url)
        }
        for url in saved.values.joined() { try? FileManager.default.removeItem(at: url) }
        saved = [:]
    }

    private func begin() -> Part {
        guard let disposition = headers["content-disposition"],
            let name = SubmittedForm.parameter("name", of: disposition)
        else { return .skipped(field: "", fileName: "", refused: false) }
        guard let fileName = SubmittedForm.parameter("filename", of: disposition) else {
            return .field(name: name, value: ByteBuffer())
        }
        // A browser may send a Windows path; only the last component is the name.
        let base = fileName.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? name
        switch policy {
        case .scans(let maximumBytes):
            return .scan(field: name, fileName: base, content: ByteBuffer(), maximumBytes: maximumBytes)
        case .saved(let folder, _):
            let url = folder.appendingPathComponent(base.isEmpty ? name : base)
            guard FileManager.default.createFile(atPath: url.path, contents: nil),
                let handle = try? FileHandle(forWritingTo: url)
            else {
                failure = HTTPError(.internalServerError)
                return .skipped(field: name, fileName: base, refused: true)
            }
            return .saved(field: name, url: url, handle: handle, bytes: 0)
        }
    }

    private func body(_ chunk: inout ByteBuffer) {
        guard failure == nil else { return }
        var current = part ?? begin()
        switch current {
        case .field(let name, var value):
            fieldBytes += chunk.readableBytes
            guard fieldBytes <= SubmittedForm.maximumFieldBytes else {
                failure = HTTPError(.contentTooLarge)
                return
            }
            value.writeBuffer(&chunk)
            current = .field(name: name, value: value)
        case .scan(let field, let fileName, var content, let maximumBytes):
            content.writeBuffer(&chunk)
            if content.readableBytes > maximumBytes
                || (content.readableBytes >= ScanSniff.bytesNeeded && !ScanSniff.isScan(content)) {
                refused.insert(field)
                current = .skipped(field: field, fileName: fileName, refused: true)
            } else {
                current = .scan(field: field, fileName: fileName, content: content, maximumBytes: maximumBytes)
            }
        case .saved(let field, let url, let handle, let bytes):
            let size = bytes + chunk.readableBytes
            if case .saved(_, let maximumBytes) = policy, size > maximumBytes {
                failure = HTTPError(.contentTooLarge)
                return
            }
            do {
                try handle.write(contentsOf: chunk.readableBytesView)
            } catch {
                failure = error
                return
            }
            current = .saved(field: field, url: url, handle: handle, bytes: size)
        case .skipped:
            break
        }
        part = current
    }

    private func complete() {
        defer {
            headers = [:]
            part = nil
        }
        guard failure == nil else { return }
        switch part ?? begin() {
        case .field(let name, let value):
            fields[name] = String(buffer: value)
        case .scan(let field, let fileName, let content, _):
            // An empty input of a form sends a nameless, empty part: no file.
            guard !fileName.isEmpty || content.readableBytes > 0 else { return }
            guard ScanSniff.isScan(content) else {
                refused.insert(field)
                return
            }
            files[field, default: []].append(Attachment(name: fileName, content: Data(buffer: content)))
        case .saved(let field, let url, let handle, let bytes):
            try? handle.close()
            if bytes == 0 {
                try? FileManager.default.removeItem(at: url)
            } else {
                saved[field, default: []].append(url)
            }
        case .skipped:
            break
        }
    }
}

/// The web's first look at a scan's first bytes, so that it can stop reading one that
/// is not a scan. The database decides (`cartero.scan_media_type`, through `ScanFile`);
/// WebUploadTests checks that the two agree.
enum ScanSniff {
    static let bytesNeeded = 8

    static func isScan(_ content: ByteBuffer) -> Bool {
        let head = Array(content.readableBytesView.prefix(bytesNeeded))
        func starts(_ signature: [UInt8]) -> Bool { head.starts(with: signature) }
        return starts([0x25, 0x50, 0x44, 0x46, 0x2D])  // %PDF-
            || starts([0xFF, 0xD8, 0xFF])  // JPEG
            || starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])  // PNG
            || starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A])  // TIFF
    }
}
