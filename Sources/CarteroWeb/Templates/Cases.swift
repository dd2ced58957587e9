extension Templates {
    /// **Mis casos**: a field agent's or billing member's open cases, grouped as he walks
    /// them (`CaseList`); short enough to print, each opening its own page to resolve it.
    static let casos = """
        {{> head}}
        {{> barra}}
        {{#cambios}}<p><a href="/casos/cambios.csv">Descargar los cambios para el sistema comercial (CSV)</a></p>{{/cambios}}
        {{#vacia}}<p>No tiene casos asignados por ahora.</p>{{/vacia}}
        {{! The list is drawn by CaseList, every value escaped there. }}
        {{{lista}}}
        </body></html>
        """

    /// One case: where to go, why, the scan of the returned letter, and the form that resolves it.
    static let caso = """
        {{> head}}
        {{> barra}}
        <p><a href="/casos">← Mis casos</a></p>
        <div class="caso" id="caso-{{numero}}">
        <p><strong>{{direccion}}</strong>{{#barrio}} · {{barrio}}{{/barrio}}{{#ruta}} · ruta {{ruta}}{{/ruta}}</p>
        <p>Cuenta {{cuenta}} · carta {{consecutivo}}</p>
        <p class="meta">Causal: {{causal}} · {{destino}} · abierto hace {{dias}} días</p>
        {{#terreno}}<p class="meta">Visita de terreno: {{resultado}}{{#nota}} · «{{nota}}»{{/nota}}</p>{{/terreno}}
        {{#propuesta}}<p>Dirección propuesta: <strong>{{propuesta}}</strong></p>{{/propuesta}}
        {{#escaneos}}<p><a href="/casos/{{numero}}/escaneos/{{id}}">Escaneo: {{nombre}}</a></p>{{/escaneos}}
        </div>
        <form method="post" action="/casos/{{numero}}/resolver" enctype="multipart/form-data">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="outcome">Resultado</label>
        <select id="outcome" name="outcome" required>
        {{#resultados}}<option value="{{valor}}">{{nombre}}</option>{{/resultados}}
        </select>
        <label for="address">Dirección hallada o nueva</label>
        <input type="text" id="address" name="address" maxlength="200">
        <label for="note">Nota</label>
        <input type="text" id="note" name="note" maxlength="500">
        {{#foto}}<label for="photo">Foto (opcional)</label>
        <input type="file" id="photo" name="photo" accept="image/jpeg,image/png" capture="environment">{{/foto}}
        <button type="submit">Resolver</button>
        </form>
        </body></html>
        """

    /// The coordinator's cases board: open cases by assignee and age, assign and reassign.
    static let tablero = """
        {{> head}}
        {{> barra}}
        <div class="tabla"><table>
        <thead><tr><th>Responsable</th><th>Rol</th>{{#edades}}<th class="n">{{.}}</th>{{/edades}}<th class="n">Total</th></tr></thead>
        <tbody>
        {{#filas}}<tr><td>{{responsable}}</td><td>{{rol}}</td>{{#cuentas}}<td class="n">{{.}}</td>{{/cuentas}}<td class="n"><strong>{{total}}</strong></td></tr>{{/filas}}
        </tbody></table></div>
        {{^filas}}<p>No hay casos abiertos.</p>{{/filas}}
        {{#sinAsignar}}
        <form method="post" action="/tablero/asignar">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <button type="submit">Asignar los {{sinAsignar}} casos sin responsable</button>
        </form>
        {{/sinAsignar}}
        <h2>Reasignar un caso</h2>
        <form method="post" action="/tablero/reasignar">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <div class="campos">
        <div><label for="caso">Número de caso</label><input type="number" id="caso" name="caso" min="1" required></div>
        <div><label for="a">A</label><select id="a" name="a" required>{{#equipo}}<option value="{{login}}">{{nombre}} ({{rol}})</option>{{/equipo}}</select></div>
        </div>
        <button type="submit">Reasignar</button>
        </form>
        <h2>Pasar todos los casos de un miembro a otro</h2>
        <form method="post" action="/tablero/reasignar-todos">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <div class="campos">
        <div><label for="de">De</label><select id="de" name="de" required>{{#equipo}}<option value="{{login}}">{{nombre}} ({{rol}})</option>{{/equipo}}</select></div>
        <div><label for="para">A</label><select id="para" name="para" required>{{#equipo}}<option value="{{login}}">{{nombre}} ({{rol}})</option>{{/equipo}}</select></div>
        </div>
        <button type="submit">Pasar los casos</button>
        </form>
        {{#hayPendientes}}<h2>Sin responsable</h2>{{/hayPendientes}}
        <ul>{{#pendientes}}<li>Caso {{numero}} · {{destino}} · cuenta <a href="/cuentas/{{cuenta}}">{{cuenta}}</a> · {{causal}}</li>{{/pendientes}}</ul>
        </body></html>
        """
}
