import Cartero
import Hummingbird
import HummingbirdTesting
import Testing

/// What the web's suites share: signing in through the form, finding a page's CSRF
/// token, posting a form as a signed-in member.
protocol WebTesting {}

extension WebTesting {
    static var form: HTTPFields { [.contentType: "application/x-www-form-urlencoded"] }

    /// Signs in (password `clave-LOGIN`) and returns the session cookie ("cartero_session=…").
    func signIn(_ login: String, _ client: some TestClientProtocol) async throws -> String {
        try await client.execute(uri: "/login", method: .post, headers: Self.form,
                                 body: ByteBuffer(string: "login=\(login)&password=clave-\(login)")) { response in
            #expect(response.status == .seeOther)
            let cookie = try #require(response.headers[.setCookie])
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "\(cookie)")
            return String(cookie.prefix { $0 != ";" })
        }
    }

    func csrf(in page: String) throws -> String {
        let marker = "name=\"csrf\" value=\""
        let start = try #require(page.range(of: marker)).upperBound
        return String(page[start...].prefix { $0 != "\"" })
    }

    /// The page at `uri` as the member of `cookie`, with its status.
    func get(_ uri: String, _ cookie: String, _ client: some TestClientProtocol) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: uri, method: .get, headers: [.cookie: cookie]) { ($0.status, String(buffer: $0.body)) }
    }

    /// Posts an urlencoded form as the member of `cookie`; returns the status and where it redirects.
    func post(_ uri: String, _ body: String, _ cookie: String, _ client: some TestClientProtocol) async throws -> (HTTPResponse.Status, String?) {
        var headers = Self.form
        headers[.cookie] = cookie
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) {
            ($0.status, $0.headers[.location])
        }
    }

    /// Posts a multipart form with one file, as a browser does.
    func postFile(
        _ uri: String, fields: [(String, String)], file: (field: String, name: String, bytes: [UInt8]), _ cookie: String,
        _ client: some TestClientProtocol
    ) async throws -> (HTTPResponse.Status, String?, String) {
        try await postFiles(uri, fields: fields, files: [file], cookie, client)
    }

    /// Posts a multipart form with files, as a browser does.
    func postFiles(
        _ uri: String, fields: [(String, String)], files: [(field: String, name: String, bytes: [UInt8])], _ cookie: String,
        _ client: some TestClientProtocol
    ) async throws -> (HTTPResponse.Status, String?, String) {
        let boundary = "----cartero-test-boundary"
        var body = ByteBuffer()
        for (name, value) in fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        for file in files {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            body.writeBytes(file.bytes)
            body.writeString("\r\n")
        }
        body.writeString("--\(boundary)--\r\n")
        let headers: HTTPFields = [.contentType: "multipart/form-data; boundary=\(boundary)", .cookie: cookie]
        return try await client.execute(uri: uri, method: .post, headers: headers, body: body) {
            ($0.status, $0.headers[.location], String(buffer: $0.body))
        }
    }
}
