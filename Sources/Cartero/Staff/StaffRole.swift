/// What a member does in the cartera process; it decides what he may see and do.
public enum StaffRole: String, Sendable, CaseIterable, Codable {
    case admin
    case coordinador
    case auxiliarOficina = "auxiliar_oficina"
    case auxiliarTerreno = "auxiliar_terreno"
    case facturacion
    case analista

    public static var allNames: String { allCases.map(\.rawValue).joined(separator: ", ") }
}
