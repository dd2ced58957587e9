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
        try Campaigns.translatingErrors(of: id) {
            try db.queryValue("SELECT cartero.dispatch_letters(\(id), \(date))", as: Int.self)
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
    }

    /// Numbers the campaign's letters (once: see `number`) and writes `cartas.pdf`, every
    /// letter in rank order with its payment coupon, and `manifiesto.csv` into
    /// `directory`. Runs in the caller's transaction, so that a run stopped halfway
    /// stores nothing and uses no consecutivo: running it again numbers the same way.
    /// Each file is written beside its name and renamed when complete. `progress` gets
    /// the letters drawn and the total.
    public static func generate(
        _ id: Campaign.ID, into directory: URL, on db: Connection, progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> Generated {
        let campaign = try Campaigns.find(id, on: db)
        let settings = try LetterSettings.find(regional: campaign.regional, on: db)
        guard let gln = settings["gln"], !gln.isEmpty else {
            throw CarteroError.invalid(
                "regional \(campaign.regional) has no GS1 location number for the payment coupon's barcode: an administrator sets the letter setting gln")
        }
        let total = try number(id, on: db)
        let (today, regionalName) = try db.queryRow("SELECT current_date, name FROM cartero.regionals WHERE code = \(campaign.regional)")!
            .decode((CalendarDate, String).self)
        let dueDate = CalendarDate(daysSinceEpoch: today.daysSinceEpoch + (Int(settings["dias_cupon"] ?? "") ?? 15))

        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pdfURL = directory.appendingPathComponent("cartas.pdf")
        let manifestURL = directory.appendingPathComponent("manifiesto.csv")
        let partialPDF = directory.appendingPathComponent(".cartas.pdf.partial")
        let partialManifest = directory.appendingPathComponent(".manifiesto.csv.partial")
        defer {
            try? FileManager.default.removeItem(at: partialPDF)
            try? FileManager.default.removeItem(at: partialManifest)
        }

        let pdf = try LetterPDF(path: partialPDF.path, settings: settings, regionalName: regionalName, date: today)
        var drawn = 0
        try db.forEachRow("""
            SELECT consecutivo, cuenta, titular, direccion, barrio, municipio, saldo_mora, dias_mora
              FROM cartero.letters WHERE campaign_id = \(id) ORDER BY prioridad
            """) { row in
            let (consecutivo, cuenta, titular, direccion, barrio, municipio, saldo, dias) =
                try row.decode((String, String, String, String, String, String, Decimal, Int?).self)
            try pdf.add(PrintedLetter(
                consecutivo: consecutivo, cuenta: cuenta, titular: titular, direccion: direccion, barrio: barrio,
                municipio: municipio, diasMora: dias, cutDate: campaign.cutDate,
                coupon: try PaymentCoupon(locationNumber: gln, reference: cuenta, amount: saldo, dueDate: dueDate)))
            drawn += 1
            if drawn % 500 == 0 || drawn == total { progress(drawn, total) }
        }
        let pages = try pdf.finish()

        guard FileManager.default.createFile(atPath: partialManifest.path, contents: nil),
            let handle = try? FileHandle(forWritingTo: partialManifest)
        else { throw CarteroError.invalid("cannot write \(partialManifest.path)") }
        do {
            try manifest(id, on: db) { try handle.write(contentsOf: Data($0)) }
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            throw error
        }
        for (partial, final) in [(partialPDF, pdfURL), (partialManifest, manifestURL)] {
            _ = try? FileManager.default.removeItem(at: final)
            try FileManager.default.moveItem(at: partial, to: final)
        }
        return Generated(letters: drawn, pages: pages, pdf: pdfURL, manifest: manifestURL)
    }
}
