import Cartero
import CarteroTesting
import CarteroWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import PQ
import Testing

/// The web's sign-in and a field agent's **Mis casos**, through the router, against a
/// real PostgreSQL: signed out, wrong password, lock-out, wrong role, CSRF, and what each
/// agent sees.
@Suite struct SignInAndCasesTests: WebTesting {
    let conninfo: String
    let database: CarteroDatabase

    init() async throws {
        conninfo = try TestDatabase.migrated("web")
        database = CarteroDatabase(conninfo: conninfo, maxConnections: 4)
        let admin = try await database.member(login: "admin")
        _ = try await database.transaction(as: admin) { db in try Regionals.add(code: "NORTE", name: "Regional Norte", on: db) }
        try WebWorld.addMembers([("ana", .auxiliarTerreno, "NORTE"), ("beto", .auxiliarTerreno, "NORTE"), ("coord", .coordinador, "NORTE"),
                                 ("ofi", .auxiliarOficina, "NORTE")], to: conninfo)
        // A case for each agent, written as the owner, as a routed return leaves them.
        let owner = try Connection(conninfo)
        for (n, agent) in [(1, "ana"), (2, "beto")] {
            try owner.execute("""
                WITH l AS (
                    INSERT INTO cartero.letters (campaign_id, regional, cuenta, consecutivo, anio, numero, prioridad, titular, direccion,
                                                 barrio, municipio, ruta, saldo_mora, generated_by, status, dispatched_on, dispatched_by)
                    VALUES (1, 'NORTE', \("CTA-\(n)"), \("NORTE-2026-00000\(n)"), 2026, \(n), \(n), 'Titular', \("Calle \(n) # 1-2"), 'Centro',
                            'Cali', 'R-1', 1000, 1, 'despachada', current_date, 1)
                    RETURNING id, consecutivo, cuenta)
                INSERT INTO cartero.cases (letter_id, consecutivo, cuenta, regional, causal, destino, zona, estado, assigned_to, assigned_at, opened_by)
                SELECT id, consecutivo, cuenta, 'NORTE', 'DIR_INEXISTENTE', 'terreno', 'R-1', 'asignado',
                       cartero.staff_id_for_login(\(agent)), now(), 1 FROM l
                """)
        }
    }

    func app() throws -> some ApplicationProtocol {
        Application(router: try buildRouter(database: database))
    }

    @Test func healthAnswersWhenTheDatabaseDoes() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func metricsCountRequestsByRoutePatternNeverByPath() async throws {
        try await app().test(.router) { client in
            let cookie = try await signIn("ana", client)
            let id = try Connection(conninfo).queryValue("SELECT id FROM cartero.cases WHERE cuenta = 'CTA-1'", as: Int64.self)
            _ = try await get("/casos/\(id)", cookie, client)
            _ = try await get("/casos/999999", cookie, client)
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(response.status == .ok && response.headers[.contentType]?.hasPrefix("text/plain") == true)
                #expect(text.contains(#"cartero_http_requests_total{route="/casos/{case}",status="200"} 1"#), "\(text)")
                #expect(text.contains(#"cartero_http_requests_total{route="/casos/{case}",status="404"} 1"#))
                #expect(text.contains(#"cartero_http_requests_total{route="/login",status="303"} 1"#))
                #expect(text.contains(#"cartero_http_request_duration_seconds_bucket{route="/casos/{case}",le="0.005"}"#))
                #expect(!text.contains("route=\"/casos/\(id)\"") && !text.contains("999999"), "no id in a label")
                #expect(text.contains("\ncartero_pool_connections_in_use 0\n") && text.contains("\ncartero_pool_waiting 0\n"), "\(text)")
                #expect(text.contains("# TYPE cartero_pool_wait_seconds_total counter\ncartero_pool_wait_seconds_total "))
                let checkouts = text.split(separator: "\n").first { $0.hasPrefix("cartero_pool_checkouts_total ") }
                #expect(checkouts.flatMap { Int($0.split(separator: " ")[1]) }.map { $0 >= 3 } == true, "\(String(describing: checkouts))")
            }
        }
    }

    @Test func anAgentSeesHisCasesAndNoneOfAnothers() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/casos", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/login")
            }
            let cookie = try await signIn("ana", client)
            try await client.execute(uri: "/casos", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("Mis casos") && page.contains("CTA-1") && page.contains("Calle 1 # 1-2"))
                #expect(!page.contains("CTA-2"))
            }
            // What the list shows is escaped, as Mustache would: an address is text, never markup.
            try Connection(conninfo).execute("UPDATE cartero.letters SET direccion = 'Calle <b>1</b> & \"Sur\" O''Brien' WHERE cuenta = 'CTA-1'")
            let page = try await get("/casos", cookie, client).1
            #expect(page.contains("Calle &lt;b&gt;1&lt;/b&gt; &amp; &quot;Sur&quot; O&#39;Brien") && !page.contains("<b>1</b>"))
        }
    }

    @Test func aWrongPasswordIsRefusedAndFiveLockTheLogin() async throws {
        try await app().test(.router) { client in
            for _ in 1...5 {
                try await client.execute(uri: "/login", method: .post, headers: Self.form,
                                         body: ByteBuffer(string: "login=beto&password=mala")) { response in
                    #expect(response.status == .unauthorized)
                    #expect(String(buffer: response.body).contains("Usuario o contraseña incorrectos."))
                }
            }
            try await client.execute(uri: "/login", method: .post, headers: Self.form,
                                     body: ByteBuffer(string: "login=beto&password=clave-beto")) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.setCookie] == nil)
            }
        }
    }

    @Test func aCoordinatorHasNoFieldListAndSignsOutOnlyWithTheFormsToken() async throws {
        try await app().test(.router) { client in
            let cookie = try await signIn("coord", client)
            try await client.execute(uri: "/casos", method: .get, headers: [.cookie: cookie]) { #expect($0.status == .forbidden) }
            let page = try await client.execute(uri: "/inicio", method: .get, headers: [.cookie: cookie]) { String(buffer: $0.body) }
            var headers = Self.form
            headers[.cookie] = cookie
            try await client.execute(uri: "/logout", method: .post, headers: headers, body: ByteBuffer(string: "")) {
                #expect($0.status == .forbidden)
            }
            try await client.execute(uri: "/logout", method: .post, headers: headers, body: ByteBuffer(string: "csrf=\(try csrf(in: page))")) {
                #expect($0.status == .seeOther)
            }
            try await client.execute(uri: "/inicio", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .seeOther, "the session ended")
            }
        }
    }
}

