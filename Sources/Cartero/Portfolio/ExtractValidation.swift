import PQ

/// Checks every record of the staging table against the kind's column spec, in one
/// statement and one scan: per record, an array with one slot per column of the file
/// (in the file's order), each slot NULL or what is wrong with that value; only the
/// records with a problem are unnested, sorted by line and column, and the first
/// `ExtractImport.reportedErrors` returned with the count of all.
///
/// The SQL is generated from the spec, with column names that the spec chose (never
/// the file's); the values are only ever compared in SQL, never pasted into it.
enum ExtractValidation {
    static func check(_ staged: ExtractStaging, on db: Connection) throws {
        let checked = staged.present
        var errors: [RowError] = []
        var total = 0
        for row in try db.execute(query(checking: checked, keysMayRepeat: staged.keysMayRepeat)) {
            let (line, position, problem, count) = try row.decode((Int, Int, String, Int).self)
            errors.append(RowError(line: line, column: checked[position - 1].name, message: problem))
            total = count
        }
        if !errors.isEmpty { throw ExtractRejection(errors, total: total) }
    }

    /// `checked`: the columns of the file that have something to check, in its order.
    /// `keysMayRepeat`: false when the stream's key hashes never met, so that no key can
    /// be repeated and the GROUP BY over the whole file that finds them is left out.
    static func query(checking checked: [ExtractColumn], keysMayRepeat: Bool = true) -> Query {
        let slots = checked.map(slot)
        var ctes = [
            """
            acting AS (
                SELECT (SELECT cartero.current_staff_is_admin()) AS is_admin,
                       (SELECT cartero.current_staff_regional()) AS regional
            )
            """
        ]
        var joins = ["CROSS JOIN acting"]
        for column in checked {
            let c = "s.\(column.name)"
            switch column.rule {
            case .cuenta:
                ctes.append(keysMayRepeat ? """
                    repeated AS (
                        SELECT \(column.name) AS cuenta, min(line) AS first_line
                        FROM pg_temp.import_staging
                        GROUP BY 1
                        HAVING count(*) > 1
                    )
                    """ : "repeated AS (SELECT NULL::text AS cuenta, NULL::bigint AS first_line WHERE false)")
                joins.append("LEFT JOIN repeated ON repeated.cuenta = \(c) AND repeated.first_line < s.line")
            case .existingAccount:
                // Row-level security hides the accounts of other regionals: to a
                // coordinator they do not exist.
                joins.append("LEFT JOIN cartero.accounts account ON account.cuenta = \(c)")
            case .regional:
                joins.append("LEFT JOIN cartero.regionals regional ON regional.code = \(c)")
            case .dispatchedLetter:
                // The first line of the file for each letter: a later line that gives the
                // letter another result contradicts it. Sorting the file for it is left out
                // when no consecutivo can repeat.
                ctes.append(keysMayRepeat ? """
                    first_result AS (
                        SELECT DISTINCT ON (\(column.name)) \(column.name) AS consecutivo, line, estado,
                               coalesce(btrim(causal), '') AS causal
                        FROM pg_temp.import_staging
                        ORDER BY \(column.name), line
                    )
                    """ : "first_result AS (SELECT NULL::text AS consecutivo, NULL::bigint AS line, NULL::text AS estado, NULL::text AS causal WHERE false)")
                joins.append("""
                    LEFT JOIN cartero.letters letter ON letter.consecutivo = \(c)
                    LEFT JOIN cartero.courier_results stored ON stored.letter_id = letter.id
                    LEFT JOIN cartero.return_registrations registered ON registered.letter_id = letter.id
                    LEFT JOIN first_result earlier ON earlier.consecutivo = \(c) AND earlier.line < s.line
                        AND (earlier.estado, earlier.causal) IS DISTINCT FROM (s.estado, coalesce(btrim(s.causal), ''))
                    """)
            case .returnCause:
                joins.append("LEFT JOIN cartero.return_causes cause ON cause.code = btrim(\(c))")
            default:
                break
            }
        }
        return Query(unsafeSQL: """
            WITH \(ctes.joined(separator: ",\n"))
            SELECT c.line, p.position, p.problem, count(*) OVER () AS total
            FROM (
                SELECT s.line, ARRAY[\(slots.joined(separator: ",\n"))]::text[] AS problems
                FROM pg_temp.import_staging s
                \(joins.joined(separator: "\n"))
                -- OFFSET 0 keeps this subquery apart, so each check runs once per
                -- record: flattened, its filter below would run every check again.
                OFFSET 0
            ) c
            CROSS JOIN LATERAL unnest(c.problems) WITH ORDINALITY AS p(problem, position)
            WHERE num_nonnulls(VARIADIC c.problems) > 0 AND p.problem IS NOT NULL
            ORDER BY c.line, p.position
            LIMIT \(ExtractImport.reportedErrors)
            """)
    }

