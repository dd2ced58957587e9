import Foundation

/// A deterministic synthetic extract of the commercial system, for demos, tests and
/// benchmarks: `accounts.csv`, `payments.csv`, `letters.csv` (formats in
/// spec/FORMATS.md) and `regionals.csv` (`code,name`).
///
/// The same options always give byte-identical files: the generator has its own PRNG
/// (SplitMix64), its own date arithmetic (days from/to civil, no time zones) and its own
/// `exp` (only +, −, ×, ÷ on doubles), so the output does not depend on the platform's
/// libm, Foundation's calendars, or Swift's randomly seeded hashing.
///
/// The data are shaped so that every segmentation rule of RULES.md §1 excludes a
/// visible share of accounts when a campaign is cut at `asOf`, and a good share is
/// selected; a few hundred accounts sit exactly on each boundary (threshold balances,
/// 60 days past due, a payment exactly one month before, a letter exactly two months
/// before).
public struct SampleExtract: Sendable {

    public struct Options: Sendable {
        /// Number of accounts (rows of accounts.csv).
        public var accounts: Int
        /// How many regionals of `regionalCatalog` to use (the first K), 1...8.
        public var regionals: Int
        public var seed: UInt64
        /// The extract's date: payments and letters lie before it, overdue dates too.
        public var asOf: (year: Int, month: Int, day: Int)

        public init(
            accounts: Int = 10_000,
            regionals: Int = 5,
            seed: UInt64 = 1,
            asOf: (year: Int, month: Int, day: Int) = (2026, 3, 31)
        ) {
            self.accounts = accounts
            self.regionals = regionals
            self.seed = seed
            self.asOf = asOf
        }
    }

    public struct Summary: Sendable {
        public let accounts: Int
        public let payments: Int
        public let letters: Int
        /// Codes of the regionals used, in catalog order.
        public let regionals: [String]
        public let accountsFile: URL
        public let paymentsFile: URL
        public let lettersFile: URL
        public let regionalsFile: URL
    }

    public struct InvalidOptions: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Regional codes are 2–8 capital letters (spec/CLI.md), hence `OCCIDENT`.
    public static let regionalCatalog: [(code: String, name: String)] = [
        ("NORTE", "Regional Norte"),
        ("SUR", "Regional Sur"),
        ("CENTRO", "Regional Centro"),
        ("ORIENTE", "Regional Oriente"),
        ("OCCIDENT", "Regional Occidente"),
        ("CAFETERO", "Regional Eje Cafetero"),
        ("LLANOS", "Regional Llanos"),
        ("COSTA", "Regional Costa"),
    ]

    /// Writes the four files into `directory` (created if missing; existing files of
    /// the same names are replaced). `progress` is called now and then, on the calling
    /// thread, with the number of accounts written so far, and once at the end.
    public static func write(
        _ options: Options, to directory: URL, progress: ((Int) -> Void)? = nil
    ) throws -> Summary {
        guard options.accounts >= 0 else {
            throw InvalidOptions(description: "The number of accounts must not be negative.")
        }
        guard (1...regionalCatalog.count).contains(options.regionals) else {
            throw InvalidOptions(
                description: "The number of regionals must be between 1 and \(regionalCatalog.count).")
        }
        let (y, m, d) = options.asOf
        guard (1900...9000).contains(y), (1...12).contains(m), d >= 1, d <= Civil.daysInMonth(y, m) else {
            throw InvalidOptions(description: "The extract date \(y)-\(m)-\(d) is not a valid date.")
        }
        guard options.accounts <= 50_000_000 else {
            throw InvalidOptions(description: "At most 50 million accounts can be generated.")
        }

        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let accountsURL = directory.appendingPathComponent("accounts.csv")
        let paymentsURL = directory.appendingPathComponent("payments.csv")
        let lettersURL = directory.appendingPathComponent("letters.csv")
        let regionalsURL = directory.appendingPathComponent("regionals.csv")

        let used = Array(regionalCatalog.prefix(options.regionals))
        let regionalsSink = try ByteSink(regionalsURL)
        regionalsSink.ascii("code,name\n")
        for r in used {
            regionalsSink.field(Array(r.code.utf8))
            regionalsSink.put(44)
            regionalsSink.field(Array(r.name.utf8))
            regionalsSink.put(10)
        }
        try regionalsSink.close()

        let generator = try Generator(
            options: options, accountsURL: accountsURL, paymentsURL: paymentsURL, lettersURL: lettersURL)
        try generator.run(progress: progress)

        return Summary(
            accounts: options.accounts,
            payments: generator.paymentCount,
            letters: generator.letterCount,
            regionals: used.map(\.code),
            accountsFile: accountsURL,
            paymentsFile: paymentsURL,
            lettersFile: lettersURL,
            regionalsFile: regionalsURL)
    }
}

// Implementation details, nested so that they cannot clash with other files of the module.
extension SampleExtract {
    // MARK: - Dates (Howard Hinnant's civil algorithms; day 0 = 1970-01-01)

    private enum Civil {
        static func days(_ y0: Int, _ m: Int, _ d: Int) -> Int {
            let y = m <= 2 ? y0 - 1 : y0
            let era = (y >= 0 ? y : y - 399) / 400
            let yoe = y - era * 400
            let mp = m > 2 ? m - 3 : m + 9
            let doy = (153 * mp + 2) / 5 + d - 1
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
            return era * 146_097 + doe - 719_468
        }

        static func civil(_ z0: Int) -> (year: Int, month: Int, day: Int) {
            let z = z0 + 719_468
            let era = (z >= 0 ? z : z - 146_096) / 146_097
            let doe = z - era * 146_097
            let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
            let y = yoe + era * 400
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            let d = doy - (153 * mp + 2) / 5 + 1
            let m = mp < 10 ? mp + 3 : mp - 9
            return (m <= 2 ? y + 1 : y, m, d)
        }

        static func daysInMonth(_ y: Int, _ m: Int) -> Int {
            switch m {
            case 2: return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28
            case 4, 6, 9, 11: return 30
            default: return 31
            }
        }

        /// `day − k months`, clamped to the end of shorter months (PostgreSQL's interval rule).
        static func minusMonths(_ day: Int, _ k: Int) -> Int {
            let (y, m, d) = civil(day)
            let total = y * 12 + (m - 1) - k
            let ny = total >= 0 ? total / 12 : (total - 11) / 12
            let nm = total - ny * 12 + 1
            return days(ny, nm, min(d, daysInMonth(ny, nm)))
        }
    }

