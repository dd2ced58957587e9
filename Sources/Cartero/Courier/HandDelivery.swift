import PQ

/// A letter handed to a field agent at dispatch instead of the courier
/// (`campaign dispatch --by-hand-route`, sql/migrations/0015_hand_delivery.sql).
public struct CarriedLetter: Sendable, Hashable {
    public let consecutivo: String
    public let cuenta: String
    public let titular: String
    public let direccion: String
    public let barrio: String
    public let ruta: String
    /// `ENTREGADA` or `DEVUELTA` once recorded; nil while it is still to deliver.
    public let estado: String?
}

/// Letters delivered by hand: each agent's list, and each delivery recorded with the
/// courier's rules (`cartero.record_hand_delivery`); a return opens the same cases.
public enum HandDelivery {
    /// The letters carried by `login` (the acting member when nil) that the acting member
    /// sees, in walking order; only those still to deliver unless `all`.
    public static func letters(carrier login: String? = nil, all: Bool = false, on db: Connection) throws -> [CarriedLetter] {
        let carrier = try login.map { try StaffDirectory.requireID(login: $0, on: db) }
            ?? db.queryValue("SELECT cartero.current_staff_id()", as: Int64?.self)
        return try db.execute("""
            SELECT l.consecutivo, l.cuenta, l.titular, l.direccion, l.barrio, l.ruta, r.estado
              FROM cartero.letters l
              LEFT JOIN cartero.courier_results r ON r.letter_id = l.id
             WHERE l.carrier = \(carrier) AND (\(all) OR r.letter_id IS NULL)
             ORDER BY l.ruta COLLATE "C", l.barrio, l.direccion, l.consecutivo
            """).map { row in
            let (consecutivo, cuenta, titular, direccion, barrio, ruta, estado) =
                try row.decode((String, String, String, String, String, String, String?).self)
            return CarriedLetter(consecutivo: consecutivo, cuenta: cuenta, titular: titular, direccion: direccion,
                                 barrio: barrio, ruta: ruta, estado: estado)
        }
    }

    /// What `record` did.
    public struct Recorded: Sendable, Hashable {
        /// False when the same result was recorded already.
        public let recorded: Bool
        public let casesOpened: Int
    }

    /// Records a hand delivery: `ENTREGADA`, or `DEVUELTA` with a cause, on a day from the
    /// dispatch to today. The agent who carries it, the regional's coordinador or an admin.
    public static func record(
        _ consecutivo: String, estado: String, causal: String? = nil, observacion: String? = nil, on date: CalendarDate,
        on db: Connection
    ) throws -> Recorded {
        try CarteroError.translating(whenRefused: "you may not record the delivery of letter \(consecutivo)") {
            let (recorded, opened) = try db.queryRow("""
                SELECT recorded, cases_opened
                FROM cartero.record_hand_delivery(\(consecutivo), \(estado.uppercased()), \(causal?.uppercased()), \(observacion), \(date))
                """)!.decode((Bool, Int).self)
            return Recorded(recorded: recorded, casesOpened: opened)
        }
    }
}