    /// A CASE that is NULL when the column's value is fine, else the first thing
    /// wrong with it.
    private static func slot(_ column: ExtractColumn) -> String {
        let c = "s.\(column.name)"
        var blank = column.required ? "'must not be blank'" : "NULL"
        let quoted = "'''' || left(\(c), 40) || ''''"
        var whens: [(String, String)] = []
        switch column.rule {
        case .text(let max):
            // octet_length reads the length word; char_length counts the characters.
            whens.append(("octet_length(\(c)) > \(max) AND char_length(\(c)) > \(max)", "'is longer than \(max) characters (' || char_length(\(c)) || ')'"))
        case .cuenta:
            whens.append(cuentaFormat(c, quoted))
            whens.append(("repeated.first_line IS NOT NULL", "\(c) || ' appears again (first on line ' || repeated.first_line || ')'"))
        case .existingAccount:
            whens.append(cuentaFormat(c, quoted))
            // A member who is not an admin sees only his regional's accounts: he is told
            // the same whether the account is missing or another regional's.
            whens.append((
                "account.cuenta IS NULL",
                "CASE WHEN acting.is_admin THEN 'account ' || \(c) || ' does not exist' ELSE 'account ' || \(c) || ' is not an account of regional ' || acting.regional END"))
        case .regional:
            whens.append(("regional.code IS NULL", "'no regional has the code ' || \(quoted)"))
            whens.append((
                "NOT acting.is_admin AND \(c) IS DISTINCT FROM acting.regional",
                "'you may not import accounts of regional ' || \(c)"))
        case .oneOf(let words):
            let list = words.map { "'\($0)'" }.joined(separator: ", ")
            let said = words.dropLast().joined(separator: ", ") + " or " + words.last!
            whens.append(("\(c) NOT IN (\(list))", "\(quoted) || ' must be \(said)'"))
        case .estrato:
            whens.append(("\(c) NOT IN ('1', '2', '3', '4', '5', '6')", "\(quoted) || ' must be a number from 1 to 6'"))
            // Only when uso is a valid word: a wrong uso has its own message.
            let others = UseClass.allCases.filter { $0 != .residencial }.map { "'\($0.rawValue)'" }.joined(separator: ", ")
            whens.append(("s.uso IN (\(others))", "'only residential accounts have an estrato (uso is ' || s.uso || ')'"))
        case .amount(let positive):
            whens.append((
                "\(c) !~ '^[0-9]+([.][0-9]{1,2})?$'",
                "\(quoted) || ' is not an amount: digits, then at most two decimals after a point, no sign, no thousands separators'"))
            // numeric(14,2): at most 12 digits before the point (leading zeros aside).
            whens.append(("octet_length(\(c)) > 12 AND octet_length(ltrim(split_part(\(c), '.', 1), '0')) > 12", "\(quoted) || ' is too large'"))
            if positive {
                whens.append(("\(c) ~ '^[0.]+$'", "'must be greater than 0'"))
            }
        case .date:
            whens.append(contentsOf: dayOfTheCalendar(c, quoted))
        case .dispatchedLetter:
            // Row-level security hides other regionals' letters: to a clerk they do not exist.
            whens.append((
                "letter.id IS NULL",
                "CASE WHEN acting.is_admin THEN 'no letter has the consecutivo ' || \(quoted) ELSE 'no letter of regional ' || acting.regional || ' has the consecutivo ' || \(quoted) END"))
            whens.append(("letter.status <> 'despachada'", "'letter ' || \(c) || ' has not been dispatched: it cannot have a result yet'"))
        case .deliveryResult:
            whens.append(("\(c) NOT IN ('ENTREGADA', 'DEVUELTA')", "\(quoted) || ' must be ENTREGADA or DEVUELTA'"))
            let said = "\(c) || CASE WHEN coalesce(btrim(s.causal), '') <> '' THEN ' ' || btrim(s.causal) ELSE '' END"
            whens.append((
                "(stored.estado, coalesce(stored.causal, '')) IS DISTINCT FROM (\(c), coalesce(btrim(s.causal), '')) AND stored.letter_id IS NOT NULL",
                "\(said) || ' contradicts the result stored for letter ' || letter.consecutivo || ': ' || stored.estado || coalesce(' ' || stored.causal, '') || ' on ' || stored.fecha"))
            whens.append((
                "registered.id IS NOT NULL AND (\(c), coalesce(btrim(s.causal), '')) IS DISTINCT FROM ('DEVUELTA', registered.causal)",
                "\(said) || ' contradicts the returns register: letter ' || letter.consecutivo || ' was registered as returned (' || registered.causal || ')'"))
            whens.append((
                "earlier.line IS NOT NULL",
                "\(said) || ' contradicts line ' || earlier.line || ', which gives letter ' || s.consecutivo || ' ' || earlier.estado || CASE WHEN earlier.causal <> '' THEN ' ' || earlier.causal ELSE '' END"))
        case .resultDate:
            whens.append(contentsOf: dayOfTheCalendar(c, quoted))
            whens.append(("\(c)::date < letter.dispatched_on", "\(quoted) || ' is before the letter''s dispatch on ' || letter.dispatched_on"))
            whens.append(("\(c)::date > current_date", "\(quoted) || ' is after today'"))
        case .returnCause:
            blank = "CASE WHEN s.estado = 'DEVUELTA' THEN 'must not be blank on a DEVUELTA: it says why the letter came back' END"
            whens.append(("s.estado = 'ENTREGADA'", "'must be blank on an ENTREGADA (it is ' || \(quoted) || ')'"))
            whens.append((
                "cause.code IS NULL",
                "\(quoted) || ' is not a return cause (' || (SELECT string_agg(code, ', ' ORDER BY code) FROM cartero.return_causes) || ')'"))
        }
        let rest = whens.map { "WHEN \($0.0) THEN \($0.1)" }.joined(separator: " ")
        return "CASE WHEN \(isBlank(c)) THEN \(blank) \(rest) END"
    }

