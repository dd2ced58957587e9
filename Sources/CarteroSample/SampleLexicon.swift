extension SampleExtract {
    /// The word lists the generator draws from, as written in the files (UTF-8 at use).
    /// Indexed like `regionalCatalog`: `municipios[r]` are the towns of the r-th regional.
    enum Lexicon {
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
        /// Weights of the use classes, in `UseClass` order.
        static let usoWeights: [Double] = [0.84, 0.11, 0.02, 0.02, 0.01]
        static let estratoWeights: [Double] = [0.15, 0.30, 0.28, 0.14, 0.08, 0.05]
        static let nitPrefixes = [900, 901, 900, 901, 830, 860, 811, 805, 800, 802]
        static let publicNitPrefixes = [890, 891, 899, 800]

        /// What follows the first words of an institution's name.
        enum Namesake { case municipio, barrio, patron, businessName }

        /// Public bodies, the holders of class oficial; equally likely (the Alcaldía twice).
        static let officialBodies: [(String, Namesake)] = [
            ("Alcaldía de ", .municipio), ("Alcaldía de ", .municipio),
            ("Secretaría de Educación de ", .municipio), ("Institución Educativa ", .patron),
            ("Colegio ", .patron), ("Hospital ", .patron), ("Centro de Salud ", .barrio),
            ("Estación de Policía ", .barrio),
        ]
        /// Community bodies, the holders of class especial; equally likely.
        static let specialBodies: [(String, Namesake)] = [
            ("Parroquia ", .patron), ("Junta de Acción Comunal ", .barrio), ("Fundación ", .businessName),
            ("Iglesia Cristiana ", .businessName), ("Hogar Infantil ", .patron),
        ]

        /// The words as UTF-8, as the writer takes them.
        static func utf8(_ words: [String]) -> [[UInt8]] { words.map { Array($0.utf8) } }
    }
}
