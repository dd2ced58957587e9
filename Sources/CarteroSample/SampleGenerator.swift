import Cartero
import Foundation
import PQ

extension SampleExtract {
    /// Writes the accounts one by one, each with its payments and letters, drawing all
    /// from one SplitMix64 in a fixed order. Dates are days since 1970-01-01.
    final class Generator {
        private struct Municipio {
            let name: [UInt8]
            let sur: Bool
            let barrios: [[UInt8]]
            let barrioOrder: [Int]
            let routeBase: Int
            let routes: Int
        }

        private struct Regional {
            let code: [UInt8]
            let prefix: Int
            let key: UInt64
            let municipios: [Municipio]
            let municipioCumulative: [Double]
            /// Dates of the pre-system letter campaigns, ascending; `recentFrom` is the
            /// index of the first one after asOf − 2 months.
            let campaigns: [Int]
            let recentFrom: Int
        }

        private(set) var paymentCount = 0
        private(set) var letterCount = 0

        private var rng: SplitMix64
        private let options: SampleExtract.Options
        private let accounts, payments, letters: ByteSink
        private let wording = Wording()
        private var regionals: [Regional] = []
        private var regionalCumulative: [Double] = []
        private var perRegional: [Int]

        private let asOf, monthAgo, twoMonthsAgo, threeYearsAgo: Int
        /// Every date written lies in asOf − 2,400 days ... asOf + 99 days.
        private let dates: DateTexts

        // Receipt counters per year (RC-YYYY-NNNNNNN).
        private let receiptBaseYear: Int
        private var receiptCounters: [Int]
        private var receiptYears: [[UInt8]]

        private let saneamiento, usos: [[UInt8]]
        private let usoCumulative, estratoCumulative: [Double]

        private var dayList: [Int] = []
        private let cuenta: UnsafeMutablePointer<UInt8> = .allocate(capacity: 16)

        init(options: SampleExtract.Options, accountsURL: URL, paymentsURL: URL, lettersURL: URL) throws {
            self.options = options
            rng = SplitMix64(state: SampleExtract.mix64(options.seed ^ 0x43_61_72_74_65_72_6F))  // "Cartero"
            accounts = try ByteSink(accountsURL)
            payments = try ByteSink(paymentsURL)
            letters = try ByteSink(lettersURL)
            perRegional = Array(repeating: 0, count: options.regionals)

            let extractDate = options.asOf
            asOf = extractDate.daysSinceEpoch
            monthAgo = extractDate.adding(months: -1).daysSinceEpoch
            twoMonthsAgo = extractDate.adding(months: -2).daysSinceEpoch
            threeYearsAgo = extractDate.adding(months: -36).daysSinceEpoch
            dates = DateTexts(first: asOf - 2_400, days: 2_500)

            saneamiento = Lexicon.utf8(ExtractKind.cleanUpMarks)
            usos = Lexicon.utf8(UseClass.allCases.map(\.rawValue))
            usoCumulative = SplitMix64.cumulative(Lexicon.usoWeights)
            estratoCumulative = SplitMix64.cumulative(Lexicon.estratoWeights)

            receiptBaseYear = extractDate.year - 4
            receiptCounters = []
            receiptYears = []
            for y in receiptBaseYear...(extractDate.year + 1) {
                receiptYears.append(Array("RC-\(y)-".utf8))
            }
            for _ in receiptYears { receiptCounters.append(1_000 + Int(rng.next() % 40_000)) }

            var built: [Regional] = []
            for r in 0..<options.regionals {
                let entry = SampleExtract.regionalCatalog[r]
                let lex = Lexicon.municipios[r]
                var munis: [Municipio] = []
                for (i, m) in lex.enumerated() {
                    var order = Array(0..<m.barrios.count)
                    for j in stride(from: order.count - 1, to: 0, by: -1) {
                        order.swapAt(j, Int(rng.next() % UInt64(j + 1)))
                    }
                    munis.append(Municipio(
                        name: Array(m.name.utf8), sur: m.sur, barrios: Lexicon.utf8(m.barrios), barrioOrder: order,
                        routeBase: i * 100, routes: m.barrios.count * 7 / 10 + 2))
                }
                // Pre-system letter campaigns of this regional: every 3 to 6 weeks over two years.
                var campaigns: [Int] = []
                var day = extractDate.adding(months: -24).daysSinceEpoch + Int(rng.next() % 20)
                while day <= asOf - 3 {
                    campaigns.append(day)
                    day += 20 + Int(rng.next() % 26)
                }
                let recentFrom = campaigns.firstIndex { $0 > twoMonthsAgo } ?? campaigns.count
                built.append(Regional(
                    code: Array(entry.code.utf8), prefix: r + 1, key: rng.next(), municipios: munis,
                    municipioCumulative: SplitMix64.cumulative(lex.map(\.weight)),
                    campaigns: campaigns, recentFrom: recentFrom))
            }
            regionals = built
            regionalCumulative = SplitMix64.cumulative(Array(Lexicon.regionalWeights.prefix(options.regionals)))
        }

