extension Templates {
    static let login = """
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
        """

    /// Changing one's own password.
    static let clave = """
        {{> head}}
        {{> barra}}
        <form method="post" action="/clave">
        <input type="hidden" name="csrf" value="{{csrf}}">
        <label for="actual">Contraseña actual</label>
        <input type="password" id="actual" name="actual" autocomplete="current-password" required>
        <label for="nueva">Contraseña nueva (8 caracteres o más)</label>
        <input type="password" id="nueva" name="nueva" autocomplete="new-password" minlength="8" required>
        <label for="repetida">Repita la contraseña nueva</label>
        <input type="password" id="repetida" name="repetida" autocomplete="new-password" minlength="8" required>
        <button type="submit">Cambiar contraseña</button>
        </form>
        </body></html>
        """
}
