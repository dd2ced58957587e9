import Cartero
import Foundation
import Hummingbird

/// **Registro de información de mensajería**: the office finds a returned letter by its
/// consecutivo or the courier's tracking number, records its cause, the courier's
/// observation and the scan, and sees where its case went; today's registered returns;
/// and the courier's results file, with each bad line named when it is refused.
struct ReturnsController {
    let database: CarteroDatabase
    let pages: Pages
    let metrics: WebMetrics

    static let clerks: Set<StaffRole> = [.auxiliarOficina, .coordinador, .admin]
    /// The courier's results file of a month of a big regional fits.
    static let maximumResultsBytes = 64 * 1024 * 1024

    var endpoints: RouteCollection<WebRequestContext> {
        let routes = RouteCollection(context: WebRequestContext.self)
        routes.get("registro", use: show)
        routes.post("registro", use: register)
        routes.post("registro/resultados", use: importResults)
        return routes
    }

    @Sendable func show(_ request: Request, context: WebRequestContext) async throws -> HTML {
        let session = try context.requireMember(roles: Self.clerks)
        let query = request.uri.queryParameters
        return try await page(session, carta: query.get("carta") ?? "",
                              notice: query.get("hecho").map { "Devolución de la carta \($0) registrada." },
                              problem: query.get("problema") == "archivo" ? UploadCheck.sentence : nil)
    }

    private func page(_ session: WebSession, carta: String, notice: String? = nil, problem: String? = nil, rowErrors: [String] = []) async throws -> HTML {
        let (letter, causes, today) = try await database.transaction(as: session.member) { db in
            (try ReturnsRegister.lookUp(carta, on: db), try ReturnCauses.all(on: db), try ReturnsRegister.registeredToday(on: db))
        }
        var values = Menu.page("Registro de información de mensajería", current: "/registro", for: session, notice: notice)
        values.merge([
            "carta": carta, "buscada": !carta.isEmpty,
            "hoy": today.map { ["consecutivo": $0.consecutivo, "causal": $0.causal] },
            "errores": rowErrors, "hayErrores": !rowErrors.isEmpty,
        ]) { $1 }
        if let problem { values["problema"] = problem }
        if let letter {
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
        var html = HTML(body: pages.render("registro", values))
        if problem != nil || !rowErrors.isEmpty { html.status = .badRequest }
        return html
    }

    @Sendable func register(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: Self.clerks)
        let form = try await SubmittedForm(request)
        try requireToken(form["csrf"], of: session)
        guard let consecutivo = form.text("consecutivo"), let causal = form.text("causal") else { throw HTTPError(.badRequest) }
        let scans = form.files["scan"] ?? []
        if UploadCheck.problem(form, "scan") != nil { return seeOther("/registro?carta=\(consecutivo)&problema=archivo") }
        let registration: ReturnsRegister.Registration
        do {
            registration = try await database.transaction(as: session.member) { db in
                try ReturnsRegister.register(consecutivo, causal: causal, observacion: form.text("observacion") ?? "", uploads: scans, on: db)
            }
        } catch let error as CarteroError where error.kind == .invalid && !scans.isEmpty {
            return seeOther("/registro?carta=\(consecutivo)&problema=archivo")
        }
        return seeOther("/registro?carta=\(registration.consecutivo)&hecho=\(registration.consecutivo)")
    }

    /// The courier's `resultados.csv`, imported whole or refused whole (FORMATS.md).
    @Sendable func importResults(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: Self.clerks)
        // The import reads a file, and records its name: the upload is written under it,
        // alone in a folder, as it arrives.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("resultados-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let form = try await SubmittedForm(request, files: .saved(in: folder, maximumBytes: Self.maximumResultsBytes))
        try requireToken(form["csrf"], of: session)
        guard let file = form.saved["resultados"]?.first else { throw HTTPError(.badRequest) }
        let outcome = try await database.transaction(as: session.member) { db in
            try ExtractImport.run(.courierResults, file: file, on: db)
        }
        switch outcome {
        case .imported(let summary):
            let notice = "Resultados importados: \(Spanish.count(summary.inserted)) registrados, \(Spanish.count(summary.unchanged)) ya estaban, \(Spanish.count(summary.casesOpened)) casos abiertos."
            return try await page(session, carta: "", notice: notice).response(from: request, context: context)
        case .rejected(let errors, let total):
            metrics.importRefused(.courierResults)
            var lines = errors.map { error in
                "Línea \(error.line)\(error.column.map { ", columna \($0)" } ?? ""): \(error.message)"
            }
            if total > errors.count { lines.append("… y \(Spanish.count(total - errors.count)) problemas más.") }
            return try await page(session, carta: "", rowErrors: lines).response(from: request, context: context)
        }
    }
}
