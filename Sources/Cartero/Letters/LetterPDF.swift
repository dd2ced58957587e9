import CPangoCairo
import PQ
import Foundation

/// A PDF of collection letters, one letter-size page each, written page by page as
/// it is drawn (cairo's PDF surface), so that memory stays flat whatever the number of
/// letters. Text is laid out by pango; the paragraphs every letter shares are laid out
/// once per document and drawn again on each page (docs/pdf-library.md: text shaping
/// is most of the cost).
///
/// Owns the cairo surface and context and frees them in `deinit`; not Sendable: one
/// document is drawn by one thread.
final class LetterPDF {
    private let surface: OpaquePointer
    private let cr: OpaquePointer
    private let fixed: Fixed
    private let slots: Slots
    private var pages = 0

    /// Points of a US letter page, and the margin.
    static let width = 612.0, height = 792.0, margin = 60.0
    static var textWidth: Double { width - 2 * margin }
    /// Where the coupon's cut line runs; the letter's text ends above it.
    static let couponTop = 632.0
    static let text = "DejaVu Sans 9.5", bold = "DejaVu Sans Bold 9.5"

    /// The layouts that change with every letter, made once and given new text per page:
    /// making a layout (and finding its font) costs more than laying out its text.
    private struct Slots {
        let consecutivo: Layout
        let addressee: Layout
        let subject: Layout
        let body: Layout
        let couponDetails: Layout
        let humanReadable: Layout
    }

    /// What every letter of the document shares, laid out once and drawn once into a
    /// recording, which the PDF keeps as one form and every page shows again: the
    /// glyphs of these paragraphs are written to the file once, not once a page.
    private struct Fixed {
        let letterhead: Block
        let dateLine: Block
        let closing: Block
        let couponTitle: Block
    }

    /// A paragraph drawn once into a recording surface; freed with the value.
    private final class Block {
        let surface: OpaquePointer
        let height: Double

        init(_ layout: Layout) {
            var extents = cairo_rectangle_t(x: 0, y: 0, width: LetterPDF.textWidth, height: layout.height + 2)
            surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents)
            let cr = cairo_create(surface)
            pango_cairo_update_layout(cr, layout.pointer)
            cairo_move_to(cr, 0, 0)
            pango_cairo_show_layout(cr, layout.pointer)
            cairo_destroy(cr)
            height = layout.height
        }