    // MARK: - Randomness (SplitMix64) and a platform-independent exp

    private struct SplitMix64 {
        var state: UInt64

        @inline(__always) mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @inline(__always) fileprivate static func mix64(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// exp(x) by range reduction and a Taylor polynomial: only IEEE +, −, ×, so the
    /// result is the same on every platform (libm's `exp` may differ in the last bit).
    fileprivate static func detExp(_ x0: Double) -> Double {
        let x = min(max(x0, -700), 700)
        let ln2 = 0.693_147_180_559_945_3
        let k = (x / ln2).rounded()
        let r = x - k * ln2
        var term = 1.0
        var sum = 1.0
        for i in 1...14 {
            term = term * r / Double(i)
            sum += term
        }
        return Double(sign: .plus, exponent: Int(k), significand: sum)
    }

    // MARK: - Output

    private final class ByteSink {
        private let handle: FileHandle
        private static let capacity = 1 << 20
        private let buffer: UnsafeMutablePointer<UInt8>
        private var count = 0

        init(_ url: URL) throws {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                throw SampleExtract.InvalidOptions(description: "Cannot create \(url.path).")
            }
            handle = try FileHandle(forWritingTo: url)
            // Slack past the flush mark: one row never exceeds it.
            buffer = .allocate(capacity: ByteSink.capacity + 65_536)
        }

        deinit { buffer.deallocate() }

        /// Flushes when the buffer passed its mark; call after every account (its rows
        /// never exceed the slack).
        @inline(__always) func rowDone() throws {
            if count >= ByteSink.capacity { try flush() }
        }

        func flush() throws {
            guard count > 0 else { return }
            try handle.write(contentsOf: Data(bytesNoCopy: buffer, count: count, deallocator: .none))
            count = 0
        }

        func close() throws {
            try flush()
            try handle.close()
        }

        @inline(__always) func put(_ b: UInt8) {
            buffer[count] = b
            count &+= 1
        }

        @inline(__always) func bytes(_ a: [UInt8]) {
            let n = a.count
            guard n > 0 else { return }
            a.withUnsafeBufferPointer { p in
                (buffer + count).update(from: p.baseAddress!, count: n)
            }
            count &+= n
        }

        func ascii(_ s: String) { bytes(Array(s.utf8)) }

        /// A text field, quoted as RFC 4180 says when it holds a comma, a quote or a line break.
        @inline(__always) func field(_ a: [UInt8]) {
            var quote = false
            for b in a where b == 44 || b == 34 || b == 10 || b == 13 {
                quote = true
                break
            }
            guard quote else { return bytes(a) }
            put(34)
            for b in a {
                if b == 34 { put(34) }
                put(b)
            }
            put(34)
        }

        /// A non-negative integer in decimal, at least `width` digits (zero padded).
        @inline(__always) func int(_ v0: Int, width: Int = 1) {
            var v = v0
            var n = 1
            var t = v / 10
            while t > 0 { n += 1; t /= 10 }
            if n < width { n = width }
            var i = count &+ n &- 1
            while i >= count {
                buffer[i] = UInt8(truncatingIfNeeded: 48 &+ v % 10)
                v /= 10
                i &-= 1
            }
            count &+= n
        }

        /// An amount in cents: `152300`, `152300.50`, or (when `short`) `152300.5`.
        @inline(__always) func amount(_ cents: Int, short: Bool = false) {
            int(cents / 100)
            let c = cents % 100
            if c != 0 {
                put(46)
                if short && c % 10 == 0 {
                    put(UInt8(48 + c / 10))
                } else {
                    int(c, width: 2)
                }
            }
        }

        @inline(__always) func copy(from table: UnsafePointer<UInt8>, count n: Int) {
            (buffer + count).update(from: table, count: n)
            count &+= n
        }
    }

    // MARK: - Lexicon

    private enum Lexicon {
        struct Municipio {
            let name: String
            let weight: Double
            let sur: Bool  // Bogotá-style "CL 45 SUR" addresses
            let barrios: [String]
        }

