#!/usr/bin/env python3
"""A DTSEN extract from a persons file, as the ministry sends one: ROWS rows, most of them
registered residents (their NIK and KK), one in twenty a NIK new to the registry, deciles
1–10, one data period — in this year's layout or next year's (other headings, `,` or `;`).
Written apart from sikube's own code.

    dtsen_file.py PERSONS.csv ROWS LAYOUT(1|2) OUT.csv
"""
import csv
import random
import sys

persons, rows, layout, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rng = random.Random(2025)
people = []
with open(persons, newline="") as f:
    for p in csv.DictReader(f):
        people.append((p["nik"], p.get("kk_number") or "", p["name"]))
rng.shuffle(people)
with open(out, "w", newline="") as f:
    if layout == "1":
        w = csv.writer(f, delimiter=";")
        w.writerow(["NIK_ART", "NO_KK", "NAMA_ART", "DESIL_NASIONAL", "PERIODE_DATA"])
    else:
        w = csv.writer(f, delimiter=",")
        w.writerow(["No. Induk", "Nomor KK", "Nama Lengkap", "Kelompok Kesejahteraan", "Bulan"])
    for i in range(rows):
        if i % 20 == 19:
            nik, kk, name = f"99{i:014d}", "", "Warga Baru"
        else:
            nik, kk, name = people[i % len(people)]
        decile = 1 + rng.randrange(10)
        period = "2025-10" if layout == "1" else "2026-04"
        if layout == "1":
            w.writerow([nik, kk, name, decile, period])
        else:
            w.writerow([nik, kk, name, f"Desil {decile}", period])
