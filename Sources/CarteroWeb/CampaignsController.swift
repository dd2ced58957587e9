import Cartero
import Foundation
import Hummingbird
import PQ

/// The coordinator's campaigns: list and create them, see the funnel and ask "what
/// if", then approve, generate, download and dispatch. Every step is the domain's
/// (`Campaigns`, `Funnel`, `Letters`) run as the member, so PostgreSQL decides whether
/// he may.
struct CampaignsController {
    let database: CarteroDatabase
    let pages: Pages
    /// Where generated letters are written, a folder per campaign.
    let lettersDirectory: URL
    let metrics: WebMetrics

    static let coordinators: Set<StaffRole> = [.coordinador, .admin]

    var endpoints: RouteCollection<WebRequestContext> {
        let routes = RouteCollection(context: WebRequestContext.self)
        routes.get("campanas", use: list)
        routes.post("campanas", use: create)
        routes.get("campanas/:campaign", use: show)
        routes.post("campanas/:campaign/:step", use: advance)
        routes.get("campanas/:campaign/cartas.pdf", use: letters)
        routes.get("campanas/:campaign/manifiesto.csv", use: manifest)
        return routes
    }

    struct NewCampaignForm: Decodable {
        let csrf: String?
        var nombre: String?
        var corte: String?
        var regional: String?
    }

    @Sendable func list(_ request: Request, context: WebRequestContext) async throws -> HTML {
        let session = try context.requireMember(roles: Self.coordinators)
        return try await listPage(session, form: nil, parameters: ParameterForm(), problem: nil)
    }

    private func listPage(_ session: WebSession, form: NewCampaignForm?, parameters: ParameterForm, problem: String?) async throws -> HTML {
        let (campaigns, regionals) = try await database.transaction(as: session.member) { db in
            (try Campaigns.list(on: db), try Regionals.all(on: db))
        }
        var values = Menu.page("Campañas", current: "/campanas", for: session)
        values["campanas"] = campaigns.map { c -> [String: Any] in
            ["id": String(c.id), "nombre": c.name, "regional": c.regional, "corte": c.cutDate.description,
             "estado": Spanish.status(c.status), "seleccionadas": Spanish.count(c.selectedCount)]
        }
        var nuevo = parameters.values(showing: nil)
        nuevo["nombre"] = form?.nombre ?? ""
        nuevo["corte"] = form?.corte ?? ""
        values["nuevo"] = nuevo
        if session.member.regional == nil {
            values["elegirRegional"] = true
            values["regionales"] = regionals.map { ["codigo": $0.code, "nombre": $0.name] }
        }
        if let problem { values["problema"] = problem }
        var page = HTML(body: pages.render("campanas", values))
        if problem != nil { page.status = .badRequest }
        return page
    }

