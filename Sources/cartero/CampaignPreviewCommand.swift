import ArgumentParser
import Cartero
import Foundation
import PQ

extension CampaignCommand {
    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The funnel of a campaign; with parameters, a what-if that saves nothing.",
            discussion: """
                Without parameters: the result evaluated at creation (or at the last refresh). With any of \
                --threshold, --min-days, --max-letters, --payment-window-months, --letter-window-months, \
                --control-group: the funnel the campaign would have with them, evaluated now; nothing is saved.
                """)
        @OptionGroup var database: DatabaseOptions
        @Argument var id: Campaign.ID
        @OptionGroup var parameters: ParameterOptions
        @Flag(help: "CSV for a spreadsheet.") var csv = false

        func run() async throws {
            let overrides = try parameters.overrides()
            let funnel = try await database.transaction { [id] connection in
                overrides.isEmpty
                    ? try Funnel.stored(id, on: connection)
                    : try Funnel.whatIf(id, overrides: overrides, on: connection)
            }
            if csv {
                Terminal.out(Self.csv(funnel))
                if funnel.isWhatIf { Terminal.error("what-if for campaign \(id): nothing was saved") }
            } else {
                Terminal.out(Self.report(funnel))
            }
        }

        /// One table, stable for scripts and spreadsheets:
        ///
        ///     regla,cuentas_que_fallan,primera_falla,saldo
        ///     cobro_juridico,…            ten rows, one per reason in RULES.md's order, zeros included:
        ///     …                           accounts failing the rule, accounts for which it is the
        ///     grupo_control,…             first failing rule, and the balance of the latter
        ///     seleccionadas,,N,S          the selected accounts and their balance
        ///     seleccionadas_uso_residencial,,N,S        … one row per use class (residencial, comercial,
        ///     …                                         industrial, oficial, especial), then
        ///     seleccionadas_facturacion_directa,,N,S    one per billing mode (directa, conjunta)
        ///     seleccionadas_facturacion_conjunta,,N,S
        ///
        /// Balances are pesos with a `.` and two decimals. The `primera_falla` column of the
        /// ten reasons and `seleccionadas` adds up to every account evaluated, and their
        /// `saldo` to the regional's whole overdue balance.
        static func csv(_ funnel: Funnel) -> String {
            var rows = [["regla", "cuentas_que_fallan", "primera_falla", "saldo"]]
            for step in funnel.steps {
                rows.append([step.reason.rawValue, String(step.failing), String(step.firstFailing), Grouped.csvAmount(step.firstFailingBalance)])
            }
            func part(_ rule: String, _ tally: Funnel.Tally) -> [String] {
                [rule, "", String(tally.accounts), Grouped.csvAmount(tally.balance)]
            }
            rows.append(part("seleccionadas", funnel.selected))
            rows += funnel.selectedByUse.map { part("seleccionadas_uso_\($0.use.rawValue)", $0.tally) }
            rows += funnel.selectedByBilling.map { part("seleccionadas_facturacion_\($0.billing)", $0.tally) }
            return CSV.lines(rows)
        }

        /// The funnel for people: the campaign and its parameters, the rules, the selection.
        static func report(_ funnel: Funnel) -> String {
            let c = funnel.campaign
            let p = funnel.parameters
            var out = ""
            if funnel.isWhatIf {
                out += "WHAT-IF for campaign \(c.id), evaluated now with the parameters below (* = changed). Nothing was saved.\n\n"
            }
            out += "Campaign \(c.id) \"\(c.name)\", regional \(c.regional), \(c.status.rawValue), created by \(c.createdBy)\n"
            if !funnel.isWhatIf && c.evaluatedAt == nil {
                out += "Its parameters changed after its last evaluation: run 'cartero campaign refresh \(c.id)'.\n"
            }
            func mark(_ changed: Bool) -> String { funnel.isWhatIf && changed ? " *" : "" }
            let stored = c.parameters
            let thresholds = UseClass.allCases.map { use in
                "\(use.rawValue) \(Grouped.pesos(p.threshold(use), cents: true))\(mark(p.threshold(use) != stored.threshold(use)))"
            }
            out += "  cut date               \(c.cutDate)\n"
            out += "  balance greater than   \(thresholds.joined(separator: ", "))\n"
            out += "  days past due over     \(p.minDaysPastDue)\(mark(p.minDaysPastDue != stored.minDaysPastDue))\n"
            out += "  no payment after       \(c.cutDate.adding(months: -p.paymentWindowMonths)) (\(months(p.paymentWindowMonths)) before the cut)\(mark(p.paymentWindowMonths != stored.paymentWindowMonths))\n"
            out += "  no letter after        \(c.cutDate.adding(months: -p.letterWindowMonths)) (\(months(p.letterWindowMonths)) before the cut)\(mark(p.letterWindowMonths != stored.letterWindowMonths))\n"
            out += "  letters at most        \(p.maxLetters.map(Grouped.count) ?? "no limit")\(mark(p.maxLetters != stored.maxLetters))\n"
            out += "  control group          \(p.controlGroupPercent.map { "\(Grouped.plain($0)) %" } ?? "none")\(mark(p.controlGroupPercent != stored.controlGroupPercent))\n\n"

            var rows = funnel.steps.map { step in
                [step.reason.rawValue, Grouped.count(step.failing), Grouped.count(step.firstFailing), Grouped.pesos(step.firstFailingBalance)]
            }
            rows.append(["selected", "", Grouped.count(funnel.selected.accounts), Grouped.pesos(funnel.selected.balance)])
            rows.append(["evaluated", "", Grouped.count(funnel.evaluated.accounts), Grouped.pesos(funnel.evaluated.balance)])
            out += Terminal.table(["rule", "accounts failing", "first failing here", "balance (first failing)"], rows, rightAligned: [1, 2, 3])

            out += "\nSelected by use class\n"
            out += Terminal.table(["uso", "accounts", "balance"], funnel.selectedByUse.map { [$0.use.rawValue, Grouped.count($0.tally.accounts), Grouped.pesos($0.tally.balance)] }, rightAligned: [1, 2])
            out += "\nSelected by billing mode\n"
            out += Terminal.table(["facturacion", "accounts", "balance"], funnel.selectedByBilling.map { [$0.billing, Grouped.count($0.tally.accounts), Grouped.pesos($0.tally.balance)] }, rightAligned: [1, 2])
            if funnel.isWhatIf {
                out += "\nWhat-if only: campaign \(c.id) keeps its parameters and its result (\(Grouped.count(c.selectedCount)) selected). Nothing was saved.\n"
            }
            return out
        }

        private static func months(_ n: Int) -> String { n == 1 ? "1 month" : "\(n) months" }
    }
}
