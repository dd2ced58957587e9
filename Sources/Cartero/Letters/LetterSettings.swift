import PQ

/// What a regional's letters say (RULES.md section 2), as `cartero.letter_settings`
/// holds it: one row per regional, made with its defaults; only an administrator
/// changes it.
public struct LetterSettings: Sendable, Hashable {
    /// A setting: its key (the column), and the most characters it takes.
    public struct Key: Sendable, Hashable {
        public let name: String
        public let maxLength: Int
    }

    /// Every setting, in the order `--show` lists them. The lengths are the table's checks.
    public static let keys: [Key] = [
        Key(name: "empresa", maxLength: 200), Key(name: "nit", maxLength: 20),
        Key(name: "direccion_regional", maxLength: 200), Key(name: "ciudad", maxLength: 100),
        Key(name: "firmante", maxLength: 120), Key(name: "cargo_firmante", maxLength: 120),
        Key(name: "puntos_pago", maxLength: 600), Key(name: "parrafo_acuerdo", maxLength: 600),
        Key(name: "cau_direccion", maxLength: 200), Key(name: "cau_horario", maxLength: 120),
        Key(name: "cau_telefono", maxLength: 60), Key(name: "cau_correo", maxLength: 120),
        Key(name: "aviso_centrales", maxLength: 800), Key(name: "gln", maxLength: 13), Key(name: "dias_cupon", maxLength: 2),
    ]

    /// Settings that may not be left empty.
    static let required: Set = ["empresa", "puntos_pago", "parrafo_acuerdo", "dias_cupon"]

    public let regional: String
    /// Every setting's value in `keys` order; an unset GS1 location number is ''.
    public let values: [(key: String, value: String)]

    public static func == (lhs: LetterSettings, rhs: LetterSettings) -> Bool {
        lhs.regional == rhs.regional && lhs.values.elementsEqual(rhs.values) { $0 == $1 }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(regional)
        for (key, value) in values { hasher.combine(key); hasher.combine(value) }
    }

    public subscript(key: String) -> String? { values.first { $0.key == key }?.value }

    /// The regional's settings, if the acting member may see them.
    public static func find(regional: String, on db: Connection) throws -> LetterSettings {
        try Regionals.require(regional, on: db)
        let columns = keys.map { "coalesce(\($0.name)::text, '') AS \($0.name)" }.joined(separator: ", ")
        guard let row = try db.queryRow("SELECT \(unsafeSQL: columns) FROM cartero.letter_settings WHERE regional = \(regional)") else {
            throw CarteroError.notFound("the letters of regional \(regional) are not yours to see")
        }
        return LetterSettings(regional: regional, values: try keys.map { ($0.name, try row.decode($0.name, as: String.self)) })
    }

    /// Changes some settings of a regional (administrators only) and returns them all.
    /// `changes` are `(key, value)`; an empty GS1 location number unsets it.
    @discardableResult
    public static func update(regional: String, _ changes: [(key: String, value: String)], on db: Connection) throws -> LetterSettings {
        try Regionals.require(regional, on: db)
        var assignments: Query = ""
        for (key, value) in changes {
            guard let spec = keys.first(where: { $0.name == key }) else {
                throw CarteroError.invalid("'\(key)' is not a letter setting; the settings are \(keys.map(\.name).joined(separator: ", "))")
            }
            let value = value.trimmed
            if required.contains(key), value.isEmpty { throw CarteroError.invalid("\(key) cannot be empty") }
            guard value.count <= spec.maxLength else {
                throw CarteroError.invalid("\(key) takes at most \(spec.maxLength) characters, not \(value.count)")
            }
            switch key {
            case "gln":
                guard value.isEmpty || PaymentCoupon.isValidLocationNumber(value) else {
                    throw CarteroError.invalid("gln '\(value)' is not a GS1 location number: 13 digits whose last is the check digit")
                }
                assignments = assignments + "gln = \(value.isEmpty ? nil : value), "
            case "dias_cupon":
                guard let days = Int(value), (1...90).contains(days) else {
                    throw CarteroError.invalid("dias_cupon must be a whole number of days from 1 to 90, not '\(value)'")
                }
                assignments = assignments + "dias_cupon = \(days), "
            default:
                assignments = assignments + "\(identifier: key) = \(value), "
            }
        }
        let changed = try CarteroError.translating(whenRefused: "only an administrator may change what the letters say") {
            try db.execute("""
                UPDATE cartero.letter_settings
                   SET \(assignments)updated_by = cartero.current_staff_id(), updated_at = now()
                 WHERE regional = \(regional)
                """).affectedRows
        }
        // Row-level security lets only an administrator's update reach the row.
        guard changed == 1 else { throw CarteroError.forbidden("only an administrator may change what the letters say") }
        return try find(regional: regional, on: db)
    }
}
