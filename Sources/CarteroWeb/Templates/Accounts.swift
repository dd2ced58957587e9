extension Templates {
    /// **Consulta de cuenta**: find an account by number, consecutivo or holder's name.
    static let cuentas = """
        {{> head}}
        {{> barra}}
        <form method="get" action="/cuentas">
        <label for="q">Cuenta, consecutivo de carta o nombre del titular</label>
        <input type="search" id="q" name="q" value="{{q}}" autofocus required>
        <button type="submit">Buscar</button>
        </form>
        {{#buscada}}{{^resultados}}<p class="error">Ninguna cuenta de su regional coincide.</p>{{/resultados}}{{/buscada}}
        {{#hayResultados}}<div class="tabla"><table>
        <thead><tr><th>Cuenta</th><th>Titular</th><th>Dirección</th><th class="n">Saldo en mora</th></tr></thead>
        <tbody>{{#resultados}}<tr><td><a href="/cuentas/{{cuenta}}">{{cuenta}}</a></td><td>{{titular}}</td><td>{{direccion}}</td><td class="n">{{saldo}}</td></tr>{{/resultados}}</tbody>
        </table></div>{{/hayResultados}}
        {{#truncada}}<p class="meta">Se muestran las primeras {{truncada}}; precise la búsqueda.</p>{{/truncada}}
        </body></html>
        """

    /// One account as the debtor at the counter asks about it.
    static let cuenta = """
        {{> head}}
        {{> barra}}
        <p><a href="/cuentas">← Consulta de cuenta</a></p>
        {{#cuenta}}
        <div class="caso" id="cuenta">
        <p><strong>Cuenta {{numero}}</strong> · {{titular}}</p>
        <p>{{direccion}}{{#barrio}} · {{barrio}}{{/barrio}} · {{municipio}}</p>
        <p>Saldo en mora hoy: <strong>{{saldo}}</strong>{{#desde}} · en mora desde {{desde}}{{/desde}}</p>
        <p class="meta">Uso {{uso}} · facturación {{facturacion}}{{#juridico}} · en cobro jurídico{{/juridico}}{{#saneamiento}} · saneamiento: {{saneamiento}}{{/saneamiento}}</p>
        </div>
        {{/cuenta}}
        <h2>Cartas</h2>
        {{^cartas}}<p>Ninguna carta de cobro.</p>{{/cartas}}
        {{#hayCartas}}<div class="tabla"><table>
        <thead><tr><th>Consecutivo</th><th>Campaña (corte)</th><th class="n">Saldo al corte</th><th class="n">Días de mora</th><th>Despacho</th><th>Mensajería</th><th></th></tr></thead>
        <tbody>{{#cartas}}<tr><td>{{consecutivo}}</td><td>{{campana}} ({{corte}})</td><td class="n">{{saldo}}</td><td class="n">{{dias}}</td><td>{{despacho}}</td><td>{{mensajeria}}</td>
        <td><a href="/cartas/{{consecutivo}}.pdf">Duplicado</a></td></tr>{{/cartas}}</tbody>
        </table></div>{{/hayCartas}}
        <h2>Casos</h2>
        {{^casos}}<p>Ningún caso.</p>{{/casos}}
        <ul>{{#casos}}<li>Caso {{numero}} · {{destino}} · {{estado}}{{#responsable}} · {{responsable}}{{/responsable}}{{#resultado}} · {{resultado}}{{/resultado}}</li>{{/casos}}</ul>
        <h2>Historia</h2>
        {{^historia}}<p>Sin cambios registrados.</p>{{/historia}}
        <ul>{{#historia}}<li>{{cuando}} · {{que}}{{#antes}} · antes: {{antes}}{{/antes}}{{#despues}} · ahora: {{despues}}{{/despues}}{{#quien}} · {{quien}}{{/quien}}</li>{{/historia}}</ul>
        </body></html>
        """
}
