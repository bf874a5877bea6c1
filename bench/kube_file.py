#!/usr/bin/env python3
"""A KUBE import file from a persons file: one row per member, groups of ten residents of
one village (ketua, sekretaris, bendahara, then members), as an office's sheet would list
them. Written apart from sikube's own code, so the check reads rows it did not make.

    kube_file.py PERSONS.csv ROWS OUT.csv
"""
import csv
import sys
from collections import defaultdict

persons, rows, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
by_village = defaultdict(list)
with open(persons, newline="") as f:
    for p in csv.DictReader(f):
        by_village[p["village_code"]].append(p["nik"])

types = ["ternak_kambing", "makanan_olahan", "warungan"]
funds = ["apbd_kota", "apbn", "apbd_provinsi"]
roles = ["ketua", "sekretaris", "bendahara"] + ["anggota"] * 7
written = 0
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["kube_name", "business_type", "village_code", "formed_on", "funding_source",
                "member_nik", "member_role"])
    group = 0
    for village, niks in sorted(by_village.items()):
        for start in range(0, len(niks) - 9, 10):
            group += 1
            for i, nik in enumerate(niks[start:start + 10]):
                if written == rows:
                    break
                w.writerow([f"KUBE Uji {group}", types[group % 3], village,
                            f"{1 + group % 28:02d}/{1 + group % 12:02d}/2024",
                            funds[group % 3], nik, roles[i]])
                written += 1
if written < rows:
    sys.exit(f"only {written} rows: give more persons")
