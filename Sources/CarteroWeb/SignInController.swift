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
        default: "/inicio"
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

/// Every form that changes something carries the session's CSRF token; a POST without
/// it, or with another, is refused with 403.
func requireToken(_ given: String?, of session: (member: ActingMember, csrfToken: String)) throws {
    guard given == session.csrfToken else { throw HTTPError(.forbidden) }
}
