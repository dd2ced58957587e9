import Crypto
import Foundation

extension String {
    /// Without the spaces and line breaks around it.
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}

extension Digest {
    /// Lowercase hex, as PostgreSQL's `encode(…, 'hex')` writes it.
    package var hex: String { map { String(format: "%02x", $0) }.joined() }
}
