import CPangoCairo

/// A PDF file being written with cairo, page by page, letter size unless told; the
/// file and its drawing context are freed with the value. Not Sendable: one thread
/// draws it.
final class PDFFile {
    /// Letter size, in points.
    static let letterWidth = 612.0
    static let letterHeight = 792.0

    let surface: OpaquePointer
    let cr: OpaquePointer
    let path: String
    private(set) var pages = 0

    init(path: String, width: Double = PDFFile.letterWidth, height: Double = PDFFile.letterHeight) throws {
        guard let surface = cairo_pdf_surface_create(path, width, height) else {
            throw CarteroError.invalid("cannot create the PDF \(path)")
        }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
            let reason = String(cString: cairo_status_to_string(cairo_surface_status(surface)))
            cairo_surface_destroy(surface)
            throw CarteroError.invalid("cannot write the PDF \(path): \(reason)")
        }
        self.surface = surface
        self.path = path
        cr = cairo_create(surface)
    }

    /// Ends the page being drawn.
    func showPage() {
        cairo_show_page(cr)
        pages += 1
    }

    /// Writes what is left and closes the file; returns the number of pages.
    func finish() throws -> Int {
        cairo_surface_finish(surface)
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw CarteroError.invalid("the PDF \(path) could not be written: \(String(cString: cairo_status_to_string(status)))")
        }
        return pages
    }

    deinit {
        cairo_destroy(cr)
        cairo_surface_destroy(surface)
    }
}

/// A pango layout: text shaped and wrapped to a width in one font, laid out again for
/// each new text. Freed with the value.
final class TextLayout {
    let pointer: OpaquePointer
    /// The size of the text laid out, in points.
    private(set) var width = 0.0
    private(set) var height = 0.0

    init(_ context: OpaquePointer, font: String, width: Double) {
        pointer = pango_layout_new(context)
        let description = pango_font_description_from_string(font)
        pango_layout_set_font_description(pointer, description)
        pango_font_description_free(description)
        pango_layout_set_width(pointer, Int32(width * Double(PANGO_SCALE)))
        pango_layout_set_wrap(pointer, PANGO_WRAP_WORD)
    }

    /// Lays out new text; returns the layout, to be drawn.
    @discardableResult
    func set(_ text: String) -> TextLayout {
        pango_layout_set_text(pointer, text, -1)
        var w: Int32 = 0, h: Int32 = 0
        pango_layout_get_pixel_size(pointer, &w, &h)
        width = Double(w)
        height = Double(h)
        return self
    }

    /// Draws it with its top left corner at (x, y).
    func draw(on cr: OpaquePointer, x: Double, y: Double) {
        cairo_move_to(cr, x, y)
        pango_cairo_show_layout(cr, pointer)
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(pointer)) }
}
