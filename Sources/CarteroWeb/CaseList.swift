import Cartero
import Foundation

/// **Mis casos**' list, drawn in Swift rather than by Mustache: a field agent may hold
/// 400 cases, and Mustache spent three quarters of the page's CPU on them (a dynamic cast
/// per value looked up). Every value goes through `HTML.escape`, as `{{x}}` would.
enum CaseList {
    static func html(_ cases: [CaseSummary], now: Date) -> String {
        var html = ""
        html.reserveCapacity(cases.count * 220)
        var zona: String?
        for item in cases {
            let here = "Ruta \(item.ruta.isEmpty ? "sin ruta" : item.ruta) · Barrio \(item.barrio.isEmpty ? "sin barrio" : item.barrio)"
            if here != zona {
                html += "<h2>\(HTML.escape(here))</h2>\n"
                zona = here
            }
            var meta = "Cuenta \(item.cuenta) · \(item.causal) · hace \(item.daysOpen(at: now)) días"
            if let visit = item.fieldVisit { meta += " · visita: \(Spanish.outcome(visit.outcome))" }
            if !item.proposedAddress.isEmpty { meta += " · propuesta: \(item.proposedAddress)" }
            html += """
                <div class="caso" id="caso-\(item.id)"><p><a href="/casos/\(item.id)"><strong>Caso \(item.id)</strong></a> · \
                \(HTML.escape(item.direccion))</p><p class="meta">\(HTML.escape(meta))</p></div>\n
                """
        }
        return html
    }
}
