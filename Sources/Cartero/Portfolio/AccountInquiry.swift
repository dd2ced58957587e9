import Foundation
import PQ

/// **Consulta de cuenta**: what the counter needs when a debtor comes in with his letter,
/// read under the member's row rules: find the account by its number, a letter's
/// consecutivo or words of the holder's name; then its balance, its letters with the
/// courier's word on each, its cases and its history.
public enum AccountInquiry {
    public struct Match: Sendable, Hashable {
        public let cuenta: String
        public let titular: String
        public let direccion: String
        public let saldoMora: Decimal
    }

    /// At most this many matches: a name shared by more is made more precise.
    public static let matchesShown = 50

    /// The accounts whose number is `text`, that a letter numbered `text` went to, or —
    /// when `text` has no digit, as no name has — whose holder's name holds every word of
    /// `text` (case-insensitive), ordered by name.
    public static func search(_ text: String, on db: Connection) throws -> [Match] {
        let text = String(text.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        guard !text.isEmpty else { return [] }
        let wanted: Query = text.contains(where: \.isNumber)
            ? "SELECT cuenta FROM cartero.accounts WHERE cuenta = \(text) UNION SELECT cuenta FROM cartero.letters WHERE consecutivo = \(text.uppercased())"
            : "SELECT cuenta FROM cartero.accounts WHERE cuenta = \(text) UNION SELECT cartero.accounts_named(\(text), \(matchesShown + 1))"
        return try db.execute("""
            SELECT a.cuenta, a.titular, a.direccion, a.saldo_mora
              FROM cartero.accounts a JOIN (\(wanted)) wanted USING (cuenta)
             ORDER BY a.titular, a.cuenta
             LIMIT \(matchesShown + 1)
            """).map { row in
            let (cuenta, titular, direccion, saldo) = try row.decode((String, String, String, Decimal).self)
            return Match(cuenta: cuenta, titular: titular, direccion: direccion, saldoMora: saldo)
        }
    }

    public struct Account: Sendable, Hashable {
        public let cuenta: String
        public let titular: String
        public let direccion: String
        public let barrio: String
        public let municipio: String
        public let uso: String
        public let facturacion: String
        public let saldoMora: Decimal
        public let fechaMora: CalendarDate?
        public let cobroJuridico: Bool
        public let saneamiento: String?
    }

    /// A letter of the account: the balance at its campaign's cut, and where it went.
    public struct Letter: Sendable, Hashable {
        public let consecutivo: String
        public let campaign: String
        public let cutDate: CalendarDate
        public let saldoMora: Decimal
        public let diasMora: Int?
        public let dispatchedOn: CalendarDate?
        /// ENTREGADA or DEVUELTA as the courier said; nil before its word.
        public let courierResult: String?
        public let courierDate: CalendarDate?
        /// The cause the office registered, when it did.
        public let registeredCause: String?
    }

    public struct File: Sendable {
        public let account: Account
        /// Newest first.
        public let letters: [Letter]
        public let cases: [CaseSummary]
        public let history: [HistoryEntry]
    }

    /// The account's file, or nil when it does not exist or the member may not see it.
    public static func file(_ cuenta: String, on db: Connection) throws -> File? {
        guard let row = try db.queryRow("""
            SELECT cuenta, titular, direccion, barrio, municipio, uso, facturacion, saldo_mora, fecha_mora, cobro_juridico, saneamiento
              FROM cartero.accounts WHERE cuenta = \(cuenta)
            """) else { return nil }
        let (number, titular, direccion, barrio, municipio, uso, facturacion, saldo, fechaMora, juridico, saneamiento) =
            try row.decode((String, String, String, String, String, String, String, Decimal, CalendarDate?, Bool, String?).self)
        let account = Account(cuenta: number, titular: titular, direccion: direccion, barrio: barrio, municipio: municipio, uso: uso,
                              facturacion: facturacion, saldoMora: saldo, fechaMora: fechaMora, cobroJuridico: juridico,
                              saneamiento: saneamiento)
        let letters = try db.execute("""
            SELECT l.consecutivo, c.name, c.cut_date, l.saldo_mora, l.dias_mora, l.dispatched_on, r.estado, r.fecha, g.causal
              FROM cartero.letters l
              JOIN cartero.campaigns c ON c.id = l.campaign_id
              LEFT JOIN cartero.courier_results r ON r.letter_id = l.id
              LEFT JOIN cartero.return_registrations g ON g.letter_id = l.id
             WHERE l.cuenta = \(cuenta)
             ORDER BY l.generated_at DESC, l.id DESC
            """).map { row in
            let (consecutivo, campaign, cut, saldo, dias, dispatched, estado, fecha, causal) =
                try row.decode((String, String, CalendarDate, Decimal, Int?, CalendarDate?, String?, CalendarDate?, String?).self)
            return Letter(consecutivo: consecutivo, campaign: campaign, cutDate: cut, saldoMora: saldo, diasMora: dias,
                          dispatchedOn: dispatched, courierResult: estado, courierDate: fecha, registeredCause: causal)
        }
        let cases = try Cases.list(account: cuenta, on: db)
        return File(account: account, letters: letters, cases: cases, history: try History.of(account: cuenta, on: db))
    }
}
