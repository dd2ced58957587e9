extension SampleExtract {
    /// The generator's only source of randomness: SplitMix64, and the draws made from it.
    /// Every draw takes a fixed number of steps, so the same seed gives the same extract.
    struct SplitMix64 {
        private var state: UInt64

        init(state: UInt64) { self.state = state }

        @inline(__always) mutating func next() -> UInt64 {
            let current = state
            state &+= 0x9E37_79B9_7F4A_7C15
            return SampleExtract.mix64(current)
        }

        /// Uniform in 0..<n.
        @inline(__always) mutating func below(_ n: Int) -> Int {
            Int(truncatingIfNeeded: ((next() >> 32) &* UInt64(n)) >> 32)
        }

        /// Uniform in [0, 1).
        @inline(__always) mutating func unit() -> Double {
            Double(next() >> 11) * 0x1p-53
        }

        @inline(__always) mutating func chance(_ p: Double) -> Bool { unit() < p }

        /// Approximately standard normal (Irwin–Hall of 12 uniforms).
        mutating func normal() -> Double {
            var s = 0.0
            for _ in 0..<12 { s += unit() }
            return s - 6
        }

        /// An index drawn by the weights that `cumulative` made.
        @inline(__always) mutating func pick(_ cumulative: [Double]) -> Int {
            let u = unit()
            var i = 0
            let last = cumulative.count - 1
            while i < last && u >= cumulative[i] { i += 1 }
            return i
        }

        /// A skewed index in 0..<n: earlier ones are more frequent.
        @inline(__always) mutating func skewed(_ n: Int) -> Int {
            let u = unit()
            return min(n - 1, Int(Double(n) * u * u))
        }

        @inline(__always) mutating func one<Element>(of a: [Element]) -> Element { a[below(a.count)] }

        /// Weights as the running shares that `pick` takes.
        static func cumulative(_ weights: [Double]) -> [Double] {
            let total = weights.reduce(0, +)
            var acc = 0.0
            return weights.map { acc += $0; return acc / total }
        }
    }

    /// SplitMix64's output function, also a good hash of one 64-bit word.
    @inline(__always) static func mix64(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// exp(x) by range reduction and a Taylor polynomial: only IEEE +, −, ×, so the
    /// result is the same on every platform (libm's `exp` may differ in the last bit).
    static func detExp(_ x0: Double) -> Double {
        let x = min(max(x0, -700), 700)
        let ln2 = 0.693_147_180_559_945_3
        let k = (x / ln2).rounded()
        let r = x - k * ln2
        var term = 1.0
        var sum = 1.0
        for i in 1...14 {
            term = term * r / Double(i)
            sum += term
        }
        return Double(sign: .plus, exponent: Int(k), significand: sum)
    }
}
