import Mustache

/// The pages' templates (Mustache: `{{x}}` is escaped HTML, `{{{x}}}` is not), kept in
/// the binary so that the service needs no file beside it.
struct Pages: Sendable {
    private let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        for (name, text) in Self.templates { try library.register(text, named: name) }
        self.library = library
    }

    func render(_ name: String, _ values: [String: Any]) -> String {
        library.render(values, withTemplate: name) ?? ""
    }

    private static let templates: [String: String] = [
        "head": """
            <!doctype html>
            <html lang="es">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{{titulo}} · Cartero</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 46rem; padding: 1rem; color: #1b1b1b; }
            header { display: flex; justify-content: space-between; align-items: baseline; border-bottom: 1px solid #ccc; margin-bottom: 1rem; }
            h1 { font-size: 1.4rem; } h2 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
            .caso { border: 1px solid #ddd; border-radius: .4rem; padding: .6rem .8rem; margin: .4rem 0; }
            .caso p { margin: .15rem 0; } .meta { color: #555; font-size: .9rem; }
            .error { color: #a00; } label { display: block; margin: .6rem 0 .2rem; }
            input[type=text], input[type=password], select { width: 100%; max-width: 20rem; padding: .4rem; font-size: 1rem; }
            button { padding: .45rem 1rem; font-size: 1rem; margin-top: .8rem; }
            @media print { header form, button { display: none; } .caso { break-inside: avoid; } }
            </style>
            </head>
            <body>
            """,
        "login": """
            {{> head}}
            <h1>Cartero · Ingreso</h1>
            {{#error}}<p class="error" role="alert">{{error}}</p>{{/error}}
            <form method="post" action="/login">
            <label for="login">Usuario</label>
            <input type="text" id="login" name="login" value="{{login}}" autocomplete="username" required autofocus>
            <label for="password">Contraseña</label>
            <input type="password" id="password" name="password" autocomplete="current-password" required>
            <button type="submit">Ingresar</button>
            </form>
            </body></html>
            """,
        "casos": """
            {{> head}}
            <header><h1>Mis casos</h1>
            <form method="post" action="/logout"><input type="hidden" name="csrf" value="{{csrf}}">
            <span class="meta">{{nombre}}</span> <button type="submit">Salir</button></form></header>
            {{^grupos}}<p>No tiene casos asignados por ahora.</p>{{/grupos}}
            {{#grupos}}
            <h2>{{zona}}</h2>
            {{#casos}}
            <div class="caso" id="caso-{{numero}}">
            <p><strong>Caso {{numero}}</strong> · Cuenta {{cuenta}} · Carta {{consecutivo}}</p>
            <p>{{direccion}}</p>
            <p class="meta">Causal: {{causal}} · {{destino}}</p>
            <form method="post" action="/casos/{{numero}}/resolver">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label for="outcome-{{numero}}">Resultado</label>
            <select id="outcome-{{numero}}" name="outcome" required>
            {{#resultados}}<option value="{{valor}}">{{nombre}}</option>{{/resultados}}
            </select>
            <label for="address-{{numero}}">Dirección hallada o nueva</label>
            <input type="text" id="address-{{numero}}" name="address" maxlength="200">
            <label for="note-{{numero}}">Nota</label>
            <input type="text" id="note-{{numero}}" name="note" maxlength="500">
            <button type="submit">Resolver</button>
            </form>
            </div>
            {{/casos}}
            {{/grupos}}
            </body></html>
            """,
        "registro": """
            {{> head}}
            <header><h1>Registro de información de mensajería</h1>
            <form method="post" action="/logout"><input type="hidden" name="csrf" value="{{csrf}}">
            <span class="meta">{{nombre}}</span> <button type="submit">Salir</button></form></header>
            <form method="get" action="/registro">
            <label for="carta">Consecutivo o número de guía</label>
            <input type="text" id="carta" name="carta" value="{{carta}}" autofocus required>
            <button type="submit">Buscar</button>
            </form>
            {{#encontrada}}
            <div class="caso" id="carta">
            <p><strong>{{consecutivo}}</strong> · Cuenta {{cuenta}} · {{estado}}</p>
            <p>{{titular}} — {{direccion}}</p>
            <p class="meta">Mensajería: {{mensajeria}}{{#registrada}} · Registrada como devuelta: {{registrada}}{{/registrada}}</p>
            {{#casos}}<p class="meta">Casos: {{casos}}</p>{{/casos}}
            {{^registrada}}
            <form method="post" action="/registro">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <input type="hidden" name="consecutivo" value="{{consecutivo}}">
            <label for="causal">Causal de devolución</label>
            <select id="causal" name="causal" required>
            {{#causales}}<option value="{{codigo}}">{{codigo}} — {{descripcion}}</option>{{/causales}}
            </select>
            <label for="observacion">Observación del mensajero</label>
            <input type="text" id="observacion" name="observacion" maxlength="500">
            <button type="submit">Registrar devolución</button>
            </form>
            {{/registrada}}
            </div>
            {{/encontrada}}
            {{^encontrada}}{{#buscada}}<p class="error">No hay una carta con ese consecutivo o guía en su regional.</p>{{/buscada}}{{/encontrada}}
            <h2>Registradas hoy</h2>
            {{^hoy}}<p>Ninguna todavía.</p>{{/hoy}}
            <ul>{{#hoy}}<li>{{consecutivo}} — {{causal}}</li>{{/hoy}}</ul>
            </body></html>
            """,
        "inicio": """
            {{> head}}
            <header><h1>Cartero</h1>
            <form method="post" action="/logout"><input type="hidden" name="csrf" value="{{csrf}}">
            <span class="meta">{{nombre}} · {{rol}}</span> <button type="submit">Salir</button></form></header>
            <p>Las pantallas de su rol llegan pronto; mientras tanto, use la línea de comandos.</p>
            </body></html>
            """,
        "error": """
            {{> head}}
            <h1>{{titulo}}</h1>
            <p>{{mensaje}}</p>
            <p><a href="/">Volver al inicio</a></p>
            </body></html>
            """,
    ]
}
