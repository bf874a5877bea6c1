#!/usr/bin/env bash
# National-scale benchmark of sikube on this machine, in one run, side by side:
#   1. `sikube import persons` of N rows (CSV and XLSX) against raw baselines
#      (a minimal rusqlite program; PostgreSQL's own COPY),
#   2. HTTP with wrk against the release binary on the national-scale database,
#      with a static asset of the same binary as the reference,
#   3. peak resident memory of `sikube serve` during the HTTP runs,
#   4. start-up time and database size.
# Writes the figures between the markers of bench/RESULTS.md (or $OUT).
#
#   bench/run.sh                       # 1,000,000 persons, 100,000 KUBE, 1,000,000 visits
#   PROFILE=debug N=10000 KUBE=1000 VISITS=10000 DUR=2 OUT=/tmp/r.md bench/run.sh   # CI smoke run
#
# PostgreSQL is measured when PG_URL (default postgres://postgres:postgres@127.0.0.1:5432/postgres)
# answers; set PG_URL= to skip it.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
KUBE=${KUBE:-100000}
VISITS=${VISITS:-1000000}
REGION=${REGION:-32.01}
DUR=${DUR:-10}
WRITES=${WRITES:-200}
OUT=${OUT:-bench/RESULTS.md}
PG_URL=${PG_URL-postgres://postgres:postgres@127.0.0.1:5432/postgres}
TARGET=${CARGO_TARGET_DIR:-target}
PROFILE=${PROFILE:-release}
BIN=$TARGET/$PROFILE
WORK=$(mktemp -d /tmp/sikube-bench.XXXXXX)
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  [ -n "${PG_DB:-}" ] && psql "$PG_URL" -qc "DROP DATABASE IF EXISTS sikube_bench WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
. bench/serve.sh
started=$(date +%s)
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.2f}')"; }
rate() { python3 -c "print(f'{$1 / $2:,.0f}')"; }
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }

log "building $PROFILE binaries"
if [ -n "${SKIP_BUILD:-}" ]; then
  : # the caller built them (CI reuses its test build)
elif [ "$PROFILE" = release ]; then
  cargo build --release -q -p sikube -p sikube-bench
else
  cargo build -q -p sikube -p sikube-bench
fi

log "generating $N persons in region $REGION"
t0=$(now)
"$BIN/sikube-bench" persons "$N" "$REGION" "$WORK/persons.csv" "$WORK/persons.xlsx"
gen_s=$(secs "$t0" "$(now)")
csv_mb=$(du -m "$WORK/persons.csv" | cut -f1)
xlsx_mb=$(du -m "$WORK/persons.xlsx" | cut -f1)

log "raw SQLite baseline"
raw=$("$BIN/sikube-bench" raw-sqlite "$WORK/persons.csv" "$WORK/raw.db")
raw_s=$(echo "$raw" | sed -E 's/.*secs=([0-9.]+).*/\1/')
log "raw SQLite writing what sikube writes (reference)"
"$BIN/sikube" migrate --database-url "sqlite://$WORK/rawfull.db" >/dev/null 2>&1
rawfull=$("$BIN/sikube-bench" raw-sqlite-full "$WORK/persons.csv" "$WORK/rawfull.db")
rawfull_s=$(echo "$rawfull" | sed -E 's/.*secs=([0-9.]+).*/\1/')
rm -f "$WORK/rawfull.db"*

import_into() { # url file → seconds
  local t0
  t0=$(now)
  "$BIN/sikube" import persons "$2" --region "$REGION" --database-url "$1" >"$WORK/import.log" 2>&1 \
    || { cat "$WORK/import.log" >&2; exit 1; }
  grep -q " $N written" "$WORK/import.log" || { cat "$WORK/import.log" >&2; exit 1; }
  secs "$t0" "$(now)"
}
log "sikube import persons (CSV, SQLite)"
csv_s=$(import_into "sqlite://$WORK/csv.db" "$WORK/persons.csv")
log "sikube import persons (XLSX, SQLite)"
xlsx_s=$(import_into "sqlite://$WORK/xlsx.db" "$WORK/persons.xlsx")
rm -f "$WORK"/xlsx.db*

