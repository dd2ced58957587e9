import Cartero
import Foundation
import PQ

extension SampleExtract {
    /// A CSV file written through a 1 MiB buffer of bytes: fields go in as UTF-8, numbers
    /// and dates are formatted straight into the buffer.
    final class ByteSink {
        private let handle: FileHandle
        private static let capacity = 1 << 20
        private let buffer: UnsafeMutablePointer<UInt8>
        private var count = 0

        init(_ url: URL) throws {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw CarteroError.invalid("Cannot create \(url.path).")
            }
            handle = try FileHandle(forWritingTo: url)
            // Slack past the flush mark: one row never exceeds it.
            buffer = .allocate(capacity: ByteSink.capacity + 65_536)
        }

        deinit { buffer.deallocate() }

        /// Flushes when the buffer passed its mark; call after every account (its rows
        /// never exceed the slack).
        @inline(__always) func rowDone() throws {
            if count >= ByteSink.capacity { try flush() }
        }

        func flush() throws {
            guard count > 0 else { return }
            try handle.write(contentsOf: Data(bytesNoCopy: buffer, count: count, deallocator: .none))
            count = 0
        }

        func close() throws {
            try flush()
            try handle.close()
        }

        @inline(__always) func put(_ b: UInt8) {
            buffer[count] = b
            count &+= 1
        }

        @inline(__always) func bytes(_ a: [UInt8]) {
            let n = a.count
            guard n > 0 else { return }
            a.withUnsafeBufferPointer { p in
                (buffer + count).update(from: p.baseAddress!, count: n)
            }
            count &+= n
        }

        /// Text as it is, in UTF-8, not quoted.
        func text(_ s: String) { bytes(Array(s.utf8)) }

        /// A text field, quoted as `CSV.quote` quotes it (done on bytes: the generator writes millions).
        @inline(__always) func field(_ a: [UInt8]) {
            var quote = false
            for b in a where b == 44 || b == 34 || b == 10 || b == 13 {
                quote = true
                break
            }
            guard quote else { return bytes(a) }
            put(34)
            for b in a {
                if b == 34 { put(34) }
                put(b)
            }
            put(34)
        }

        /// A non-negative integer in decimal, at least `width` digits (zero padded).
        @inline(__always) func int(_ v: Int, width: Int = 1) {
            let n = Digits.count(v, width: width)
            Digits.spell(v, count: n, at: buffer + count)
            count &+= n
        }

        /// An amount in cents: `152300`, `152300.50`, or (when `short`) `152300.5`.
        @inline(__always) func amount(_ cents: Int, short: Bool = false) {
            int(cents / 100)
            let c = cents % 100
            if c != 0 {
                put(46)
                if short && c % 10 == 0 {
                    put(UInt8(48 + c / 10))
                } else {
                    int(c, width: 2)
                }
            }
        }

        @inline(__always) func copy(from table: UnsafePointer<UInt8>, count n: Int) {
            (buffer + count).update(from: table, count: n)
            count &+= n
        }

        /// A day as `YYYY-MM-DD`, from `texts`.
        @inline(__always) func date(_ day: Int, from texts: DateTexts) {
            copy(from: texts.text(of: day), count: DateTexts.width)
        }
    }

    /// A non-negative integer spelled in decimal, zero padded to at least a width:
    /// `ByteSink.int` and the wording's numbers ("AP 402") both spell them so.
    enum Digits {
        /// How many digits `v` takes, at least `width`.
        @inline(__always) static func count(_ v: Int, width: Int) -> Int {
            var n = 1
            var t = v / 10
            while t > 0 { n += 1; t /= 10 }
            return max(n, width)
        }

        /// Writes the last `n` digits of `v` (zeros before it) to `p ..< p + n`.
        @inline(__always) static func spell(_ v: Int, count n: Int, at p: UnsafeMutablePointer<UInt8>) {
            var v = v
            var i = n &- 1
            while i >= 0 {
                p[i] = UInt8(truncatingIfNeeded: 48 &+ v % 10)
                v /= 10
                i &-= 1
            }
        }
    }

    /// `YYYY-MM-DD` of every day of a window, spelled once by `CalendarDate` so that
    /// writing a date in a row is a copy of ten bytes.
    final class DateTexts {
        static let width = 10
        private let first: Int
        private let bytes: UnsafeMutablePointer<UInt8>

        /// The days `first` ..< `first + days`, as days since 1970-01-01.
        init(first: Int, days: Int) {
            self.first = first
            bytes = .allocate(capacity: days * DateTexts.width)
            for i in 0..<days {
                let text = Array(CalendarDate(daysSinceEpoch: first + i).description.utf8)
                precondition(text.count == DateTexts.width, "a year outside 1000...9999")
                (bytes + i * DateTexts.width).update(from: text, count: DateTexts.width)
            }
        }

        deinit { bytes.deallocate() }

        @inline(__always) func text(of day: Int) -> UnsafePointer<UInt8> {
            UnsafePointer(bytes + (day - first) * DateTexts.width)
        }
    }
}