        static let municipios: [[Municipio]] = [
            [  // NORTE
                Municipio(name: "Barranquilla", weight: 0.68, sur: false, barrios: [
                    "El Prado", "Alto Prado", "Riomar", "Villa Country", "Boston", "El Recreo", "Las Delicias",
                    "La Concepción", "Rebolo", "Barrio Abajo", "San Roque", "Las Nieves", "La Chinita", "Carrizal",
                    "Las Malvinas", "Los Andes", "Ciudadela 20 de Julio", "San José", "Villa Carolina",
                    "Siete de Agosto", "Las Flores", "La Victoria", "El Bosque", "Santo Domingo de Guzmán",
                ]),
                Municipio(name: "Soledad", weight: 0.22, sur: false, barrios: [
                    "Villa Katanga", "Los Robles", "El Hipódromo", "Centro", "Costa Hermosa", "Villa Estadio",
                    "Los Almendros", "Manuela Beltrán", "Las Moras", "Soledad 2000", "Salamanca", "Normandía",
                ]),
                Municipio(name: "Malambo", weight: 0.10, sur: false, barrios: [
                    "Bellavista", "Caracolí", "El Concord", "La Aurora", "Mesolandia", "Villa Rosa", "El Tesoro",
                    "Centro",
                ]),
            ],
            [  // SUR
                Municipio(name: "Cali", weight: 0.75, sur: false, barrios: [
                    "San Fernando", "El Peñón", "Granada", "San Antonio", "Ciudad Jardín", "El Ingenio",
                    "Los Cristales", "Santa Mónica Residencial", "Versalles", "Ciudad Córdoba", "Siloé",
                    "El Vallado", "Mariano Ramos", "Alfonso López", "Floralia", "La Flora", "Villa del Sol",
                    "Calima", "Los Guaduales", "Meléndez", "Junín", "Alameda", "San Nicolás", "Las Acacias",
                    "Villacolombia",
                ]),
                Municipio(name: "Palmira", weight: 0.15, sur: false, barrios: [
                    "Zamorano", "La Emilia", "Colombia", "Mirriñao", "Santa Bárbara", "Fray Luis Amigó", "Loreto",
                    "Las Delicias", "Harold Eder", "El Prado", "Versalles",
                ]),
                Municipio(name: "Jamundí", weight: 0.10, sur: false, barrios: [
                    "Centro", "Ciudad Sur", "Terranova", "La Pradera", "El Rosario", "Alfaguara", "Bonanza",
                    "Portal de Jamundí",
                ]),
            ],
            [  // CENTRO
                Municipio(name: "Bogotá", weight: 0.85, sur: true, barrios: [
                    "Chapinero", "Teusaquillo", "La Soledad", "Santa Isabel", "Kennedy Central", "Bosa Centro",
                    "Suba Rincón", "Engativá Centro", "Fontibón", "Usaquén", "Cedritos", "Galerías", "Las Ferias",
                    "Restrepo", "Tintal", "Patio Bonito", "Lisboa", "Timiza", "La Floresta", "Niza", "Modelia",
                    "Marsella", "El Tunal", "Quiroga", "Las Cruces", "San Cristóbal Norte", "Villa del Prado",
                    "Santa Librada",
                ]),
                Municipio(name: "Soacha", weight: 0.10, sur: true, barrios: [
                    "San Mateo", "León XIII", "Ciudad Verde", "Compartir", "El Danubio", "Ciudadela Sucre",
                    "La Despensa", "Quintanares", "San Humberto", "Ducales",
                ]),
                Municipio(name: "Chía", weight: 0.05, sur: false, barrios: [
                    "Centro", "Samaria", "Mercedes de Calahorra", "Bojacá", "La Balsa", "Fonquetá", "Tíquiza",
                    "Cerca de Piedra", "Santa Lucía",
                ]),
            ],
            [  // ORIENTE
                Municipio(name: "Bucaramanga", weight: 0.60, sur: false, barrios: [
                    "Cabecera del Llano", "Sotomayor", "San Alonso", "La Concordia", "Provenza", "Real de Minas",
                    "Ciudadela", "El Prado", "Álvarez", "San Francisco", "Girardot", "Kennedy", "Campo Hermoso",
                    "Mutis", "Diamante II", "La Victoria", "Los Pinos", "Alarcón", "Antonia Santos",
                    "Nuevo Sotomayor",
                ]),
                Municipio(name: "Floridablanca", weight: 0.25, sur: false, barrios: [
                    "Cañaveral", "Lagos del Cacique", "Bucarica", "Caldas", "Villabel", "Santa Ana", "El Carmen",
                    "La Cumbre", "Altos de Bellavista", "Bosques de San Pedro",
                ]),
                Municipio(name: "Girón", weight: 0.15, sur: false, barrios: [
                    "Centro", "El Poblado", "Rincón de Girón", "Villa Campestre", "Portal Campestre", "Giraluz",
                    "Las Villas", "Arenales", "Bellavista",
                ]),
            ],
            [  // OCCIDENTE
                Municipio(name: "Medellín", weight: 0.70, sur: false, barrios: [
                    "El Poblado", "Laureles", "Belén", "Robledo", "Castilla", "Buenos Aires", "Manrique", "Aranjuez",
                    "La América", "Boston", "Prado", "San Javier", "Guayabal", "Los Alpes", "Conquistadores",
                    "Calasanz", "Florencia", "Doce de Octubre", "Villa Hermosa", "Santa Mónica", "La Floresta",
                    "Las Acacias", "Simón Bolívar", "Estadio",
                ]),
                Municipio(name: "Bello", weight: 0.13, sur: false, barrios: [
                    "Niquía", "Cabañas", "Santa Ana", "Paris", "Zamora", "Bellavista", "La Madera", "Suárez",
                    "Centro", "Ciudad Niquía", "Trapiche",
                ]),
                Municipio(name: "Itagüí", weight: 0.09, sur: false, barrios: [
                    "Santa María", "Ditaires", "San Pío X", "Las Acacias", "Simón Bolívar", "La Gloria", "Samaria",
                    "Los Naranjos", "Centro", "Calatrava",
                ]),
                Municipio(name: "Envigado", weight: 0.08, sur: false, barrios: [
                    "Zúñiga", "La Magnolia", "Alcalá", "El Portal", "Loma del Atravesado", "Las Vegas", "Mesa",
                    "Obrero", "San Marcos", "La Paz", "El Dorado",
                ]),
            ],
            [  // CAFETERO
                Municipio(name: "Pereira", weight: 0.45, sur: false, barrios: [
                    "Cuba", "Álamos", "Pinares", "Boston", "Centro", "San Joaquín", "Corales", "Kennedy",
                    "Villa Santana", "El Jardín", "Los Alpes",
                ]),
                Municipio(name: "Manizales", weight: 0.35, sur: false, barrios: [
                    "Chipre", "Palermo", "La Enea", "El Cable", "Milán", "Palogrande", "La Sultana", "Villa Pilar",
                    "Solferino", "Bosques del Norte",
                ]),
                Municipio(name: "Dosquebradas", weight: 0.20, sur: false, barrios: [
                    "Santa Mónica", "Frailes", "La Pradera", "Guadalupe", "Bosques de la Acuarela", "Los Naranjos",
                    "Valher",
                ]),
            ],
            [  // LLANOS
                Municipio(name: "Villavicencio", weight: 0.75, sur: false, barrios: [
                    "Barzal", "Centro", "La Esperanza", "Porfía", "El Buque", "Siete de Agosto", "Popular",
                    "Villa Julia", "Balcones de Toledo", "Montecarlo", "La Grama",
                ]),
                Municipio(name: "Acacías", weight: 0.15, sur: false, barrios: [
                    "Centro", "Dinamarca", "La Esperanza", "Las Ceibas", "Villa Lorena", "El Bambú",
                ]),
                Municipio(name: "Restrepo", weight: 0.10, sur: false, barrios: [
                    "Centro", "Los Fundadores", "La Floresta", "Villa del Sol",
                ]),
            ],
            [  // COSTA
                Municipio(name: "Cartagena", weight: 0.80, sur: false, barrios: [
                    "Bocagrande", "Manga", "Crespo", "El Bosque", "Olaya Herrera", "Los Alpes", "Pie de la Popa",
                    "Torices", "San Fernando", "Ternera", "Blas de Lezo", "El Country", "Las Gaviotas",
                    "Chiquinquirá",
                ]),
                Municipio(name: "Turbaco", weight: 0.12, sur: false, barrios: [
                    "Centro", "Plan Parejo", "El Recreo", "Villa Susana", "Los Cedros",
                ]),
                Municipio(name: "Arjona", weight: 0.08, sur: false, barrios: [
                    "Centro", "San Rafael", "Las Flores", "El Silencio",
                ]),
            ],
        ]

        /// Relative sizes of the regionals (roughly even).
        static let regionalWeights: [Double] = [1.15, 1.0, 1.25, 0.9, 1.1, 0.85, 0.8, 0.95]

