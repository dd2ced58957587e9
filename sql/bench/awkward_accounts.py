#!/usr/bin/env python3
"""An accounts.csv full of what real extracts hold, for the import benchmark.

    python3 sql/bench/awkward_accounts.py ROWS REGIONAL > accounts.csv

Every row is valid, yet the file is as hard as FORMATS.md allows: a byte-order mark,
Windows line breaks, the columns in another order plus two the importer ignores,
names and addresses quoted because they hold commas, quotes and line breaks, accents,
blank optional fields, amounts and dates at their boundaries. Seeded: the same
arguments give the same bytes.
"""
import random
import sys

rows = int(sys.argv[1])
regional = sys.argv[2]
rng = random.Random(20261202)

columns = ["saldo_mora", "observaciones", "titular", "cuenta", "uso", "regional", "direccion", "estrato",
           "fecha_mora", "barrio", "facturacion", "municipio", "ruta", "cobro_juridico", "documento",
           "saneamiento", "codigo_interno"]
names = ["María José", "Ñustes", "O'Brien", "Pérez, Ana", 'Luis "el Mono"', "Gómez\nHermanos", "Cía. Ltda.",
         "Zuluaga", "Álvarez y Cía", "Restrepo"]
streets = ["CL 5 # 10-20, apto 3", "KR 100 # 11-90", "AV 3N # 45-12 Local 2, Edificio \"El Sol\"",
           "Vereda La Buitrera, finca\nLa Esperanza", "TV 29 # 38B-51", "   ", ""]
usos = ["residencial", "comercial", "industrial", "oficial", "especial"]
amounts = ["0", "0.01", "100000", "100000.01", "300000", "300000.01", "999999999999.99", "152300.5", "42"]


def field(text):
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


out = sys.stdout.buffer
out.write(b"\xef\xbb\xbf" + ",".join(columns).encode() + b"\r\n")
for n in range(rows):
    uso = rng.choice(usos)
    values = {
        "cuenta": ("A-" if n % 3 == 0 else "b") + str(n).zfill(rng.randint(1, 12)),
        "regional": regional,
        "titular": rng.choice(names) + " " + str(n),
        "documento": "" if n % 7 == 0 else str(10_000_000 + n),
        "direccion": rng.choice(streets),
        "barrio": rng.choice(["San Fernando", "", "El Peñón", "Barrio, Sector 2"]),
        "municipio": rng.choice(["Cali", "Jamundí", "Palmira", "Santander de Quilichao"]),
        "ruta": rng.choice(["", "R-101", "R-07"]),
        "uso": uso,
        "estrato": str(rng.randint(1, 6)) if uso == "residencial" and n % 5 else "",
        "facturacion": rng.choice(["directa", "conjunta"]),
        "saldo_mora": rng.choice(amounts),
        "fecha_mora": rng.choice(["", "2024-02-29", "2026-01-31", "2025-12-31", "2000-01-01"]),
        "cobro_juridico": "S" if n % 11 == 0 else "N",
        "saneamiento": rng.choice(["", "", "", "demolido", "lote", "doble_facturacion"]),
        "observaciones": "ignorada, por el importador" if n % 2 else "",
        "codigo_interno": str(n * 7),
    }
    out.write(",".join(field(values[c]) for c in columns).encode() + b"\r\n")
