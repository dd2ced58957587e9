import Foundation
import PQ

/// A campaign's letters (RULES.md section 2): numbered when generated, listed for the
/// courier, and dispatched on a date. The numbering and the dispatch are
/// `cartero.generate_letters` and `cartero.dispatch_letters` (sql/migrations/0008_letters.sql),
/// which lock the regional's counter and the campaign; these functions run in the
/// caller's transaction and turn their refusals into sentences.
public enum Letters {
    /// Numbers the letters of an approved campaign, one per reserved account in rank
    /// order, `REGIONAL-YYYY-NNNNNN` without gaps. On a campaign generated already it
    /// numbers nothing and returns its letters' count, so an interrupted run is
    /// finished by running it again. Only a coordinador of the regional or an admin.
    @discardableResult
    public static func number(_ id: Campaign.ID, on db: Connection) throws -> Int {
        try Campaigns.translatingErrors(of: id) {
            try db.queryValue("SELECT cartero.generate_letters(\(id))", as: Int.self)
        }
    }

    /// Records that the campaign's letters were handed to the courier on `date` (from
    /// the day they were generated to today); they count for `carta_reciente` from then,
    /// and the campaign's reservations are released. Returns how many letters.
    @discardableResult
    public static func dispatch(_ id: Campaign.ID, on date: CalendarDate, on db: Connection) throws -> Int {
        try dispatch(id, on: date, handRoutes: [], on: db).letters
    }

    /// What a dispatch handed out: every letter, and those of them given to field agents.
    public struct Dispatched: Sendable, Hashable {
        public let letters: Int
        public let byHand: Int
    }

    /// `dispatch`, handing the letters of `handRoutes` to the regional's auxiliares de
    /// terreno instead of the courier: each route whole to the agent with the fewest
    /// letters left to deliver. They record each delivery (`HandDelivery.record`).
    public static func dispatch(
        _ id: Campaign.ID, on date: CalendarDate, handRoutes: [String], on db: Connection
    ) throws -> Dispatched {
        try Campaigns.translatingErrors(of: id) {
            let letters = try db.queryValue("SELECT cartero.dispatch_letters(\(id), \(date), \(handRoutes))", as: Int.self)
            let byHand = try db.queryValue(
                "SELECT count(*) FROM cartero.letters WHERE campaign_id = \(id) AND carrier IS NOT NULL", as: Int.self)
            return Dispatched(letters: letters, byHand: byHand)
        }
    }

    /// `manifiesto.csv` (FORMATS.md): the header, then one row per letter in the letters'
    /// order, streamed from the server. Returns the number of letters. An unknown
    /// neighbourhood or route is an empty field (COPY would write `""` for '').
    @discardableResult
    public static func manifest(_ id: Campaign.ID, on db: Connection, _ write: (UnsafeRawBufferPointer) throws -> Void) throws -> Int {
        try CampaignExports.copy(id, on: db, """
            SELECT consecutivo, cuenta, titular, direccion, nullif(barrio, '') AS barrio, municipio, nullif(ruta, '') AS ruta,
                   saldo_mora, dias_mora, paginas
              FROM cartero.letters
             WHERE campaign_id = current_setting('cartero.export_campaign')::bigint
             ORDER BY prioridad
            """, write)
    }

    /// What `generate` wrote.
    public struct Generated: Sendable, Hashable {
        public let letters: Int
        public let pages: Int
        public let pdf: URL
        public let manifest: URL
        /// The print shop's volumes, `cartas-001.pdf` on, in order; empty when not asked for.
        public let volumes: [URL]
    }