        static let femaleNames = [
            "María", "Ana", "Luz", "Sofía", "Ángela", "Mónica", "Beatriz", "Carolina", "Diana", "Paola", "Claudia",
            "Sandra", "Martha", "Gloria", "Patricia", "Adriana", "Natalia", "Valentina", "Daniela", "Camila", "Laura",
            "Isabel", "Rosa", "Carmen", "Lucía", "Liliana", "Yolanda", "Marleny", "Yesenia", "Leidy", "Johana",
            "Alejandra", "Catalina", "Esperanza", "Inés", "Dolores", "Teresa", "Nubia", "Consuelo", "Bibiana",
        ]
        static let maleNames = [
            "José", "Juan", "Carlos", "Luis", "Andrés", "Julián", "Nicolás", "Jesús", "Héctor", "Ramón", "Iván",
            "Jorge", "Jairo", "Óscar", "Fabio", "Álvaro", "Hernán", "Germán", "Rubén", "Sebastián", "Santiago",
            "Mateo", "Diego", "Felipe", "Fernando", "Alberto", "Gustavo", "Edwin", "Wílmer", "Jhon", "Efraín",
            "Darío", "Rodrigo", "Arturo", "Gonzalo", "Orlando", "Víctor", "Mauricio",
        ]
        static let compoundFemale = [
            "Luz Marina", "María Fernanda", "Ana María", "María José", "Luz Dary", "María del Carmen",
            "Martha Cecilia", "Luz Ángela", "María Camila", "Ángela Patricia", "Diana Marcela", "Sandra Milena",
        ]
        static let compoundMale = [
            "Juan Carlos", "José Luis", "Luis Fernando", "Juan David", "Carlos Andrés", "José Ignacio",
            "Jhon Fredy", "Juan Pablo", "Luis Eduardo", "Jorge Iván", "Carlos Alberto", "José Manuel",
        ]
        static let nicknames = ["Pepe", "Toño", "Chucho", "Pacho", "Nena", "Mona", "Kike", "Lucho"]
        static let surnames = [
            "García", "Rodríguez", "Martínez", "López", "González", "Hernández", "Pérez", "Sánchez", "Ramírez",
            "Torres", "Díaz", "Muñoz", "Rojas", "Moreno", "Jiménez", "Gómez", "Álvarez", "Romero", "Valencia",
            "Castaño", "Ospina", "Zuluaga", "Quintero", "Cárdenas", "Gutiérrez", "Salazar", "Londoño", "Restrepo",
            "Mejía", "Vargas", "Ortiz", "Peña", "Núñez", "Castro", "Suárez", "Ruiz", "Herrera", "Medina",
            "Aguilar", "Giraldo", "Osorio", "Arango", "Cardona", "Bermúdez", "Patiño", "Rincón", "Buitrago",
            "Escobar", "Acosta", "Montoya", "Galvis", "Ibáñez", "Villamizar", "Barrera", "Parra", "Bohórquez",
            "Córdoba", "Mosquera", "Palacios", "Rentería", "de la Hoz", "Ríos", "Castillo", "Guerrero",
        ]

        static let shopKinds = [
            "Panadería", "Ferretería", "Droguería", "Distribuidora", "Inversiones", "Supermercado", "Restaurante",
            "Miscelánea", "Papelería", "Comercializadora", "Almacén", "Cacharrería", "Tienda", "Lavandería",
            "Peluquería", "Asadero", "Hotel", "Taller", "Frutería", "Carnicería",
        ]
        static let industryKinds = [
            "Plásticos", "Textiles", "Alimentos", "Industrias", "Curtiembres", "Metalmecánica", "Concretos",
            "Lácteos", "Confecciones", "Químicos", "Empaques", "Maderas",
        ]
        static let businessNames = [
            "La Espiga", "El Tornillo", "Los Andes", "San Jorge", "El Roble", "La Economía", "Santa Fe", "El Paisa",
            "El Progreso", "La Esperanza", "Doña Rosa", "El Triunfo", "La Sabana", "Del Valle", "El Caribe",
            "San Martín", "La Fortuna", "Mi Pueblo", "El Porvenir", "La Montaña", "El Dorado", "La 14",
            "Don Pacho", "Los Compadres", "La Bendición", "El Cóndor", "Nueva Granada", "La Ceiba",
        ]
        static let companySuffixes = ["", "", "", " S.A.S.", " S.A.S.", " Ltda.", " S.A.", " & Cía."]
        static let patrons = [
            "San José", "Santa Teresita", "San Rafael", "Nuestra Señora del Carmen", "La Presentación",
            "San Francisco de Asís", "Santa Clara", "San Vicente de Paúl", "Simón Bolívar",
            "Francisco de Paula Santander", "Antonio Nariño", "Policarpa Salavarrieta", "José María Córdova",
            "Camilo Torres", "La Salle", "Sagrado Corazón",
        ]
        static let streetKinds = ["CL", "KR", "DG", "TV", "AV", "AC", "AK"]
        static let streetWeights: [Double] = [0.36, 0.34, 0.08, 0.08, 0.05, 0.05, 0.04]
        static let saneamiento = ["demolido", "lote", "doble_facturacion"]
        static let usos = ["residencial", "comercial", "industrial", "oficial", "especial"]
        static let usoWeights: [Double] = [0.84, 0.11, 0.02, 0.02, 0.01]
        static let estratoWeights: [Double] = [0.15, 0.30, 0.28, 0.14, 0.08, 0.05]
        static let nitPrefixes = [900, 901, 900, 901, 830, 860, 811, 805, 800, 802]
        static let publicNitPrefixes = [890, 891, 899, 800]
    }

    // MARK: - Generator

    private final class Generator {
        private struct Municipio {
            let name: [UInt8]
            let sur: Bool
            let barrios: [[UInt8]]
            let barrioOrder: [Int]
            let routeBase: Int
            let routes: Int
        }

        private struct Regional {
            let code: [UInt8]
            let prefix: Int
            let key: UInt64
            let municipios: [Municipio]
            let municipioCumulative: [Double]
            /// Dates of the pre-system letter campaigns, ascending; `recentFrom` is the
            /// index of the first one after asOf − 2 months.
            let campaigns: [Int]
            let recentFrom: Int
        }

        private(set) var paymentCount = 0
        private(set) var letterCount = 0

        private var rng: SplitMix64
        private let options: SampleExtract.Options
        private let accounts, payments, letters: ByteSink
        private var regionals: [Regional] = []
        private var regionalCumulative: [Double] = []
        private var perRegional: [Int]

