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
    private let settings: LetterSettings
    private let fixed: Fixed
    private var pages = 0

    /// Points of a US letter page, and the margin.
    static let width = 612.0, height = 792.0, margin = 60.0
    static var textWidth: Double { width - 2 * margin }
    /// Where the coupon's cut line runs; the letter's text ends above it.
    static let couponTop = 632.0
    static let text = "DejaVu Sans 9.5", bold = "DejaVu Sans Bold 9.5"

    /// What every letter of the document shares, laid out once.
    private struct Fixed {
        let letterhead: Layout
        let dateLine: Layout
        let closing: Layout
        let couponTitle: Layout
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
        self.settings = settings
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
            letterhead: Layout(cr, letterhead.joined(separator: "\n"), font: "DejaVu Sans Bold 10.5", width: Self.textWidth),
            dateLine: Layout(cr, "\(city), \(date.spelledInSpanish)", font: Self.text, width: Self.textWidth),
            closing: Layout(cr, closing.joined(separator: "\n\n"), font: Self.text, width: Self.textWidth),
            couponTitle: Layout(
                cr, "CUPÓN DE PAGO — \(value("empresa"))", font: "DejaVu Sans Bold 9", width: Self.textWidth))
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
        y = draw(Layout(cr, "Consecutivo \(letter.consecutivo)", font: Self.bold, width: Self.textWidth), at: y) + 10
        let place = [letter.barrio, letter.municipio].filter { !$0.isEmpty }.joined(separator: ", ")
        y = draw(Layout(cr, "Señor(a)\n\(letter.titular)\n\(letter.direccion)\n\(place)", font: Self.text, width: Self.textWidth), at: y) + 10
        y = draw(Layout(cr, "Asunto: saldo en mora de la cuenta \(letter.cuenta)", font: Self.bold, width: Self.textWidth), at: y) + 8
        let days = letter.diasMora.map { " con \($0) días de vencimiento" } ?? ""
        let body = """
            Respetado(a) señor(a):

            Le informamos que a la fecha de corte del \(letter.cutDate.spelledInSpanish) la cuenta \(letter.cuenta) \
            registra un saldo en mora de \(Pesos.spelled(letter.coupon.pesos))\(days). Le invitamos a ponerse al día \
            con su obligación a la mayor brevedad, para evitar la suspensión del servicio y el cobro por la vía jurídica.
            """
        y = draw(Layout(cr, body, font: Self.text, width: Self.textWidth), at: y) + 8
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
        y = draw(Layout(cr, details, font: "DejaVu Sans 9", width: Self.textWidth), at: y) + 8
        // One module is 1 point (0.35 mm); a quiet zone of ten modules on each side.
        var x = Self.margin + 10
        let barHeight = 40.0
        for (index, width) in Code128.widths(letter.coupon.symbols).enumerated() {
            if index % 2 == 0 { cairo_rectangle(cr, x, y, Double(width), barHeight) }
            x += Double(width)
        }
        cairo_fill(cr)
        _ = draw(Layout(cr, letter.coupon.humanReadable, font: "DejaVu Sans Mono 8", width: Self.textWidth), at: y + barHeight + 3)
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
        let height: Double

        init(_ cr: OpaquePointer, _ text: String, font: String, width: Double) {
            pointer = pango_cairo_create_layout(cr)
            let description = pango_font_description_from_string(font)
            pango_layout_set_font_description(pointer, description)
            pango_font_description_free(description)
            pango_layout_set_width(pointer, Int32(width * Double(PANGO_SCALE)))
            pango_layout_set_wrap(pointer, PANGO_WRAP_WORD)
            pango_layout_set_text(pointer, text, -1)
            var w: Int32 = 0, h: Int32 = 0
            pango_layout_get_pixel_size(pointer, &w, &h)
            height = Double(h)
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
