extension Templates {
    /// The coordinator's campaigns of his regional, and a new one.
    static let campanas = """
        {{> head}}
        {{> barra}}
        <div class="tabla"><table>
        <thead><tr><th>Nº</th><th>Campaña</th><th>Regional</th><th>Corte</th><th>Estado</th><th class="n">Seleccionadas</th></tr></thead>
        <tbody>
        {{#campanas}}<tr><td>{{id}}</td><td><a href="/campanas/{{id}}">{{nombre}}</a></td><td>{{regional}}</td><td>{{corte}}</td><td>{{estado}}</td><td class="n">{{seleccionadas}}</td></tr>{{/campanas}}
        </tbody></table></div>
        {{^campanas}}<p>Todavía no hay campañas.</p>{{/campanas}}
        <h2>Nueva campaña</h2>
        <form method="post" action="/campanas">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <div class="campos">
        <div><label for="nombre">Nombre</label><input type="text" id="nombre" name="nombre" maxlength="200" value="{{nuevo.nombre}}" required></div>
        <div><label for="corte">Fecha de corte</label><input type="date" id="corte" name="corte" value="{{nuevo.corte}}" required></div>
        {{#elegirRegional}}<div><label for="regional">Regional</label><select id="regional" name="regional">{{#regionales}}<option value="{{codigo}}">{{codigo}} — {{nombre}}</option>{{/regionales}}</select></div>{{/elegirRegional}}
        </div>
        <p class="meta">Deje en blanco lo que no cambie: se usan los valores de las reglas.</p>
        {{#nuevo}}{{> parametros}}{{/nuevo}}
        <button type="submit">Crear y evaluar</button>
        </form>
        </body></html>
        """

    /// The parameter fields of a new campaign and of the what-if.
    static let parametros = """
        <fieldset><legend>Parámetros</legend><div class="campos">
        {{#umbrales}}<div><label for="umbral_{{uso}}">Umbral {{uso}} ($)</label><input type="number" min="0" step="0.01" id="umbral_{{uso}}" name="umbral_{{uso}}" value="{{valor}}"></div>{{/umbrales}}
        <div><label for="dias">Días de mora mínimos</label><input type="number" min="0" id="dias" name="dias" value="{{dias}}"></div>
        <div><label for="meses_abono">Meses sin abono</label><input type="number" min="0" id="meses_abono" name="meses_abono" value="{{mesesAbono}}"></div>
        <div><label for="meses_carta">Meses sin carta</label><input type="number" min="0" id="meses_carta" name="meses_carta" value="{{mesesCarta}}"></div>
        <div><label for="max_cartas">Cartas como máximo</label><input type="number" min="1" id="max_cartas" name="max_cartas" value="{{maxCartas}}"></div>
        <div><label for="control">Grupo de control (%)</label><input type="number" min="0" max="100" step="0.01" id="control" name="control" value="{{control}}"></div>
        </div></fieldset>
        """

    /// One campaign: its funnel, the what-if, and the step its state allows.
    static let campana = """
        {{> head}}
        {{> barra}}
        <p><a href="/campanas">← Campañas</a></p>
        <p><strong>{{nombre}}</strong> · Regional {{regional}} · corte {{corte}} · <span id="estado">{{estado}}</span> · {{seleccionadas}} cuentas seleccionadas</p>
        <div class="acciones">
        {{#puedeActualizar}}<form method="post" action="/campanas/{{id}}/actualizar" class="linea"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Evaluar de nuevo</button></form>{{/puedeActualizar}}
        {{#puedeAprobar}}<form method="post" action="/campanas/{{id}}/aprobar" class="linea"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Aprobar</button></form>{{/puedeAprobar}}
        {{#puedeGenerar}}<form method="post" action="/campanas/{{id}}/generar" class="linea"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Generar las cartas</button></form>{{/puedeGenerar}}
        {{#puedeDespachar}}<form method="post" action="/campanas/{{id}}/despachar"><input type="hidden" name="csrf" value="{{csrf}}">
        <label for="fecha">Entregadas a la empresa de mensajería el</label><input type="date" id="fecha" name="fecha" value="{{hoy}}" required>
        <button type="submit">Despachar</button></form>{{/puedeDespachar}}
        {{#descargas}}<p><a href="/campanas/{{id}}/cartas.pdf">Cartas (PDF)</a> · <a href="/campanas/{{id}}/manifiesto.csv">Manifiesto (CSV)</a></p>{{/descargas}}
        {{#puedeAnular}}<form method="post" action="/campanas/{{id}}/anular" class="linea"><input type="hidden" name="csrf" value="{{csrf}}"><button type="submit">Anular</button></form>{{/puedeAnular}}
        </div>
        {{#embudos}}
        <section class="embudo" id="{{ancla}}">
        <h2>{{rotulo}}</h2>
        {{{grafico}}}
        <div class="tabla"><table>
        <thead><tr><th>Regla</th><th class="n">No la cumplen</th><th class="n">Excluidas por ella</th><th class="n">Saldo excluido</th></tr></thead>
        <tbody>
        <tr><td>Evaluadas</td><td></td><td class="n">{{evaluadas}}</td><td class="n">{{saldoEvaluadas}}</td></tr>
        {{#pasos}}<tr><td>{{regla}}</td><td class="n">{{fallan}}</td><td class="n">{{primeras}}</td><td class="n">{{saldo}}</td></tr>{{/pasos}}
        <tr><td><strong>Seleccionadas</strong></td><td></td><td class="n"><strong class="seleccionadas">{{seleccionadas}}</strong></td><td class="n">{{saldoSeleccionadas}}</td></tr>
        </tbody></table></div>
        </section>
        {{/embudos}}
        {{#efecto}}
        <section id="efecto">
        <h2>Efecto de las cartas frente al grupo de control</h2>
        <div class="tabla"><table>
        <thead><tr><th class="n">Días tras el despacho</th><th class="n">Pagaron, con carta</th><th class="n">Pagaron, control</th>
        <th class="n">Diferencia</th><th class="n">IC 95 %</th><th class="n">Recuperado, con carta</th><th class="n">Recuperado, control</th></tr></thead>
        <tbody>{{#filas}}<tr><td class="n">{{dias}}</td><td class="n">{{conCarta}}</td><td class="n">{{control}}</td><td class="n">{{diferencia}}</td>
        <td class="n">{{intervalo}}</td><td class="n">{{recuperadoCarta}}</td><td class="n">{{recuperadoControl}}</td></tr>{{/filas}}</tbody>
        </table></div>
        <p class="meta">Con un intervalo por encima de 0, las cartas hicieron pagar; si incluye el 0, esta campaña no permite saberlo (grupo de control pequeño o sin efecto).</p>
        </section>
        {{/efecto}}
        {{#simulable}}
        <h2>¿Y si…? (no guarda nada)</h2>
        <form method="get" action="/campanas/{{id}}#simulacion" id="simular">
        <input type="hidden" name="simular" value="1">
        {{#simulacion}}{{> parametros}}{{/simulacion}}
        <button type="submit">Ver el embudo</button>
        </form>
        {{/simulable}}
        </body></html>
        """
}