        // Dates as day numbers.
        private let asOf, monthAgo, twoMonthsAgo, threeYearsAgo: Int
        private let tableBase: Int
        private let dateTable: UnsafeMutablePointer<UInt8>
        private let tableDays: Int

        // Receipt counters per year (RC-YYYY-NNNNNNN).
        private let receiptBaseYear: Int
        private var receiptCounters: [Int]
        private var receiptYears: [[UInt8]]

        // Encoded lexicon.
        private let female, male, compoundF, compoundM, nicknames, surnames: [[UInt8]]
        private let shops, industries, businessNames, suffixes, patrons, streetKinds: [[UInt8]]
        private let saneamiento, usos: [[UInt8]]
        private let streetCumulative, usoCumulative, estratoCumulative: [Double]

        private var scratch: [UInt8] = []
        private var dayList: [Int] = []
        private var campaignPicks: [Int] = []
        private let cuenta: UnsafeMutablePointer<UInt8> = .allocate(capacity: 16)

        init(options: SampleExtract.Options, accountsURL: URL, paymentsURL: URL, lettersURL: URL) throws {
            self.options = options
            rng = SplitMix64(state: SampleExtract.mix64(options.seed ^ 0x43_61_72_74_65_72_6F))  // "Cartero"
            accounts = try ByteSink(accountsURL)
            payments = try ByteSink(paymentsURL)
            letters = try ByteSink(lettersURL)
            perRegional = Array(repeating: 0, count: options.regionals)

            asOf = Civil.days(options.asOf.year, options.asOf.month, options.asOf.day)
            monthAgo = Civil.minusMonths(asOf, 1)
            twoMonthsAgo = Civil.minusMonths(asOf, 2)
            threeYearsAgo = Civil.minusMonths(asOf, 36)

            tableBase = asOf - 2_400
            tableDays = 2_500
            dateTable = .allocate(capacity: tableDays * 10)
            for i in 0..<tableDays {
                let (y, m, d) = Civil.civil(tableBase + i)
                let p = dateTable + i * 10
                p[0] = UInt8(48 + y / 1000 % 10)
                p[1] = UInt8(48 + y / 100 % 10)
                p[2] = UInt8(48 + y / 10 % 10)
                p[3] = UInt8(48 + y % 10)
                p[4] = 45
                p[5] = UInt8(48 + m / 10)
                p[6] = UInt8(48 + m % 10)
                p[7] = 45
                p[8] = UInt8(48 + d / 10)
                p[9] = UInt8(48 + d % 10)
            }

            func enc(_ a: [String]) -> [[UInt8]] { a.map { Array($0.utf8) } }
            func cumulative(_ w: [Double]) -> [Double] {
                let total = w.reduce(0, +)
                var acc = 0.0
                return w.map { acc += $0; return acc / total }
            }
            female = enc(Lexicon.femaleNames)
            male = enc(Lexicon.maleNames)
            compoundF = enc(Lexicon.compoundFemale)
            compoundM = enc(Lexicon.compoundMale)
            nicknames = enc(Lexicon.nicknames)
            surnames = enc(Lexicon.surnames)
            shops = enc(Lexicon.shopKinds)
            industries = enc(Lexicon.industryKinds)
            businessNames = enc(Lexicon.businessNames)
            suffixes = enc(Lexicon.companySuffixes)
            patrons = enc(Lexicon.patrons)
            streetKinds = enc(Lexicon.streetKinds)
            saneamiento = enc(Lexicon.saneamiento)
            usos = enc(Lexicon.usos)
            streetCumulative = cumulative(Lexicon.streetWeights)
            usoCumulative = cumulative(Lexicon.usoWeights)
            estratoCumulative = cumulative(Lexicon.estratoWeights)

            receiptBaseYear = options.asOf.year - 4
            receiptCounters = []
            receiptYears = []
            for y in receiptBaseYear...(options.asOf.year + 1) {
                receiptYears.append(Array("RC-\(y)-".utf8))
            }
            for _ in receiptYears { receiptCounters.append(1_000 + Int(rng.next() % 40_000)) }

            var built: [Regional] = []
            for r in 0..<options.regionals {
                let entry = SampleExtract.regionalCatalog[r]
                let lex = Lexicon.municipios[r]
                var munis: [Municipio] = []
                for (i, m) in lex.enumerated() {
                    var order = Array(0..<m.barrios.count)
                    for j in stride(from: order.count - 1, to: 0, by: -1) {
                        order.swapAt(j, Int(rng.next() % UInt64(j + 1)))
                    }
                    munis.append(Municipio(
                        name: Array(m.name.utf8), sur: m.sur, barrios: enc(m.barrios), barrioOrder: order,
                        routeBase: i * 100, routes: m.barrios.count * 7 / 10 + 2))
                }
                // Pre-system letter campaigns of this regional: every 3 to 6 weeks over two years.
                var campaigns: [Int] = []
                var day = Civil.minusMonths(asOf, 24) + Int(rng.next() % 20)
                while day <= asOf - 3 {
                    campaigns.append(day)
                    day += 20 + Int(rng.next() % 26)
                }
                let recentFrom = campaigns.firstIndex { $0 > twoMonthsAgo } ?? campaigns.count
                built.append(Regional(
                    code: Array(entry.code.utf8), prefix: r + 1, key: rng.next(), municipios: munis,
                    municipioCumulative: cumulative(lex.map(\.weight)),
                    campaigns: campaigns, recentFrom: recentFrom))
            }
            regionals = built
            regionalCumulative = cumulative(Array(Lexicon.regionalWeights.prefix(options.regionals)))
        }

        deinit {
            dateTable.deallocate()
            cuenta.deallocate()
        }

        // MARK: Random helpers

        @inline(__always) private func below(_ n: Int) -> Int {
            Int(truncatingIfNeeded: ((rng.next() >> 32) &* UInt64(n)) >> 32)
        }

        @inline(__always) private func unit() -> Double {
            Double(rng.next() >> 11) * 0x1p-53
        }

        @inline(__always) private func chance(_ p: Double) -> Bool { unit() < p }

        /// Approximately standard normal (Irwin–Hall of 12 uniforms).
        private func normal() -> Double {
            var s = 0.0
            for _ in 0..<12 { s += unit() }
            return s - 6
        }

        @inline(__always) private func pick(_ cumulative: [Double]) -> Int {
            let u = unit()
            var i = 0
            let last = cumulative.count - 1
            while i < last && u >= cumulative[i] { i += 1 }
            return i
        }

