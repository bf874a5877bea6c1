#!/usr/bin/env bash
# How long a DTSEN extract takes to import on a large registry: PERSONS persons are
# registered (`sikube import persons`), then an extract of ROWS rows (bench/dtsen_file.py:
# one in twenty a NIK new to SIKUBE) is imported with `--mode valid`, in this year's
# layout (headings the import knows) and next year's (headings mapped with --map).
# Writes its table into bench/RESULTS.md between <!-- dtsen-import:start/end --> (or $OUT).
#
#   bench/dtsen_import.sh                                               # 1M persons, 100,000 rows
#   PROFILE=debug PERSONS=4000 ROWS=2000 OUT=/tmp/d.md bench/dtsen_import.sh   # CI smoke run
set -euo pipefail
cd "$(dirname "$0")/.."
PERSONS=${PERSONS:-1000000}
ROWS=${ROWS:-100000}
REGION=${REGION:-32.01}
OUT=${OUT:-bench/RESULTS.md}
TARGET=${CARGO_TARGET_DIR:-target}
PROFILE=${PROFILE:-release}
BIN=$TARGET/$PROFILE
WORK=$(mktemp -d /tmp/sikube-dtsen-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
log() { echo "[dtsen-bench $(date +%H:%M:%S)] $*" >&2; }
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building $PROFILE binaries"
  if [ "$PROFILE" = release ]; then cargo build --release -q -p sikube -p sikube-bench
  else cargo build -q -p sikube -p sikube-bench; fi
fi
DB="sqlite://$WORK/d.db"
log "registering $PERSONS persons"
"$BIN/sikube-bench" persons "$PERSONS" "$REGION" "$WORK/persons.csv"
"$BIN/sikube" import persons "$WORK/persons.csv" --region "$REGION" --database-url "$DB" >"$WORK/persons.log" 2>&1 \
  || { cat "$WORK/persons.log" >&2; exit 1; }
table=""
for layout in 1 2; do
  python3 bench/dtsen_file.py "$WORK/persons.csv" "$ROWS" "$layout" "$WORK/dtsen.csv"
  maps=()
  if [ "$layout" = 2 ]; then
    maps=(--map "nik=No. Induk" --map "kk_number=Nomor KK" --map "name=Nama Lengkap" \
          --map "decile=Kelompok Kesejahteraan" --map "period=Bulan")
  fi
  log "importing $ROWS rows, layout $layout"
  /usr/bin/time -f '%e %M' -o "$WORK/time.txt" \
    "$BIN/sikube" import dtsen "$WORK/dtsen.csv" --mode valid "${maps[@]}" --region "$REGION" --database-url "$DB" \
    >"$WORK/import.log" 2>&1 || { cat "$WORK/import.log" >&2; exit 1; }
  read -r secs kb <"$WORK/time.txt"
  summary=$(grep -E '^[0-9]+ rows:' "$WORK/import.log")
  new=$(( ROWS / 20 ))
  # Every registered NIK matched, every new one sent back: the import did the whole work.
  echo "$summary" | grep -q "^$ROWS rows: $(( ROWS - new )) ready, 0 already registered (skipped), $new rejected" \
    || { echo "unexpected import: $summary" >&2; cat "$WORK/import.log" >&2; exit 1; }
  table+="| $layout | $ROWS | $(( ROWS - new )) | $new | $secs s | $(( kb / 1024 )) MB |
"
done
result="<!-- dtsen-import:start -->
### DTSEN extract import (#29)

A DTSEN extract imported into a registry of $(python3 -c "print(f'{$PERSONS:,}')") persons (SQLite, \`sikube import dtsen --mode valid\`,
$PROFILE build, this machine): every matched person gets the decile and period, every other current person is
marked not in DTSEN for the period, NIKs new to SIKUBE come back as rows. Layout 1: this year's headings (known);
layout 2: next year's, mapped with \`--map\`.

| layout | rows | matched | new NIKs (sent back) | time | peak memory |
|---|---|---|---|---|---|
$table
Commands: \`bench/dtsen_import.sh\` (PERSONS=$PERSONS ROWS=$ROWS REGION=$REGION).
<!-- dtsen-import:end -->"
python3 bench/section.py dtsen-import "$OUT" "$result"
log "written to $OUT"
