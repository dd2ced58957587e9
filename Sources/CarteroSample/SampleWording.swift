extension SampleExtract {
    /// The typed-in fields of an account, as a commercial system's clerks left them: the
    /// holder's name (compound names, a nickname, a company with or without its "S.A.S."),
    /// the document (cédula or NIT) and the address ("CL 45 SUR # 12-30 AP 402", "MZ 4 CS 12").
    final class Wording {
        /// What the last `holder` or `address` spelled.
        private(set) var text: [UInt8] = []

        private let female, male, compoundF, compoundM, nicknames, surnames: [[UInt8]]
        private let shops, industries, businessNames, suffixes, patrons, streetKinds: [[UInt8]]
        private let officialBodies, specialBodies: [(words: [UInt8], namesake: Lexicon.Namesake)]
        private let streetCumulative: [Double]

        init() {
            female = Lexicon.utf8(Lexicon.femaleNames)
            male = Lexicon.utf8(Lexicon.maleNames)
            compoundF = Lexicon.utf8(Lexicon.compoundFemale)
            compoundM = Lexicon.utf8(Lexicon.compoundMale)
            nicknames = Lexicon.utf8(Lexicon.nicknames)
            surnames = Lexicon.utf8(Lexicon.surnames)
            shops = Lexicon.utf8(Lexicon.shopKinds)
            industries = Lexicon.utf8(Lexicon.industryKinds)
            businessNames = Lexicon.utf8(Lexicon.businessNames)
            suffixes = Lexicon.utf8(Lexicon.companySuffixes)
            patrons = Lexicon.utf8(Lexicon.patrons)
            streetKinds = Lexicon.utf8(Lexicon.streetKinds)
            officialBodies = Lexicon.officialBodies.map { (Array($0.0.utf8), $0.1) }
            specialBodies = Lexicon.specialBodies.map { (Array($0.0.utf8), $0.1) }
            streetCumulative = SplitMix64.cumulative(Lexicon.streetWeights)
            text.reserveCapacity(256)
        }

        // MARK: Names

        /// A person's name, or (`company`) the name of a business or body of class `uso`.
        func holder(company: Bool, uso: Int, municipio: [UInt8], barrio: [UInt8], _ rng: inout SplitMix64) {
            text.removeAll(keepingCapacity: true)
            if company {
                companyName(uso: uso, municipio: municipio, barrio: barrio, &rng)
            } else {
                personName(&rng)
            }
        }

        private func personName(_ rng: inout SplitMix64) {
            let femaleHolder = rng.chance(0.52)
            let style = rng.unit()
            // First name(s).
            let first: [UInt8]
            var second: [UInt8] = []
            let f = rng.unit()
            if f < 0.22 {
                first = rng.one(of: femaleHolder ? compoundF : compoundM)
            } else {
                first = femaleHolder ? female[rng.skewed(female.count)] : male[rng.skewed(male.count)]
                if f < 0.37 {
                    let s = rng.one(of: femaleHolder ? female : male)
                    if s != first { second = s }
                }
            }
            let s1 = surnames[rng.skewed(surnames.count)]
            let s2 = rng.chance(0.95) ? surnames[rng.skewed(surnames.count)] : []

            if style < 0.003 {
                // "Pérez García, Ana María"
                text.append(contentsOf: s1)
                if !s2.isEmpty { text.append(32); text.append(contentsOf: s2) }
                text.append(44); text.append(32)
                text.append(contentsOf: first)
                if !second.isEmpty { text.append(32); text.append(contentsOf: second) }
                return
            }
            text.append(contentsOf: first)
            if !second.isEmpty { text.append(32); text.append(contentsOf: second) }
            if style < 0.004 {
                append(" \"")
                text.append(contentsOf: rng.one(of: nicknames))
                text.append(34)
            }
            text.append(32)
            text.append(contentsOf: s1)
            if !s2.isEmpty { text.append(32); text.append(contentsOf: s2) }
        }

        private static let sas = Array(" S.A.S.".utf8)
        private static let sa = Array(" S.A.".utf8)

        private func companyName(uso: Int, municipio: [UInt8], barrio: [UInt8], _ rng: inout SplitMix64) {
            guard uso <= 2 else {  // oficial, especial: a public or community body
                let body = rng.one(of: uso == 3 ? officialBodies : specialBodies)
                text.append(contentsOf: body.words)
                switch body.namesake {
                case .municipio: text.append(contentsOf: municipio)
                case .barrio: text.append(contentsOf: barrio)
                case .patron: text.append(contentsOf: rng.one(of: patrons))
                case .businessName: text.append(contentsOf: rng.one(of: businessNames))
                }
                return
            }
            // comercial, industrial
            text.append(contentsOf: uso == 1 ? rng.one(of: shops) : rng.one(of: industries))
            text.append(32)
            let quoted = rng.chance(0.04)
            if quoted { text.append(34) }
            text.append(contentsOf: rng.one(of: businessNames))
            if quoted { text.append(34) }
            if uso == 2 {
                text.append(contentsOf: rng.chance(0.7) ? Wording.sas : Wording.sa)
            } else {
                text.append(contentsOf: rng.one(of: suffixes))
            }
        }

        // MARK: Documents

        /// A cédula de ciudadanía: 6 to 10 digits, the longer ones the more recent.
        func cedula(to s: ByteSink, _ rng: inout SplitMix64) {
            let u = rng.unit()
            if u < 0.03 {
                s.int(100_000 + rng.below(900_000))
            } else if u < 0.15 {
                s.int(1_000_000 + rng.below(9_000_000))
            } else if u < 0.60 {
                s.int(10_000_000 + rng.below(90_000_000))
            } else {
                s.int(1_000_000_000 + rng.below(200_000_000))
            }
        }

        private static let nitWeights = [3, 7, 13, 17, 19, 23, 29, 37, 41]

        /// A NIT with its check digit, `900123456-7`.
        func nit(to s: ByteSink, publicBody: Bool, _ rng: inout SplitMix64) {
            let prefix = publicBody ? rng.one(of: Lexicon.publicNitPrefixes) : rng.one(of: Lexicon.nitPrefixes)
            let number = prefix * 1_000_000 + rng.below(1_000_000)
            // DIAN check digit.
            var x = number
            var sum = 0
            for w in Wording.nitWeights {
                sum += (x % 10) * w
                x /= 10
            }
            let r = sum % 11
            let dv = r > 1 ? 11 - r : r
            s.int(number)
            s.put(45)
            s.put(UInt8(48 + dv))
        }

        // MARK: Addresses

        private static let letterSuffix: [UInt8] = Array("ABCDEFGH".utf8)

        /// An address of class `uso` and `estrato`; `sur` where the town numbers streets south.
        func address(uso: Int, estrato: Int, sur: Bool, _ rng: inout SplitMix64) {
            text.removeAll(keepingCapacity: true)
            if uso == 0 && estrato <= 2 && rng.chance(0.10) {
                // Informal or rural: "MZ 4 CS 12", "MZ B LT 7".
                append("MZ ")
                if rng.chance(0.4) {
                    text.append(Wording.letterSuffix[rng.below(8)])
                } else {
                    append(1 + rng.below(40))
                }
                append(rng.chance(0.7) ? " CS " : " LT ", 1 + rng.below(30))
                return
            }
            text.append(contentsOf: streetKinds[rng.pick(streetCumulative)])
            text.append(32)
            append(1 + rng.skewed(160))
            if rng.chance(0.15) { text.append(Wording.letterSuffix[rng.below(3)]) }
            if rng.chance(0.03) { append(" BIS") }
            if sur && rng.chance(0.25) { append(" SUR") }
            append(" # ", 1 + rng.skewed(130))
            if rng.chance(0.10) { text.append(Wording.letterSuffix[rng.below(3)]) }
            text.append(45)
            append(1 + rng.below(99), width: 2)

            let plain = text.count
            let u = rng.unit()
            switch uso {
            case 0:
                if estrato >= 3 {
                    if u < 0.40 {
                        append(" AP ", (1 + rng.skewed(22)) * 100 + 1 + rng.below(4))
                    } else if u < 0.50 {
                        append(" TO ", 1 + rng.below(8))
                        append(" AP ", (1 + rng.skewed(22)) * 100 + 1 + rng.below(4))
                    } else if u < 0.60 {
                        append(" CASA ", 1 + rng.below(40))
                    }
                } else if u < 0.08 {
                    append(" CASA ", 1 + rng.below(40))
                } else if u < 0.13 {
                    append(" AP ", (1 + rng.below(4)) * 100 + 1 + rng.below(3))
                }
            case 1:
                if u < 0.40 {
                    append(" LC ", 1 + rng.below(250))
                } else if u < 0.50 {
                    append(" OF ", (1 + rng.below(12)) * 100 + 1 + rng.below(10))
                }
            case 2:
                if u < 0.30 {
                    append(" BG ", 1 + rng.below(30))
                }
            default:
                break
            }
            if text.count == plain && rng.chance(0.004) {
                append(", PISO ", 2 + rng.below(4))
            }
        }

        // MARK: Spelling

        /// A non-negative integer in decimal, at least `width` digits (zero padded).
        private func append(_ v: Int, width: Int = 1) {
            let n = Digits.count(v, width: width)
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: n) { digits in
                Digits.spell(v, count: n, at: digits.baseAddress!)
                text.append(contentsOf: digits)
            }
        }

        @inline(__always) private func append(_ s: StaticString) {
            s.withUTF8Buffer { text.append(contentsOf: $0) }
        }

        /// A label and its number: " AP 402".
        @inline(__always) private func append(_ label: StaticString, _ number: Int) {
            append(label)
            append(number)
        }
    }
}
