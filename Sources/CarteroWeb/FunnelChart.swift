import Cartero

/// A campaign's funnel drawn on the server as SVG: the accounts evaluated, then what
/// remains after each rule takes its own, down to the selection. No script, prints as is.
enum FunnelChart {
    static func svg(_ funnel: Funnel) -> String {
        let width = 640, labelWidth = 170, barWidth = width - labelWidth - 90, rowHeight = 24
        let total = max(funnel.evaluated.accounts, 1)
        var rows: [(label: String, remaining: Int, taken: Int)] = [("Evaluadas", funnel.evaluated.accounts, 0)]
        var remaining = funnel.evaluated.accounts
        for step in funnel.steps where step.firstFailing > 0 {
            remaining -= step.firstFailing
            rows.append((Spanish.rule(step.reason), remaining, step.firstFailing))
        }
        rows.append(("Seleccionadas", funnel.selected.accounts, 0))
        let height = rows.count * rowHeight + 8
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(width) \(height)" width="100%" role="img" \
            aria-label="Embudo: \(funnel.evaluated.accounts) evaluadas, \(funnel.selected.accounts) seleccionadas">
            """
        for (i, row) in rows.enumerated() {
            let y = i * rowHeight + 4
            let w = max(Int((Double(max(row.remaining, 0)) / Double(total) * Double(barWidth)).rounded()), row.remaining > 0 ? 1 : 0)
            let colour = i == rows.count - 1 ? "#1f7a4d" : (i == 0 ? "#37699e" : "#7d9cc0")
            let note = row.taken > 0 ? " (−\(Spanish.count(row.taken)))" : ""
            svg += """
                <text x="\(labelWidth - 6)" y="\(y + 16)" text-anchor="end">\(row.label)</text>\
                <rect x="\(labelWidth)" y="\(y + 3)" width="\(w)" height="\(rowHeight - 6)" fill="\(colour)"/>\
                <text x="\(labelWidth + w + 5)" y="\(y + 16)">\(Spanish.count(max(row.remaining, 0)))\(note)</text>
                """
        }
        return svg + "</svg>"
    }
}
