import CPangoCairo
import Foundation
import PQ

/// The printable assignment list of a field agent or a billing member who works on
/// paper (`cases sheet`): his assigned cases grouped by route and neighbourhood, in the
/// order he walks them, each with the account, the holder, the address as mailed, the
/// cause and the courier's observation, and boxes to tick the outcome and lines to write
/// the corrected address and a note. Drawn with cairo and pango, as the letters are.
public enum CaseSheet {
    /// One case as it is printed.
    struct Row {
        let id: Int64
        let destino: String
        let consecutivo: String
        let cuenta: String
        let titular: String
        let direccion: String
        let barrio: String
        let ruta: String
        let causal: String
        let observacion: String
    }

    /// What `write` did.
    public struct Written: Sendable, Hashable {
        public let cases: Int
        public let pages: Int
    }

    /// Writes the open cases assigned to `login` into `file` (beside its name until
    /// complete), as the acting member sees them: an agent his own, a coordinator any of
    /// his regional's agents.
    public static func write(assignee login: String, to file: URL, on db: Connection) throws -> Written {
        guard let member = try db.queryRow("""
            SELECT s.id, s.full_name, coalesce(r.name, '') FROM cartero.staff s LEFT JOIN cartero.regionals r ON r.code = s.regional
            WHERE s.id = cartero.staff_id_for_login(\(login))
            """)
        else { throw CarteroError.notFound("no active member you may see has the login \(login)") }
        let (memberID, name, regional) = try member.decode((Int64, String, String).self)
        let today = try db.queryValue("SELECT current_date", as: CalendarDate.self)
        let rows = try db.execute("""
            SELECT k.id, k.destino, k.consecutivo, k.cuenta, l.titular, l.direccion, l.barrio, l.ruta, k.causal,
                   coalesce(nullif(g.observacion, ''), r.observacion, '')
              FROM cartero.cases k
              JOIN cartero.letters l ON l.id = k.letter_id
              LEFT JOIN cartero.courier_results r ON r.letter_id = k.letter_id
              LEFT JOIN cartero.return_registrations g ON g.letter_id = k.letter_id
             WHERE k.assigned_to = \(memberID) AND k.estado = 'asignado'
             ORDER BY l.ruta COLLATE "C", l.barrio, l.direccion, k.id
            """).map { row in
            let (id, destino, consecutivo, cuenta, titular, direccion, barrio, ruta, causal, observacion) =
                try row.decode((Int64, String, String, String, String, String, String, String, String, String).self)
            return Row(id: id, destino: destino, consecutivo: consecutivo, cuenta: cuenta, titular: titular, direccion: direccion,
                       barrio: barrio, ruta: ruta, causal: causal, observacion: observacion)
        }
        let partial = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).partial")
        defer { try? FileManager.default.removeItem(at: partial) }
        let pages = try draw(rows, title: "Planilla de casos — \(name)",
                             subtitle: "\(regional) · \(today.spelledInSpanish) · \(rows.count) caso\(rows.count == 1 ? "" : "s") asignado\(rows.count == 1 ? "" : "s")",
                             into: partial.path)
        _ = try? FileManager.default.removeItem(at: file)
        try FileManager.default.moveItem(at: partial, to: file)
        return Written(cases: rows.count, pages: pages)
    }

    private static let margin = 40.0
    private static let width = PDFFile.letterWidth - 2 * margin
    private static let bottom = PDFFile.letterHeight - 50

    static let outcomes = [
        "terreno": ["Dirección correcta", "Dirección errada", "Predio demolido", "Lote"],
        "facturacion": ["Depurada", "Dirección actualizada", "Sin cambio"],
    ]

    private static func draw(_ rows: [Row], title: String, subtitle: String, into path: String) throws -> Int {
        let pdf = try PDFFile(path: path)
        let cr = pdf.cr
        let context = pango_cairo_create_context(cr)!
        defer { g_object_unref(UnsafeMutableRawPointer(context)) }
        // Unrounded glyph positions: rounded, cairo writes a correction for nearly every
        // glyph (docs/pdf-library.md).
        pango_context_set_round_glyph_positions(context, 0)
        let heading = TextLayout(context, font: "DejaVu Sans Bold 13", width: width)
        let group = TextLayout(context, font: "DejaVu Sans Bold 10", width: width)
        let text = TextLayout(context, font: "DejaVu Sans 9", width: width)
        let small = TextLayout(context, font: "DejaVu Sans 8", width: width)

        var y = 0.0
        func newPage() {
            if y > 0 { pdf.showPage() }
            y = margin
            heading.set(title).draw(on: cr, x: margin, y: y)
            y += heading.height + 2
            small.set(subtitle + " · página \(pdf.pages + 1)").draw(on: cr, x: margin, y: y)
            y += small.height + 12
        }
        newPage()
        if rows.isEmpty {
            text.set("No tiene casos abiertos asignados.").draw(on: cr, x: margin, y: y)
        }
        var area: String?
        for row in rows {
            let where_ = "Ruta \(row.ruta.isEmpty ? "sin ruta" : row.ruta) · Barrio \(row.barrio.isEmpty ? "sin barrio" : row.barrio)"
            text.set("""
                Caso \(row.id) · Cuenta \(row.cuenta) · Carta \(row.consecutivo) · \(row.destino == "terreno" ? "Terreno" : "Facturación")
                \(row.titular) — \(row.direccion)
                Causal: \(row.causal)\(row.observacion.isEmpty ? "" : " — «\(row.observacion)»")
                """)
            let boxes = outcomes[row.destino] ?? []
            let blockHeight = text.height + 16 + 34 + (where_ != area ? group.height + 8 : 0)
            if y + blockHeight > bottom {
                newPage()
                area = nil
            }
            if where_ != area {
                group.set(where_).draw(on: cr, x: margin, y: y)
                y += group.height + 6
                area = where_
            }
            text.draw(on: cr, x: margin, y: y)
            y += text.height + 4
            // The outcome's boxes, then lines for what the agent writes by hand.
            var x = margin
            for label in boxes {
                cairo_rectangle(cr, x, y + 1, 8, 8)
                cairo_set_line_width(cr, 0.6)
                cairo_stroke(cr)
                small.set(label).draw(on: cr, x: x + 12, y: y)
                x += 12 + small.width + 18
            }
            y += 16
            small.set("Dirección corregida: ______________________________________   Nota: ________________________________")
                .draw(on: cr, x: margin, y: y)
            y += small.height + 6
            cairo_set_line_width(cr, 0.3)
            cairo_move_to(cr, margin, y)
            cairo_line_to(cr, margin + width, y)
            cairo_stroke(cr)
            y += 8
        }
        pdf.showPage()
        return try pdf.finish()
    }
}
