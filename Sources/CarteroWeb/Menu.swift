import Cartero

/// The screens each role reaches from the top of every page, and the values every
/// signed-in page shares.
enum Menu {
    static let entries: [(path: String, name: String, roles: Set<StaffRole>)] = [
        ("/campanas", "Campañas", [.coordinador, .admin]),
        ("/tablero", "Tablero de casos", [.coordinador, .admin]),
        ("/casos", "Mis casos", [.auxiliarTerreno, .facturacion]),
        ("/registro", "Registro de mensajería", [.auxiliarOficina, .coordinador, .admin]),
        ("/cuentas", "Consulta de cuenta", [.auxiliarOficina, .coordinador, .admin, .facturacion]),
        ("/admin", "Administración", [.admin]),
    ]

    /// The values of the `barra` partial: title, who, his menu with `current` marked.
    static func page(_ title: String, current: String, for session: WebSession, notice: String? = nil) -> [String: Any] {
        var values: [String: Any] = [
            "titulo": title, "nombre": session.member.fullName, "csrf": session.csrfToken,
            "menu": entries.filter { $0.roles.contains(session.member.role) }.map { entry -> [String: Any] in
                entry.path == current ? ["ruta": entry.path, "nombre": entry.name, "actual": true]
                    : ["ruta": entry.path, "nombre": entry.name]
            },
        ]
        if let notice { values["aviso"] = notice }
        return values
    }
}
