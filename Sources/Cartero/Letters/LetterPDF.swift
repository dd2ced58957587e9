import CPangoCairo
import PQ
import Foundation

/// The collection letters drawn into PDF files, one letter-size page each, written
/// page by page as they are drawn (cairo's PDF surface), so that memory stays flat
/// whatever the number of letters: the whole run into one file and, when asked, the
/// current print-shop volume into another. Text is laid out by pango once per letter
/// and the same layouts are drawn into each open file. What every letter shares is laid
/// out and written once per file (docs/pdf-library.md: shaping the text and printing
/// the page's numbers are most of the cost).
///
/// Owns the pango context, the layouts and the files' surfaces, and frees them in
/// `deinit`; not Sendable: the letters are drawn by one thread.
final class LetterPDF {
    private let context: OpaquePointer
    private let whole: PDFFile
    private var volume: PDFFile?
    private let fixed: Fixed
    private let slots: Slots
    /// Where the coupon's details start, below its title.
    private let couponTitleBottom: Double
    /// The symbols every coupon of the regional begins with (Start C, FNC1, 415 and its
    /// location number, 8020), whose bars are drawn once into a form: a third of them.
    private let sharedBars: (symbols: [Int], block: Block)?

    /// Points of a US letter page, and the margin.
    static let width = 612.0, height = 792.0, margin = 60.0
    static var textWidth: Double { width - 2 * margin }
    /// Where the coupon's cut line runs; the letter's text ends above it.
    static let couponTop = 632.0
    static let text = "DejaVu Sans 9.5", bold = "DejaVu Sans Bold 9.5"
    /// One module of the bars is 1 point (0.35 mm); a quiet zone of ten modules on each side.
    static let barsLeft = margin + 10, barHeight = 40.0

    /// The layouts that change with every letter, made once and given new text per page:
    /// making a layout (and finding its font) costs more than laying out its text.
    private struct Slots {
        let consecutivo: TextLayout
        let addressee: TextLayout
        let subject: TextLayout
        let couponDetails: TextLayout
        let humanReadable: TextLayout
    }

    /// What every letter of the run shares, laid out once and drawn once into a
    /// recording, which each PDF keeps as one form and every page shows again: the
    /// glyphs of these paragraphs are written to a file once, not once a page.
    private struct Fixed {
        /// The letterhead, the city and date, the coupon's cut line and title: the same
        /// place on every page.
        let page: Block
        /// Where the letter's own lines start, below the date.
        let top: Double
        /// The salutation and the paragraphs from the body to the signature, which
        /// follow the subject wherever the addressee's lines end.
        let body: Block
        let bodyHeight: Double
    }

    /// Drawing done once into a recording surface of the given extents; freed with the value.
    private final class Block {
        let surface: OpaquePointer
        let extents: cairo_rectangle_t

        init(_ extents: cairo_rectangle_t, _ draw: (OpaquePointer) -> Void) {
            var bounds = extents
            self.extents = extents
            surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &bounds)
            let cr = cairo_create(surface)!
            draw(cr)
            cairo_destroy(cr)
        }

