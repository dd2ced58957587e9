import Cartero
import Foundation

/// Numbers, money and codes as the pages show them to Colombian users.
enum Spanish {
    /// `12.345`: thousands with dots.
    static func count(_ n: Int) -> String { Pesos.grouped(Int64(n)) }

    /// `$ 1.234.567` or `$ 1.234.567,50`: pesos, cents only when there are some.
    static func pesos(_ amount: Decimal) -> String {
        var rounded = Decimal()
        var value = amount
        NSDecimalRound(&rounded, &value, 2, .plain)
        let cents = Int((NSDecimalNumber(decimal: rounded).doubleValue * 100).rounded())
        let whole = Pesos.spelled(Int64(cents / 100))
        let rest = abs(cents % 100)
        return rest == 0 ? whole : "\(whole),\(rest < 10 ? "0" : "")\(rest)"
    }

    /// The name of an exclusion rule, as the funnel lists it.
    static func rule(_ reason: ExclusionReason) -> String {
        switch reason {
        case .cobroJuridico: "Cobro jurídico"
        case .saneamiento: "Saneamiento"
        case .abonoReciente: "Abono reciente"
        case .cartaReciente: "Carta reciente"
        case .saldoBajoUmbral: "Saldo bajo el umbral"
        case .moraInsuficiente: "Mora insuficiente"
        case .sinDireccion: "Sin dirección"
        case .casoAbierto: "Caso abierto"
        case .fueraDeCapacidad: "Fuera de capacidad"
        case .grupoControl: "Grupo de control"
        }
    }

    static func status(_ status: CampaignStatus) -> String {
        switch status {
        case .borrador: "borrador"
        case .aprobada: "aprobada"
        case .generada: "generada"
        case .despachada: "despachada"
        case .cerrada: "cerrada"
        case .anulada: "anulada"
        }
    }

    static func role(_ role: StaffRole) -> String {
        switch role {
        case .admin: "administrador"
        case .coordinador: "coordinador"
        case .auxiliarOficina: "auxiliar de oficina"
        case .auxiliarTerreno: "auxiliar de terreno"
        case .facturacion: "facturación"
        case .analista: "analista"
        }
    }

    static func outcome(_ code: String) -> String {
        switch code {
        case "direccion_correcta": "dirección correcta"
        case "direccion_errada": "dirección errada"
        case "predio_demolido": "predio demolido"
        case "lote": "lote"
        case "depurada": "depurada"
        case "direccion_actualizada": "dirección actualizada"
        case "sin_cambio": "sin cambio"
        default: code
        }
    }
}
