import Cartero
import Foundation

/// Numbers, money and codes as the pages show them to Colombian users.
enum Spanish {
    /// `12.345`: thousands with dots.
    static func count(_ n: Int) -> String { Grouped.count(n) }

    /// `$ 1.234.567` or `$ 1.234.567,50`: pesos, cents only when there are some, spaced as the letters print them.
    static func pesos(_ amount: Decimal) -> String {
        Grouped.pesos(amount, cents: true).replacingOccurrences(of: "$", with: "$ ")
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
