import Cartero
import Foundation
import Hummingbird
import PQ

/// **Mis casos**: a field agent's or billing member's open cases, by route and
/// neighbourhood, as he walks them; billing's show what the field visit found and the
/// address it proposes. Read as him: the database shows him only his own.
struct CasesController {
    let database: CarteroDatabase
    let pages: Pages

    static let assignees: Set<StaffRole> = [.auxiliarTerreno, .facturacion]

    var endpoints: RouteCollection<WebRequestContext> {
        let routes = RouteCollection(context: WebRequestContext.self)
        routes.get("casos", use: myCases)
        routes.get("casos/cambios.csv", use: changes)
        routes.get("casos/:case", use: show)
        routes.get("casos/:case/escaneos/:scan", use: scan)
        routes.post("casos/:case/resolver", use: resolve)
        routes.get("inicio", use: start)
        return routes
    }

    /// The outcomes a case of each destination offers, as the form lists them.
    static let outcomes: [String: [CaseOutcome]] = [
        "terreno": [.direccionCorrecta, .direccionErrada, .predioDemolido, .lote],
        "facturacion": [.depurada, .direccionActualizada, .sinCambio],
    ]

    /// Resolves one of the member's cases with the outcome the form names, with the photo
    /// the phone took, if any; the database decides whether he may (his own case, or a
    /// coordinador of the regional).
    @Sendable func resolve(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: Self.assignees.union([.coordinador, .admin]))
        guard let id = context.parameters.get("case", as: Int64.self) else { throw HTTPError(.notFound) }
        let form = try await SubmittedForm(request)
        try requireToken(form["csrf"], of: session)
        guard let outcome = form["outcome"].flatMap(CaseOutcome.init) else { throw HTTPError(.badRequest) }
        let photos = form.files["photo"] ?? []
        if let problem = UploadCheck.problem(form, "photo") { return seeOther("/casos/\(id)?problema=\(problem)") }
        do {
            _ = try await database.transaction(as: session.member) { db in
                try Cases.resolve(id, outcome: outcome, address: form.text("address"), note: form.text("note"), uploads: photos, on: db)
            }
        } catch let error as CarteroError where error.kind == .invalid {
            return seeOther("/casos/\(id)?problema=\(photos.isEmpty ? "resultado" : "archivo")")
        }
        return seeOther("/casos?hecho=\(id)")
    }

    @Sendable func myCases(_ request: Request, context: WebRequestContext) async throws -> HTML {
        let session = try context.requireMember(roles: Self.assignees)
        let login = session.member.login
        let (cases, now) = try await database.transaction(as: session.member) { db in
            (try Cases.list(assignee: login, status: .asignado, on: db), try db.queryValue("SELECT now()", as: Date.self))
        }
        let query = request.uri.queryParameters
        var values = Menu.page("Mis casos", current: "/casos", for: session,
                               notice: query.get("hecho").map { "Caso \($0) resuelto." })
        if cases.isEmpty { values["vacia"] = true } else { values["lista"] = CaseList.html(cases, now: now) }
        if session.member.role == .facturacion { values["cambios"] = true }
        return HTML(body: pages.render("casos", values))
    }

    /// What the list and the case's page both show of a case.
    static func summary(_ item: CaseSummary, now: Date) -> [String: Any] {
        var entry: [String: Any] = [
            "numero": String(item.id), "cuenta": item.cuenta, "consecutivo": item.consecutivo, "direccion": item.direccion,
            "causal": item.causal, "destino": item.destino == "terreno" ? "Visita de terreno" : "Facturación",
            "dias": String(item.daysOpen(at: now)),
        ]
        if !item.proposedAddress.isEmpty { entry["propuesta"] = item.proposedAddress }
        return entry
    }

    /// One case, with its scans and the form that resolves it: his own, or (a coordinator) one of his regional.
    @Sendable func show(_ request: Request, context: WebRequestContext) async throws -> HTML {
        let session = try context.requireMember(roles: Self.assignees.union([.coordinador, .admin]))
        guard let id = context.parameters.get("case", as: Int64.self) else { throw HTTPError(.notFound) }
        let (found, scans, now) = try await database.transaction(as: session.member) { db -> (CaseSummary?, [StoredScan], Date) in
            let found = try Cases.find(id, on: db)
            let scans = try found.map { try ReturnsRegister.scans(ofLetter: $0.consecutivo, on: db) } ?? []
            return (found, scans, try db.queryValue("SELECT now()", as: Date.self))
        }
        guard let item = found, item.status != "resuelto" else { throw HTTPError(.notFound) }
        var values = Menu.page("Caso \(item.id)", current: "/casos", for: session)
        values.merge(Self.summary(item, now: now)) { $1 }
        if !item.barrio.isEmpty { values["barrio"] = item.barrio }
        if !item.ruta.isEmpty { values["ruta"] = item.ruta }
        if let visit = item.fieldVisit {
            values["terreno"] = visit.note.isEmpty ? ["resultado": Spanish.outcome(visit.outcome)]
                : ["resultado": Spanish.outcome(visit.outcome), "nota": visit.note]
        }
        values["escaneos"] = scans.map { ["id": String($0.id), "nombre": $0.fileName] }
        values["resultados"] = (Self.outcomes[item.destino] ?? []).map {
            ["valor": $0.rawValue, "nombre": Spanish.outcome($0.rawValue).capitalizedFirst]
        }
        if item.destino == "terreno" { values["foto"] = true }
        switch request.uri.queryParameters.get("problema") {
        case "archivo": values["problema"] = UploadCheck.sentence
        case "resultado": values["problema"] = "Ese resultado necesita más datos: escriba la dirección hallada o nueva."
        default: break
        }
        return HTML(body: pages.render("caso", values))
    }

    /// A scan of the case's returned letter, as the office stored it.
    @Sendable func scan(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: Self.assignees.union([.coordinador, .admin]))
        guard let id = context.parameters.get("case", as: Int64.self), let scanID = context.parameters.get("scan", as: Int64.self)
        else { throw HTTPError(.notFound) }
        let found = try await database.transaction(as: session.member) { db -> (StoredScan, Data)? in
            // Only a scan of this case's letter: the URL names both.
            guard let item = try Cases.find(id, on: db),
                try ReturnsRegister.scans(ofLetter: item.consecutivo, on: db).contains(where: { $0.id == scanID })
            else { return nil }
            return try ReturnsRegister.scan(scanID, on: db)
        }
        guard let (stored, content) = found else { throw HTTPError(.notFound) }
        return Response(status: .ok, headers: [.contentType: stored.mediaType, .cacheControl: "no-store",
                                               .contentDisposition: "inline; filename=\"scan-\(stored.id)\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: content)))
    }

    /// The addresses and clean-up marks decided since the regional's last export, as the
    /// commercial system loads them (`ChangeExport`); `?desde=YYYY-MM-DD` sends them again from that day.
    @Sendable func changes(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: [.facturacion, .coordinador, .admin])
        let start: ChangeExport.Start = request.uri.queryParameters.get("desde").flatMap(CalendarDate.init).map { .day($0) } ?? .last
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cambios-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: file) }
        let regional = session.member.regional
        let written = try await database.transaction(as: session.member) { db in
            try ChangeExport.write(regional: regional, since: start, to: file, on: db)
        }
        let csv = try Data(contentsOf: written.file)
        return Response(status: .ok, headers: CampaignsController.download("text/csv; charset=utf-8", name: "cambios-\(written.id).csv"),
                        body: .init(byteBuffer: ByteBuffer(bytes: csv)))
    }

    @Sendable func start(_ request: Request, context: WebRequestContext) async throws -> HTML {
        let session = try context.requireMember()
        return HTML(body: pages.render("inicio", Menu.page("Cartero", current: "", for: session)))
    }
}

extension CaseSummary {
    /// Whole days since the case opened, as the list and the case's page say "hace N días".
    func daysOpen(at now: Date) -> Int { Int(now.timeIntervalSince(openedAt) / 86_400) }
}

extension String {
    /// "dirección errada" → "Dirección errada".
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

/// What the web checks of an uploaded file before the database checks its first bytes.
enum UploadCheck {
    static let sentence = "El archivo debe ser PDF, JPEG, PNG o TIFF, de no más de 10 MB; no se guardó nada."

    /// "archivo" when a file of the field was dropped as it arrived (too big, not a
    /// scan) or is empty; nil when they are all right.
    static func problem(_ form: SubmittedForm, _ field: String) -> String? {
        form.refused.contains(field) || (form.files[field] ?? []).contains { $0.content.isEmpty } ? "archivo" : nil
    }
}
