import Cartero
import Hummingbird

/// **Registro de información de mensajería**: the office finds a returned letter by its
/// consecutivo or the courier's tracking number, records its cause and the courier's
/// observation, and sees where its case went; and today's registered returns.
struct ReturnsController {
    let database: CarteroDatabase
    let pages: Pages

    static let clerks: Set<StaffRole> = [.auxiliarOficina, .coordinador, .admin]

    var endpoints: RouteCollection<WebRequestContext> {
        let routes = RouteCollection(context: WebRequestContext.self)
        routes.get("registro", use: show)
        routes.post("registro", use: register)
        return routes
    }

    struct RegisterForm: Decodable {
        let csrf: String?
        let consecutivo: String
        let causal: String
        let observacion: String?
    }

    @Sendable func show(_ request: Request, context: WebRequestContext) async throws -> HTML {
        let session = try context.requireMember(roles: Self.clerks)
        let query = request.uri.queryParameters.get("carta") ?? ""
        let (letter, causes, today) = try await database.transaction(as: session.member) { db in
            (try ReturnsRegister.lookUp(query, on: db), try ReturnCauses.all(on: db), try ReturnsRegister.registeredToday(on: db))
        }
        var values: [String: Any] = [
            "titulo": "Registro de información de mensajería", "nombre": session.member.fullName, "csrf": session.csrfToken,
            "carta": query, "buscada": !query.isEmpty,
            "hoy": today.map { ["consecutivo": $0.consecutivo, "causal": $0.causal] },
        ]
        if let letter {
            // Mustache shows a section for any value present, an empty string too: a key is
            // left out when there is nothing to show.
            var found: [String: Any] = [
                "consecutivo": letter.consecutivo, "cuenta": letter.cuenta, "titular": letter.titular,
                "direccion": letter.direccion, "estado": letter.status,
                "mensajeria": letter.courierResult ?? "sin resultado",
                "causales": causes.map { ["codigo": $0.code, "descripcion": $0.descripcion] },
            ]
            if let cause = letter.registeredCause { found["registrada"] = cause }
            if !letter.cases.isEmpty { found["casos"] = letter.cases.joined(separator: "; ") }
            values["encontrada"] = found
        }
        return HTML(body: pages.render("registro", values))
    }

    @Sendable func register(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: Self.clerks)
        let form = try await formFields(RegisterForm.self, of: request)
        try requireToken(form.csrf, of: session)
        let registration = try await database.transaction(as: session.member) { db in
            try ReturnsRegister.register(form.consecutivo, causal: form.causal, observacion: form.observacion ?? "", on: db)
        }
        return seeOther("/registro?carta=\(registration.consecutivo)")
    }
}
