import Cartero
import Foundation
import Hummingbird

/// The administrator's screen: staff (create, deactivate, reset a password), each
/// regional's letter settings, and where each return cause sends its case. The
/// database allows all of it to an admin only.
struct AdminController {
    let database: CarteroDatabase
    let pages: Pages

    var endpoints: RouteCollection<WebRequestContext> {
        let routes = RouteCollection(context: WebRequestContext.self)
        routes.get("admin", use: show)
        routes.post("admin/personal", use: addMember)
        routes.post("admin/personal/:login/:action", use: changeMember)
        routes.post("admin/regionales", use: addRegional)
        routes.get("admin/regionales/:code", use: regional)
        routes.post("admin/regionales/:code", use: saveRegional)
        routes.post("admin/causales", use: addCause)
        routes.post("admin/causales/:code", use: routeCause)
        return routes
    }

    static let notices = [
        "creado": "Miembro creado.", "desactivado": "Miembro desactivado.", "activado": "Miembro activado.",
        "clave": "Contraseña restablecida.", "causal": "Destino de la causal cambiado.", "regional": "Ajustes de la regional guardados.",
        "nueva-regional": "Regional agregada.", "nueva-causal": "Causal agregada.",
    ]

    @Sendable func show(_ request: Request, context: WebRequestContext) async throws -> HTML {
        let session = try context.requireMember(roles: [.admin])
        return try await page(session, notice: request.uri.queryParameters.get("hecho").flatMap { Self.notices[$0] })
    }

    private func page(_ session: WebSession, notice: String? = nil, problem: String? = nil) async throws -> HTML {
        let (staff, regionals, causes) = try await database.transaction(as: session.member) { db in
            (try StaffDirectory.list(on: db), try Regionals.all(on: db), try ReturnCauses.all(on: db))
        }
        var values = Menu.page("Administración", current: "/admin", for: session, notice: notice)
        if let problem { values["problema"] = problem }
        values["personal"] = staff.map { member -> [String: Any] in
            ["login": member.login, "nombre": member.fullName, "rol": Spanish.role(member.role), "regional": member.regional ?? "—",
             "estado": member.active ? "activo" : "inactivo", "accion": member.active ? "desactivar" : "activar",
             "accionNombre": member.active ? "Desactivar" : "Activar", "csrf": session.csrfToken]
        }
        values["roles"] = StaffRole.allCases.map { ["valor": $0.rawValue, "nombre": Spanish.role($0)] }
        values["regionales"] = regionals.map { ["codigo": $0.code, "nombre": $0.name] }
        values["rutas"] = ReturnRoute.allCases.map(\.rawValue)
        values["causales"] = causes.map { cause -> [String: Any] in
            ["codigo": cause.code, "descripcion": cause.descripcion, "csrf": session.csrfToken,
             "destinos": ReturnRoute.allCases.map { route -> [String: Any] in
                 route == cause.route ? ["valor": route.rawValue, "elegido": true] : ["valor": route.rawValue]
             }]
        }
        var html = HTML(body: pages.render("admin", values))
        if problem != nil { html.status = .badRequest }
        return html
    }

