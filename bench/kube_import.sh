#!/usr/bin/env bash
# How long a large KUBE file takes to check, and whether the server keeps answering
# meanwhile: ROWS persons are registered (`sikube import persons`), a KUBE file of one
# row per member is written from them by bench/kube_file.py (groups of ten per village),
# then checked without writing (a dry run) at a quarter, half and all of its rows by the
# command line, and once through the API while /healthz is asked every 50 ms.
# Writes its table into bench/RESULTS.md between <!-- kube-import:start/end --> (or $OUT).
#
#   bench/kube_import.sh                                   # 100,000 rows, release build
#   PROFILE=debug ROWS=2000 OUT=/tmp/k.md bench/kube_import.sh   # CI smoke run
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-100000}
REGION=${REGION:-32.01}
OUT=${OUT:-bench/RESULTS.md}
TARGET=${CARGO_TARGET_DIR:-target}
PROFILE=${PROFILE:-release}
BIN=$TARGET/$PROFILE
WORK=$(mktemp -d /tmp/sikube-kube-bench.XXXXXX)
SERVER=
cleanup() {
  [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
. bench/serve.sh
log() { echo "[kube-bench $(date +%H:%M:%S)] $*" >&2; }
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building $PROFILE binaries"
  if [ "$PROFILE" = release ]; then cargo build --release -q -p sikube -p sikube-bench
  else cargo build -q -p sikube -p sikube-bench; fi
fi
DB="sqlite://$WORK/k.db"
# More persons than rows: villages' last residents do not fill a group of ten.
# Members are of working age (about 60% of residents) and one per family card in a group.
PERSONS=$(( ROWS * 2 + 4000 ))
log "registering $PERSONS persons"
"$BIN/sikube-bench" persons "$PERSONS" "$REGION" "$WORK/persons.csv"
"$BIN/sikube" import persons "$WORK/persons.csv" --region "$REGION" --database-url "$DB" >"$WORK/persons.log" 2>&1 \
  || { cat "$WORK/persons.log" >&2; exit 1; }
python3 bench/kube_file.py "$WORK/persons.csv" "$ROWS" "$WORK/kube.csv"
file_mb=$(python3 -c "import os; print(f'{os.path.getsize(\"$WORK/kube.csv\") / 1e6:.1f}')")

rows_table=""
for part in 4 2 1; do
  n=$(( ROWS / part ))
  head -n $(( n + 1 )) "$WORK/kube.csv" >"$WORK/part.csv"
  log "dry run of $n rows (command line)"
  /usr/bin/time -f '%e %M' -o "$WORK/time.txt" \
    "$BIN/sikube" import kube "$WORK/part.csv" --dry-run --region "$REGION" --database-url "$DB" >"$WORK/dry.log" 2>&1 \
    || { cat "$WORK/dry.log" >&2; exit 1; }
  read -r secs kb <"$WORK/time.txt"
  summary=$(grep -E '^[0-9]+ rows:' "$WORK/dry.log")
  # Every row read, every group ready: the check did the whole work.
  echo "$summary" | grep -q "^$n rows: $(( n / 10 )) ready, 0 already registered (skipped), 0 rejected" \
    || { echo "unexpected check of $n rows: $summary" >&2; cat "$WORK/dry.log" >&2; exit 1; }
  rows_table+="| $n | $(( n / 10 )) | $secs s | $(python3 -c "print(f'{$n / max($secs, 0.01):,.0f}')") | $(( kb / 1024 )) MB |
"
done

log "dry run of $ROWS rows through the API, /healthz asked meanwhile"
echo "$BENCH_PASSWORD" | "$BIN/sikube" user add bench --role operator --database-url "$DB" >/dev/null
serve_on "$DB"
curl -s -o "$WORK/api.json" -w '%{http_code} %{time_total}\n' -X POST -H "Authorization: Bearer $TOKEN" \
  -H 'content-type: application/octet-stream' --data-binary "@$WORK/kube.csv" \
  "$URL/api/v1/import/kube?dry_run=true" >"$WORK/api.txt" &
UPLOAD=$!
: >"$WORK/health.txt"
while kill -0 "$UPLOAD" 2>/dev/null; do
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' "$URL/healthz" >>"$WORK/health.txt"
  sleep 0.05
done
wait "$UPLOAD"
read -r api_code api_s <"$WORK/api.txt"
api_s=$(python3 -c "print(f'{$api_s:.2f}')")
[ "$api_code" = 200 ] || { echo "API dry run: $api_code $(head -c 500 "$WORK/api.json")" >&2; exit 1; }
python3 - "$WORK/api.json" "$ROWS" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); n = int(sys.argv[2])
assert (r["total"], r["valid"], r["rejected_rows"]) == (n, n // 10, 0), r
PY
read -r h_n h_p50 h_max h_err < <(python3 - "$WORK/health.txt" <<'PY'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
ms = sorted(float(t) * 1000 for _, t in rows) or [0.0]
print(len(rows), f"{ms[len(ms) // 2]:.1f}ms", f"{ms[-1]:.1f}ms", sum(1 for c, _ in rows if c != "200"))
PY
)
kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=

machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/ {print $2}') GB RAM"
commit=$(git rev-parse --short HEAD)$(git diff --quiet || echo "+changes")
section=$(cat <<EOT
<!-- kube-import:start -->
## A large KUBE file checked (\`bench/kube_import.sh\`)

Machine: $machine. Commit $commit, $PROFILE build. $PERSONS persons registered (\`sikube-bench\`, region
$REGION); the KUBE file (CSV, $file_mb MB) written from them by \`bench/kube_file.py\`: one row per member,
groups of ten residents of a village. A dry run reads every row, finds each row's group, looks up every
member's NIK, KUBE and kecamatan, and checks each group's rules; nothing is written.

| rows | groups | time (command line) | rows/s | peak memory |
|---:|---:|---:|---:|---:|
$rows_table
The same $ROWS rows through \`POST /api/v1/import/kube?dry_run=true\`: **${api_s} s** (HTTP $api_code). Meanwhile
\`/healthz\` was asked $h_n times, one every 50 ms: median $h_p50, slowest **$h_max**, errors $h_err.

Commands: \`bench/kube_import.sh\` (ROWS=$ROWS REGION=$REGION).
<!-- kube-import:end -->
EOT
)
python3 bench/section.py kube-import "$OUT" "$section"
