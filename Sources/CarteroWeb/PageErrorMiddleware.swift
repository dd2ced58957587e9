import Cartero
import Hummingbird
import PQ

/// Every refusal as a page in Spanish with its status, never a stack trace: signed out
/// goes to the sign-in page; a role without access gets 403, an unknown id 404.
struct PageErrorMiddleware: RouterMiddleware {
    typealias Context = WebRequestContext
    let pages: Pages
    let metrics: WebMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch is SignInRequired {
            return seeOther("/login")
        } catch let error as HTTPError {
            return try page(error.status, request: request, context: context)
        } catch let error as CarteroError {
            let status: HTTPResponse.Status = switch error.kind {
            case .forbidden: .forbidden
            case .notFound: .notFound
            case .conflict: .conflict
            case .invalid: .badRequest
            }
            return try page(status, request: request, context: context)
        } catch let error as PQError where error.kind == .connection || error.kind == .pool {
            metrics.databaseError(error)
            return try page(.serviceUnavailable, request: request, context: context)
        } catch {
            if let error = error as? PQError { metrics.databaseError(error) }
            context.logger.error("request failed", metadata: ["error": "\(type(of: error))"])
            return try page(.internalServerError, request: request, context: context)
        }
    }

    private func page(_ status: HTTPResponse.Status, request: Request, context: Context) throws -> Response {
        let sentence = switch status {
        case .forbidden: "No tiene acceso a esta página con su rol."
        case .notFound: "No existe, o no es de su regional."
        case .badRequest: "La solicitud no es válida."
        case .conflict: "Otra persona lo cambió primero; vuelva a cargar la página."
        case .serviceUnavailable: "La base de datos no responde; intente de nuevo en un momento."
        case .contentTooLarge: "El archivo es demasiado grande: cada escaneo o foto puede tener hasta 10 MB."
        default: "Algo salió mal; intente de nuevo."
        }
        var html = HTML(body: pages.render("error", ["titulo": "Error \(status.code)", "mensaje": sentence]))
        html.status = status
        return try html.response(from: request, context: context)
    }
}