    @Sendable func addMember(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: [.admin])
        let form = try await SubmittedForm(request)
        try requireToken(form["csrf"], of: session)
        guard let login = form.text("login"), let name = form.text("nombre"), let role = form.text("rol").flatMap(StaffRole.init),
            let password = form["clave"]
        else { throw HTTPError(.badRequest) }
        let member = NewStaffMember(login: login, fullName: name, role: role, regional: form.text("regional"), password: password, dbLogin: false)
        do {
            try await database.transaction(as: session.member) { db in try StaffDirectory.add(member, on: db) }
        } catch let error as CarteroError where error.kind == .invalid || error.kind == .conflict {
            let sentence = error.kind == .conflict ? "Ya existe un miembro con el usuario \(login)."
                : "Revise los datos: usuario en minúsculas (letras, dígitos, . _ -), nombre de hasta 120 caracteres, contraseña de 8 a 72, y regional para todo rol salvo administrador."
            return try await page(session, problem: sentence).response(from: request, context: context)
        }
        return seeOther("/admin?hecho=creado")
    }

    @Sendable func changeMember(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: [.admin])
        let form = try await SubmittedForm(request)
        try requireToken(form["csrf"], of: session)
        let login = context.parameters.get("login") ?? ""
        let done: String
        switch context.parameters.get("action") {
        case "desactivar", "activar":
            let active = context.parameters.get("action") == "activar"
            try await database.transaction(as: session.member) { db in try StaffDirectory.setActive(login: login, active, on: db) }
            done = active ? "activado" : "desactivado"
        case "clave":
            let password = form["nueva"] ?? ""
            guard password.count >= 8, password.utf8.count <= 72 else {
                return try await page(session, problem: "La contraseña nueva debe tener de 8 a 72 caracteres.").response(from: request, context: context)
            }
            try await database.transaction(as: session.member) { db in try StaffDirectory.resetPassword(login: login, to: password, on: db) }
            done = "clave"
        default:
            throw HTTPError(.notFound)
        }
        return seeOther("/admin?hecho=\(done)")
    }

    @Sendable func regional(_ request: Request, context: WebRequestContext) async throws -> HTML {
        let session = try context.requireMember(roles: [.admin])
        let code = context.parameters.get("code") ?? ""
        let settings = try await database.transaction(as: session.member) { db in try LetterSettings.find(regional: code, on: db) }
        var values = Menu.page("Cartas de la regional \(code)", current: "/admin", for: session)
        values["codigo"] = code
        values["ajustes"] = LetterSettings.keys.map { key -> [String: Any] in
            ["clave": key.name, "valor": settings[key.name] ?? "", "largo": String(key.maxLength)]
        }
        return HTML(body: pages.render("regional", values))
    }

    @Sendable func saveRegional(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: [.admin])
        let form = try await SubmittedForm(request)
        try requireToken(form["csrf"], of: session)
        let code = context.parameters.get("code") ?? ""
        let changes = LetterSettings.keys.compactMap { key in form[key.name].map { (key: key.name, value: $0) } }
        do {
            _ = try await database.transaction(as: session.member) { db in try LetterSettings.update(regional: code, changes, on: db) }
        } catch let error as CarteroError where error.kind == .invalid {
            return try await page(session, problem: "Revise los ajustes de \(code): los obligatorios no pueden quedar vacíos, el GLN tiene 13 dígitos y los días del cupón son un número.")
                .response(from: request, context: context)
        }
        return seeOther("/admin?hecho=regional")
    }

    @Sendable func routeCause(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: [.admin])
        let form = try await SubmittedForm(request)
        try requireToken(form["csrf"], of: session)
        guard let route = form.text("destino").flatMap(ReturnRoute.init) else { throw HTTPError(.badRequest) }
        let code = context.parameters.get("code") ?? ""
        _ = try await database.transaction(as: session.member) { db in try ReturnCauses.setRoute(code, to: route, on: db) }
        return seeOther("/admin?hecho=causal")
    }

    @Sendable func addRegional(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: [.admin])
        let form = try await SubmittedForm(request)
        try requireToken(form["csrf"], of: session)
        let code = form.text("codigo") ?? "", name = form.text("nombre") ?? ""
        do {
            _ = try await database.transaction(as: session.member) { db in try Regionals.add(code: code, name: name, on: db) }
        } catch let error as CarteroError where error.kind == .invalid || error.kind == .conflict {
            let sentence = error.kind == .conflict ? "Ya existe la regional \(code)." : "El código son 2 a 8 letras mayúsculas, y la regional necesita un nombre."
            return try await page(session, problem: sentence).response(from: request, context: context)
        }
        return seeOther("/admin?hecho=nueva-regional")
    }

    @Sendable func addCause(_ request: Request, context: WebRequestContext) async throws -> Response {
        let session = try context.requireMember(roles: [.admin])
        let form = try await SubmittedForm(request)
        try requireToken(form["csrf"], of: session)
        guard let route = form.text("destino").flatMap(ReturnRoute.init) else { throw HTTPError(.badRequest) }
        let code = form.text("codigo") ?? "", descripcion = form.text("descripcion") ?? ""
        do {
            _ = try await database.transaction(as: session.member) { db in
                try ReturnCauses.add(code, descripcion: descripcion, route: route, on: db)
            }
        } catch let error as CarteroError where error.kind == .invalid || error.kind == .conflict {
            let sentence = error.kind == .conflict ? "Ya existe la causal \(code)."
                : "El código va en mayúsculas (letras, dígitos y _, hasta 30) y la descripción tiene de 1 a 120 caracteres."
            return try await page(session, problem: sentence).response(from: request, context: context)
        }
        return seeOther("/admin?hecho=nueva-causal")
    }
}
