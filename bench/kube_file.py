#!/usr/bin/env python3
"""A KUBE import file from a persons file: one row per member, groups of ten residents of
one village (ketua, sekretaris, bendahara, then members), as an office's sheet would list
them — residents of working age (18–59), one per family card, as the ministry's membership
rules ask. Written apart from sikube's own code, so the check reads rows it did not make.

    kube_file.py PERSONS.csv ROWS OUT.csv
"""
import csv
import datetime
import sys
from collections import defaultdict

persons, rows, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
by_village = defaultdict(list)
today = datetime.date.today()


def age(born):
    # ISO or day first, as the persons file may write it.
    parts = born.replace("/", "-").split("-")
    y, m, d = (parts[0], parts[1], parts[2]) if len(parts[0]) == 4 else (parts[2], parts[1], parts[0])
    b = datetime.date(int(y), int(m), int(d))
    return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


with open(persons, newline="") as f:
    for p in csv.DictReader(f):
        if 18 <= age(p["birth_date"]) <= 59:
            by_village[p["village_code"]].append((p["nik"], p.get("kk_number") or ""))

types = ["ternak_kambing", "makanan_olahan", "warungan"]
funds = ["apbd_kota", "apbn", "apbd_provinsi"]
roles = ["ketua", "sekretaris", "bendahara"] + ["anggota"] * 7
written = 0
with open(out, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["kube_name", "business_type", "village_code", "formed_on", "funding_source",
                "member_nik", "member_role"])
    group = 0
    for village, people in sorted(by_village.items()):
        # Groups of ten, no two of one family card in a group.
        waiting = list(people)
        while True:
            members, cards, rest = [], set(), []
            for nik, card in waiting:
                if len(members) < 10 and not (card and card in cards):
                    members.append(nik)
                    cards.add(card)
                else:
                    rest.append((nik, card))
            if len(members) < 10:
                break
            waiting = rest
            group += 1
            for i, nik in enumerate(members):
                if written == rows:
                    break
                w.writerow([f"KUBE Uji {group}", types[group % 3], village,
                            f"{1 + group % 28:02d}/{1 + group % 12:02d}/2024",
                            funds[group % 3], nik, roles[i]])
                written += 1
if written < rows:
    sys.exit(f"only {written} rows: give more persons")
