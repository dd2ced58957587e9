import Cartero
import Foundation
import Hummingbird
import HummingbirdTesting
import PQ
import Testing

/// Consulta de cuenta, uploads (scans, photos, the courier's file), billing's queue,
/// passwords and the administrator's screen, through the router.
@Suite struct OfficeAndAdminScreensTests: WebTesting {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 200)

    @Test func theCounterFindsAnAccountByNumberLetterOrNameAndPrintsADuplicate() async throws {
        let world = try await WebWorld("web_account", letters: true)
        try await world.app().test(.router) { client in
            let cookie = try await signIn("ofi", client)
            #expect(try await get("/cuentas?q=N-07", cookie, client) == (.seeOther, ""))
            try await client.execute(uri: "/cuentas?q=NORTE-2026-000001", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasPrefix("/cuentas/N-") == true)
            }
            let (_, byName) = try await get("/cuentas?q=pedro+p%C3%A9rez", cookie, client)
            #expect(byName.contains("href=\"/cuentas/N-01\"") && byName.contains("href=\"/cuentas/N-30\""))
            #expect(!byName.contains("/cuentas/S-01"), "SUR's holders are not NORTE's to find")
            let (status, account) = try await get("/cuentas/N-07", cookie, client)
            #expect(status == .ok)
            #expect(account.contains("Pedro Pérez N-07") && account.contains("$ 270.000") && account.contains("Marzo (2026-03-31)"))
            let consecutivo = try world.owner().queryValue("SELECT consecutivo FROM cartero.letters WHERE cuenta = 'N-07'", as: String.self)
            #expect(account.contains("href=\"/cartas/\(consecutivo).pdf\""))
            let (pdfStatus, pdf) = try await get("/cartas/\(consecutivo).pdf", cookie, client)
            #expect(pdfStatus == .ok && pdf.hasPrefix("%PDF"))
            #expect(try await get("/cuentas/S-01", cookie, client).0 == .notFound)
            #expect(try await get("/cuentas/NOEXISTE", cookie, client).0 == .notFound)
            let sur = try await signIn("coordsur", client)
            #expect(try await get("/cartas/\(consecutivo).pdf", sur, client).0 == .notFound)
            let agent = try await signIn("ana", client)
            #expect(try await get("/cuentas/N-07", agent, client).0 == .forbidden)
        }
    }

    @Test func aScanIsStoredWithItsReturnAndAWrongFileIsRefusedWhole() async throws {
        let world = try await WebWorld("web_upload", letters: true)
        let letter = try world.owner().queryValue("SELECT consecutivo FROM cartero.letters WHERE cuenta = 'N-03'", as: String.self)
        try await world.app().test(.router) { client in
            let cookie = try await signIn("ofi", client)
            let token = try csrf(in: try await get("/registro", cookie, client).1)
            let fields = [("csrf", token), ("consecutivo", letter), ("causal", "DIR_INEXISTENTE"), ("observacion", "")]
            let text = try await postFile("/registro", fields: fields, file: ("scan", "nota.txt", Array("no soy un escaneo".utf8)), cookie, client)
            #expect(text.0 == .seeOther && text.1 == "/registro?carta=\(letter)&problema=archivo")
            let (_, refused) = try await get(try #require(text.1), cookie, client)
            #expect(refused.contains("El archivo debe ser PDF, JPEG, PNG o TIFF"))
            #expect(try world.owner().queryValue("SELECT count(*) FROM cartero.return_registrations", as: Int.self) == 0)
            // A form without a file is what a person types: more than 64 kB of it is refused, in Spanish.
            var headers = Self.form
            headers[.cookie] = cookie
            try await client.execute(uri: "/registro", method: .post, headers: headers,
                                     body: ByteBuffer(string: "csrf=\(token)&observacion=" + String(repeating: "x", count: 70_000))) {
                #expect($0.status == .contentTooLarge && String(buffer: $0.body).contains("El archivo es demasiado grande"), "\($0.status) \(String(buffer: $0.body).suffix(300))")
            }
            let noToken = try await postFile("/registro", fields: Array(fields.dropFirst()), file: ("scan", "carta.png", Self.png), cookie, client)
            #expect(noToken.0 == .forbidden)
            let pdf = Array("%PDF-1.4\n% soporte de la empresa de mensajería\n".utf8)
            let stored = try await postFiles("/registro", fields: fields,
                                             files: [("scan", "C:\\escaner\\carta.png", Self.png), ("scan", "soporte.pdf", pdf)], cookie, client)
            #expect(stored.0 == .seeOther && stored.1 == "/registro?carta=\(letter)&hecho=\(letter)")
            #expect(try world.owner().execute("SELECT file_name || ':' || media_type || ':' || byte_size FROM cartero.return_scans ORDER BY id")
                .map { try $0.decode(0, as: String.self) } == ["carta.png:image/png:208", "soporte.pdf:application/pdf:\(pdf.count)"])

            // The field agent resolves the case it opened with a photo from his phone.
            let agent = try await signIn("ana", client)
            let id = try world.owner().queryValue("SELECT id FROM cartero.cases", as: Int64.self)
            let holder = try world.owner().queryValue("SELECT s.login FROM cartero.cases k JOIN cartero.staff s ON s.id = k.assigned_to", as: String.self)
            let member = holder == "ana" ? agent : try await signIn("beto", client)
            let other = holder == "ana" ? try await signIn("beto", client) : agent
            #expect(try await get("/casos", member, client).1.contains("id=\"caso-\(id)\""))
            let page = try await get("/casos/\(id)", member, client).1
            #expect(page.contains("type=\"file\""))
            let scanID = try world.owner().queryValue("SELECT min(id) FROM cartero.return_scans", as: Int64.self)
            #expect(page.contains("href=\"/casos/\(id)/escaneos/\(scanID)\""))
            try await client.execute(uri: "/casos/\(id)/escaneos/\(scanID)", method: .get, headers: [.cookie: member]) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "image/png")
                #expect(Array(response.body.readableBytesView) == Self.png)
            }
            #expect(try await get("/casos/\(id)/escaneos/\(scanID)", other, client).0 == .notFound, "not the other agent's")
            #expect(try await get("/casos/\(id)", other, client).0 == .notFound)
            let resolved = try await postFile("/casos/\(id)/resolver", fields: [("csrf", try csrf(in: page)), ("outcome", "predio_demolido"), ("note", "Solo escombros")],
                                              file: ("photo", "foto.png", Self.png), member, client)
            #expect(resolved.0 == .seeOther && resolved.1 == "/casos?hecho=\(id)")
            #expect(try world.owner().queryValue("SELECT count(*) FROM cartero.case_photos WHERE case_id = \(id)", as: Int.self) == 1)

            // Billing sees what the visit found; the proposed address travels with a wrong address.
            let billing = try await signIn("fac", client)
            let (_, queue) = try await get("/casos", billing, client)
            #expect(queue.contains("visita: predio demolido"))
            let billingCase = try world.owner().queryValue("SELECT id FROM cartero.cases WHERE destino = 'facturacion'", as: Int64.self)
            #expect(try await get("/casos/\(billingCase)", billing, client).1.contains("Visita de terreno: predio demolido · «Solo escombros»"))
            #expect(try await get("/casos/\(id)", billing, client).0 == .notFound, "the field case is not billing's")
            #expect(queue.contains("Descargar los cambios para el sistema comercial"))
        }
    }

    @Test func theCouriersFileIsImportedOrItsBadLinesAreShown() async throws {
        let world = try await WebWorld("web_results", letters: true)
        let letter = try world.owner().queryValue("SELECT consecutivo FROM cartero.letters WHERE cuenta = 'N-05'", as: String.self)
        let today = try world.owner().queryValue("SELECT current_date", as: CalendarDate.self)
        try await world.app().test(.router) { client in
            let cookie = try await signIn("ofi", client)
            let token = try csrf(in: try await get("/registro", cookie, client).1)
            let bad = "consecutivo,guia,estado,fecha,causal,observacion\n\(letter),G1,PERDIDA,\(today),,\n"
            let refused = try await postFile("/registro/resultados", fields: [("csrf", token)], file: ("resultados", "resultados.csv", Array(bad.utf8)), cookie, client)
            #expect(refused.0 == .badRequest && refused.2.contains("Línea 2, columna estado"))
            #expect(try await get("/metrics", "", client).1.contains("\ncartero_imports_refused_total{kind=\"courier_results\"} 1\n"))
            let good = "consecutivo,guia,estado,fecha,causal,observacion\n\(letter),G1,DEVUELTA,\(today),DIR_INEXISTENTE,Sin placa\n"
            let imported = try await postFile("/registro/resultados", fields: [("csrf", token)], file: ("resultados", "resultados.csv", Array(good.utf8)), cookie, client)
            #expect(imported.0 == .ok && imported.2.contains("Resultados importados: 1 registrados, 0 ya estaban, 1 casos abiertos."))
            let agent = try await signIn("ana", client)
            let none = try await postFile("/registro/resultados", fields: [("csrf", token)], file: ("resultados", "r.csv", Array(good.utf8)), agent, client)
            #expect(none.0 == .forbidden)
        }
    }

    @Test func aMemberChangesHisPasswordAndAnAdminResetsOrDeactivatesAnother() async throws {
        let world = try await WebWorld("web_passwords")
        try await world.app().test(.router) { client in
            let cookie = try await signIn("ana", client)
            let token = try csrf(in: try await get("/clave", cookie, client).1)
            var headers = Self.form
            headers[.cookie] = cookie
            try await client.execute(uri: "/clave", method: .post, headers: headers,
                                     body: ByteBuffer(string: "csrf=\(token)&actual=mala-clave&nueva=nueva-clave-1&repetida=nueva-clave-1")) {
                #expect($0.status == .badRequest && String(buffer: $0.body).contains("La contraseña actual no es correcta."))
            }
            try await client.execute(uri: "/clave", method: .post, headers: headers,
                                     body: ByteBuffer(string: "csrf=\(token)&actual=clave-ana&nueva=nueva-clave-1&repetida=otra")) {
                #expect($0.status == .badRequest && String(buffer: $0.body).contains("no coinciden"))
            }
            #expect(try await post("/clave", "csrf=\(token)&actual=clave-ana&nueva=nueva-clave-1&repetida=nueva-clave-1", cookie, client)
                == (.seeOther, "/clave?hecho=1"))
            try await client.execute(uri: "/login", method: .post, headers: Self.form, body: ByteBuffer(string: "login=ana&password=clave-ana")) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/login", method: .post, headers: Self.form, body: ByteBuffer(string: "login=ana&password=nueva-clave-1")) {
                #expect($0.status == .seeOther)
            }

            // Only an admin reaches the admin screen; he resets Ana's password and deactivates Beto.
            #expect(try await get("/admin", try await signIn("coord", client), client).0 == .forbidden)
            let admin = try await signIn("jefe", client)
            let (status, page) = try await get("/admin", admin, client)
            #expect(status == .ok && page.contains("id=\"miembro-ana\""))
            let adminToken = try csrf(in: page)
            #expect(try await post("/admin/personal/ana/clave", "csrf=\(adminToken)&nueva=clave-ana", admin, client) == (.seeOther, "/admin?hecho=clave"))
            _ = try await signIn("ana", client)
            #expect(try await post("/admin/personal/beto/desactivar", "csrf=\(adminToken)", admin, client) == (.seeOther, "/admin?hecho=desactivado"))
            try await client.execute(uri: "/login", method: .post, headers: Self.form, body: ByteBuffer(string: "login=beto&password=clave-beto")) {
                #expect($0.status == .unauthorized)
            }
            #expect(try await post("/admin/personal", "csrf=\(adminToken)&login=nuevo&nombre=Nuevo+Miembro&rol=auxiliar_oficina&regional=SUR&clave=clave-nuevo",
                                   admin, client) == (.seeOther, "/admin?hecho=creado"))
            _ = try await signIn("nuevo", client)
            var adminHeaders = Self.form
            adminHeaders[.cookie] = admin
            try await client.execute(uri: "/admin/personal", method: .post, headers: adminHeaders,
                                     body: ByteBuffer(string: "csrf=\(adminToken)&login=nuevo&nombre=Otro&rol=auxiliar_oficina&regional=SUR&clave=clave-nuevo")) {
                #expect($0.status == .badRequest && String(buffer: $0.body).contains("Ya existe un miembro con el usuario nuevo."))
            }
            #expect(try await post("/admin/causales/LOTE", "csrf=\(adminToken)&destino=ninguna", admin, client) == (.seeOther, "/admin?hecho=causal"))
            #expect(try world.owner().queryValue("SELECT route FROM cartero.return_causes WHERE code = 'LOTE'", as: String.self) == "ninguna")
            #expect(try await post("/admin/causales", "csrf=\(adminToken)&codigo=PERRO&descripcion=Perro+bravo&destino=terreno", admin, client)
                == (.seeOther, "/admin?hecho=nueva-causal"))
            #expect(try await post("/admin/regionales", "csrf=\(adminToken)&codigo=ORIENTE&nombre=Regional+Oriente", admin, client)
                == (.seeOther, "/admin?hecho=nueva-regional"))
            try await client.execute(uri: "/admin/regionales", method: .post, headers: adminHeaders,
                                     body: ByteBuffer(string: "csrf=\(adminToken)&codigo=oriente&nombre=X")) {
                #expect($0.status == .badRequest && String(buffer: $0.body).contains("El código son 2 a 8 letras mayúsculas"))
            }
            #expect(try world.owner().queryValue("SELECT string_agg(code, ',' ORDER BY code) FROM cartero.regionals", as: String.self) == "NORTE,ORIENTE,SUR")
            #expect(try world.owner().queryValue("SELECT route FROM cartero.return_causes WHERE code = 'PERRO'", as: String.self) == "terreno")
        }
    }
}
