#!/usr/bin/env python3
"""Labelled test data for the duplicate finder. Deterministic (seeded). Three profiles:

- own (default): Kota Banjar, Sundanese/Javanese names with a family name, households with
  twins and same-day neighbours, 10% of persons with 1-3 corrupted duplicate records.
- city: one dense city (4 kecamatan, 25 villages), KTP-style upper-case names from a small
  pool with a few very common given names, many one-word names; 10% of persons registered
  2-4 times: a name token dropped or added, short names mistyped, the NIK missing on one
  side, NIK and birth-date typos; households share a family card; many people born the
  same day in neighbouring kecamatan (their NIKs differ in one digit).
- regency: a large regency (20 kecamatan, 240 villages), a large name pool, mixed case, and
  more missing fields (family card, NIK, birth date).
- drift: the dense city again, its records drifted the way civil records do over years:
  titles and degrees added or dropped (H., HJ., DRS., ", S.PD"), a patronymic (BIN/BINTI)
  on one record only, tokens split or joined (NUR HASANAH / NURHASANAH), a token cut to its
  initial (M. RIZKI), lower and mixed case, women married away (same NIK, a village in
  another kecamatan, the husband's family card), a fifth of duplicates without NIK, missing
  or year-off birth dates, and twins named alike on one card (HASAN / HUSEN).

Usage: dedup_data.py N OUT.csv TRUTH.csv [own|city|regency|drift]   (DEDUP_SEED=n for another draw)
"""
import csv, os, random, re, sys

FIRST_M = "Asep Ujang Dedi Cecep Wawan Jajang Dadang Agus Iwan Yayat Eman Odih Rahmat Endang Aep Maman Ade Engkos Dudung Hendra Budi Ahmad Entis Udin Didin Ohan Sobari Nana Tatang Juju Hasan Husen Yusuf Ridwan Saepul Dian Rudi Heri Teguh Slamet".split()
FIRST_F = "Euis Siti Ai Neneng Iis Kokom Lilis Nining Tati Yati Popon Cucu Enok Imas Oom Dedeh Elis Rina Sri Nia Entin Titin Wiwin Nur Aas Heni Yuyun Onah Eti Ratna Dewi Wati Yanti Sumarni Tuti".split()
FAMILY = "Suryana Sutisna Hidayat Rahayu Kurniawan Setiawan Sukmana Permana Sopandi Nurhayati Rukmana Mulyana Saepudin Hermawan Supriatna Komariah Wahyudi Gunawan Hasanah Sumarni Kusnadi Solihin Rosita Hamdani Juariah Sudrajat Kartika Firmansyah Pratama Saputra Nugraha Ramdani Maulana Fauzi Rosidah Sukarya Wiguna Jayadi Sutarman Mulyadi".split()
PREFIX = ["", "", "", "", "Muhammad ", "Moh. ", "Siti "]
VILLAGES = [f"32.79.0{d}.{v}" for d, vs in {1: ["1001", "1002", "1006", "2003", "2004", "2005", "2007"], 2: ["1001", "1002", "2003", "2004", "2005", "2006", "2007", "2008"], 3: ["1001", "1004", "2002", "2003"], 4: ["1004", "1005", "2001", "2002", "2003", "2006"]}.items() for v in vs]

def nik(village, birth, female, serial):
    y, m, d = birth
    day = d + 40 if female else d
    return f"{village[:8].replace('.', '')}{day:02d}{m:02d}{y % 100:02d}{serial:04d}"

