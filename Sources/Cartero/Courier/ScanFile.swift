import Foundation
import PQ

/// A file Cartero keeps (a scan of a returned letter, a photo of a case), as stored.
public struct StoredScan: Sendable, Hashable {
    public let id: Int64
    public let fileName: String
    public let mediaType: String
    public let byteSize: Int
    public let sha256: String
    /// False when the same file was held already.
    public let created: Bool
}

/// A file as it arrives from a browser's upload: its name and its bytes.
public struct Attachment: Sendable {
    public let name: String
    public let content: Data

    public init(name: String, content: Data) {
        self.name = name
        self.content = content
    }
}

/// A scan read from disk or received, checked as `cartero.require_scan` will check it, so
/// that the sentence comes before anything is sent. The type is the database's own reading
/// of the first bytes (`cartero.scan_media_type`): one definition of what a scan may be.
struct ScanFile {
    let name: String
    let mediaType: String
    let content: Data

    init(reading url: URL, on db: Connection) throws {
        let name = url.lastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue
        else { throw CarteroError.notFound("cannot read the scan \(url.path): it does not exist or is a folder") }
        try Self.requireSize(size, of: name)
        guard let data = try? Data(contentsOf: url) else {
            throw CarteroError.notFound("cannot read the scan \(url.path): you may not read it")
        }
        try self.init(Attachment(name: name, content: data), on: db)
    }

    init(_ attachment: Attachment, on db: Connection) throws {
        name = attachment.name
        try Self.requireSize(attachment.content.count, of: name)
        guard let type = try db.queryValue("SELECT cartero.scan_media_type(\(attachment.content.prefix(8)))", as: String?.self) else {
            throw CarteroError.invalid("the scan \(name) is not a PDF, JPEG, PNG or TIFF file; save it as one of those. Nothing was stored")
        }
        mediaType = type
        content = attachment.content
    }

    private static func requireSize(_ size: Int, of name: String) throws {
        guard size > 0 else { throw CarteroError.invalid("the scan \(name) is empty; nothing was stored") }
        guard size <= ReturnsRegister.maximumScanBytes else {
            throw CarteroError.invalid(
                "the scan \(name) is \(String(format: "%.1f", Double(size) / 1_048_576)) MB; a scan may be at most 10 MB: scan it again at a lower resolution. Nothing was stored")
        }
    }
}
