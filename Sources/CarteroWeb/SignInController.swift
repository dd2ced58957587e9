import Cartero
import Hummingbird

/// Signing in and out. A member lands on his role's main screen.
struct SignInController {
    let database: CarteroDatabase
    let pages: Pages
    let secureCookies: Bool

    var endpoints: RouteCollection<WebRequestContext> {
        let routes = RouteCollection(context: WebRequestContext.self)
        routes.get("/", use: home)
        routes.get("login", use: form)
        routes.post("login", use: signIn)
        routes.post("logout", use: signOut)
        routes.get("clave", use: passwordForm)
        routes.post("clave", use: changePassword)
        return routes
    }

    struct Credentials: Decodable {
        let login: String
        let password: String
    }

    struct SignedForm: Decodable {
        let csrf: String?
    }

    /// Where each role starts its day.
    static func landing(for role: StaffRole) -> String {
        switch role {
        case .auxiliarTerreno, .facturacion: "/casos"
        case .auxiliarOficina: "/registro"
        case .coordinador, .admin: "/campanas"
        case .analista: "/inicio"
        }
    }

    @Sendable func home(_ request: Request, context: WebRequestContext) async throws -> Response {
        seeOther(context.session.map { Self.landing(for: $0.member.role) } ?? "/login")
    }

    @Sendable func form(_ request: Request, context: WebRequestContext) async throws -> HTML {
        HTML(body: pages.render("login", ["titulo": "Ingreso"]))
    }

    @Sendable func signIn(_ request: Request, context: WebRequestContext) async throws -> Response {
        let credentials = try await formFields(Credentials.self, of: request)
        switch try await WebSessions.start(login: credentials.login, password: credentials.password, on: database) {
        case .started(let session):
            var response = seeOther(Self.landing(for: session.member.role))
            response.setCookie(Cookie(name: sessionCookie, value: session.token, maxAge: 12 * 3600, path: "/",
                                      secure: secureCookies, httpOnly: true, sameSite: .lax))
            return response
        case .refused:
            return try refusal("Usuario o contraseña incorrectos.", login: credentials.login, status: .unauthorized,
                               request: request, context: context)
        case .locked:
            return try refusal("Demasiados intentos fallidos con este usuario: espere 15 minutos.", login: credentials.login,
                               status: .tooManyRequests, request: request, context: context)
        }
    }

    private func refusal(
        _ sentence: String, login: String, status: HTTPResponse.Status, request: Request, context: WebRequestContext
    ) throws -> Response {
        var page = HTML(body: pages.render("login", ["titulo": "Ingreso", "error": sentence, "login": login]))
        page.status = status
        return try page.response(from: request, context: context)
    }

    @Sendable func signOut(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember()
        try requireToken(try await formFields(SignedForm.self, of: request).csrf, of: session)
        if let token = request.cookies[sessionCookie]?.value { try await WebSessions.end(token: token, on: database) }
        var response = seeOther("/login")
        response.setCookie(Cookie(name: sessionCookie, value: "", maxAge: 0, path: "/", secure: secureCookies, httpOnly: true,
                                  sameSite: .lax))
        return response
    }
}

extension SignInController {
    @Sendable func passwordForm(_ request: Request, context: WebRequestContext) async throws -> HTML {
        let session = try context.requireMember()
        let done = request.uri.queryParameters.get("hecho") != nil
        return HTML(body: pages.render("clave", Menu.page("Cambiar contraseña", current: "", for: session,
                                                          notice: done ? "Su contraseña cambió." : nil)))
    }

    /// Changes the member's own password, given the current one.
    @Sendable func changePassword(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember()
        let form = try await SubmittedForm(request)
        try requireToken(form["csrf"], of: session)
        let current = form["actual"] ?? "", new = form["nueva"] ?? ""
        func refuse(_ sentence: String) throws -> Response {
            var values = Menu.page("Cambiar contraseña", current: "", for: session)
            values["problema"] = sentence
            var page = HTML(body: pages.render("clave", values))
            page.status = .badRequest
            return try page.response(from: request, context: context)
        }
        guard new == form["repetida"] else { return try refuse("Las dos contraseñas nuevas no coinciden.") }
        guard new.count >= 8, new.utf8.count <= 72 else {
            return try refuse("La contraseña nueva debe tener de 8 a 72 caracteres (sin tildes cuentan uno cada uno).")
        }
        let changed = try await database.transaction(as: session.member) { db in
            try StaffDirectory.changeOwnPassword(current: current, new: new, on: db)
        }
        guard changed else { return try refuse("La contraseña actual no es correcta.") }
        return seeOther("/clave?hecho=1")
    }
}

/// Every form that changes something carries the session's CSRF token; a POST without
/// it, or with another, is refused with 403.
func requireToken(_ given: String?, of session: WebSession) throws {
    guard given == session.csrfToken else { throw HTTPError(.forbidden) }
}
