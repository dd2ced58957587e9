import Cartero
import Hummingbird

/// **Mis casos**: a field agent's or billing member's open cases, by route and
/// neighbourhood, as he walks them. Read as him: the database shows him only his own.
struct CasesController {
    let database: CarteroDatabase
    let pages: Pages

    var endpoints: RouteCollection<WebRequestContext> {
        let routes = RouteCollection(context: WebRequestContext.self)
        routes.get("casos", use: myCases)
        routes.post("casos/:case/resolver", use: resolve)
        routes.get("inicio", use: start)
        return routes
    }

    /// The outcomes a case of each destination offers, as the form lists them.
    static let outcomes: [String: [(CaseOutcome, String)]] = [
        "terreno": [(.direccionCorrecta, "Dirección correcta"), (.direccionErrada, "Dirección errada"),
                    (.predioDemolido, "Predio demolido"), (.lote, "Lote")],
        "facturacion": [(.depurada, "Depurada"), (.direccionActualizada, "Dirección actualizada"), (.sinCambio, "Sin cambio")],
    ]

    struct ResolveForm: Decodable {
        let csrf: String?
        let outcome: String
        let address: String?
        let note: String?
    }

    /// Resolves one of the member's cases with the outcome the form names; the database
    /// decides whether he may (his own case, or a coordinador of the regional).
    @Sendable func resolve(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: [.auxiliarTerreno, .facturacion, .coordinador, .admin])
        guard let id = context.parameters.get("case", as: Int64.self) else { throw HTTPError(.notFound) }
        let form = try await formFields(ResolveForm.self, of: request)
        try requireToken(form.csrf, of: session)
        guard let outcome = CaseOutcome(rawValue: form.outcome) else { throw HTTPError(.badRequest) }
        let address = form.address.flatMap { $0.isEmpty ? nil : $0 }
        let note = form.note.flatMap { $0.isEmpty ? nil : $0 }
        _ = try await database.transaction(as: session.member) { db in
            try Cases.resolve(id, outcome: outcome, address: address, note: note, on: db)
        }
        return seeOther("/casos")
    }

    @Sendable func myCases(_ request: Request, context: WebRequestContext) async throws -> HTML {
        let session = try context.requireMember(roles: [.auxiliarTerreno, .facturacion])
        let login = session.member.login
        let cases = try await database.transaction(as: session.member) { db in
            try Cases.list(assignee: login, status: .asignado, on: db)
        }
        var groups: [[String: Any]] = []
        for item in cases {
            let zona = "Ruta \(item.ruta.isEmpty ? "sin ruta" : item.ruta) · Barrio \(item.barrio.isEmpty ? "sin barrio" : item.barrio)"
            let entry: [String: Any] = [
                "numero": String(item.id), "cuenta": item.cuenta, "consecutivo": item.consecutivo,
                "direccion": item.direccion, "causal": item.causal, "csrf": session.csrfToken,
                "destino": item.destino == "terreno" ? "Visita de terreno" : "Facturación",
                "resultados": (Self.outcomes[item.destino] ?? []).map { ["valor": $0.0.rawValue, "nombre": $0.1] },
            ]
            if let last = groups.last, last["zona"] as? String == zona {
                groups[groups.count - 1]["casos"] = (last["casos"] as? [[String: Any]] ?? []) + [entry]
            } else {
                groups.append(["zona": zona, "casos": [entry]])
            }
        }
        return HTML(body: pages.render("casos", [
            "titulo": "Mis casos", "nombre": session.member.fullName, "csrf": session.csrfToken, "grupos": groups,
        ]))
    }

    @Sendable func start(_ request: Request, context: WebRequestContext) async throws -> HTML {
        let session = try context.requireMember()
        return HTML(body: pages.render("inicio", [
            "titulo": "Inicio", "nombre": session.member.fullName, "rol": session.member.role.rawValue, "csrf": session.csrfToken,
        ]))
    }
}