    /// Numbers the campaign's letters (once: see `number`; a dispatched campaign's are drawn as they were numbered) and writes `cartas.pdf`, every
    /// letter in rank order with its payment coupon, and `manifiesto.csv` into
    /// `directory`; with a `volumeSize`, also the same letters split into volumes of at
    /// most that many, `cartas-001.pdf`, `cartas-002.pdf`, …, for the print shop. Runs in
    /// the caller's transaction, so that a run stopped halfway stores nothing and uses no
    /// consecutivo: running it again numbers the same way. Each file is written beside
    /// its name and renamed when all are complete; the volumes a previous run left there
    /// go first, so that none of another size remains. `progress` gets the letters drawn
    /// and the total.
    public static func generate(
        _ id: Campaign.ID, into directory: URL, volumeSize: Int? = nil, on db: Connection,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> Generated {
        if let volumeSize, volumeSize < 1 {
            throw CarteroError.invalid("the volume size must be 1 letter or more, not \(volumeSize)")
        }
        let campaign = try Campaigns.find(id, on: db)
        let today = try db.queryValue("SELECT current_date", as: CalendarDate.self)
        let layout = try Layout(campaign, dated: today, on: db)
        // A campaign handed to the courier is drawn again as numbered (a lost file, another instance).
        let total = [.despachada, .cerrada].contains(campaign.status)
            ? try db.queryValue("SELECT count(*) FROM cartero.letters WHERE campaign_id = \(id)", as: Int.self)
            : try number(id, on: db)

        let files = FileManager.default
        try files.createDirectory(at: directory, withIntermediateDirectories: true)
        // Partial volumes a killed run left behind.
        for name in try files.contentsOfDirectory(atPath: directory.path) where isVolume(name, partial: true) {
            try? files.removeItem(at: directory.appendingPathComponent(name))
        }
        let pdfURL = directory.appendingPathComponent("cartas.pdf")
        let manifestURL = directory.appendingPathComponent("manifiesto.csv")
        var written: [(partial: URL, final: URL)] = [
            (directory.appendingPathComponent(".cartas.pdf.partial"), pdfURL),
            (directory.appendingPathComponent(".manifiesto.csv.partial"), manifestURL),
        ]
        defer {
            for (partial, _) in written { try? files.removeItem(at: partial) }
        }

        let pdf = try layout.pdf(path: written[0].partial.path)
        var drawn = 0
        try db.forEachRow("""
            SELECT consecutivo, cuenta, titular, direccion, barrio, municipio, saldo_mora, dias_mora
              FROM cartero.letters WHERE campaign_id = \(id) ORDER BY prioridad
            """) { row in
            let (consecutivo, cuenta, titular, direccion, barrio, municipio, saldo, dias) =
                try row.decode((String, String, String, String, String, String, Decimal, Int?).self)
            if let volumeSize, drawn % volumeSize == 0 {
                _ = try pdf.closeVolume()
                let name = String(format: "cartas-%03d.pdf", drawn / volumeSize + 1)
                written.append((directory.appendingPathComponent(".\(name).partial"), directory.appendingPathComponent(name)))
                try pdf.openVolume(path: written[written.count - 1].partial.path)
            }
            try pdf.add(try layout.letter(consecutivo: consecutivo, cuenta: cuenta, titular: titular, direccion: direccion,
                                          barrio: barrio, municipio: municipio, saldo: saldo, dias: dias))
            drawn += 1
            if drawn % 500 == 0 || drawn == total { progress(drawn, total) }
        }
        let pages = try pdf.finish()

        guard files.createFile(atPath: written[1].partial.path, contents: nil),
            let handle = try? FileHandle(forWritingTo: written[1].partial)
        else { throw CarteroError.invalid("cannot write \(written[1].partial.path)") }
        do {
            try manifest(id, on: db) { try handle.write(contentsOf: Data($0)) }
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            throw error
        }
        for name in try files.contentsOfDirectory(atPath: directory.path) where isVolume(name, partial: false) {
            try files.removeItem(at: directory.appendingPathComponent(name))
        }
        for (partial, final) in written {
            _ = try? files.removeItem(at: final)
            try files.moveItem(at: partial, to: final)
        }
        return Generated(letters: drawn, pages: pages, pdf: pdfURL, manifest: manifestURL, volumes: written.dropFirst(2).map(\.final))
    }

    /// A duplicate of one letter as it was generated (its date, its amounts, its coupon),
    /// written to `file`: for the debtor at the counter who lost his. Whoever sees the letter.
    public static func duplicate(_ consecutivo: String, to file: URL, on db: Connection) throws {
        guard let row = try db.queryRow("""
            SELECT campaign_id, generated_at::date AS dated, cuenta, titular, direccion, barrio, municipio, saldo_mora, dias_mora
              FROM cartero.letters WHERE consecutivo = \(consecutivo)
            """) else { throw CarteroError.notFound("no letter you may see has the consecutivo \(consecutivo)") }
        let (campaignID, dated, cuenta, titular, direccion, barrio, municipio, saldo, dias) =
            try row.decode((Int64, CalendarDate, String, String, String, String, String, Decimal, Int?).self)
        let layout = try Layout(try Campaigns.find(campaignID, on: db), dated: dated, on: db)
        let pdf = try layout.pdf(path: file.path)
        try pdf.add(try layout.letter(consecutivo: consecutivo, cuenta: cuenta, titular: titular, direccion: direccion,
                                      barrio: barrio, municipio: municipio, saldo: saldo, dias: dias))
        _ = try pdf.finish()
    }

    /// What every letter of a campaign shares: the regional's settings and name, the
    /// letter's date, and the coupon's due date and location number.
    private struct Layout {
        let campaign: Campaign
        let settings: LetterSettings
        let regionalName: String
        let date: CalendarDate
        let dueDate: CalendarDate
        let gln: String

        init(_ campaign: Campaign, dated date: CalendarDate, on db: Connection) throws {
            settings = try LetterSettings.find(regional: campaign.regional, on: db)
            guard let gln = settings["gln"], !gln.isEmpty else {
                throw CarteroError.invalid(
                    "regional \(campaign.regional) has no GS1 location number for the payment coupon's barcode: an administrator sets the letter setting gln")
            }
            self.campaign = campaign
            self.gln = gln
            self.date = date
            regionalName = try db.queryValue("SELECT name FROM cartero.regionals WHERE code = \(campaign.regional)", as: String.self)
            dueDate = CalendarDate(daysSinceEpoch: date.daysSinceEpoch + (Int(settings["dias_cupon"] ?? "") ?? 15))
        }

        func pdf(path: String) throws -> LetterPDF {
            try LetterPDF(path: path, settings: settings, regionalName: regionalName, date: date, cutDate: campaign.cutDate)
        }

        func letter(
            consecutivo: String, cuenta: String, titular: String, direccion: String, barrio: String, municipio: String,
            saldo: Decimal, dias: Int?
        ) throws -> PrintedLetter {
            PrintedLetter(
                consecutivo: consecutivo, cuenta: cuenta, titular: titular, direccion: direccion, barrio: barrio,
                municipio: municipio, diasMora: dias, cutDate: campaign.cutDate,
                coupon: try PaymentCoupon(locationNumber: gln, reference: cuenta, amount: saldo, dueDate: dueDate))
        }
    }

    /// `cartas-001.pdf`, or its `.cartas-001.pdf.partial` while it is written.
    private static func isVolume(_ name: String, partial: Bool) -> Bool {
        var rest = Substring(name)
        guard rest.hasPrefix(partial ? ".cartas-" : "cartas-"), rest.hasSuffix(partial ? ".pdf.partial" : ".pdf") else { return false }
        rest = rest.dropFirst(partial ? 8 : 7).dropLast(partial ? 12 : 4)
        return rest.count >= 3 && rest.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