        /// A skewed pick: earlier entries are more frequent.
        @inline(__always) private func skewed(_ n: Int) -> Int {
            let u = unit()
            return min(n - 1, Int(Double(n) * u * u))
        }

        @inline(__always) private func any(_ a: [[UInt8]]) -> [UInt8] { a[below(a.count)] }

        // MARK: Formatting helpers

        @inline(__always) private func date(_ sink: ByteSink, _ day: Int) {
            sink.copy(from: dateTable + (day - tableBase) * 10, count: 10)
        }

        private func scratchInt(_ v: Int, width: Int = 1) {
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            var n = 0
            var x = v
            withUnsafeMutableBytes(of: &digits) { p in
                repeat {
                    p[n] = UInt8(48 + x % 10)
                    x /= 10
                    n += 1
                } while x > 0 || n < width
                while n > 0 {
                    n -= 1
                    scratch.append(p[n])
                }
            }
        }

        @inline(__always) private func scratchText(_ s: StaticString) {
            s.withUTF8Buffer { scratch.append(contentsOf: $0) }
        }

        // MARK: Run

        func run(progress: ((Int) -> Void)?) throws {
            accounts.ascii(
                "cuenta,regional,titular,documento,direccion,barrio,municipio,ruta,uso,estrato,facturacion,saldo_mora,fecha_mora,cobro_juridico,saneamiento\n")
            payments.ascii("cuenta,fecha,valor,referencia\n")
            letters.ascii("cuenta,fecha_envio\n")
            scratch.reserveCapacity(256)
            dayList.reserveCapacity(64)

            let total = options.accounts
            for i in 0..<total {
                account()
                try accounts.rowDone()
                try payments.rowDone()
                try letters.rowDone()
                if (i + 1) & 16383 == 0 { progress?(i + 1) }
            }
            try accounts.close()
            try payments.close()
            try letters.close()
            progress?(total)
        }

        // MARK: One account

        private static let thresholds = [100_000, 300_000, 300_000, 300_000, 300_000]
        private static let residentialMedian = [92_000.0, 120_000, 152_000, 205_000, 280_000, 355_000]
        private static let residentialBill = [18_000.0, 26_000, 38_000, 52_000, 75_000, 95_000]
        private static let classMedian = [0, 650_000.0, 2_700_000, 3_200_000, 380_000]
        private static let classBill = [0, 120_000.0, 550_000, 480_000, 70_000]
        private static let classSigma = [1.0, 1.1, 1.15, 1.1, 1.0]

