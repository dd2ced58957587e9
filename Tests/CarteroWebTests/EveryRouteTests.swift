import Cartero
import Hummingbird
import HummingbirdTesting
import Testing

/// Every route of the back office, three ways: signed out (to the sign-in page), by a
/// role it is not meant for (403), and every form posted without its CSRF token (403).
@Suite struct EveryRouteTests: WebTesting {
    /// Method, path, and the logins of WebWorld whose role may use it (nil: any member).
    static let routes: [(HTTPRequest.Method, String, Set<String>?)] = [
        (.get, "/inicio", nil), (.get, "/clave", nil), (.post, "/clave", nil), (.post, "/logout", nil),
        (.get, "/casos", ["ana", "fac"]), (.get, "/casos/1", ["ana", "fac", "coord", "jefe"]),
        (.get, "/casos/1/escaneos/1", ["ana", "fac", "coord", "jefe"]), (.get, "/casos/cambios.csv", ["fac", "coord", "jefe"]),
        (.post, "/casos/1/resolver", ["ana", "fac", "coord", "jefe"]),
        (.get, "/tablero", ["coord", "jefe"]), (.post, "/tablero/asignar", ["coord", "jefe"]),
        (.post, "/tablero/reasignar", ["coord", "jefe"]), (.post, "/tablero/reasignar-todos", ["coord", "jefe"]),
        (.get, "/registro", ["ofi", "coord", "jefe"]), (.post, "/registro", ["ofi", "coord", "jefe"]),
        (.post, "/registro/resultados", ["ofi", "coord", "jefe"]),
        (.get, "/campanas", ["coord", "jefe"]), (.post, "/campanas", ["coord", "jefe"]), (.get, "/campanas/1", ["coord", "jefe"]),
        (.post, "/campanas/1/aprobar", ["coord", "jefe"]), (.get, "/campanas/1/cartas.pdf", ["coord", "jefe"]),
        (.get, "/campanas/1/manifiesto.csv", ["coord", "jefe"]),
        (.get, "/cuentas", ["ofi", "coord", "jefe", "fac"]), (.get, "/cuentas/N-01", ["ofi", "coord", "jefe", "fac"]),
        (.get, "/cartas/NORTE-2026-000001.pdf", ["ofi", "coord", "jefe", "fac"]),
        (.get, "/admin", ["jefe"]), (.post, "/admin/personal", ["jefe"]), (.post, "/admin/personal/ana/desactivar", ["jefe"]),
        (.get, "/admin/regionales/NORTE", ["jefe"]), (.post, "/admin/regionales/NORTE", ["jefe"]),
        (.post, "/admin/causales/LOTE", ["jefe"]), (.post, "/admin/regionales", ["jefe"]), (.post, "/admin/causales", ["jefe"]),
    ]
    static let logins = ["ana", "fac", "ofi", "coord", "jefe"]

    @Test func signedOutEveryPageSendsToTheSignInPage() async throws {
        let world = try await WebWorld("web_routes_out")
        try await world.app().test(.router) { client in
            for (method, path, _) in Self.routes {
                try await client.execute(uri: path, method: method, headers: Self.form, body: ByteBuffer(string: "")) { response in
                    #expect(response.status == .seeOther && response.headers[.location] == "/login", "\(method) \(path)")
                }
            }
        }
    }

    @Test func aRoleAPageIsNotMeantForGets403AndAFormWithoutItsTokenToo() async throws {
        let world = try await WebWorld("web_routes_roles")
        try await world.app().test(.router) { client in
            var cookies: [String: String] = [:]
            for login in Self.logins { cookies[login] = try await signIn(login, client) }
            for (method, path, allowed) in Self.routes {
                for login in Self.logins where allowed.map({ !$0.contains(login) }) ?? false {
                    try await client.execute(uri: path, method: method, headers: [.cookie: cookies[login]!, .contentType: "application/x-www-form-urlencoded"],
                                             body: ByteBuffer(string: "csrf=x")) { response in
                        #expect(response.status == .forbidden, "\(login) \(method) \(path)")
                        #expect(String(buffer: response.body).contains("No tiene acceso a esta página con su rol."), "\(login) \(method) \(path)")
                    }
                }
                guard method == .post, let login = (allowed ?? ["ana"]).sorted().first else { continue }
                for body in ["", "csrf=otro"] {
                    try await client.execute(uri: path, method: method, headers: [.cookie: cookies[login]!, .contentType: "application/x-www-form-urlencoded"],
                                             body: ByteBuffer(string: body)) { response in
                        #expect(response.status == .forbidden, "\(login) \(method) \(path) with '\(body)'")
                    }
                }
            }
            // Nothing was changed by any of it.
            #expect(try world.owner().queryValue("SELECT count(*) FROM cartero.staff WHERE NOT active", as: Int.self) == 0)
            #expect(try world.owner().queryValue("SELECT count(*) FROM cartero.campaigns", as: Int.self) == 0)
        }
    }
}