    /// `YYYY-MM-DD`, a day of the calendar: the shape with translate (about half the
    /// cost of a regular expression), then the ranges, which can be read as numbers
    /// once the shape is right.
    private static func dayOfTheCalendar(_ c: String, _ quoted: String) -> [(String, String)] {
        let notADay = "\(quoted) || ' is not a date (YYYY-MM-DD, a day of the calendar)'"
        let year = "substr(\(c), 1, 4)::int"
        return [
            ("translate(\(c), '0123456789', '9999999999') <> '9999-99-99' OR left(\(c), 1) = '0'", notADay),
            ("""
                substr(\(c), 6, 2)::int NOT BETWEEN 1 AND 12 OR substr(\(c), 9, 2)::int NOT BETWEEN 1 AND CASE substr(\(c), 6, 2)
                    WHEN '02' THEN 28 + (\(year) % 4 = 0 AND (\(year) % 100 <> 0 OR \(year) % 400 = 0))::int
                    WHEN '04' THEN 30 WHEN '06' THEN 30 WHEN '09' THEN 30 WHEN '11' THEN 30
                    ELSE 31 END
                """, notADay),
        ]
    }

    /// NULL, empty or only spaces. Cheaper than `btrim` on every value: only a value
    /// that starts with a space is trimmed.
    private static func isBlank(_ c: String) -> String {
        "(coalesce(\(c), '') = '' OR (\(c) LIKE ' %' AND btrim(\(c)) = ''))"
    }

    /// An unanchored negated class and a length: several times faster than `^[…]{1,20}$`.
    private static func cuentaFormat(_ c: String, _ quoted: String) -> (String, String) {
        ("\(c) ~ '[^A-Za-z0-9-]' OR octet_length(\(c)) > 20", "\(quoted) || ' is not an account number (1 to 20 letters, digits or -)'")
    }
}
