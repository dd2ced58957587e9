import Cartero
import Hummingbird
import Foundation
import Logging

/// Where and how `cartero serve` listens.
public struct WebConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Mark the session cookie Secure (behind HTTPS).
    public var secureCookies: Bool
    /// Where generated letters are written, a folder per campaign.
    public var lettersDirectory: URL

    public init(
        host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false,
        lettersDirectory: URL = URL(fileURLWithPath: "cartas")
    ) {
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
        self.lettersDirectory = lettersDirectory
    }
}

/// The web back office: every database call of a request runs as the signed-in
/// member, so PostgreSQL's row rules apply to the web as they do to the CLI.
public func buildApplication(database: CarteroDatabase, configuration: WebConfiguration) throws -> some ApplicationProtocol {
    var logger = Logger(label: "cartero.web")
    logger.logLevel = .info
    return Application(
        router: try buildRouter(database: database, configuration: configuration),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "cartero"),
        logger: logger)
}

/// The routes, apart from the server, for `app.test(.router)`.
public func buildRouter(
    database: CarteroDatabase, configuration: WebConfiguration = WebConfiguration(), metrics: WebMetrics? = nil
) throws -> Router<WebRequestContext> {
    let pages = try Pages()
    let metrics = metrics ?? WebMetrics(pool: database.pool)
    let router = Router(context: WebRequestContext.self)
    router.add(middleware: AccessLogMiddleware())
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: PageErrorMiddleware(pages: pages, metrics: metrics))
    router.addRoutes(HealthController(database: database).endpoints)
    router.addRoutes(MetricsController(metrics: metrics).endpoints)
    router.add(middleware: SessionMiddleware(database: database))
    router.addRoutes(SignInController(database: database, pages: pages, secureCookies: configuration.secureCookies).endpoints)
    router.addRoutes(CasesController(database: database, pages: pages).endpoints)
    router.addRoutes(CaseBoardController(database: database, pages: pages).endpoints)
    router.addRoutes(ReturnsController(database: database, pages: pages, metrics: metrics).endpoints)
    router.addRoutes(CampaignsController(database: database, pages: pages, lettersDirectory: configuration.lettersDirectory, metrics: metrics).endpoints)
    router.addRoutes(AccountsController(database: database, pages: pages).endpoints)
    router.addRoutes(AdminController(database: database, pages: pages).endpoints)
    return router
}