pg_rows=""
pg_ref_line=""
PG_DB=""
if [ -n "$PG_URL" ] && psql "$PG_URL" -qAtc "select 1" >/dev/null 2>&1; then
  base=${PG_URL%/*}
  for db in sikube_bench sikube_bench_raw; do
    psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $db" -qc "CREATE DATABASE $db" >/dev/null
  done
  log "PostgreSQL COPY baseline"
  psql "$base/sikube_bench_raw" -qc "CREATE TABLE persons (nik text NOT NULL, kk_number text, name text NOT NULL,
      sex text NOT NULL, birth_date text NOT NULL, village_code text NOT NULL, rt text, rw text, address text,
      phone text, categories text, dtks_registered text, dtks_ref text, notes text)" >/dev/null
  t0=$(now)
  psql "$base/sikube_bench_raw" -qc "\\copy persons FROM '$WORK/persons.csv' CSV HEADER" \
    -qc "CREATE UNIQUE INDEX persons_nik ON persons(nik)" >/dev/null
  copy_s=$(secs "$t0" "$(now)")
  log "PostgreSQL writing what sikube writes (reference)"
  psql "$PG_URL" -qc "DROP DATABASE IF EXISTS sikube_bench_ref" -qc "CREATE DATABASE sikube_bench_ref" >/dev/null
  "$BIN/sikube" migrate --database-url "$base/sikube_bench_ref" >/dev/null 2>&1
  t0=$(now)
  psql "$base/sikube_bench_ref" -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
BEGIN;
CREATE TEMP TABLE staging (nik text, kk_number text, name text, sex text, birth_date text,
  village_code text, rt text, rw text, address text, phone text, categories text,
  dtks_registered text, dtks_ref text, notes text);
\copy staging FROM '$WORK/persons.csv' CSV HEADER
INSERT INTO persons (nik, kk_number, name, name_lower, sex, birth_date, village_code, district_code,
    rt, rw, address, phone, dtks_registered, dtks_ref, notes, created_at, updated_at)
  SELECT nik, NULLIF(kk_number, ''), name, lower(name), sex, birth_date, village_code,
    left(village_code, 8), NULLIF(rt, ''), NULLIF(rw, ''), NULLIF(address, ''), NULLIF(phone, ''),
    (dtks_registered = 'ya')::int, NULLIF(dtks_ref, ''), NULLIF(notes, ''), now()::text, now()::text
  FROM staging;
INSERT INTO person_categories (person_id, category)
  SELECT p.id, s.categories FROM staging s JOIN persons p USING (nik) WHERE s.categories <> '';
INSERT INTO person_words (word, person_id)
  SELECT DISTINCT w, id FROM persons, regexp_split_to_table(name_lower, '\s+') AS w ORDER BY 1, 2;
COMMIT;
SQL
  pgref_s=$(secs "$t0" "$(now)")
  log "sikube import persons (CSV, PostgreSQL)"
  pg_s=$(import_into "$base/sikube_bench" "$WORK/persons.csv")
  psql "$PG_URL" -qc "DROP DATABASE sikube_bench_raw" -qc "DROP DATABASE sikube_bench_ref" >/dev/null
  PG_DB="$base/sikube_bench"
  pg_rows="| PostgreSQL \`COPY\` (+ unique index after) | CSV | $copy_s s | $(rate "$N" "$copy_s") | 1.00 |
| reference: \`COPY\` into a staging table, then \`INSERT … SELECT\` of what sikube writes (every index and foreign key; no checks) | CSV | $pgref_s s | $(rate "$N" "$pgref_s") | $(ratio "$copy_s" "$pgref_s") |
| \`sikube import persons\`, PostgreSQL | CSV | $pg_s s | $(rate "$N" "$pg_s") | **$(ratio "$copy_s" "$pg_s")** |"
  pg_ref_line="Against its reference, sikube's PostgreSQL import runs at **$(ratio "$pgref_s" "$pg_s")×**."
fi

log "national data: $KUBE KUBE, $VISITS visits, trainings and proposals"
DB="sqlite://$WORK/csv.db"
t0=$(now)
"$BIN/sikube-bench" national "$DB" "$REGION" "$KUBE" "$VISITS"
national_s=$(secs "$t0" "$(now)")
echo "$BENCH_PASSWORD" | "$BIN/sikube" user add bench --role admin --database-url "$DB" >/dev/null
db_mb=$(du -cm "$WORK"/csv.db* | tail -1 | cut -f1)

# The duplicate scan over the whole registry, as the daily (or first) run does: in its own
# process here, so its time and peak memory are its own. Sets SCAN_S, SCAN_MB, SCAN_PAIRS.
scan_duplicates() { # db
  local t0
  t0=$(now)
  /usr/bin/time -v "$BIN/sikube" duplicates --region "$REGION" --database-url "$1" >"$WORK/scan.log" 2>"$WORK/scan.time" \
    || { cat "$WORK/scan.log" "$WORK/scan.time" >&2; exit 1; }
  SCAN_S=$(secs "$t0" "$(now)")
  SCAN_MB=$(awk -F: '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$WORK/scan.time")
  SCAN_PAIRS=$(grep -o '[0-9]* pairs stored' "$WORK/scan.log" | cut -d' ' -f1)
}

ORDER="static dashboard kube_list search_name search_nik kube_detail duplicates"
declare -A PATHS SHOWN RPS P50 P99 ERR AW
# wrk on every page of the running server, CONNS connections; results under "LABEL:page".
http_runs() { # db label conns
  local DISTRICT KUBE_ID NIK NAME k code out non2xx sock
  # Real objects to ask for: a kecamatan with KUBE, a KUBE, a name and a NIK.
  read -r DISTRICT KUBE_ID NIK NAME < <("$BIN/sikube-bench" pick "$1")
  PATHS=(
    [static]="/static/app.css"
    [dashboard]="/"
    [kube_list]="/kube?district_code=$DISTRICT&status=berjalan"
    [search_name]="/persons?q=$NAME"
    [search_nik]="/persons?q=$NIK"
    [kube_detail]="/kube/$KUBE_ID"
    [duplicates]="/persons/duplicates"
  )
  for k in $ORDER; do
    log "wrk $2 $k ${PATHS[$k]}"
    # Each answer must be a page, not a redirect to the login or an error.
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: sikube_session=$TOKEN" "$URL${PATHS[$k]}")
    [ "$code" = 200 ] || { echo "GET ${PATHS[$k]}: $code" >&2; exit 1; }
    out=$(wrk -t2 -c"$3" -d"${DUR}s" --latency -H "Cookie: sikube_session=$TOKEN" "$URL${PATHS[$k]}")
    SHOWN[$2:$k]=${PATHS[$k]}
    RPS[$2:$k]=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    P50[$2:$k]=$(echo "$out" | awk '$1 == "50%" {print $2}')
    P99[$2:$k]=$(echo "$out" | awk '$1 == "99%" {print $2}')
    non2xx=$(echo "$out" | awk '/Non-2xx/ {print $NF}')
    sock=$(echo "$out" | awk -F'[ ,]+' '/Socket errors/ {print $4+$6+$8+$10}')
    ERR[$2:$k]=$(( ${non2xx:-0} + ${sock:-0} ))
  done
  # The dashboard as it is after a change: wrk above repeats one URL and only reads, so it
  # measures the cached figures. Here each read follows a write (a KUBE's note, audited:
  # the data version moves), so every dashboard is computed anew.
  log "$2: dashboard after each write ($WRITES times)"
  : >"$WORK/after_write.txt"
  for i in $(seq 1 "$WRITES"); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X PATCH -H "Authorization: Bearer $TOKEN" \
      -H 'content-type: application/json' -d "{\"notes\": \"bench $i\"}" "$URL/api/v1/kube/$KUBE_ID")
    [ "$code" = 200 ] || { echo "PATCH /api/v1/kube/$KUBE_ID: $code" >&2; exit 1; }
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Cookie: sikube_session=$TOKEN" "$URL/" >>"$WORK/after_write.txt"
  done
  AW[$2]=$(python3 - "$WORK/after_write.txt" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
ms = sorted(float(t) * 1000 for _, t in rows)
err = sum(1 for c, _ in rows if c != "200")
pick = lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]
print(f"p50 **{pick(0.5):.1f}ms**, p99 **{pick(0.99):.1f}ms**, slowest {ms[-1]:.1f}ms, errors {err}")
PY
)
}

stop_server() {
  RSS_MB=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$SERVER/status")
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=
}

log "duplicate scan of $N persons"
scan_duplicates "$DB"
scan_s=$SCAN_S scan_mb=$SCAN_MB scan_pairs=$SCAN_PAIRS
log "starting sikube serve"
serve_on "$DB"
start_s=$START_S
http_runs "$DB" sqlite 16
stop_server
rss_mb=$RSS_MB

# The same pages on PostgreSQL, on the database sikube imported the persons into above,
# with the same national data, at 32 connections.
pg_http=""
if [ -n "$PG_DB" ]; then
  log "national data on PostgreSQL"
  "$BIN/sikube-bench" national "$PG_DB" "$REGION" "$KUBE" "$VISITS"
  echo "$BENCH_PASSWORD" | "$BIN/sikube" user add bench --role admin --database-url "$PG_DB" >/dev/null
  psql "$PG_DB" -qc "VACUUM ANALYZE" >/dev/null
  log "duplicate scan of $N persons on PostgreSQL"
  scan_duplicates "$PG_DB"
  pg_scan="$SCAN_PAIRS pairs in **$SCAN_S s**, peak **$SCAN_MB MB**"
  serve_on "$PG_DB"
  http_runs "$PG_DB" pg 32
  stop_server
  pg_rss_mb=$RSS_MB
  psql "$PG_URL" -qc "DROP DATABASE sikube_bench" >/dev/null
fi

total_s=$(( $(date +%s) - started ))
machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GB RAM, $(uname -sr)"
commit=$(git rev-parse --short HEAD)$(git diff --quiet || echo "+changes")
target() { python3 -c "print('met' if $1 >= $2 else 'missed')"; }
# p99 as wrk prints it ("12.70ms", "1.20s", "850.00us") below a bound in milliseconds.
p99_under() { python3 -c "import re; v='$1'; n=float(re.sub('[a-z]+','',v)); u=re.sub('[0-9.]+','',v); ms=n*{'us':0.001,'ms':1,'s':1000}[u]; print('met' if ms < $2 else 'missed')"; }
rows_of() { # label → the table's rows
  local k r want rows=""
  for k in $ORDER; do
    r=$(ratio "${RPS[$1:$k]}" "${RPS[$1:static]}")
    case $1:$k in
      *:static) want="reference";;
      *:duplicates) want="p99 < 200 ms: $(p99_under "${P99[$1:$k]}" 200)";;
      pg:*) want="p99 < 20 ms: $(p99_under "${P99[$1:$k]}" 20)";;
      sqlite:dashboard) want="≥ 0.10: $(target "$r" 0.1)";;
      *) want="≥ 0.20: $(target "$r" 0.2)";;
    esac
    rows+="| $k | \`${SHOWN[$1:$k]}\` | ${RPS[$1:$k]} | $r | $want | ${P50[$1:$k]} | ${P99[$1:$k]} | ${ERR[$1:$k]} |
"
  done
  printf '%s' "$rows"
}
http_rows=$(rows_of sqlite)
if [ -n "$PG_DB" ]; then
  pg_http="
### 2b. HTTP on PostgreSQL (wrk -t2 -c32 -d${DUR}s, the same data imported and generated into PostgreSQL $(psql "$PG_URL" -qAtc 'SHOW server_version'), on this machine)

| page | path | requests/s | ratio to static | target | p50 | p99 | errors |
|---|---|---:|---:|---|---:|---:|---:|
$(rows_of pg)

Dashboard computed anew after each of $WRITES writes: ${AW[pg]}.
Duplicate scan on PostgreSQL (\`sikube duplicates\`): $pg_scan.
Peak resident memory of \`sikube serve\` on PostgreSQL: **$pg_rss_mb MB**.
"
fi
csv_ratio=$(ratio "$raw_s" "$csv_s")
xlsx_ratio=$(ratio "$raw_s" "$xlsx_s")
section=$(cat <<EOF
<!-- national:start -->
## National scale (\`bench/run.sh\`)

Machine: $machine. Commit $commit, $PROFILE build. Whole run: ${total_s} s.
Data (\`sikube-bench\`, deterministic, over the real area tables of region $REGION): $N persons with valid
NIKs (generated in $gen_s s; CSV $csv_mb MB, XLSX $xlsx_mb MB), then $KUBE KUBE of 5–12 members, $VISITS visits,
trainings with participants and proposals in proportion (loaded in $national_s s).

### 1. Import of $N persons (full validation, unique NIK index and the registry's other indexes)

| what | file | time | rows/s | ratio to baseline |
|---|---|---:|---:|---:|
| raw rusqlite (prepared statement, one transaction, unique index after) | CSV | $raw_s s | $(rate "$N" "$raw_s") | 1.00 |
| reference: raw rusqlite writing what sikube writes (all columns, categories, name words, every index; no checks) | CSV | $rawfull_s s | $(rate "$N" "$rawfull_s") | $(ratio "$raw_s" "$rawfull_s") |
| \`sikube import persons\`, SQLite | CSV | $csv_s s | $(rate "$N" "$csv_s") | **$csv_ratio** |
| \`sikube import persons\`, SQLite | XLSX | $xlsx_s s | $(rate "$N" "$xlsx_s") | **$xlsx_ratio** |
$pg_rows

Target ≥ 0.5× the raw rate: CSV $(target "$csv_ratio" 0.5), XLSX $(target "$xlsx_ratio" 0.5).
Against the reference that writes the same data as sikube, sikube's CSV import runs at **$(ratio "$rawfull_s" "$csv_s")×**.
$pg_ref_line

### 2. HTTP (wrk -t2 -c16 -d${DUR}s on 127.0.0.1, logged in, SQLite database of $db_mb MB)

| page | path | requests/s | ratio to static | target | p50 | p99 | errors |
|---|---|---:|---:|---|---:|---:|---:|
$http_rows

The dashboard row above reads cached figures (one URL, reads only). Computed anew after
each of $WRITES writes (a PATCH of a KUBE, then \`GET /\`, one at a time): ${AW[sqlite]}.

The duplicates row is the review page (its first page of 20 pairs, the count of all),
reading the pairs the duplicate scan stored: $scan_pairs pairs of $N persons, scored by
\`sikube duplicates\` in **$scan_s s** with a peak resident memory of **$scan_mb MB**
(a whole scan: the first one, then daily or when the registry grew by a fiftieth; between
them the scan scores the changed persons alone).
$pg_http
### 3–4. Memory, start-up, size

- Peak resident memory of \`sikube serve\` over all HTTP runs (VmHWM): **$rss_mb MB** (target ≤ 150 MB: $(python3 -c "print('met' if $rss_mb <= 150 else 'missed')")).
- Start-up on the $N-person database, process start to \`/readyz\` answering: **$start_s s**.
- Database file (with WAL): **$db_mb MB**.

Commands: \`bench/run.sh\` (N=$N KUBE=$KUBE VISITS=$VISITS REGION=$REGION DUR=$DUR WRITES=$WRITES).
<!-- national:end -->
EOF
)
python3 bench/section.py national "$OUT" "$section"
