import Hummingbird
import NIOCore

/// A rendered page.
struct HTML: ResponseGenerator {
    var status: HTTPResponse.Status = .ok
    let body: String

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

extension HTML {
    /// Text made safe inside an element or a quoted attribute: what Mustache's `{{x}}`
    /// does, for the few lists drawn in Swift because they are long (`CaseList`).
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "&")
            || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") })
        else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}

/// A redirect after a form (303: the browser follows with a GET).
func seeOther(_ location: String) -> Response {
    Response(status: .seeOther, headers: [.location: location])
}

/// The fields of a submitted form (application/x-www-form-urlencoded), at most 64 kB.
func formFields<T: Decodable>(_ type: T.Type, of request: Request) async throws -> T {
    try decodeForm(T.self, from: try await body(of: request, upTo: 64 * 1024))
}

/// The request's body, at most `limit` bytes: more is answered 413.
func body(of request: Request, upTo limit: Int) async throws -> ByteBuffer {
    do {
        return try await request.body.collect(upTo: limit)
    } catch is NIOTooManyBytesError {
        throw HTTPError(.contentTooLarge)
    }
}

/// The fields of a form body already read; 400 when they do not decode.
func decodeForm<T: Decodable>(_ type: T.Type, from body: ByteBuffer) throws -> T {
    do {
        return try URLEncodedFormDecoder().decode(T.self, from: String(buffer: body))
    } catch {
        throw HTTPError(.badRequest)
    }
}