        deinit { cuenta.deallocate() }

        // MARK: Run

        func run(progress: ((Int) -> Void)?) throws {
            accounts.text(
                "cuenta,regional,titular,documento,direccion,barrio,municipio,ruta,uso,estrato,facturacion,saldo_mora,fecha_mora,cobro_juridico,saneamiento\n")
            payments.text("cuenta,fecha,valor,referencia\n")
            letters.text("cuenta,fecha_envio\n")
            dayList.reserveCapacity(64)

            let total = options.accounts
            for i in 0..<total {
                account()
                try accounts.rowDone()
                try payments.rowDone()
                try letters.rowDone()
                if (i + 1) & 16383 == 0 { progress?(i + 1) }
            }
            try accounts.close()
            try payments.close()
            try letters.close()
            progress?(total)
        }

        // MARK: One account

        private static let thresholds = [100_000, 300_000, 300_000, 300_000, 300_000]
        private static let residentialMedian = [92_000.0, 120_000, 152_000, 205_000, 280_000, 355_000]
        private static let residentialBill = [18_000.0, 26_000, 38_000, 52_000, 75_000, 95_000]
        private static let classMedian = [0, 650_000.0, 2_700_000, 3_200_000, 380_000]
        private static let classBill = [0, 120_000.0, 550_000, 480_000, 70_000]
        private static let classSigma = [1.0, 1.1, 1.15, 1.1, 1.0]