        deinit { cairo_surface_destroy(surface) }
    }

    init(path: String, settings: LetterSettings, regionalName: String, date: CalendarDate) throws {
        guard let surface = cairo_pdf_surface_create(path, Self.width, Self.height) else {
            throw CarteroError.invalid("cannot create the PDF \(path)")
        }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            let reason = String(cString: cairo_status_to_string(cairo_surface_status(surface)))
            cairo_surface_destroy(surface)
            throw CarteroError.invalid("cannot write the PDF \(path): \(reason)")
        }
        self.surface = surface
        cr = cairo_create(surface)
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
        fixed = Fixed(
            letterhead: Block(Layout(cr, letterhead.joined(separator: "\n"), font: "DejaVu Sans Bold 10.5", width: Self.textWidth)),
            dateLine: Block(Layout(cr, "\(city), \(date.spelledInSpanish)", font: Self.text, width: Self.textWidth)),
            closing: Block(Layout(cr, closing.joined(separator: "\n\n"), font: Self.text, width: Self.textWidth)),
            couponTitle: Block(Layout(
                cr, "CUPÓN DE PAGO — \(value("empresa"))", font: "DejaVu Sans Bold 9", width: Self.textWidth)))
        slots = Slots(
            consecutivo: Layout(cr, "", font: Self.bold, width: Self.textWidth),
            addressee: Layout(cr, "", font: Self.text, width: Self.textWidth),
            subject: Layout(cr, "", font: Self.bold, width: Self.textWidth),
            body: Layout(cr, "", font: Self.text, width: Self.textWidth),
            couponDetails: Layout(cr, "", font: "DejaVu Sans 9", width: Self.textWidth),
            humanReadable: Layout(cr, "", font: "DejaVu Sans Mono 8", width: Self.textWidth))
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }

    /// Draws one letter on a page of its own; refuses one whose text would run into
    /// its coupon (a very long name or address with long letter settings).
    func add(_ letter: PrintedLetter) throws {
        var y = Self.margin - 20
        y = draw(fixed.letterhead, at: y) + 14
        y = draw(fixed.dateLine, at: y) + 2
        y = draw(slots.consecutivo.set("Consecutivo \(letter.consecutivo)"), at: y) + 10
        let place = [letter.barrio, letter.municipio].filter { !$0.isEmpty }.joined(separator: ", ")
        y = draw(slots.addressee.set("Señor(a)\n\(letter.titular)\n\(letter.direccion)\n\(place)"), at: y) + 10
        y = draw(slots.subject.set("Asunto: saldo en mora de la cuenta \(letter.cuenta)"), at: y) + 8
        let days = letter.diasMora.map { " con \($0) días de vencimiento" } ?? ""
        let body = """
            Respetado(a) señor(a):

            Le informamos que a la fecha de corte del \(letter.cutDate.spelledInSpanish) la cuenta \(letter.cuenta) \
            registra un saldo en mora de \(Pesos.spelled(letter.coupon.pesos))\(days). Le invitamos a ponerse al día \
            con su obligación a la mayor brevedad, para evitar la suspensión del servicio y el cobro por la vía jurídica.
            """
        y = draw(slots.body.set(body), at: y) + 8
        guard y + fixed.closing.height <= Self.couponTop - 6 else {
            throw CarteroError.invalid(
                "letter \(letter.consecutivo) does not fit one page above its coupon: shorten the regional's letter settings (paragraphs, Centro de Atención)")
        }
        _ = draw(fixed.closing, at: y)
        drawCoupon(letter)
        cairo_show_page(cr)
        pages += 1
    }

    /// Writes what is left and closes the file; returns the number of pages.
    func finish() throws -> Int {
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw CarteroError.invalid("the PDF could not be written: \(String(cString: cairo_status_to_string(status)))")
        }
        return pages
    }

    /// The detachable coupon at the foot of the page: what is paid, until when, and the
    /// GS1-128 bars a bank's reader takes.
    private func drawCoupon(_ letter: PrintedLetter) {
        let top = Self.couponTop
        cairo_save(cr)
        var dash = [4.0, 3.0]
        cairo_set_dash(cr, &dash, 2, 0)
        cairo_set_line_width(cr, 0.6)
        cairo_move_to(cr, 30, top)
        cairo_line_to(cr, Self.width - 30, top)
        cairo_stroke(cr)
        cairo_restore(cr)
        var y = draw(fixed.couponTitle, at: top + 10) + 4
        let details = """
            Cuenta \(letter.cuenta) · Consecutivo \(letter.consecutivo) · \(letter.titular)
            Valor a pagar \(Pesos.spelled(letter.coupon.pesos)) · Páguese hasta el \(letter.coupon.dueDate.spelledInSpanish)
            """
        y = draw(slots.couponDetails.set(details), at: y) + 8
        // One module is 1 point (0.35 mm); a quiet zone of ten modules on each side.
        var x = Self.margin + 10
        let barHeight = 40.0
        for (index, width) in Code128.widths(letter.coupon.symbols).enumerated() {
            if index % 2 == 0 { cairo_rectangle(cr, x, y, Double(width), barHeight) }
            x += Double(width)
        }
        cairo_fill(cr)
        _ = draw(slots.humanReadable.set(letter.coupon.humanReadable), at: y + barHeight + 3)
    }

    /// Shows a recorded block with its top at `y`; returns the y below it.
    private func draw(_ block: Block, at y: Double) -> Double {
        cairo_save(cr)
        cairo_set_source_surface(cr, block.surface, Self.margin, y)
        cairo_rectangle(cr, Self.margin, y, Self.textWidth, block.height + 2)
        cairo_fill(cr)
        cairo_restore(cr)
        return y + block.height
    }

    /// Draws a layout with its top at `y`; returns the y below it.
    private func draw(_ layout: Layout, at y: Double) -> Double {
        cairo_move_to(cr, Self.margin, y)
        pango_cairo_show_layout(cr, layout.pointer)
        return y + layout.height
    }

    /// A pango layout: a paragraph shaped and wrapped to a width. Freed with the value.
    private final class Layout {
        let pointer: OpaquePointer
        private(set) var height = 0.0

        init(_ cr: OpaquePointer, _ text: String, font: String, width: Double) {
            pointer = pango_cairo_create_layout(cr)
            let description = pango_font_description_from_string(font)
            pango_layout_set_font_description(pointer, description)
            pango_font_description_free(description)
            pango_layout_set_width(pointer, Int32(width * Double(PANGO_SCALE)))
            pango_layout_set_wrap(pointer, PANGO_WRAP_WORD)
            set(text)
        }

        /// Lays out new text; returns the layout, to be drawn.
        @discardableResult
        func set(_ text: String) -> Layout {
            pango_layout_set_text(pointer, text, -1)
            var w: Int32 = 0, h: Int32 = 0
            pango_layout_get_pixel_size(pointer, &w, &h)
            height = Double(h)
            return self
        }

        deinit { g_object_unref(UnsafeMutableRawPointer(pointer)) }
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
        var digits = String(pesos)
        var groups: [Substring] = []
        while digits.count > 3 {
            groups.insert(digits.suffix(3), at: 0)
            digits.removeLast(3)
        }
        groups.insert(Substring(digits), at: 0)
        return "$ " + groups.joined(separator: ".")
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