    @Sendable func create(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: Self.coordinators)
        let body = try await CarteroWeb.body(of: request, upTo: 64 * 1024)
        let form = try decodeForm(NewCampaignForm.self, from: body)
        try requireToken(form.csrf, of: session)
        let parameters = try decodeForm(ParameterForm.self, from: body)
        func refuse(_ sentence: String) async throws -> Response {
            try await listPage(session, form: form, parameters: parameters, problem: sentence).response(from: request, context: context)
        }
        let name = (form.nombre ?? "").trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 200 else { return try await refuse("La campaña necesita un nombre de hasta 200 caracteres.") }
        guard let regional = session.member.regional ?? form.regional.flatMap({ $0.isEmpty ? nil : $0 }) else {
            return try await refuse("Elija la regional de la campaña.")
        }
        guard let cut = form.corte.flatMap(CalendarDate.init), (2000...2099).contains(cut.year) else {
            return try await refuse("La fecha de corte debe ser una fecha entre 2000 y 2099.")
        }
        let overrides: ParameterOverrides
        do { overrides = try parameters.overrides() } catch let problem as ParameterForm.Problem {
            return try await refuse(problem.sentence)
        }
        let id = try await database.transaction(as: session.member) { db in
            try Campaigns.create(NewCampaign(regional: regional, name: name, cutDate: cut, parameters: overrides), on: db)
        }
        return seeOther("/campanas/\(id)")
    }

    @Sendable func show(_ request: Request, context: WebRequestContext) async throws -> HTML {
        let session = try context.requireMember(roles: Self.coordinators)
        let id = try campaignID(context)
        let query = request.uri.queryParameters
        let asked = query.get("simular") != nil
        // The what-if form is a GET: its fields are the query's.
        let form = (try? URLEncodedFormDecoder().decode(ParameterForm.self, from: request.uri.query ?? "")) ?? ParameterForm()
        var problem: String?
        var overrides: ParameterOverrides?
        if asked {
            do { overrides = try form.overrides() } catch let refused as ParameterForm.Problem { problem = refused.sentence }
        }
        let asking = overrides
        let (stored, whatIf, today, effect) = try await database.transaction(as: session.member) {
            db -> (Funnel, Funnel?, CalendarDate, (header: [String], rows: [[String]])?) in
            let stored = try Funnel.stored(id, on: db)
            let today = try db.queryValue("SELECT current_date", as: CalendarDate.self)
            // The analysts' own view: the page and their SQL agree.
            let effect = [.despachada, .cerrada].contains(stored.campaign.status)
                ? try Reports.table("campaign_effectiveness", campaign: id, on: db) : nil
            guard let overrides = asking, stored.campaign.isDraft else { return (stored, nil, today, effect) }
            return (stored, try Funnel.whatIf(id, overrides: overrides, on: db), today, effect)
        }
        let campaign = stored.campaign
        var values = Menu.page("Campaña \(campaign.id)", current: "/campanas", for: session, notice: query.get("hecho").flatMap(Self.notice))
        if query.get("hecho") == "reservadas" {
            problem = "Otra campaña reservó algunas de estas cuentas después de esta evaluación: evalúela de nuevo y apruébela."
        }
        if let problem { values["problema"] = problem }
        values.merge([
            "id": String(campaign.id), "nombre": campaign.name, "regional": campaign.regional, "corte": campaign.cutDate.description,
            "estado": Spanish.status(campaign.status), "seleccionadas": Spanish.count(campaign.selectedCount),
            "hoy": today.description,
        ]) { $1 }
        switch campaign.status {
        case .borrador: values.merge(["puedeActualizar": true, "puedeAprobar": true, "puedeAnular": true, "simulable": true]) { $1 }
        case .aprobada: values.merge(["puedeGenerar": true, "puedeAnular": true]) { $1 }
        case .generada: values.merge(["puedeDespachar": true, "descargas": true]) { $1 }
        case .despachada, .cerrada: values["descargas"] = true
        case .anulada: break
        }
        var funnels = [Self.funnelValues(stored, title: "Embudo de la última evaluación", anchor: "evaluacion")]
        if let whatIf { funnels.append(Self.funnelValues(whatIf, title: "Simulación", anchor: "simulacion")) }
        values["embudos"] = funnels
        values["simulacion"] = form.values(showing: whatIf?.parameters ?? campaign.parameters)
        if let effect, !effect.rows.isEmpty { values["efecto"] = ["filas": Self.effectRows(effect)] }
        return HTML(body: pages.render("campana", values))
    }

    static func funnelValues(_ funnel: Funnel, title: String, anchor: String) -> [String: Any] {
        [
            "rotulo": title, "ancla": anchor, "grafico": FunnelChart.svg(funnel),
            "evaluadas": Spanish.count(funnel.evaluated.accounts), "saldoEvaluadas": Spanish.pesos(funnel.evaluated.balance),
            "seleccionadas": Spanish.count(funnel.selected.accounts), "saldoSeleccionadas": Spanish.pesos(funnel.selected.balance),
            "pasos": funnel.steps.map { step -> [String: Any] in
                ["regla": Spanish.rule(step.reason), "fallan": Spanish.count(step.failing),
                 "primeras": Spanish.count(step.firstFailing), "saldo": Spanish.pesos(step.firstFailingBalance)]
            },
        ]
    }

    /// The rows of `reporting.campaign_effectiveness` as the page shows them: shares as percentages.
    static func effectRows(_ effect: (header: [String], rows: [[String]])) -> [[String: Any]] {
        func column(_ name: String) -> Int { effect.header.firstIndex(of: name) ?? 0 }
        func percent(_ text: String) -> String {
            guard let value = Double(text) else { return "—" }
            return String(format: "%.1f %%", value * 100).replacingOccurrences(of: ".", with: ",")
        }
        return effect.rows.map { row -> [String: Any] in
            let count = { (name: String) in Spanish.count(Int(row[column(name)]) ?? 0) }
            return [
                "dias": row[column("dias")],
                "conCarta": "\(count("pagaron_con_carta")) de \(count("cuentas_con_carta")) (\(percent(row[column("tasa_con_carta")])))",
                "control": "\(count("pagaron_control")) de \(count("cuentas_control")) (\(percent(row[column("tasa_control")])))",
                "diferencia": percent(row[column("diferencia")]),
                "intervalo": row[column("ic95_desde")].isEmpty ? "—"
                    : "\(percent(row[column("ic95_desde")])) a \(percent(row[column("ic95_hasta")]))",
                "recuperadoCarta": percent(row[column("recuperacion_con_carta")]),
                "recuperadoControl": percent(row[column("recuperacion_control")]),
            ]
        }
    }

    /// What a step says when it is done (`?hecho=` after the redirect).
    static func notice(_ code: String) -> String? {
        switch code {
        case "evaluada": "La campaña se evaluó de nuevo con los datos de hoy."
        case "aprobada": "Campaña aprobada: sus cuentas quedan reservadas."
        case "generada": "Cartas generadas: descargue el PDF y el manifiesto."
        case "despachada": "Campaña despachada."
        case "anulada": "Campaña anulada: sus cuentas quedan libres."
        default: nil
        }
    }

    struct StepForm: Decodable {
        let csrf: String?
        let fecha: String?
    }

    /// One step of the campaign's life: actualizar, aprobar, generar, despachar, anular.
    @Sendable func advance(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: Self.coordinators)
        let id = try campaignID(context)
        let form = try await formFields(StepForm.self, of: request)
        try requireToken(form.csrf, of: session)
        let step = context.parameters.get("step") ?? ""
        let directory = lettersDirectory.appendingPathComponent(String(id))
        let done: String
        switch step {
        case "actualizar":
            _ = try await database.transaction(as: session.member) { db in try Campaigns.refresh(id, on: db) }
            done = "evaluada"
        case "aprobar":
            do {
                _ = try await database.transaction(as: session.member) { db in try Campaigns.approve(id, on: db) }
            } catch let error as CarteroError where error.kind == .conflict {
                return seeOther("/campanas/\(id)?hecho=reservadas")
            }
            done = "aprobada"
        case "generar":
            let generated = try await database.transaction(as: session.member) { db in try Letters.generate(id, into: directory, on: db) }
            metrics.lettersGenerated(generated.letters)
            done = "generada"
        case "despachar":
            guard let date = form.fecha.flatMap(CalendarDate.init) else { throw HTTPError(.badRequest) }
            _ = try await database.transaction(as: session.member) { db in try Letters.dispatch(id, on: date, on: db) }
            done = "despachada"
        case "anular":
            _ = try await database.transaction(as: session.member) { db in try Campaigns.cancel(id, on: db) }
            done = "anulada"
        default:
            throw HTTPError(.notFound)
        }
        return seeOther("/campanas/\(id)?hecho=\(done)")
    }

    /// The campaign's letters as one PDF. Drawn again when this instance has no copy (the
    /// numbering is kept: `Letters.generate` numbers a campaign once).
    @Sendable func letters(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: Self.coordinators)
        let id = try campaignID(context)
        let directory = lettersDirectory.appendingPathComponent(String(id))
        let pdf = directory.appendingPathComponent("cartas.pdf")
        let campaign = try await database.transaction(as: session.member) { db in try Campaigns.find(id, on: db) }
        guard [.generada, .despachada, .cerrada].contains(campaign.status) else { throw HTTPError(.notFound) }
        if !FileManager.default.fileExists(atPath: pdf.path) {
            let generated = try await database.transaction(as: session.member) { db in try Letters.generate(id, into: directory, on: db) }
            metrics.lettersGenerated(generated.letters)
        }
        let body = try await FileIO().loadFile(path: pdf.path, context: context)
        return Response(status: .ok, headers: Self.download("application/pdf", name: "cartas-\(id).pdf"), body: body)
    }

    /// `manifiesto.csv` (FORMATS.md), from the database.
    @Sendable func manifest(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: Self.coordinators)
        let id = try campaignID(context)
        let csv = try await database.transaction(as: session.member) { db -> ByteBuffer in
            var buffer = ByteBuffer()
            try Letters.manifest(id, on: db) { buffer.writeBytes($0) }
            return buffer
        }
        return Response(status: .ok, headers: Self.download("text/csv; charset=utf-8", name: "manifiesto-\(id).csv"), body: .init(byteBuffer: csv))
    }

    static func download(_ type: String, name: String) -> HTTPFields {
        [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "no-store"]
    }

    private func campaignID(_ context: WebRequestContext) throws -> Campaign.ID {
        guard let id = context.parameters.get("campaign", as: Campaign.ID.self) else { throw HTTPError(.notFound) }
        return id
    }
}