        private func account() {
            // Where.
            let r = rng.pick(regionalCumulative)
            let regional = regionals[r]
            let local = perRegional[r]
            perRegional[r] = local + 1
            let number = Generator.permute(local, key: regional.key)
            let mi = rng.pick(regional.municipioCumulative)
            let muni = regional.municipios[mi]
            let barrio = muni.barrioOrder[rng.skewed(muni.barrios.count)]  // some barrios are bigger
            let routeHome = barrio * 7 / 10 + 1
            let ruta: Int
            let routeDraw = rng.unit()
            if routeDraw < 0.80 {
                ruta = routeHome
            } else if routeDraw < 0.95 {
                ruta = routeHome + 1
            } else {
                ruta = 1 + rng.below(muni.routes)
            }

            // What.
            let uso = rng.pick(usoCumulative)
            let estrato = uso == 0 ? rng.pick(estratoCumulative) + 1 : 0
            let directa = rng.chance(0.55)
            let companyShare = [0.0, 0.45, 0.85, 0.95, 0.5][uso]
            let company = uso > 0 && rng.chance(companyShare)

            // Balance and oldest due date.
            var cents = 0
            var daysPastDue = 0
            var shortCents = false
            let bill = uso == 0 ? Generator.residentialBill[estrato - 1] : Generator.classBill[uso]
            if !rng.chance(0.25) {
                let threshold = Generator.thresholds[uso]
                let special = rng.unit()
                if special < 0.0012 {
                    // Exactly at, or one cent / one peso around, the threshold.
                    let offsets = [0, 0, 0, 0, 0, 1, -1, 100, -100, 1]
                    cents = threshold * 100 + offsets[rng.below(offsets.count)]
                    daysPastDue = 61 + rng.below(700)
                } else if special < 0.05 {
                    // A small residue left from an old bill.
                    cents = (2_000 + rng.below(88_000)) * 100
                    daysPastDue = 200 + rng.below(1_990)
                } else {
                    let median = uso == 0 ? Generator.residentialMedian[estrato - 1] : Generator.classMedian[uso]
                    var pesos = median * SampleExtract.detExp(Generator.classSigma[uso] * rng.normal())
                    if pesos > 20_000_000 { pesos = 20_000_000 * (0.55 + 0.45 * rng.unit()) }
                    if pesos < 800 { pesos = 800 + 2_000 * rng.unit() }
                    cents = Int(pesos.rounded()) * 100
                    if rng.chance(0.10) {
                        cents += 1 + rng.below(99)
                        shortCents = rng.chance(0.3)
                    }
                    let months = pesos / bill
                    var days = (months * 30.4 * SampleExtract.detExp(0.5 * rng.normal())).rounded()
                    if days < 1 { days = 1 + Double(rng.below(20)) }
                    daysPastDue = Int(days)
                    if daysPastDue > 2_190 { daysPastDue = 1_800 + rng.below(391) }
                    // A big bill that fell due only recently.
                    if rng.chance(0.12) { daysPastDue = 1 + rng.below(60) }
                }
                let edge = rng.unit()
                if edge < 0.001 { daysPastDue = 60 } else if edge < 0.002 { daysPastDue = 61 }
            }
            let debtor = cents > 0
            let overThreshold = cents > Generator.thresholds[uso] * 100
            let eligibleDebt = overThreshold && daysPastDue > 60

            let juridico: Bool
            if !debtor {
                juridico = rng.chance(0.002)
            } else if cents >= 200_000_000 && daysPastDue > 365 {
                juridico = rng.chance(0.35)
            } else if cents >= 80_000_000 && daysPastDue > 180 {
                juridico = rng.chance(0.10)
            } else {
                juridico = rng.chance(0.024)
            }
            let saneamientoMark = rng.chance(debtor ? 0.024 : 0.008) ? Int(rng.below(3)) : -1

            // cuenta: the regional's digit and 8 permuted digits.
            let a = accounts
            cuenta[0] = UInt8(48 + regional.prefix)
            var x = number
            for k in stride(from: 8, through: 1, by: -1) {
                cuenta[k] = UInt8(48 + x % 10)
                x /= 10
            }
            a.copy(from: cuenta, count: 9)
            a.put(44)
            a.bytes(regional.code)
            a.put(44)

            // titular
            wording.holder(company: company, uso: uso, municipio: muni.name, barrio: muni.barrios[barrio], &rng)
            a.field(wording.text)
            a.put(44)

            // documento
            if !rng.chance(0.03) {
                if company { wording.nit(to: a, publicBody: uso == 3, &rng) } else { wording.cedula(to: a, &rng) }
            }
            a.put(44)

            // direccion
            if !rng.chance(0.015) {
                wording.address(uso: uso, estrato: estrato, sur: muni.sur, &rng)
                a.field(wording.text)
            }
            a.put(44)

            // barrio, municipio, ruta
            if !rng.chance(0.02) { a.field(muni.barrios[barrio]) }
            a.put(44)
            a.field(muni.name)
            a.put(44)
            if !rng.chance(0.01) {
                a.put(82); a.put(45)  // "R-"
                a.int(muni.routeBase + ruta, width: 3)
            }
            a.put(44)

            // uso, estrato, facturacion
            a.bytes(usos[uso])
            a.put(44)
            if estrato > 0 { a.put(UInt8(48 + estrato)) }
            a.put(44)
            a.bytes(directa ? Generator.directaBytes : Generator.conjuntaBytes)
            a.put(44)

            // saldo_mora, fecha_mora
            a.amount(cents, short: shortCents)
            a.put(44)
            if debtor { a.date(asOf - daysPastDue, from: dates) }
            a.put(44)
            a.put(juridico ? 83 : 78)
            a.put(44)
            if saneamientoMark >= 0 { a.bytes(saneamiento[saneamientoMark]) }
            a.put(10)

            paymentRows(debtor: debtor, eligibleDebt: eligibleDebt, bill: bill)
            letterRows(regional: regional, debtor: debtor, eligibleDebt: eligibleDebt, daysPastDue: daysPastDue)
        }

