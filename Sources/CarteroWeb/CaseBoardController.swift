import Cartero
import Foundation
import Hummingbird

/// The coordinator's **tablero de casos**: open cases by assignee and age, the cases no
/// one has, and assigning and reassigning them (`Cases.assign`, `reassign`, `reassignAll`,
/// which the database allows only to the regional's coordinador or an admin).
struct CaseBoardController {
    let database: CarteroDatabase
    let pages: Pages

    var endpoints: RouteCollection<WebRequestContext> {
        let routes = RouteCollection(context: WebRequestContext.self)
        routes.get("tablero", use: show)
        routes.post("tablero/asignar", use: assign)
        routes.post("tablero/reasignar", use: reassign)
        routes.post("tablero/reasignar-todos", use: reassignAll)
        return routes
    }

    static let ageNames = ["Hasta 7 días", "8 a 15 días", "16 a 30 días", "Más de 30 días"]

    @Sendable func show(_ request: Request, context: WebRequestContext) async throws -> HTML {
        let session = try context.requireMember(roles: CampaignsController.coordinators)
        let regional = session.member.regional
        let (board, team) = try await database.transaction(as: session.member) { db in
            (try CaseBoard.read(on: db), try StaffDirectory.list(regional: regional, on: db))
        }
        let query = request.uri.queryParameters
        var values = Menu.page("Tablero de casos", current: "/tablero", for: session, notice: query.get("hecho").flatMap(Self.notice))
        if query.get("problema") != nil {
            values["problema"] = "No se pudo: el caso no existe en su regional, ya está resuelto, o el miembro no es del rol de su destino."
        }
        values["edades"] = Self.ageNames
        values["filas"] = board.lines.map { line -> [String: Any] in
            ["responsable": line.fullName.map { "\($0) (\(line.login ?? ""))" } ?? "Sin responsable",
             "rol": line.role.map(Spanish.role) ?? "—", "cuentas": line.byAge.map(Spanish.count), "total": Spanish.count(line.total)]
        }
        if board.unassignedCount > 0 { values["sinAsignar"] = Spanish.count(board.unassignedCount) }
        values["hayPendientes"] = !board.unassigned.isEmpty
        values["pendientes"] = board.unassigned.map { item -> [String: Any] in
            ["numero": String(item.id), "cuenta": item.cuenta, "causal": item.causal,
             "destino": item.destino == "terreno" ? "terreno" : "facturación"]
        }
        values["equipo"] = team.filter { $0.active && [.auxiliarTerreno, .facturacion].contains($0.role) }.map { member -> [String: Any] in
            ["login": member.login, "nombre": member.fullName, "rol": Spanish.role(member.role)]
        }
        return HTML(body: pages.render("tablero", values))
    }

    static func notice(_ code: String) -> String? {
        code.hasPrefix("asignados-") ? "Se asignaron \(code.dropFirst("asignados-".count)) casos."
            : code == "reasignado" ? "Caso reasignado." : code.hasPrefix("movidos-") ? "Se pasaron \(code.dropFirst("movidos-".count)) casos." : nil
    }

    @Sendable func assign(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: CampaignsController.coordinators)
        let form = try await SubmittedForm(request)
        try requireToken(form["csrf"], of: session)
        // An admin assigns every regional's cases; a coordinador his own.
        let own = session.member.regional
        let assigned = try await database.transaction(as: session.member) { db in
            let regionals = try own.map { [$0] } ?? Regionals.all(on: db).map(\.code)
            return try regionals.reduce(0) { total, regional in total + (try Cases.assign(regional: regional, on: db)) }
        }
        return seeOther("/tablero?hecho=asignados-\(assigned)")
    }

    @Sendable func reassign(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: CampaignsController.coordinators)
        let form = try await SubmittedForm(request)
        try requireToken(form["csrf"], of: session)
        guard let id = form.text("caso").flatMap({ Int64($0) }), let login = form.text("a") else { throw HTTPError(.badRequest) }
        do {
            try await database.transaction(as: session.member) { db in try Cases.reassign(id, to: login, on: db) }
        } catch let error as CarteroError where error.kind != .forbidden {
            return seeOther("/tablero?problema=1")
        }
        return seeOther("/tablero?hecho=reasignado")
    }

    @Sendable func reassignAll(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: CampaignsController.coordinators)
        let form = try await SubmittedForm(request)
        try requireToken(form["csrf"], of: session)
        guard let from = form.text("de"), let to = form.text("para") else { throw HTTPError(.badRequest) }
        let moved: Int
        do {
            moved = try await database.transaction(as: session.member) { db in try Cases.reassignAll(from: from, to: to, on: db) }
        } catch let error as CarteroError where error.kind != .forbidden {
            return seeOther("/tablero?problema=1")
        }
        return seeOther("/tablero?hecho=movidos-\(moved)")
    }
}
