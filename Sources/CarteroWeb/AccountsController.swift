import Cartero
import Foundation
import Hummingbird

/// **Consulta de cuenta**: the office and the Centro de Atención a Usuarios find an
/// account by number, letter consecutivo or holder's name, see its balance, letters,
/// cases and history, and print a duplicate of a letter. Read as the member: another
/// regional's account is not found.
struct AccountsController {
    let database: CarteroDatabase
    let pages: Pages

    static let readers: Set<StaffRole> = [.auxiliarOficina, .coordinador, .admin, .facturacion]

    var endpoints: RouteCollection<WebRequestContext> {
        let routes = RouteCollection(context: WebRequestContext.self)
        routes.get("cuentas", use: search)
        routes.get("cuentas/:cuenta", use: show)
        routes.get("cartas/:file", use: duplicate)
        return routes
    }

    @Sendable func search(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: Self.readers)
        let text = (request.uri.queryParameters.get("q") ?? "").trimmingCharacters(in: .whitespaces)
        let matches = text.isEmpty ? [] : try await database.transaction(as: session.member) { db in
            try AccountInquiry.search(text, on: db)
        }
        // One account found: straight to it, as a barcode scan of the letter expects.
        if matches.count == 1 { return seeOther("/cuentas/\(matches[0].cuenta)") }
        var values = Menu.page("Consulta de cuenta", current: "/cuentas", for: session)
        values.merge(["q": text, "buscada": !text.isEmpty, "hayResultados": !matches.isEmpty]) { $1 }
        values["resultados"] = matches.prefix(AccountInquiry.matchesShown).map { match -> [String: Any] in
            ["cuenta": match.cuenta, "titular": match.titular, "direccion": match.direccion, "saldo": Spanish.pesos(match.saldoMora)]
        }
        if matches.count > AccountInquiry.matchesShown { values["truncada"] = String(AccountInquiry.matchesShown) }
        return try HTML(body: pages.render("cuentas", values)).response(from: request, context: context)
    }

    @Sendable func show(_ request: Request, context: WebRequestContext) async throws -> HTML {
        let session = try context.requireMember(roles: Self.readers)
        let cuenta = context.parameters.get("cuenta") ?? ""
        let found = try await database.transaction(as: session.member) { db in try AccountInquiry.file(cuenta, on: db) }
        guard let file = found else { throw HTTPError(.notFound) }
        let account = file.account
        var values = Menu.page("Cuenta \(account.cuenta)", current: "/cuentas", for: session)
        var summary: [String: Any] = [
            "numero": account.cuenta, "titular": account.titular, "direccion": account.direccion, "municipio": account.municipio,
            "saldo": Spanish.pesos(account.saldoMora), "uso": account.uso, "facturacion": account.facturacion,
        ]
        if !account.barrio.isEmpty { summary["barrio"] = account.barrio }
        if let since = account.fechaMora { summary["desde"] = since.description }
        if account.cobroJuridico { summary["juridico"] = true }
        if let mark = account.saneamiento { summary["saneamiento"] = mark }
        values["cuenta"] = summary
        values["hayCartas"] = !file.letters.isEmpty
        values["cartas"] = file.letters.map { letter -> [String: Any] in
            var courier = letter.courierResult.map { "\($0 == "ENTREGADA" ? "entregada" : "devuelta") el \(letter.courierDate?.description ?? "")" }
                ?? (letter.dispatchedOn == nil ? "—" : "en camino")
            if let cause = letter.registeredCause { courier += " · registrada: \(cause)" }
            return ["consecutivo": letter.consecutivo, "campana": letter.campaign, "corte": letter.cutDate.description,
                    "saldo": Spanish.pesos(letter.saldoMora), "dias": letter.diasMora.map(String.init) ?? "—",
                    "despacho": letter.dispatchedOn?.description ?? "sin despachar", "mensajeria": courier]
        }
        values["casos"] = file.cases.map { item -> [String: Any] in
            var entry: [String: Any] = ["numero": String(item.id), "destino": item.destino == "terreno" ? "terreno" : "facturación",
                                        "estado": item.status]
            if let login = item.assignee { entry["responsable"] = login }
            if let outcome = item.outcome { entry["resultado"] = Spanish.outcome(outcome) }
            return entry
        }
        let format = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "America/Bogota") ?? .gmt).year().month().day()
            .dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon).dateTimeSeparator(.space)
        values["historia"] = file.history.map { entry -> [String: Any] in
            var line: [String: Any] = ["cuando": entry.at.formatted(format), "que": "\(entry.entity) \(entry.entityID): \(entry.what)"]
            if let before = entry.before { line["antes"] = before }
            if let after = entry.after { line["despues"] = after }
            if let by = entry.by { line["quien"] = by }
            return line
        }
        return HTML(body: pages.render("cuenta", values))
    }

    /// `/cartas/NORTE-2026-000123.pdf`: a duplicate of the letter, as it was generated.
    @Sendable func duplicate(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: Self.readers)
        let name = context.parameters.get("file") ?? ""
        let consecutivo = String(name.dropLast(4))
        guard name.hasSuffix(".pdf"), consecutivo.range(of: "^[A-Za-z0-9-]{1,40}$", options: .regularExpression) != nil else {
            throw HTTPError(.notFound)
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("duplicado-\(UUID().uuidString).pdf")
        defer { try? FileManager.default.removeItem(at: file) }
        try await database.transaction(as: session.member) { db in try Letters.duplicate(consecutivo, to: file, on: db) }
        let pdf = try Data(contentsOf: file)
        return Response(status: .ok, headers: [.contentType: "application/pdf", .contentDisposition: "inline; filename=\"\(consecutivo).pdf\"",
                                               .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: pdf)))
    }
}