        /// The account's payments of the last three years, a few a month ago exactly.
        private func paymentRows(debtor: Bool, eligibleDebt: Bool, bill: Double) {
            var n: Int
            let recent: Bool
            if debtor {
                n = rng.below(5) + (rng.chance(0.3) ? rng.below(4) : 0)
                recent = rng.chance(eligibleDebt ? 0.075 : 0.095)
            } else {
                n = 2 + rng.below(8)
                recent = rng.chance(0.36)
            }
            dayList.removeAll(keepingCapacity: true)
            if recent {
                if n == 0 { n = 1 }
                if rng.chance(0.01) {
                    dayList.append(asOf + 1 + rng.below(5))  // dated after the extract (counts as recent)
                } else {
                    dayList.append(monthAgo + 1 + rng.below(asOf - monthAgo))
                }
                n -= 1
            }
            if rng.chance(0.003) { dayList.append(monthAgo) }  // exactly one month before: not recent
            let span = monthAgo - threeYearsAgo + 1
            for _ in 0..<n { dayList.append(threeYearsAgo + rng.below(span)) }
            sortUnique()
            for day in dayList {
                rowStart(payments, day)
                payments.put(44)
                var pesos: Double
                if debtor {
                    pesos = bill * (0.5 + 2.0 * rng.unit())
                    if rng.chance(0.5) { pesos = (pesos / 100).rounded() * 100 }
                } else {
                    pesos = bill * (0.85 + 0.4 * rng.unit())
                }
                var valor = max(1_000, Int(pesos.rounded())) * 100
                if rng.chance(0.15) { valor += 1 + rng.below(99) }
                payments.amount(valor)
                payments.put(44)
                if !rng.chance(0.05) {
                    let y = CalendarDate(daysSinceEpoch: day).year - receiptBaseYear
                    payments.bytes(receiptYears[y])
                    payments.int(receiptCounters[y], width: 7)
                    receiptCounters[y] += 1 + rng.below(3)
                }
                payments.put(10)
                paymentCount += 1
            }
        }

        /// The letters sent to the account before this system, from its regional's campaigns.
        private func letterRows(regional: Regional, debtor: Bool, eligibleDebt: Bool, daysPastDue: Int) {
            dayList.removeAll(keepingCapacity: true)
            let recentLetter = rng.chance(eligibleDebt ? 0.19 : (debtor ? 0.07 : 0.02))
            let camps = regional.campaigns
            if recentLetter && regional.recentFrom < camps.count {
                let c = camps[regional.recentFrom + rng.below(camps.count - regional.recentFrom)]
                dayList.append(min(asOf, c + rng.below(4)))
            }
            var older = 0
            if debtor && daysPastDue > 90 {
                if rng.chance(0.55) { older = 1 + (rng.chance(0.35) ? 1 + rng.below(2) : 0) }
            } else if rng.chance(0.06) {
                older = 1
            }
            if regional.recentFrom > 0 {
                for _ in 0..<older {
                    let c = camps[rng.below(regional.recentFrom)]
                    let jittered = c + rng.below(4)
                    dayList.append(jittered <= twoMonthsAgo ? jittered : c)
                }
            }
            if rng.chance(0.002) { dayList.append(twoMonthsAgo) }  // exactly two months before: not recent
            sortUnique()
            for day in dayList {
                rowStart(letters, day)
                letters.put(10)
                letterCount += 1
            }
        }

        private static let directaBytes = Array("directa".utf8)
        private static let conjuntaBytes = Array("conjunta".utf8)

        /// `cuenta,fecha` of a payment or a letter.
        @inline(__always) private func rowStart(_ sink: ByteSink, _ day: Int) {
            sink.copy(from: cuenta, count: 9)
            sink.put(44)
            sink.date(day, from: dates)
        }

        /// Insertion sort of the (short) day list, dropping repeated days.
        private func sortUnique() {
            let n = dayList.count
            guard n > 1 else { return }
            dayList.withUnsafeMutableBufferPointer { p in
                for i in 1..<n {
                    let v = p[i]
                    var j = i - 1
                    while j >= 0 && p[j] > v {
                        p[j + 1] = p[j]
                        j -= 1
                    }
                    p[j + 1] = v
                }
            }
            var w = 1
            for i in 1..<n where dayList[i] != dayList[w - 1] {
                dayList[w] = dayList[i]
                w += 1
            }
            dayList.removeLast(n - w)
        }

        /// A bijection of [0, 10^8): a 4-round Feistel network on two 4-digit halves.
        private static func permute(_ x: Int, key: UInt64) -> Int {
            var l = x / 10_000
            var r = x % 10_000
            for round in 0..<4 {
                let f = Int(SampleExtract.mix64(UInt64(r) ^ key ^ (UInt64(round) << 56)) % 10_000)
                (l, r) = (r, (l + f) % 10_000)
            }
            return l * 10_000 + r
        }
    }
}
