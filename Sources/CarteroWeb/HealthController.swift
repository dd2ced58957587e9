import Cartero
import Hummingbird

/// `/healthz`: 200 when the database answers, 503 when it does not.
struct HealthController {
    let database: CarteroDatabase

    var endpoints: RouteCollection<WebRequestContext> {
        let routes = RouteCollection(context: WebRequestContext.self)
        routes.get("healthz", use: health)
        return routes
    }

    @Sendable func health(_ request: Request, context: WebRequestContext) async throws -> Response {
        do {
            _ = try await database.transactionAsNoOne { db in try db.queryValue("SELECT 1", as: Int.self) }
            return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        } catch {
            return Response(status: .serviceUnavailable, headers: [.contentType: "text/plain"],
                            body: .init(byteBuffer: ByteBuffer(string: "database unavailable\n")))
        }
    }
}