        private func account() {
            // Where.
            let r = pick(regionalCumulative)
            let regional = regionals[r]
            let local = perRegional[r]
            perRegional[r] = local + 1
            let number = Generator.permute(local, key: regional.key)
            let mi = pick(regional.municipioCumulative)
            let muni = regional.municipios[mi]
            let barrio = muni.barrioOrder[skewed(muni.barrios.count)]  // some barrios are bigger
            let routeHome = barrio * 7 / 10 + 1
            let ruta: Int
            let routeDraw = unit()
            if routeDraw < 0.80 {
                ruta = routeHome
            } else if routeDraw < 0.95 {
                ruta = routeHome + 1
            } else {
                ruta = 1 + below(muni.routes)
            }

            // What.
            let uso = pick(usoCumulative)
            let estrato = uso == 0 ? pick(estratoCumulative) + 1 : 0
            let directa = chance(0.55)
            let companyShare = [0.0, 0.45, 0.85, 0.95, 0.5][uso]
            let company = uso > 0 && chance(companyShare)

            // Balance and oldest due date.
            var cents = 0
            var daysPastDue = 0
            var shortCents = false
            let bill = uso == 0 ? Generator.residentialBill[estrato - 1] : Generator.classBill[uso]
            if !chance(0.25) {
                let threshold = Generator.thresholds[uso]
                let special = unit()
                if special < 0.0012 {
                    // Exactly at, or one cent / one peso around, the threshold.
                    let offsets = [0, 0, 0, 0, 0, 1, -1, 100, -100, 1]
                    cents = threshold * 100 + offsets[below(offsets.count)]
                    daysPastDue = 61 + below(700)
                } else if special < 0.05 {
                    // A small residue left from an old bill.
                    cents = (2_000 + below(88_000)) * 100
                    daysPastDue = 200 + below(1_990)
                } else {
                    let median = uso == 0 ? Generator.residentialMedian[estrato - 1] : Generator.classMedian[uso]
                    var pesos = median * SampleExtract.detExp(Generator.classSigma[uso] * normal())
                    if pesos > 20_000_000 { pesos = 20_000_000 * (0.55 + 0.45 * unit()) }
                    if pesos < 800 { pesos = 800 + 2_000 * unit() }
                    cents = Int(pesos.rounded()) * 100
                    if chance(0.10) {
                        cents += 1 + below(99)
                        shortCents = chance(0.3)
                    }
                    let months = pesos / bill
                    var days = (months * 30.4 * SampleExtract.detExp(0.5 * normal())).rounded()
                    if days < 1 { days = 1 + Double(below(20)) }
                    daysPastDue = Int(days)
                    if daysPastDue > 2_190 { daysPastDue = 1_800 + below(391) }
                    // A big bill that fell due only recently.
                    if chance(0.12) { daysPastDue = 1 + below(60) }
                }
                let edge = unit()
                if edge < 0.001 { daysPastDue = 60 } else if edge < 0.002 { daysPastDue = 61 }
            }
            let debtor = cents > 0
            let overThreshold = cents > Generator.thresholds[uso] * 100
            let eligibleDebt = overThreshold && daysPastDue > 60

            let juridico: Bool
            if !debtor {
                juridico = chance(0.002)
            } else if cents >= 200_000_000 && daysPastDue > 365 {
                juridico = chance(0.35)
            } else if cents >= 80_000_000 && daysPastDue > 180 {
                juridico = chance(0.10)
            } else {
                juridico = chance(0.024)
            }
            let saneamientoMark = chance(debtor ? 0.024 : 0.008) ? Int(below(3)) : -1

            // cuenta: the regional's digit and 8 permuted digits.
            let a = accounts
            cuenta[0] = UInt8(48 + regional.prefix)
            var x = number
            for k in stride(from: 8, through: 1, by: -1) {
                cuenta[k] = UInt8(48 + x % 10)
                x /= 10
            }
            a.copy(from: cuenta, count: 9)
            a.put(44)
            a.bytes(regional.code)
            a.put(44)

            // titular
            scratch.removeAll(keepingCapacity: true)
            if company {
                companyName(uso: uso, municipio: muni.name, barrio: muni.barrios[barrio])
            } else {
                personName()
            }
            a.field(scratch)
            a.put(44)

            // documento
            if !chance(0.03) {
                if company { nit(a, publicBody: uso == 3) } else { cedula(a) }
            }
            a.put(44)

            // direccion
            if !chance(0.015) {
                scratch.removeAll(keepingCapacity: true)
                address(uso: uso, estrato: estrato, sur: muni.sur)
                a.field(scratch)
            }
            a.put(44)

            // barrio, municipio, ruta
            if !chance(0.02) { a.field(muni.barrios[barrio]) }
            a.put(44)
            a.field(muni.name)
            a.put(44)
            if !chance(0.01) {
                a.put(82); a.put(45)  // "R-"
                a.int(muni.routeBase + ruta, width: 3)
            }
            a.put(44)

            // uso, estrato, facturacion
            a.bytes(usos[uso])
            a.put(44)
            if estrato > 0 { a.put(UInt8(48 + estrato)) }
            a.put(44)
            a.bytes(directa ? Generator.directaBytes : Generator.conjuntaBytes)
            a.put(44)

            // saldo_mora, fecha_mora
            a.amount(cents, short: shortCents)
            a.put(44)
            if debtor { date(a, asOf - daysPastDue) }
            a.put(44)
            a.put(juridico ? 83 : 78)
            a.put(44)
            if saneamientoMark >= 0 { a.bytes(saneamiento[saneamientoMark]) }
            a.put(10)

            // Payments.
            var n: Int
            let recent: Bool
            if debtor {
                n = below(5) + (chance(0.3) ? below(4) : 0)
                recent = chance(eligibleDebt ? 0.075 : 0.095)
            } else {
                n = 2 + below(8)
                recent = chance(0.36)
            }
            dayList.removeAll(keepingCapacity: true)
            if recent {
                if n == 0 { n = 1 }
                if chance(0.01) {
                    dayList.append(asOf + 1 + below(5))  // dated after the extract (counts as recent)
                } else {
                    dayList.append(monthAgo + 1 + below(asOf - monthAgo))
                }
                n -= 1
            }
            if chance(0.003) { dayList.append(monthAgo) }  // exactly one month before: not recent
            let span = monthAgo - threeYearsAgo + 1
            for _ in 0..<n { dayList.append(threeYearsAgo + below(span)) }
            sortUnique()
            for day in dayList {
                payments.copy(from: cuenta, count: 9)
                payments.put(44)
                date(payments, day)
                payments.put(44)
                var pesos: Double
                if debtor {
                    pesos = bill * (0.5 + 2.0 * unit())
                    if chance(0.5) { pesos = (pesos / 100).rounded() * 100 }
                } else {
                    pesos = bill * (0.85 + 0.4 * unit())
                }
                var valor = max(1_000, Int(pesos.rounded())) * 100
                if chance(0.15) { valor += 1 + below(99) }
                payments.amount(valor)
                payments.put(44)
                if !chance(0.05) {
                    let y = Civil.civil(day).year - receiptBaseYear
                    payments.bytes(receiptYears[y])
                    payments.int(receiptCounters[y], width: 7)
                    receiptCounters[y] += 1 + below(3)
                }
                payments.put(10)
                paymentCount += 1
            }

            // Letters sent before this system.
            dayList.removeAll(keepingCapacity: true)
            let recentLetter = chance(eligibleDebt ? 0.19 : (debtor ? 0.07 : 0.02))
            let camps = regional.campaigns
            if recentLetter && regional.recentFrom < camps.count {
                let c = camps[regional.recentFrom + below(camps.count - regional.recentFrom)]
                dayList.append(min(asOf, c + below(4)))
            }
            var older = 0
            if debtor && daysPastDue > 90 {
                if chance(0.55) { older = 1 + (chance(0.35) ? 1 + below(2) : 0) }
            } else if chance(0.06) {
                older = 1
            }
            if regional.recentFrom > 0 {
                for _ in 0..<older {
                    let c = camps[below(regional.recentFrom)]
                    let jittered = c + below(4)
                    dayList.append(jittered <= twoMonthsAgo ? jittered : c)
                }
            }
            if chance(0.002) { dayList.append(twoMonthsAgo) }  // exactly two months before: not recent
            sortUnique()
            for day in dayList {
                letters.copy(from: cuenta, count: 9)
                letters.put(44)
                date(letters, day)
                letters.put(10)
                letterCount += 1
            }
        }

        private static let directaBytes = Array("directa".utf8)
        private static let conjuntaBytes = Array("conjunta".utf8)

        /// Insertion sort of the (short) day list, dropping repeated days.
        private func sortUnique() {
            let n = dayList.count
            guard n > 1 else { return }
            dayList.withUnsafeMutableBufferPointer { p in
                for i in 1..<n {
                    let v = p[i]
                    var j = i - 1
                    while j >= 0 && p[j] > v {
                        p[j + 1] = p[j]
                        j -= 1
                    }
                    p[j + 1] = v
                }
            }
            var w = 1
            for i in 1..<n where dayList[i] != dayList[w - 1] {
                dayList[w] = dayList[i]
                w += 1
            }
            dayList.removeLast(n - w)
        }

        /// A bijection of [0, 10^8): a 4-round Feistel network on two 4-digit halves.
        private static func permute(_ x: Int, key: UInt64) -> Int {
            var l = x / 10_000
            var r = x % 10_000
            for round in 0..<4 {
                let f = Int(SampleExtract.mix64(UInt64(r) ^ key ^ (UInt64(round) << 56)) % 10_000)
                (l, r) = (r, (l + f) % 10_000)
            }
            return l * 10_000 + r
        }

        // MARK: Names

        private func personName() {
            let femaleHolder = chance(0.52)
            let style = unit()
            // First name(s).
            let first: [UInt8]
            var second: [UInt8] = []
            let f = unit()
            if f < 0.22 {
                first = any(femaleHolder ? compoundF : compoundM)
            } else {
                first = femaleHolder ? female[skewed(female.count)] : male[skewed(male.count)]
                if f < 0.37 {
                    let s = any(femaleHolder ? female : male)
                    if s != first { second = s }
                }
            }
            let s1 = surnames[skewed(surnames.count)]
            let s2 = chance(0.95) ? surnames[skewed(surnames.count)] : []

            if style < 0.003 {
                // "Pérez García, Ana María"
                scratch.append(contentsOf: s1)
                if !s2.isEmpty { scratch.append(32); scratch.append(contentsOf: s2) }
                scratch.append(44); scratch.append(32)
                scratch.append(contentsOf: first)
                if !second.isEmpty { scratch.append(32); scratch.append(contentsOf: second) }
                return
            }
            scratch.append(contentsOf: first)
            if !second.isEmpty { scratch.append(32); scratch.append(contentsOf: second) }
            if style < 0.004 {
                scratchText(" \"")
                scratch.append(contentsOf: any(nicknames))
                scratch.append(34)
            }
            scratch.append(32)
            scratch.append(contentsOf: s1)
            if !s2.isEmpty { scratch.append(32); scratch.append(contentsOf: s2) }
        }