extension SignInAndCasesTests {
    @Test func anAgentResolvesHisCaseFromTheListAndNoOneElsesCase() async throws {
        try await app().test(.router) { client in
            let cookie = try await signIn("ana", client)
            let anas = try Connection(conninfo).queryValue("SELECT id FROM cartero.cases WHERE cuenta = 'CTA-1'", as: Int64.self)
            let betos = try Connection(conninfo).queryValue("SELECT id FROM cartero.cases WHERE cuenta = 'CTA-2'", as: Int64.self)
            let list = try await get("/casos", cookie, client).1
            #expect(list.contains("href=\"/casos/\(anas)\"") && !list.contains("<select"))
            let page = try await get("/casos/\(anas)", cookie, client).1
            #expect(page.contains("<option value=\"direccion_correcta\">Dirección correcta</option>"))
            #expect(try await get("/casos/\(betos)", cookie, client).0 == .notFound)
            var headers = Self.form
            headers[.cookie] = cookie
            let token = try csrf(in: page)
            // Beto's case is not his to see: 404, and it stays open.
            try await client.execute(uri: "/casos/\(betos)/resolver", method: .post, headers: headers,
                                     body: ByteBuffer(string: "csrf=\(token)&outcome=lote")) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/casos/\(anas)/resolver", method: .post, headers: headers,
                                     body: ByteBuffer(string: "outcome=lote")) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/casos/\(anas)/resolver", method: .post, headers: headers,
                                     body: ByteBuffer(string: "csrf=\(token)&outcome=direccion_errada&address=Calle+9+%23+9-99&note=")) {
                #expect($0.status == .seeOther)
            }
            let states = try Connection(conninfo).execute(
                "SELECT cuenta || ':' || destino || ':' || estado || ':' || coalesce(outcome, '') || ':' || direccion_hallada FROM cartero.cases ORDER BY id")
                .map { try $0.decode(0, as: String.self) }
            #expect(states == ["CTA-1:terreno:resuelto:direccion_errada:Calle 9 # 9-99", "CTA-2:terreno:asignado::",
                               "CTA-1:facturacion:abierto::Calle 9 # 9-99"])
        }
    }
}

extension SignInAndCasesTests {
    @Test func theOfficeFindsAReturnedLetterAndRegistersItsCause() async throws {
        try await app().test(.router) { client in
            try await client.execute(uri: "/login", method: .post, headers: Self.form,
                                     body: ByteBuffer(string: "login=ofi&password=clave-ofi")) { response in
                #expect(response.headers[.location] == "/registro")
            }
            let cookie = try await signIn("ofi", client)
            let page = try await client.execute(uri: "/registro?carta=norte-2026-000001", method: .get, headers: [.cookie: cookie]) {
                String(buffer: $0.body)
            }
            #expect(page.contains("NORTE-2026-000001") && page.contains("CTA-1") && page.contains("DIR_INEXISTENTE — Dirección inexistente"))
            var headers = Self.form
            headers[.cookie] = cookie
            try await client.execute(uri: "/registro", method: .post, headers: headers,
                                     body: ByteBuffer(string: "csrf=\(try csrf(in: page))&consecutivo=NORTE-2026-000001&causal=DIR_INEXISTENTE&observacion=Sin+placa")) {
                #expect($0.status == .seeOther)
                #expect($0.headers[.location] == "/registro?carta=NORTE-2026-000001&hecho=NORTE-2026-000001")
            }
            let after = try await client.execute(uri: "/registro?carta=NORTE-2026-000001", method: .get, headers: [.cookie: cookie]) {
                String(buffer: $0.body)
            }
            #expect(after.contains("Registrada como devuelta: DIR_INEXISTENTE") && after.contains("Casos: terreno asignado"))
            #expect(after.contains("<li>NORTE-2026-000001 — DIR_INEXISTENTE</li>"))
            let agent = try await signIn("ana", client)
            try await client.execute(uri: "/registro", method: .get, headers: [.cookie: agent]) { #expect($0.status == .forbidden) }
        }
    }
}

/// While PostgreSQL does not answer, every page says so at once with 503.
@Suite struct DatabaseDownTests: WebTesting {
    @Test func pagesAnswer503AtOnceWhileTheDatabaseIsDown() async throws {
        let database = CarteroDatabase(conninfo: "host=/nonexistent-cartero port=1 dbname=x connect_timeout=2", maxConnections: 2)
        let app = Application(router: try buildRouter(database: database))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .serviceUnavailable) }
            try await client.execute(uri: "/casos", method: .get, headers: [.cookie: "cartero_session=abc"]) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains("La base de datos no responde"))
            }
            try await client.execute(uri: "/login", method: .post, headers: Self.form, body: ByteBuffer(string: "login=a&password=b")) {
                #expect($0.status == .serviceUnavailable)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(String(buffer: response.body).contains("cartero_database_errors_total{class="), "an operator sees them")
            }
        }
    }
}
