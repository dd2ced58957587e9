import Cartero
import Foundation
import Hummingbird
import MultipartKit

/// A submitted form, urlencoded or multipart/form-data (a form with files): its text
/// fields and its files, several to a field when the input takes several. A file input
/// left empty sends an empty, nameless part: it is not a file.
struct SubmittedForm {
    private(set) var fields: [String: String] = [:]
    private(set) var files: [String: [Attachment]] = [:]

    /// The largest body read: three 10 MB scans and the form around them.
    static let maximumBytes = 3 * ReturnsRegister.maximumScanBytes + 256 * 1024

    subscript(_ name: String) -> String? { fields[name] }

    /// The field, trimmed; nil when missing or blank.
    func text(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// A form without files: what a person types.
    static let maximumFieldBytes = 64 * 1024

    init(_ request: Request, limit: Int = maximumBytes) async throws {
        let type = request.headers[.contentType] ?? ""
        let multipart = type.lowercased().hasPrefix("multipart/form-data")
        let body = try await body(of: request, upTo: multipart ? limit : Self.maximumFieldBytes)
        if multipart {
            guard let boundary = Self.parameter("boundary", of: type) else { throw HTTPError(.badRequest) }
            try readMultipart(body, boundary: boundary)
        } else {
            guard let pairs = try? URLEncodedFormDecoder().decode([String: String].self, from: String(buffer: body)) else {
                throw HTTPError(.badRequest)
            }
            fields = pairs
        }
    }

    private mutating func readMultipart(_ body: ByteBuffer, boundary: String) throws {
        var parts: [(headers: [String: String], body: ByteBuffer)] = []
        var headers: [String: String] = [:]
        var content = ByteBuffer()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in headers[name.lowercased()] = value }
        parser.onBody = { chunk in content.writeBuffer(&chunk) }
        parser.onPartComplete = {
            parts.append((headers, content))
            headers = [:]
            content = ByteBuffer()
        }
        do { try parser.execute(body) } catch { throw HTTPError(.badRequest) }
        for part in parts {
            guard let disposition = part.headers["content-disposition"], let name = Self.parameter("name", of: disposition) else { continue }
            if let fileName = Self.parameter("filename", of: disposition) {
                guard !fileName.isEmpty || part.body.readableBytes > 0 else { continue }
                // A browser may send a Windows path; only the last component is the name.
                let base = fileName.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? name
                files[name, default: []].append(Attachment(name: base, content: Data(buffer: part.body)))
            } else {
                fields[name] = String(buffer: part.body)
            }
        }
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