def corrupt_name(name, rng):
    w = name.split()
    k = rng.randrange(6)
    if k == 0 and len(w) > 1:  # word order
        w = w[1:] + w[:1]
    elif k == 1:  # typo: one letter changed
        i = rng.randrange(len(w)); s = w[i]
        if len(s) > 3:
            j = rng.randrange(1, len(s)); s = s[:j] + rng.choice("aiueonr") + s[j + 1:]
        w[i] = s
    elif k == 2:  # old spelling
        w = [x.replace("u", "oe", 1) if "u" in x and rng.random() < 0.5 else x.replace("j", "dj", 1) for x in w]
    elif k == 3:  # letter dropped
        i = rng.randrange(len(w)); s = w[i]
        if len(s) > 4:
            j = rng.randrange(1, len(s) - 1); s = s[:j] + s[j + 1:]
        w[i] = s
    elif k == 4:
        w = [x.upper() for x in w]
    else:  # final y/i
        w = [x[:-1] + "y" if x.endswith("i") else x for x in w]
    return " ".join(w)

def write(rows, people, out, truth, rng, label):
    """Shuffled records to OUT, each record's person to TRUTH."""
    rng.shuffle(rows)
    with open(out, "w", newline="") as f, open(truth, "w", newline="") as t:
        w = csv.writer(f); tw = csv.writer(t)
        w.writerow(["id", "nik", "name", "sex", "birth_date", "village_code", "kk_number"]); tw.writerow(["id", "person"])
        for i, r in enumerate(rows):
            w.writerow([f"r{i}", r["nik"], r["name"], r["sex"], r["birth_date"], r["village_code"], r["kk_number"]])
            tw.writerow([f"r{i}", r["person"]])
    print(f"{len(rows)} records of {len(people)} persons{label}")

