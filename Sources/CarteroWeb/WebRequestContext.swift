import Cartero
import Hummingbird

/// A signed-in member and the token his forms must carry.
public typealias WebSession = (member: ActingMember, csrfToken: String)

/// A request's context: who is signed in, once `SessionMiddleware` has read the cookie.
public struct WebRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The signed-in member and the token his forms must carry; nil when signed out.
    public var session: WebSession?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The signed-in member, or a redirect to the sign-in page.
    func requireMember(roles: Set<StaffRole>? = nil) throws -> WebSession {
        guard let session else { throw SignInRequired() }
        if let roles, !roles.contains(session.member.role) { throw HTTPError(.forbidden) }
        return session
    }
}

/// Thrown by a page that needs a signed-in member: answered with a redirect to /login.
struct SignInRequired: Error {}

/// The name of the session cookie.
let sessionCookie = "cartero_session"

/// Reads the session cookie and, for a live session, puts its member in the context.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let database: CarteroDatabase

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let token = request.cookies[sessionCookie]?.value, !token.isEmpty {
            context.session = try await WebSessions.find(token: token, on: database)
        }
        return try await next(request, context)
    }
}
