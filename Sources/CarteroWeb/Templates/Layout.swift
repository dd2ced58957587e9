/// The pages' templates (Mustache: `{{x}}` is escaped HTML, `{{{x}}}` is not), kept in
/// the binary so that the service needs no file beside it; one file per screen.
/// Mustache shows a section for any value present, an empty string too: a controller
/// leaves a key out when there is nothing to show.
enum Templates {
    static let all: [String: String] = [
        "head": head, "barra": barra, "error": error, "inicio": inicio, "login": login,
        "casos": casos, "caso": caso, "tablero": tablero, "registro": registro,
        "campanas": campanas, "campana": campana, "cuenta": cuenta, "cuentas": cuentas,
        "clave": clave, "parametros": parametros, "admin": admin, "regional": regional,
    ]

    /// The document's head and the one stylesheet: readable on a phone, and printable.
    static let head = """
        <!doctype html>
        <html lang="es">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{titulo}} · Cartero</title>
        <style>
        body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 60rem; padding: 1rem; color: #1b1b1b; }
        header { border-bottom: 1px solid #ccc; margin-bottom: 1rem; }
        header .fila { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: baseline; gap: .5rem; }
        nav a { margin-right: .9rem; } nav a[aria-current] { font-weight: bold; }
        h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin: 1.2rem 0 .4rem; }
        .caso { border: 1px solid #ddd; border-radius: .4rem; padding: .6rem .8rem; margin: .4rem 0; }
        .caso p { margin: .15rem 0; } .meta { color: #555; font-size: .9rem; }
        .error { color: #a00; } .aviso { color: #075; } label { display: block; margin: .6rem 0 .2rem; }
        input[type=text], input[type=password], input[type=date], input[type=number], input[type=search], select {
          width: 100%; max-width: 20rem; padding: .4rem; font-size: 1rem; box-sizing: border-box; }
        button { padding: .45rem 1rem; font-size: 1rem; margin-top: .8rem; }
        form.linea { display: inline; } form.linea button { margin-top: 0; }
        table { border-collapse: collapse; width: 100%; margin: .5rem 0; font-size: .95rem; }
        th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
        td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
        .tabla { overflow-x: auto; }
        fieldset { border: 1px solid #ddd; margin: .6rem 0; } .campos { display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr)); gap: 0 1rem; }
        svg text { font-size: 12px; font-family: system-ui, sans-serif; }
        @media print { nav, form, button { display: none; } .caso { break-inside: avoid; } body { max-width: none; } }
        </style>
        </head>
        <body>
        """

    /// The top of every signed-in page: its title, the role's menu, who is signed in.
    static let barra = """
        <header>
        <div class="fila"><h1>{{titulo}}</h1>
        <form method="post" action="/logout" class="linea"><input type="hidden" name="csrf" value="{{csrf}}">
        <span class="meta">{{nombre}}</span> <a href="/clave" class="meta">Cambiar contraseña</a> <button type="submit">Salir</button></form></div>
        <nav>{{#menu}}<a href="{{ruta}}"{{#actual}} aria-current="page"{{/actual}}>{{nombre}}</a>{{/menu}}</nav>
        </header>
        {{#aviso}}<p class="aviso" role="status">{{aviso}}</p>{{/aviso}}
        {{#problema}}<p class="error" role="alert">{{problema}}</p>{{/problema}}
        """

    static let error = """
        {{> head}}
        <h1>{{titulo}}</h1>
        <p>{{mensaje}}</p>
        <p><a href="/">Volver al inicio</a></p>
        </body></html>
        """

    static let inicio = """
        {{> head}}
        {{> barra}}
        <p>Elija una pantalla del menú.</p>
        </body></html>
        """
}
