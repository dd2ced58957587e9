import Cartero
import Foundation

/// Standard output in 64 KiB writes: one `write(2)` per CSV row would be a million.
final class BufferedOutput {
    struct ReaderGone: Error {}

    private var buffer: [UInt8] = []

    init() {
        buffer.reserveCapacity(1 << 16)
        // A closed pipe is an error from write(2) (EPIPE), not a signal that kills us.
        signal(SIGPIPE, SIG_IGN)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { try flush() }
    }

    func flush() throws {
        var offset = 0
        while offset < buffer.count {
            let written = buffer[offset...].withUnsafeBytes { Glibc.write(1, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { throw ReaderGone() }
                throw CarteroError.invalid("cannot write to standard output: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