def main():
    n, out, truth = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    profile = sys.argv[4] if len(sys.argv) > 4 else "own"
    if profile == "drift":
        return drift(n, out, truth)
    if profile != "own":
        return other(n, out, truth, profile)
    rng = random.Random(int(os.environ.get("DEDUP_SEED", 2012)))
    people = []
    serials = {}
    pid = 0
    while len(people) < n * 0.86:
        village = rng.choice(VILLAGES)
        kk = f"{village[:8].replace('.', '')}{rng.randrange(1, 29):02d}{rng.randrange(1, 13):02d}{rng.randrange(5, 13):02d}{rng.randrange(1, 9999):04d}"
        family = rng.choice(FAMILY)
        size = rng.choice([1, 1, 2, 3, 4])
        twin = rng.random() < 0.03
        base_birth = (rng.randrange(1950, 2005), rng.randrange(1, 13), rng.randrange(1, 29))
        for m in range(size + (1 if twin else 0)):
            female = rng.random() < 0.5
            birth = base_birth if (twin and m >= size - 1) else (rng.randrange(1950, 2012), rng.randrange(1, 13), rng.randrange(1, 29))
            key = (village[:8], birth, female)
            serials[key] = serials.get(key, 0) + 1
            first = rng.choice(FIRST_F if female else FIRST_M)
            name = f"{rng.choice(PREFIX) if not female else ''}{first} {family}".strip()
            people.append(dict(person=pid, nik=nik(village, birth, female, serials[key]), name=name, sex="P" if female else "L",
                               birth_date=f"{birth[0]:04d}-{birth[1]:02d}-{birth[2]:02d}", village_code=village, kk_number=kk))
            pid += 1
    rows = [dict(p) for p in people]
    # 10% of persons get 1-3 duplicate records with realistic corruptions.
    for p in rng.sample(people, len(people) // 10):
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            d = dict(p)
            d["name"] = corrupt_name(d["name"], rng) if rng.random() < 0.8 else d["name"]
            k = rng.random()
            if k < 0.3:  # a NIK digit mistyped
                i = rng.randrange(6, 16); d["nik"] = d["nik"][:i] + str((int(d["nik"][i]) + rng.randrange(1, 10)) % 10) + d["nik"][i + 1:]
            elif k < 0.4:  # two digits swapped
                i = rng.randrange(6, 15); s = list(d["nik"]); s[i], s[i + 1] = s[i + 1], s[i]; d["nik"] = "".join(s)
            elif k < 0.5:  # day and month swapped in the birth date
                y, mo, da = d["birth_date"].split("-")
                if int(da) <= 12: d["birth_date"] = f"{y}-{da}-{mo}"
            if rng.random() < 0.5:
                d["kk_number"] = ""
            if rng.random() < 0.2:  # moved within the kecamatan
                d["village_code"] = rng.choice([v for v in VILLAGES if v[:8] == d["village_code"][:8]])
            rows.append(d)
    write(rows, people, out, truth, rng, "")

# ---------- the city and regency profiles ----------

CITY_M = "ASEP UJANG DEDE DEDI CECEP WAWAN JAJANG DADANG AGUS IWAN YAYAT EMAN ADE ENDANG AEP MAMAN UDIN NANA OJI EDI ADI DANI".split()
CITY_F = "SITI DEDE ENENG EUIS AI NENENG IIS LILIS TATI YATI ENOK IMAS ELIS RINA SRI NIA ENTIN ONAH ETI WATI NUR ANI".split()
CITY_SECOND = "AISYAH SOPIAH ROHAETI NURHAYATI KOMALASARI SUMIATI MULYANA SUPRIATNA HIDAYAT KURNIA SETIAWAN SAEPUDIN RAHMAT SOLIHIN HERMAWAN MAULANA".split()

def syllable_names(rng, count, capital=True):
    """A large pool of plausible names built from syllables."""
    on = "b c d g h j k l m n p r s t w y".split()
    vo = "a i u e o".split()
    out = set()
    while len(out) < count:
        k = rng.choice([2, 2, 3, 3, 4])
        w = "".join(rng.choice(on) + rng.choice(vo) for _ in range(k))
        if rng.random() < 0.3:
            w += rng.choice("nhrs")
        out.add(w.capitalize() if capital else w)
    return sorted(out)

def zipf_pick(rng, pool, s=1.1):
    """A name by popularity: the first names of the pool are far more common."""
    weights = [1 / (i + 1) ** s for i in range(len(pool))]
    return rng.choices(pool, weights)[0]

def typo(word, rng):
    if len(word) <= 3:  # short names lose or change a letter and become another name
        j = rng.randrange(len(word))
        return word[:j] + word[j + 1:] if rng.random() < 0.5 else word[:j] + rng.choice("AIUEO") + word[j + 1:]
    j = rng.randrange(1, len(word))
    return word[:j] + rng.choice("aiueonr" if word.islower() or word.istitle() else "AIUEONR") + word[j + 1:]

def other(n, out, truth, profile):
    rng = random.Random(int(os.environ.get("DEDUP_SEED", 2026 if profile == "city" else 1976)))
    if profile == "city":
        villages = VILLAGES
        first_m, first_f, second = CITY_M, CITY_F, CITY_SECOND
        miss_kk, miss_nik, miss_birth = 0.15, 0.0, 0.0
        popularity = 1.1
    else:
        villages = [f"32.05.{d:02d}.{2000 + v}" for d in range(1, 21) for v in range(1, 13)]
        pool = syllable_names(rng, 3000)
        first_m, first_f, second = pool[:1200], pool[1200:2400], pool[2400:]
        miss_kk, miss_nik, miss_birth = 0.35, 0.05, 0.03
        popularity = 0.5
    serials = {}
    people = []
    pid = 0
    while len(people) < n * 0.85:
        village = rng.choice(villages)
        district = village[:8]
        kk = f"{district.replace('.', '')}{rng.randrange(1, 29):02d}{rng.randrange(1, 13):02d}{rng.randrange(5, 25):02d}{rng.randrange(1, 9999):04d}"
        size = rng.choice([1, 2, 3, 4, 5])
        base = (rng.randrange(1940, 2005), rng.randrange(1, 13), rng.randrange(1, 29))
        twin = rng.random() < 0.02
        for m in range(size + (1 if twin else 0)):
            female = rng.random() < 0.5
            birth = base if (twin and m >= size - 1) else (rng.randrange(1940, 2020), rng.randrange(1, 13), rng.randrange(1, 29))
            key = (district, birth, female)
            serials[key] = serials.get(key, 0) + 1
            given = zipf_pick(rng, first_f if female else first_m, popularity)
            words = rng.random()
            if words < 0.35:
                name = given
            elif words < 0.9:
                name = f"{given} {zipf_pick(rng, second, 0.8)}"
            else:
                name = f"{given} {zipf_pick(rng, second, 0.8)} {zipf_pick(rng, second, 0.8)}"
            if profile == "regency" and rng.random() < 0.5:
                name = name.title()
            people.append(dict(person=pid, nik=nik(village, birth, female, serials[key]), name=name,
                               sex="P" if female else "L", birth_date=f"{birth[0]:04d}-{birth[1]:02d}-{birth[2]:02d}",
                               village_code=village, kk_number=kk))
            pid += 1
    def blank(d):
        if rng.random() < miss_kk: d["kk_number"] = ""
        if rng.random() < miss_nik: d["nik"] = ""
        if rng.random() < miss_birth: d["birth_date"] = ""
        return d
    rows = [blank(dict(p)) for p in people]
    for p in rng.sample(people, len(people) // 10):
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            d = dict(p)
            w = d["name"].split()
            k = rng.random()
            if k < 0.2 and len(w) > 1:  # a token dropped
                w.pop(rng.randrange(1, len(w)))
            elif k < 0.35:  # a token added
                w.append(zipf_pick(rng, second, 0.8).upper() if d["name"].isupper() else zipf_pick(rng, second, 0.8))
            elif k < 0.6:  # a typo, short names too
                i = rng.randrange(len(w)); w[i] = typo(w[i], rng)
            elif k < 0.7:
                w = [x.upper() for x in w]
            d["name"] = " ".join(w)
            k = rng.random()
            if k < 0.15:  # the NIK missing on this record
                d["nik"] = ""
            elif k < 0.35:  # a NIK digit mistyped
                i = rng.randrange(6, 16); d["nik"] = d["nik"][:i] + str((int(d["nik"][i]) + rng.randrange(1, 10)) % 10) + d["nik"][i + 1:]
            elif k < 0.42:  # two digits swapped
                i = rng.randrange(6, 15); s = list(d["nik"]); s[i], s[i + 1] = s[i + 1], s[i]; d["nik"] = "".join(s)
            k = rng.random()
            y, mo, da = d["birth_date"].split("-")
            if k < 0.08 and int(da) <= 12:  # day and month swapped
                d["birth_date"] = f"{y}-{da}-{mo}"
            elif k < 0.14:  # a day off
                dd = int(da) + rng.choice([-1, 1]); d["birth_date"] = f"{y}-{mo}-{max(1, min(28, dd)):02d}"
            if rng.random() < 0.15:  # moved within the kecamatan
                d["village_code"] = rng.choice([v for v in villages if v[:8] == d["village_code"][:8]])
            rows.append(blank(d))
    write(rows, people, out, truth, rng, f" ({profile})")

# ---------- the drift profile ----------

DRIFT_M = "ASEP UJANG DEDE DEDI CECEP WAWAN JAJANG DADANG AGUS IWAN YAYAT EMAN ADE ENDANG RIZKI FAJAR AHMAD RAHMAT YUSUP DIDIN OMAN ENCEP".split()
DRIFT_F = "SITI ENENG EUIS AI NENENG IIS LILIS TATI YATI ENOK IMAS ELIS RINA SRI NIA ENTIN ONAH ETI WATI ANI YENI IMAS".split()
# Names written as one word or two: the first part and the rest.
COMPOUND_F = [("NUR", "HASANAH"), ("NUR", "JANAH"), ("NUR", "LAELA"), ("SITI", "AMINAH"), ("SITI", "KHODIJAH"),
              ("SRI", "WAHYUNI"), ("DEWI", "SARTIKA"), ("NUR", "AENI"), ("SITI", "ROHMAH"), ("SRI", "MULYATI")]
COMPOUND_M = [("ABDUL", "ROHMAN"), ("ABDUL", "KODIR"), ("MUHAMMAD", "RIZKI"), ("NUR", "HIDAYAT"), ("ABDUL", "MALIK"),
              ("MUHAMMAD", "ILHAM"), ("AGUS", "SALIM"), ("ABDUL", "AZIZ")]
# Twins named alike.
TWINS = [("HASAN", "HUSEN"), ("IIS", "IIN"), ("DEDE", "DEDI"), ("ENDANG", "ENDAH"), ("NENG", "NING"), ("ADE", "ADI"),
         ("RINA", "RINI"), ("YAYAN", "YAYAT"), ("ELIS", "ELIN"), ("UJANG", "UDIN")]
TITLE_BEFORE = ["H.", "DRS.", "IR.", "DR.", "HJ."]
DEGREES = [", S.PD", ", S.E", ", A.MD", ", S.KOM", ", S.H", ", S.AG", ", S.SOS", ", A.MA.PD"]

def drift(n, out, truth):
    rng = random.Random(int(os.environ.get("DEDUP_SEED", 1945)))
    villages = VILLAGES
    districts = sorted({v[:8] for v in villages})
    serials = {}
    people = []
    pid = 0

    def kk_of(district):
        return f"{district.replace('.', '')}{rng.randrange(1, 29):02d}{rng.randrange(1, 13):02d}{rng.randrange(5, 25):02d}{rng.randrange(1, 9999):04d}"

    def given(female):
        if rng.random() < 0.25:
            a, b = rng.choice(COMPOUND_F if female else COMPOUND_M)
            return a + b if rng.random() < 0.5 else f"{a} {b}"
        return zipf_pick(rng, DRIFT_F if female else DRIFT_M, 1.0)

    def add(village, kk, birth, female, name, father):
        nonlocal pid
        key = (village[:8], birth, female)
        serials[key] = serials.get(key, 0) + 1
        if rng.random() < 0.06:  # a title or degree on the registered record
            name = f"{rng.choice(TITLE_BEFORE[:4] if not female else ['HJ.', 'DRS.', 'DR.'])} {name}" if rng.random() < 0.5 else name + rng.choice(DEGREES)
        people.append(dict(person=pid, nik=nik(village, birth, female, serials[key]), name=name, sex="P" if female else "L",
                           birth_date=f"{birth[0]:04d}-{birth[1]:02d}-{birth[2]:02d}", village_code=village, kk_number=kk,
                           father=father, female=female, born=birth))
        pid += 1

    while len(people) < n * 0.85:
        village = rng.choice(villages)
        kk = kk_of(village[:8])
        size = rng.choice([1, 2, 3, 4, 5])
        father = zipf_pick(rng, DRIFT_M, 1.0)
        for m in range(size):
            female = rng.random() < 0.5
            birth = (rng.randrange(1940, 2020), rng.randrange(1, 13), rng.randrange(1, 29))
            name = given(female)
            if rng.random() < 0.5:
                name = f"{name} {zipf_pick(rng, CITY_SECOND, 0.8)}"
            add(village, kk, birth, female, name, father)
        if rng.random() < 0.03:  # twins named alike, one card, one birth date
            a, b = rng.choice(TWINS)
            female = rng.random() < 0.5
            birth = (rng.randrange(1970, 2020), rng.randrange(1, 13), rng.randrange(1, 29))
            family = f" {zipf_pick(rng, CITY_SECOND, 0.8)}" if rng.random() < 0.4 else ""
            add(village, kk, birth, female, a + family, father)
            add(village, kk, birth, female, b + family, father)

    def drift_name(name, female, father):
        """One to three of the ways a name drifts between records."""
        for _ in range(rng.choice([1, 1, 2, 2, 3])):
            k = rng.random()
            core = re.sub(r"^((H|HJ|DRS|IR|DR)\. )+", "", name)
            core = re.sub(r"(, [A-Z.]+)+$", "", core)
            if k < 0.18:  # a title or degree added or dropped
                if core != name:
                    name = core
                elif rng.random() < 0.5:
                    name = f"{rng.choice(['HJ.', 'DRS.', 'DR.'] if female else TITLE_BEFORE[:4])} {name}"
                else:
                    name = name + rng.choice(DEGREES)
            elif k < 0.32:  # the patronymic written, or left out
                if " BIN " in name or " BINTI " in name:
                    name = re.sub(r" BINT?I? [A-Z]+", "", name)
                else:
                    name = f"{name} {'BINTI' if female else 'BIN'} {father}"
            elif k < 0.48:  # a compound split or joined
                words = name.split()
                firsts = {a for a, _ in COMPOUND_F + COMPOUND_M}
                for i, w in enumerate(words):
                    split = next((a for a in firsts if w.startswith(a) and len(w) > len(a) + 2), None)
                    if split:
                        words[i:i + 1] = [split, w[len(split):]]
                        break
                    if w in firsts and i + 1 < len(words) and words[i + 1].isalpha() and words[i + 1] not in ("BIN", "BINTI"):
                        words[i:i + 2] = [w + words[i + 1]]
                        break
                else:
                    if len(words) > 1 and words[0].isalpha() and words[1].isalpha() and words[1] not in ("BIN", "BINTI") and rng.random() < 0.5:  # two names run together
                        words[0:2] = [words[0] + words[1]]
                name = " ".join(words)
            elif k < 0.62:  # a token cut to its initial
                words = name.split()
                proper = [i for i, w in enumerate(words) if w.isalpha() and len(w) > 2 and w.upper() not in ("BIN", "BINTI")
                          and (i == 0 or words[i - 1].upper() not in ("BIN", "BINTI"))]
                if len(proper) > 1:
                    i = rng.choice([proper[0], proper[-1]])
                    words[i] = words[i][0] + "."
                    name = " ".join(words)
            elif k < 0.74:  # lower or mixed case
                name = name.lower() if rng.random() < 0.5 else name.title()
            elif k < 0.86:  # a typo
                words = name.split()
                i = rng.randrange(len(words))
                if words[i].isalpha() and len(words[i]) > 3:
                    words[i] = typo(words[i], rng)
                name = " ".join(words)
        return name

    rows = [dict(p) for p in people]
    for r in rows:
        if rng.random() < 0.1:
            r["kk_number"] = ""
    for p in rng.sample(people, len(people) // 10):
        moved = p["female"] and p["born"][0] < 2004 and rng.random() < 0.3
        if moved:  # married away: another kecamatan, her husband's card, the same NIK
            away = rng.choice([v for v in villages if v[:8] != p["village_code"][:8]])
            husbands_kk = kk_of(away[:8])
        for c in range(rng.choice([1, 1, 1, 2, 2, 3])):
            d = dict(p)
            d["name"] = drift_name(d["name"], p["female"], p["father"])
            if moved and c == 0 or moved and rng.random() < 0.5:
                d["village_code"], d["kk_number"] = away, husbands_kk
            elif rng.random() < 0.1:  # moved within the kecamatan
                d["village_code"] = rng.choice([v for v in villages if v[:8] == d["village_code"][:8]])
            k = rng.random()
            if k < 0.2:  # registered without NIK
                d["nik"] = ""
            elif k < 0.3:  # a NIK digit mistyped
                i = rng.randrange(6, 16); d["nik"] = d["nik"][:i] + str((int(d["nik"][i]) + rng.randrange(1, 10)) % 10) + d["nik"][i + 1:]
            k = rng.random()
            y, mo, da = d["birth_date"].split("-")
            if k < 0.05:
                d["birth_date"] = ""
            elif k < 0.12:  # the year off by one
                d["birth_date"] = f"{int(y) + rng.choice([-1, 1])}-{mo}-{da}"
            elif k < 0.16 and int(da) <= 12:
                d["birth_date"] = f"{y}-{da}-{mo}"
            if rng.random() < 0.25:
                d["kk_number"] = ""
            rows.append(d)
    write(rows, people, out, truth, rng, " (drift)")

main()
