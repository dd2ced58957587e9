extension Templates {
    /// **Registro de información de mensajería**.
    static let registro = """
        {{> head}}
        {{> barra}}
        <form method="get" action="/registro">
        <label for="carta">Consecutivo o número de guía</label>
        <input type="text" id="carta" name="carta" value="{{carta}}" autofocus required>
        <button type="submit">Buscar</button>
        </form>
        {{#encontrada}}
        <div class="caso" id="carta-encontrada">
        <p><strong>{{consecutivo}}</strong> · Cuenta <a href="/cuentas/{{cuenta}}">{{cuenta}}</a> · {{estado}}</p>
        <p>{{titular}} — {{direccion}}</p>
        <p class="meta">Mensajería: {{mensajeria}}{{#registrada}} · Registrada como devuelta: {{registrada}}{{/registrada}}</p>
        {{#casos}}<p class="meta">Casos: {{casos}}</p>{{/casos}}
        {{^registrada}}
        <form method="post" action="/registro" enctype="multipart/form-data">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <input type="hidden" name="consecutivo" value="{{consecutivo}}">
        <label for="causal">Causal de devolución</label>
        <select id="causal" name="causal" required>
        {{#causales}}<option value="{{codigo}}">{{codigo}} — {{descripcion}}</option>{{/causales}}
        </select>
        <label for="observacion">Observación del mensajero</label>
        <input type="text" id="observacion" name="observacion" maxlength="500">
        <label for="scan">Escaneos de la carta y del soporte de la empresa de mensajería (PDF, JPEG, PNG o TIFF, hasta 10 MB cada uno; opcional)</label>
        <input type="file" id="scan" name="scan" accept="application/pdf,image/jpeg,image/png,image/tiff" multiple>
        <button type="submit">Registrar devolución</button>
        </form>
        {{/registrada}}
        </div>
        {{/encontrada}}
        {{^encontrada}}{{#buscada}}<p class="error">No hay una carta con ese consecutivo o guía en su regional.</p>{{/buscada}}{{/encontrada}}
        <h2>Registradas hoy</h2>
        {{^hoy}}<p>Ninguna todavía.</p>{{/hoy}}
        <ul>{{#hoy}}<li>{{consecutivo}} — {{causal}}</li>{{/hoy}}</ul>
        <h2>Resultados de la empresa de mensajería</h2>
        <form method="post" action="/registro/resultados" enctype="multipart/form-data">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="resultados">Archivo de resultados (CSV)</label>
        <input type="file" id="resultados" name="resultados" accept=".csv,text/csv" required>
        <button type="submit">Importar resultados</button>
        </form>
        {{#hayErrores}}<p class="error">El archivo no se importó; corrija estas líneas y súbalo de nuevo:</p>{{/hayErrores}}
        <ul class="error">{{#errores}}<li>{{.}}</li>{{/errores}}</ul>
        </body></html>
        """
}
