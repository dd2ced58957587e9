import Cartero
import CarteroTesting
import Foundation
import Hummingbird
import PQ
import Synchronization
import Testing

@testable import CarteroWeb

/// Uploads are read as they arrive: a body too large is refused before the rest of it is
/// read, a file that is not a scan is dropped at its first bytes, and the courier's file
/// goes to disk, never whole into memory.
@Suite struct UploadStreamingTests {
    static let boundary = "----upload-boundary"

    /// A body of `chunks` chunks of 1 MB, that counts how many were read.
    final class Counted: Sendable {
        let read = Atomic<Int>(0)
    }

    static func request(head: ByteBuffer, chunks: Int, chunk: ByteBuffer, tail: ByteBuffer, counted: Counted) -> Request {
        let stream = AsyncStream<ByteBuffer> { continuation in
            continuation.yield(head)
            for _ in 0..<chunks { continuation.yield(chunk) }
            continuation.yield(tail)
            continuation.finish()
        }
        let body = stream.map { buffer in
            counted.read.add(1, ordering: .relaxed)
            return buffer
        }
        return Request(
            head: .init(method: .post, scheme: "http", authority: "cartero", path: "/registro",
                        headerFields: [.contentType: "multipart/form-data; boundary=\(boundary)"]),
            body: RequestBody(asyncSequence: body))
    }

    static func filePart(_ field: String, _ name: String, first: [UInt8]) -> ByteBuffer {
        var head = ByteBuffer(string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"consecutivo\"\r\n\r\nNORTE-2026-000001\r\n")
        head.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(field)\"; filename=\"\(name)\"\r\n\r\n")
        head.writeBytes(first)
        return head
    }

    static let megabyte = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1 << 20)
    static let end = ByteBuffer(string: "\r\n--\(boundary)--\r\n")

    @Test func aBodyLargerThanTheFormMayBeIsRefusedBeforeItIsAllRead() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(TestDatabase.uniqueName("upload"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let counted = Counted()
        // 200 MB where 2 MB may come: refused once past them, the rest never read.
        let request = Self.request(head: Self.filePart("resultados", "r.csv", first: []), chunks: 200,
                                   chunk: Self.megabyte, tail: Self.end, counted: counted)
        let error = await #expect(throws: HTTPError.self) {
            _ = try await SubmittedForm(request, files: .saved(in: folder, maximumBytes: 2 << 20))
        }
        #expect(error?.status == .contentTooLarge)
        #expect(counted.read.load(ordering: .relaxed) <= 4, "stopped reading past 2 MB, not after 200")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "nothing of it is left")
    }

    @Test func aFileThatIsNotAScanIsDroppedAtItsFirstBytes() async throws {
        let counted = Counted()
        // 2 MB of an executable called .pdf: read through, and none of it kept.
        let request = Self.request(head: Self.filePart("scan", "factura.pdf", first: [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00]),
                                   chunks: 2, chunk: Self.megabyte, tail: Self.end, counted: counted)
        let form = try await SubmittedForm(request)
        #expect(form.refused == ["scan"] && form.files.isEmpty)
        #expect(form["consecutivo"] == "NORTE-2026-000001", "the rest of the form is still read")
    }

    @Test func aScanPastItsMaximumIsDropped() async throws {
        // As a 10 MB scan's 11th megabyte, at a tenth of the size.
        let request = Self.request(head: Self.filePart("scan", "grande.pdf", first: Array("%PDF-1.7".utf8)), chunks: 2,
                                   chunk: Self.megabyte, tail: Self.end, counted: Counted())
        let form = try await SubmittedForm(request, files: .scans(maximumBytes: 1 << 20))
        #expect(form.refused == ["scan"] && form.files.isEmpty)
    }

    @Test func theCourierFileIsWrittenToDiskAsItArrives() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(TestDatabase.uniqueName("upload"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let request = Self.request(head: Self.filePart("resultados", "resultados.csv", first: Array("consecutivo\n".utf8)), chunks: 3,
                                   chunk: Self.megabyte, tail: Self.end, counted: Counted())
        let form = try await SubmittedForm(request, files: .saved(in: folder, maximumBytes: 64 << 20))
        let file = try #require(form.saved["resultados"]?.first)
        #expect(file.lastPathComponent == "resultados.csv")
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int == 3 * (1 << 20) + 12)

    }

    /// The web's early look and the database's rule (`cartero.scan_media_type`) agree.
    @Test func theWebsFirstLookAgreesWithTheDatabase() async throws {
        let db = try Connection(try TestDatabase.migrated("upload_sniff"))
        let samples: [[UInt8]] = [
            Array("%PDF-1.7".utf8), Array("%PDF-".utf8), Array("%PDF".utf8), [0xFF, 0xD8, 0xFF, 0xE0], [0xFF, 0xD8],
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0B],
            [0x49, 0x49, 0x2A, 0x00, 1], [0x4D, 0x4D, 0x00, 0x2A], [0x4D, 0x4D, 0x2A, 0x00], Array("GIF89a".utf8),
            [0x4D, 0x5A, 0x90, 0x00], [], [0x00],
        ] + (0..<50).map { _ in (0..<Int.random(in: 1...8)).map { _ in UInt8.random(in: 0...255) } }
        for sample in samples {
            let database = try db.queryValue("SELECT cartero.scan_media_type(\(Data(sample))) IS NOT NULL", as: Bool.self)
            #expect(ScanSniff.isScan(ByteBuffer(bytes: sample)) == database, "\(sample)")
        }
    }
}
