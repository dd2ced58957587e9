extension Templates {
    /// The administrator's screen: staff, regionals and their letters, return causes.
    static let admin = """
        {{> head}}
        {{> barra}}
        <h2>Personal</h2>
        <div class="tabla"><table>
        <thead><tr><th>Usuario</th><th>Nombre</th><th>Rol</th><th>Regional</th><th>Estado</th><th></th></tr></thead>
        <tbody>{{#personal}}<tr id="miembro-{{login}}"><td>{{login}}</td><td>{{nombre}}</td><td>{{rol}}</td><td>{{regional}}</td><td>{{estado}}</td>
        <td><form method="post" action="/admin/personal/{{login}}/{{accion}}" class="linea"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">{{accionNombre}}</button></form>
        <form method="post" action="/admin/personal/{{login}}/clave" class="linea"><input type="hidden" name="csrf" value="{{csrf}}">
        <input type="password" name="nueva" minlength="8" placeholder="contraseña nueva" aria-label="Contraseña nueva de {{login}}" required>
        <button type="submit">Restablecer</button></form></td></tr>{{/personal}}</tbody>
        </table></div>
        <h3>Nuevo miembro</h3>
        <form method="post" action="/admin/personal">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <div class="campos">
        <div><label for="login">Usuario</label><input type="text" id="login" name="login" pattern="[a-z0-9._-]{1,63}" required></div>
        <div><label for="nombre">Nombre completo</label><input type="text" id="nombre" name="nombre" maxlength="120" required></div>
        <div><label for="rol">Rol</label><select id="rol" name="rol">{{#roles}}<option value="{{valor}}">{{nombre}}</option>{{/roles}}</select></div>
        <div><label for="regional">Regional</label><select id="regional" name="regional"><option value="">(ninguna: administrador)</option>{{#regionales}}<option value="{{codigo}}">{{codigo}}</option>{{/regionales}}</select></div>
        <div><label for="clave">Contraseña inicial</label><input type="password" id="clave" name="clave" minlength="8" required></div>
        </div>
        <button type="submit">Crear</button>
        </form>
        <h2>Regionales y sus cartas</h2>
        <ul>{{#regionales}}<li><a href="/admin/regionales/{{codigo}}">{{codigo}} — {{nombre}}</a></li>{{/regionales}}</ul>
        <form method="post" action="/admin/regionales">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <div class="campos">
        <div><label for="codigo">Código (2 a 8 mayúsculas)</label><input type="text" id="codigo" name="codigo" pattern="[A-Z]{2,8}" required></div>
        <div><label for="nombre-regional">Nombre</label><input type="text" id="nombre-regional" name="nombre" maxlength="100" required></div>
        </div>
        <button type="submit">Agregar regional</button>
        </form>
        <h2>Causales de devolución</h2>
        <div class="tabla"><table>
        <thead><tr><th>Código</th><th>Descripción</th><th>Destino del caso</th></tr></thead>
        <tbody>{{#causales}}<tr><td>{{codigo}}</td><td>{{descripcion}}</td><td>
        <form method="post" action="/admin/causales/{{codigo}}" class="linea"><input type="hidden" name="csrf" value="{{csrf}}">
        <select name="destino" aria-label="Destino de {{codigo}}">{{#destinos}}<option value="{{valor}}"{{#elegido}} selected{{/elegido}}>{{valor}}</option>{{/destinos}}</select>
        <button type="submit">Cambiar</button></form></td></tr>{{/causales}}</tbody>
        </table></div>
        <form method="post" action="/admin/causales">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <div class="campos">
        <div><label for="causal-codigo">Código (mayúsculas, dígitos y _)</label><input type="text" id="causal-codigo" name="codigo" pattern="[A-Z][A-Z0-9_]{0,29}" required></div>
        <div><label for="causal-descripcion">Descripción</label><input type="text" id="causal-descripcion" name="descripcion" maxlength="120" required></div>
        <div><label for="causal-destino">Destino del caso</label><select id="causal-destino" name="destino">{{#rutas}}<option value="{{.}}">{{.}}</option>{{/rutas}}</select></div>
        </div>
        <button type="submit">Agregar causal</button>
        </form>
        </body></html>
        """

    /// One regional's letter settings.
    static let regional = """
        {{> head}}
        {{> barra}}
        <p><a href="/admin">← Administración</a></p>
        <form method="post" action="/admin/regionales/{{codigo}}">
        <input type="hidden" name="csrf" value="{{csrf}}">
        {{#ajustes}}<label for="{{clave}}">{{clave}}</label><input type="text" id="{{clave}}" name="{{clave}}" value="{{valor}}" maxlength="{{largo}}">{{/ajustes}}
        <button type="submit">Guardar</button>
        </form>
        </body></html>
        """
}
