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
        routes.get("inicio", use: start)
        return routes
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
                "direccion": item.direccion, "causal": item.causal,
                "destino": item.destino == "terreno" ? "Visita de terreno" : "Facturación",
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
