import Cartero
import Foundation

/// A campaign's parameters as the new-campaign and what-if forms send them: every field
/// may be blank (keep the stored value, or the rules' default for a new campaign).
struct ParameterForm: Decodable {
    var umbral_residencial: String?
    var umbral_comercial: String?
    var umbral_industrial: String?
    var umbral_oficial: String?
    var umbral_especial: String?
    var dias: String?
    var meses_abono: String?
    var meses_carta: String?
    var max_cartas: String?
    var control: String?

    /// A field the coordinator must correct, said in Spanish.
    struct Problem: Error {
        let sentence: String
    }

    func threshold(_ use: UseClass) -> String? {
        switch use {
        case .residencial: umbral_residencial
        case .comercial: umbral_comercial
        case .industrial: umbral_industrial
        case .oficial: umbral_oficial
        case .especial: umbral_especial
        }
    }

    func overrides() throws -> ParameterOverrides {
        var overrides = ParameterOverrides()
        for use in UseClass.allCases {
            guard let text = present(threshold(use)) else { continue }
            guard text.range(of: "^[0-9]{1,12}(\\.[0-9]{1,2})?$", options: .regularExpression) != nil,
                let amount = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
            else { throw Problem(sentence: "El umbral \(use.rawValue) debe ser un valor en pesos, sin puntos de miles y con máximo dos decimales.") }
            overrides.thresholds[use] = amount
        }
        overrides.minDaysPastDue = try whole(dias, "Los días de mora mínimos", 0...ParameterOverrides.maxDaysPastDue)
        overrides.paymentWindowMonths = try whole(meses_abono, "Los meses sin abono", 0...ParameterOverrides.maxWindowMonths)
        overrides.letterWindowMonths = try whole(meses_carta, "Los meses sin carta", 0...ParameterOverrides.maxWindowMonths)
        overrides.maxLetters = try whole(max_cartas, "Las cartas como máximo", 1...ParameterOverrides.maxLetters)
        if let text = present(control) {
            guard text.range(of: "^[0-9]{1,2}(\\.[0-9]{1,2})?$", options: .regularExpression) != nil,
                let percent = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), percent > 0
            else { throw Problem(sentence: "El grupo de control debe ser un porcentaje mayor que 0 y menor que 100.") }
            overrides.controlGroupPercent = percent
        }
        return overrides
    }

    private func present(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return text
    }

    private func whole(_ text: String?, _ what: String, _ range: ClosedRange<Int>) throws -> Int? {
        guard let text = present(text) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw Problem(sentence: "\(what) deben ser un número entero de \(Spanish.count(range.lowerBound)) a \(Spanish.count(range.upperBound)).")
        }
        return value
    }

    /// The form's values for the `parametros` partial: what was typed, else `parameters`.
    func values(showing parameters: CampaignParameters?) -> [String: Any] {
        func decimal(_ value: Decimal?) -> String { value.map { "\($0)" } ?? "" }
        return [
            "umbrales": UseClass.allCases.map { use in
                ["uso": use.rawValue, "valor": threshold(use) ?? decimal(parameters?.threshold(use))]
            },
            "dias": dias ?? parameters.map { String($0.minDaysPastDue) } ?? "",
            "mesesAbono": meses_abono ?? parameters.map { String($0.paymentWindowMonths) } ?? "",
            "mesesCarta": meses_carta ?? parameters.map { String($0.letterWindowMonths) } ?? "",
            "maxCartas": max_cartas ?? parameters?.maxLetters.map(String.init) ?? "",
            "control": control ?? decimal(parameters?.controlGroupPercent),
        ]
    }
}