        private func companyName(uso: Int, municipio: [UInt8], barrio: [UInt8]) {
            switch uso {
            case 1, 2:  // comercial, industrial
                scratch.append(contentsOf: uso == 1 ? any(shops) : any(industries))
                scratch.append(32)
                let quoted = chance(0.04)
                if quoted { scratch.append(34) }
                scratch.append(contentsOf: any(businessNames))
                if quoted { scratch.append(34) }
                if uso == 2 {
                    scratch.append(contentsOf: chance(0.7) ? Array(" S.A.S.".utf8) : Array(" S.A.".utf8))
                } else {
                    scratch.append(contentsOf: any(suffixes))
                }
            case 3:  // oficial
                switch below(8) {
                case 0, 1:
                    scratchText("Alcaldía de ")
                    scratch.append(contentsOf: municipio)
                case 2:
                    scratchText("Secretaría de Educación de ")
                    scratch.append(contentsOf: municipio)
                case 3:
                    scratchText("Institución Educativa ")
                    scratch.append(contentsOf: any(patrons))
                case 4:
                    scratchText("Colegio ")
                    scratch.append(contentsOf: any(patrons))
                case 5:
                    scratchText("Hospital ")
                    scratch.append(contentsOf: any(patrons))
                case 6:
                    scratchText("Centro de Salud ")
                    scratch.append(contentsOf: barrio)
                default:
                    scratchText("Estación de Policía ")
                    scratch.append(contentsOf: barrio)
                }
            default:  // especial
                switch below(5) {
                case 0:
                    scratchText("Parroquia ")
                    scratch.append(contentsOf: any(patrons))
                case 1:
                    scratchText("Junta de Acción Comunal ")
                    scratch.append(contentsOf: barrio)
                case 2:
                    scratchText("Fundación ")
                    scratch.append(contentsOf: any(businessNames))
                case 3:
                    scratchText("Iglesia Cristiana ")
                    scratch.append(contentsOf: any(businessNames))
                default:
                    scratchText("Hogar Infantil ")
                    scratch.append(contentsOf: any(patrons))
                }
            }
        }

        // MARK: Documents

        private func cedula(_ s: ByteSink) {
            let u = unit()
            if u < 0.03 {
                s.int(100_000 + below(900_000))
            } else if u < 0.15 {
                s.int(1_000_000 + below(9_000_000))
            } else if u < 0.60 {
                s.int(10_000_000 + below(90_000_000))
            } else {
                s.int(1_000_000_000 + below(200_000_000))
            }
        }

        private static let nitWeights = [3, 7, 13, 17, 19, 23, 29, 37, 41]

        private func nit(_ s: ByteSink, publicBody: Bool) {
            let prefix = publicBody ? any(Lexicon.publicNitPrefixes) : any(Lexicon.nitPrefixes)
            let number = prefix * 1_000_000 + below(1_000_000)
            // DIAN check digit.
            var x = number
            var sum = 0
            for w in Generator.nitWeights {
                sum += (x % 10) * w
                x /= 10
            }
            let r = sum % 11
            let dv = r > 1 ? 11 - r : r
            s.int(number)
            s.put(45)
            s.put(UInt8(48 + dv))
        }

        @inline(__always) private func any(_ a: [Int]) -> Int { a[below(a.count)] }

        // MARK: Addresses

        private static let letterSuffix: [UInt8] = Array("ABCDEFGH".utf8)

        private func address(uso: Int, estrato: Int, sur: Bool) {
            if uso == 0 && estrato <= 2 && chance(0.10) {
                // Informal or rural: "MZ 4 CS 12", "MZ B LT 7".
                scratchText("MZ ")
                if chance(0.4) {
                    scratch.append(Generator.letterSuffix[below(8)])
                } else {
                    scratchInt(1 + below(40))
                }
                scratchText(chance(0.7) ? " CS " : " LT ")
                scratchInt(1 + below(30))
                return
            }
            scratch.append(contentsOf: streetKinds[pick(streetCumulative)])
            scratch.append(32)
            scratchInt(1 + skewed(160))
            if chance(0.15) { scratch.append(Generator.letterSuffix[below(3)]) }
            if chance(0.03) { scratchText(" BIS") }
            if sur && chance(0.25) { scratchText(" SUR") }
            scratchText(" # ")
            scratchInt(1 + skewed(130))
            if chance(0.10) { scratch.append(Generator.letterSuffix[below(3)]) }
            scratch.append(45)
            scratchInt(1 + below(99), width: 2)

            let plain = scratch.count
            let u = unit()
            switch uso {
            case 0:
                if estrato >= 3 {
                    if u < 0.40 {
                        scratchText(" AP ")
                        scratchInt((1 + skewed(22)) * 100 + 1 + below(4))
                    } else if u < 0.50 {
                        scratchText(" TO ")
                        scratchInt(1 + below(8))
                        scratchText(" AP ")
                        scratchInt((1 + skewed(22)) * 100 + 1 + below(4))
                    } else if u < 0.60 {
                        scratchText(" CASA ")
                        scratchInt(1 + below(40))
                    }
                } else if u < 0.08 {
                    scratchText(" CASA ")
                    scratchInt(1 + below(40))
                } else if u < 0.13 {
                    scratchText(" AP ")
                    scratchInt((1 + below(4)) * 100 + 1 + below(3))
                }
            case 1:
                if u < 0.40 {
                    scratchText(" LC ")
                    scratchInt(1 + below(250))
                } else if u < 0.50 {
                    scratchText(" OF ")
                    scratchInt((1 + below(12)) * 100 + 1 + below(10))
                }
            case 2:
                if u < 0.30 {
                    scratchText(" BG ")
                    scratchInt(1 + below(30))
                }
            default:
                break
            }
            if scratch.count == plain && chance(0.004) {
                scratchText(", PISO ")
                scratchInt(2 + below(4))
            }
        }
    }
}