        deinit { cairo_surface_destroy(surface) }
    }

    init(path: String, settings: LetterSettings, regionalName: String, date: CalendarDate, cutDate: CalendarDate) throws {
        whole = try PDFFile(path: path, width: Self.width, height: Self.height)
        context = pango_cairo_create_context(whole.cr)
        // Pango rounds glyph positions to whole pixels by default: on a PDF that moves
        // nearly every glyph off its advance, and cairo then writes a correction for
        // each, which made the pages a third larger and slower to write.
        pango_context_set_round_glyph_positions(context, 0)
        let layout = { [context] (font: String) in TextLayout(context, font: font, width: Self.textWidth) }

        let value = { (key: String) in settings[key] ?? "" }
        let city = value("ciudad").isEmpty ? regionalName : value("ciudad")
        let letterhead = [value("empresa"), value("nit").isEmpty ? "" : "NIT \(value("nit"))", value("direccion_regional")]
            .filter { !$0.isEmpty }
        var closing = [value("puntos_pago"), value("parrafo_acuerdo")]
        let attention = [
            value("cau_direccion"), value("cau_horario"),
            value("cau_telefono").isEmpty ? "" : "teléfono \(value("cau_telefono"))",
            value("cau_correo").isEmpty ? "" : "correo \(value("cau_correo"))",
        ].filter { !$0.isEmpty }
        if !attention.isEmpty {
            let said = attention.joined(separator: "; ")
            closing.append("Centro de Atención a Usuarios: \(said)\(said.hasSuffix(".") ? "" : ".")")
        }
        if !value("aviso_centrales").isEmpty { closing.append(value("aviso_centrales")) }
        closing.append("Atentamente,\n\n\n\(value("firmante"))\n\(value("cargo_firmante"))")

        let head = layout("DejaVu Sans Bold 10.5").set(letterhead.joined(separator: "\n"))
        let dateLine = layout(Self.text).set("\(city), \(date.spelledInSpanish)")
        let couponTitle = layout("DejaVu Sans Bold 9").set("CUPÓN DE PAGO — \(value("empresa"))")
        // The amounts are in the subject, so that the paragraphs after it are the same
        // in every letter of the campaign.
        let body = layout(Self.text).set("""
            Respetado(a) señor(a):

            Le informamos que a la fecha de corte del \(cutDate.spelledInSpanish) la cuenta del asunto registra \
            el saldo en mora y los días de vencimiento allí indicados. Le invitamos a ponerse al día con su \
            obligación a la mayor brevedad, para evitar la suspensión del servicio y el cobro por la vía jurídica.
            """)
        let rest = layout(Self.text).set(closing.joined(separator: "\n\n"))
        let bodyHeight = body.height + 8 + rest.height
        let bodyBlock = Block(cairo_rectangle_t(x: 0, y: 0, width: Self.textWidth, height: bodyHeight + 2)) { cr in
            cairo_move_to(cr, 0, 0)
            pango_cairo_show_layout(cr, body.pointer)
            cairo_move_to(cr, 0, body.height + 8)
            pango_cairo_show_layout(cr, rest.pointer)
        }
        let top = Self.margin - 20
        let dateTop = top + head.height + 14
        fixed = Fixed(
            page: Block(cairo_rectangle_t(x: 0, y: 0, width: Self.width, height: Self.height)) { cr in
                Self.show(head, at: top, on: cr)
                Self.show(dateLine, at: dateTop, on: cr)
                var dash = [4.0, 3.0]
                cairo_set_dash(cr, &dash, 2, 0)
                cairo_set_line_width(cr, 0.6)
                cairo_move_to(cr, 30, Self.couponTop)
                cairo_line_to(cr, Self.width - 30, Self.couponTop)
                cairo_stroke(cr)
                Self.show(couponTitle, at: Self.couponTop + 10, on: cr)
            },
            top: dateTop + dateLine.height + 2,
            body: bodyBlock, bodyHeight: bodyHeight)
        couponTitleBottom = Self.couponTop + 10 + couponTitle.height + 4
        let shared = (try? Code128.symbols([.fnc1] + "415\(value("gln"))8020".utf8.map { .character($0) }))?.dropLast(2) ?? []
        sharedBars = shared.isEmpty ? nil : (Array(shared), Block(
            cairo_rectangle_t(x: Self.barsLeft, y: 0, width: Double(11 * shared.count), height: Self.barHeight)
        ) { cr in Self.draw(Self.bars(Array(shared), from: 0), at: 0, on: cr) })
        slots = Slots(
            consecutivo: layout(Self.bold), addressee: layout(Self.text), subject: layout(Self.bold),
            couponDetails: layout("DejaVu Sans 9"), humanReadable: layout("DejaVu Sans Mono 8"))
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(context)) }

    /// From the next letter on, also draws the letters into a volume of their own at
    /// `path`, until `closeVolume`.
    func openVolume(path: String) throws {
        volume = try PDFFile(path: path, width: Self.width, height: Self.height)
    }

    /// Finishes the open volume's file; returns its number of pages.
    func closeVolume() throws -> Int {
        guard let volume else { return 0 }
        self.volume = nil
        return try volume.finish()
    }

    /// Draws one letter on a page of its own, in the whole run's file and in the open
    /// volume's; refuses one whose text would run into its coupon (a very long name or
    /// address with long letter settings).
    func add(_ letter: PrintedLetter) throws {
        let consecutivo = slots.consecutivo.set("Consecutivo \(letter.consecutivo)")
        let place = [letter.barrio, letter.municipio].filter { !$0.isEmpty }.joined(separator: ", ")
        let addressee = slots.addressee.set("Señor(a)\n\(letter.titular)\n\(letter.direccion)\n\(place)")
        let pesos = Pesos.spelled(letter.coupon.pesos)
        let days = letter.diasMora.map { " con \($0) días de vencimiento" } ?? ""
        let subject = slots.subject.set("Asunto: saldo en mora de la cuenta \(letter.cuenta)\nSaldo en mora: \(pesos)\(days)")
        let details = slots.couponDetails.set("""
            Cuenta \(letter.cuenta) · Consecutivo \(letter.consecutivo) · \(letter.titular)
            Valor a pagar \(pesos) · Páguese hasta el \(letter.coupon.dueDate.spelledInSpanish)
            """)
        let humanReadable = slots.humanReadable.set(letter.coupon.humanReadable)

        let addresseeTop = fixed.top + consecutivo.height + 10
        let subjectTop = addresseeTop + addressee.height + 10
        let bodyTop = subjectTop + subject.height + 8
        guard bodyTop + fixed.bodyHeight <= Self.couponTop - 6 else {
            throw CarteroError.invalid(
                "letter \(letter.consecutivo) does not fit one page above its coupon: shorten the regional's letter settings (paragraphs, Centro de Atención)")
        }
        let barsTop = couponTitleBottom + details.height + 8
        let symbols = letter.coupon.symbols
        let shared = sharedBars.flatMap { symbols.starts(with: $0.symbols) ? $0 : nil }
        let bars = Self.bars(Array(symbols.dropFirst(shared?.symbols.count ?? 0)), from: shared?.symbols.count ?? 0)

        for document in [whole, volume] {
            guard let cr = document?.cr else { continue }
            Self.show(fixed.page, at: 0, 0, on: cr)
            Self.show(consecutivo, at: fixed.top, on: cr)
            Self.show(addressee, at: addresseeTop, on: cr)
            Self.show(subject, at: subjectTop, on: cr)
            Self.show(fixed.body, at: Self.margin, bodyTop, on: cr)
            Self.show(details, at: couponTitleBottom, on: cr)
            if let shared { Self.show(shared.block, at: 0, barsTop, on: cr) }
            Self.draw(bars, at: barsTop, on: cr)
            Self.show(humanReadable, at: barsTop + Self.barHeight + 3, on: cr)
            document?.showPage()
        }
    }

    /// Writes what is left of every file and closes them; returns the whole run's pages.
    func finish() throws -> Int {
        _ = try closeVolume()
        return try whole.finish()
    }

    /// The GS1-128 bars a bank's reader takes, as the centre line of each bar, grouped
    /// by width: each group is one path stroked once, two points a bar in the file
    /// rather than a filled outline's four corners (writing the numbers is what costs).
    /// `symbols` start at the `from`th symbol of the coupon's: eleven modules each.
    private static func bars(_ symbols: [Int], from: Int) -> [(width: Int, centres: [Double])] {
        var centres = [[Double]](repeating: [], count: 5)  // Code 128's bars are 1 to 4 modules wide
        var x = barsLeft + Double(11 * from)
        for (index, width) in Code128.widths(symbols).enumerated() {
            if index % 2 == 0 { centres[width].append(x + Double(width) / 2) }
            x += Double(width)
        }
        return centres.indices.filter { !centres[$0].isEmpty }.map { ($0, centres[$0]) }
    }

    private static func draw(_ bars: [(width: Int, centres: [Double])], at y: Double, on cr: OpaquePointer) {
        for (width, centres) in bars {
            for x in centres {
                cairo_move_to(cr, x, y)
                cairo_line_to(cr, x, y + barHeight)
            }
            cairo_set_line_width(cr, Double(width))
            cairo_stroke(cr)
        }
    }

    /// Shows a recorded block with its origin at (`x`, `y`).
    private static func show(_ block: Block, at x: Double, _ y: Double, on cr: OpaquePointer) {
        cairo_set_source_surface(cr, block.surface, x, y)
        cairo_rectangle(cr, x + block.extents.x, y + block.extents.y, block.extents.width, block.extents.height)
        cairo_fill(cr)
        cairo_set_source_rgb(cr, 0, 0, 0)
    }

    /// Shows a layout at the left margin with its top at `y`.
    private static func show(_ layout: TextLayout, at y: Double, on cr: OpaquePointer) {
        layout.draw(on: cr, x: margin, y: y)
    }
}

/// One letter as it is printed.
struct PrintedLetter {
    let consecutivo: String
    let cuenta: String
    let titular: String
    let direccion: String
    let barrio: String
    let municipio: String
    let diasMora: Int?
    let cutDate: CalendarDate
    let coupon: PaymentCoupon
}

/// Amounts as a Colombian letter writes them: `$ 1.234.567`.
enum Pesos {
    static func spelled(_ pesos: Int64) -> String {
        "$ " + Grouped.count(Int(pesos))
    }
}

extension CalendarDate {
    /// `2 de diciembre de 2026`, as a Colombian letter dates itself.
    var spelledInSpanish: String {
        let months = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"]
        let parts = description.split(separator: "-").compactMap { Int($0) }
        return "\(parts[2]) de \(months[parts[1] - 1]) de \(parts[0])"
    }
}
