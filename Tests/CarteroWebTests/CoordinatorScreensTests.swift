import Cartero
import Foundation
import Hummingbird
import HummingbirdTesting
import PQ
import Testing

/// The coordinator's screens through the router: a campaign from creation to dispatch,
/// the what-if form, the cases board; and who may not reach them.
@Suite struct CoordinatorScreensTests: WebTesting {
    @Test func aCampaignGoesFromTheFormToTheCourier() async throws {
        let world = try await WebWorld("web_campaign")
        try await world.app().test(.router) { client in
            let cookie = try await signIn("coord", client)
            let (status, list) = try await get("/campanas", cookie, client)
            #expect(status == .ok && list.contains("Nueva campaña"))
            let token = try csrf(in: list)
            let (created, location) = try await post("/campanas", "csrf=\(token)&nombre=Marzo&corte=2026-03-31&umbral_residencial=", cookie, client)
            #expect(created == .seeOther)
            let page = try #require(location)
            let id = try #require(Int64(page.dropFirst("/campanas/".count)))
            let (_, detail) = try await get(page, cookie, client)
            #expect(detail.contains("<svg") && detail.contains("<strong class=\"seleccionadas\">30</strong>"))
            #expect(!detail.contains("id=\"simulacion\""))

            // What if only 10 letters fit? Nothing is saved.
            let (_, whatIf) = try await get("\(page)?simular=1&max_cartas=10&umbral_residencial=", cookie, client)
            let simulated = try #require(whatIf.range(of: "id=\"simulacion\"")).upperBound
            #expect(whatIf[simulated...].contains("<strong class=\"seleccionadas\">10</strong>"))
            #expect(whatIf[simulated...].contains("Fuera de capacidad"))
            #expect(whatIf.contains("name=\"max_cartas\" value=\"10\""))
            let (_, badWhatIf) = try await get("\(page)?simular=1&umbral_residencial=150.000", cookie, client)
            #expect(badWhatIf.contains("El umbral residencial debe ser un valor en pesos"))
            #expect(try world.owner().queryValue("SELECT selected_count FROM cartero.campaigns WHERE id = \(id)", as: Int.self) == 30)

            #expect(try await post("\(page)/aprobar", "", cookie, client).0 == .forbidden, "no CSRF token")
            #expect(try await post("\(page)/aprobar", "csrf=\(token)", cookie, client) == (.seeOther, "\(page)?hecho=aprobada"))
            #expect(try await post("\(page)/generar", "csrf=\(token)", cookie, client) == (.seeOther, "\(page)?hecho=generada"))
            let pdf = try await client.execute(uri: "\(page)/cartas.pdf", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.headers[.contentType] == "application/pdf")
                return String(buffer: response.body)
            }
            #expect(pdf.hasPrefix("%PDF"))
            let (_, manifest) = try await get("\(page)/manifiesto.csv", cookie, client)
            #expect(manifest.split(separator: "\n").count == 31)
            #expect(try await get("/metrics", "", client).1.contains("\ncartero_letters_generated_total 30\n"), "what /metrics counts")
            #expect(manifest.hasPrefix("consecutivo,cuenta,titular"))
            let today = try world.owner().queryValue("SELECT current_date", as: CalendarDate.self)
            #expect(try await post("\(page)/despachar", "csrf=\(token)&fecha=\(today)", cookie, client) == (.seeOther, "\(page)?hecho=despachada"))
            #expect(try world.owner().queryValue("SELECT status FROM cartero.campaigns WHERE id = \(id)", as: String.self) == "despachada")
            // Dispatched, it shows the letters' effect from the analysts' view: no payment yet, no control group.
            let (_, dispatched) = try await get(page, cookie, client)
            #expect(dispatched.contains("id=\"efecto\"") && dispatched.contains("<td class=\"n\">0 de 30 (0,0 %)</td>"))
            #expect(dispatched.contains("<td class=\"n\">0 de 0 (—)</td>"))
        }
    }

    @Test func theFormSaysWhatIsWrongInSpanishAndCreatesNothing() async throws {
        let world = try await WebWorld("web_campaign_bad")
        try await world.app().test(.router) { client in
            let cookie = try await signIn("coord", client)
            let token = try csrf(in: try await get("/campanas", cookie, client).1)
            for (body, sentence) in [
                ("nombre=Marzo&corte=2026-02-30", "La fecha de corte debe ser una fecha entre 2000 y 2099."),
                ("nombre=+&corte=2026-03-31", "La campaña necesita un nombre"),
                ("nombre=Marzo&corte=2026-03-31&dias=-1", "Los días de mora mínimos deben ser un número entero de 0 a 3.650."),
                ("nombre=Marzo&corte=2026-03-31&control=100", "El grupo de control debe ser un porcentaje"),
            ] {
                var headers = Self.form
                headers[.cookie] = cookie
                try await client.execute(uri: "/campanas", method: .post, headers: headers, body: ByteBuffer(string: "csrf=\(token)&\(body)")) {
                    #expect($0.status == .badRequest, "\(body)")
                    #expect(String(buffer: $0.body).contains(sentence), "\(body)")
                }
            }
            #expect(try world.owner().queryValue("SELECT count(*) FROM cartero.campaigns", as: Int.self) == 0)
        }
    }

    @Test func anotherRegionalsCampaignIsNotFoundAndOtherRolesAreRefused() async throws {
        let world = try await WebWorld("web_campaign_rules", letters: true)
        let page = "/campanas/\(try #require(world.campaign))"
        try await world.app().test(.router) { client in
            let sur = try await signIn("coordsur", client)
            #expect(try await get(page, sur, client).0 == .notFound)
            #expect(try await get("\(page)/manifiesto.csv", sur, client).0 == .notFound)
            #expect(try await get("\(page)/cartas.pdf", sur, client).0 == .notFound)
            let token = try csrf(in: try await get("/campanas", sur, client).1)
            #expect(try await post("\(page)/anular", "csrf=\(token)", sur, client).0 == .notFound)
            for login in ["ana", "ofi", "fac"] {
                let cookie = try await signIn(login, client)
                #expect(try await get("/campanas", cookie, client).0 == .forbidden, "\(login)")
                #expect(try await get(page, cookie, client).0 == .forbidden, "\(login)")
                #expect(try await get("/tablero", cookie, client).0 == .forbidden, "\(login)")
            }
            #expect(try await get("/campanas", "cartero_session=nada", client) == (.seeOther, ""))
            // The PDF is drawn again when this instance has no copy, numbered as before.
            try FileManager.default.removeItem(at: world.lettersDirectory)
            let coord = try await signIn("coord", client)
            let (status, pdf) = try await get("\(page)/cartas.pdf", coord, client)
            #expect(status == .ok && pdf.hasPrefix("%PDF"), "\(status) \(pdf.prefix(300))")
            #expect(try world.owner().queryValue("SELECT max(consecutivo) FROM cartero.letters", as: String.self).hasSuffix("000030"))
        }
    }

    @Test func theBoardShowsOpenWorkAndAssignsIt() async throws {
        let world = try await WebWorld("web_board", letters: true)
        // Three returns of NORTE, opened as the register would and not yet assigned.
        try world.owner().execute("""
            INSERT INTO cartero.cases (letter_id, consecutivo, cuenta, regional, causal, destino, zona, opened_by, opened_at)
            SELECT id, consecutivo, cuenta, 'NORTE', 'DIR_INEXISTENTE', 'terreno', 'R-1', 1, now() - (n * interval '10 days')
              FROM (SELECT l.*, row_number() OVER (ORDER BY id) AS n FROM cartero.letters l) l WHERE n <= 3
            """)
        try await world.app().test(.router) { client in
            let cookie = try await signIn("coord", client)
            let (status, board) = try await get("/tablero", cookie, client)
            #expect(status == .ok && board.contains("Sin responsable"))
            #expect(board.contains("Asignar los 3 casos sin responsable"))
            let token = try csrf(in: board)
            #expect(try await post("/tablero/asignar", "csrf=\(token)", cookie, client) == (.seeOther, "/tablero?hecho=asignados-3"))
            let (_, after) = try await get("/tablero?hecho=asignados-3", cookie, client)
            #expect(after.contains("Se asignaron 3 casos.") && !after.contains("Sin responsable"))
            // One agent keeps an area: all three went to the same one; move them all to the other.
            let holder = try world.owner().queryValue(
                "SELECT DISTINCT s.login FROM cartero.cases k JOIN cartero.staff s ON s.id = k.assigned_to", as: String.self)
            let other = holder == "ana" ? "beto" : "ana"
            #expect(try await post("/tablero/reasignar-todos", "csrf=\(token)&de=\(holder)&para=\(other)", cookie, client)
                == (.seeOther, "/tablero?hecho=movidos-3"))
            let first = try world.owner().queryValue("SELECT min(id) FROM cartero.cases", as: Int64.self)
            #expect(try await post("/tablero/reasignar", "csrf=\(token)&caso=\(first)&a=\(holder)", cookie, client)
                == (.seeOther, "/tablero?hecho=reasignado"))
            #expect(try await post("/tablero/reasignar", "csrf=\(token)&caso=\(first)&a=ofi", cookie, client)
                == (.seeOther, "/tablero?problema=1"), "a clerk takes no case")
            let owners = try world.owner().execute(
                "SELECT s.login FROM cartero.cases k JOIN cartero.staff s ON s.id = k.assigned_to ORDER BY k.id").map { try $0.decode(0, as: String.self) }
            #expect(owners == [holder, other, other])
            // SUR's coordinator sees none of it and moves none of it.
            let sur = try await signIn("coordsur", client)
            let (_, surBoard) = try await get("/tablero", sur, client)
            #expect(surBoard.contains("No hay casos abiertos."))
            #expect(try await post("/tablero/reasignar", "csrf=\(try csrf(in: surBoard))&caso=\(first)&a=\(other)", sur, client).1
                == "/tablero?problema=1")
        }
    }
}
