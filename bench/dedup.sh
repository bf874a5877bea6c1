#!/usr/bin/env bash
# Duplicate finder on labelled data: pairwise precision/recall/F1, pairs compared, wall
# time and peak memory, for each generator profile (own, city, regency; see
# bench/dedup_data.py) at 20,000 and 200,000 records. Needs a release build.
#   DEDUP_SIZES="20000 200000 1000000"  DEDUP_PROFILES="own city regency"
#   DEDUP_SEED=7 (another draw of every profile)   SIKUBE_BIN=path/to/another/sikube
# Prints a Markdown table; the learned weights of each run go to stderr with --explain
# when DEDUP_EXPLAIN=1.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${SIKUBE_BIN:-${CARGO_TARGET_DIR:-target}/release/sikube}"
[ -x "$BIN" ] || { echo "no release build at $BIN (cargo build --release, or set SIKUBE_BIN)" >&2; exit 1; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
echo "| profile | records | pairs compared | precision | recall | F1 | wall | peak memory |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for n in ${DEDUP_SIZES:-20000 200000}; do
  for profile in ${DEDUP_PROFILES:-own city regency}; do
    python3 bench/dedup_data.py "$n" "$OUT/data.csv" "$OUT/truth.csv" "$profile" >/dev/null
    explain=()
    [ "${DEDUP_EXPLAIN:-0}" = 1 ] && explain=(--explain)
    /usr/bin/time -f "%e %M" -o "$OUT/time.txt" \
      "$BIN" dedup "$OUT/data.csv" --out "$OUT/clusters.csv" "${explain[@]}" 2>/dev/null >"$OUT/run.txt"
    [ "${DEDUP_EXPLAIN:-0}" = 1 ] && grep -v "pairs compared" "$OUT/run.txt" >&2
    read -r records pairs < <(sed -n 's/^\([0-9]*\) persons, \([0-9]*\) pairs compared.*/\1 \2/p' "$OUT/run.txt")
    read -r p r f1 < <(python3 bench/dedup_eval.py "$OUT/truth.csv" "$OUT/clusters.csv" |
      sed -n 's/.*precision \([0-9.]*\), recall \([0-9.]*\), F1 \([0-9.]*\)/\1 \2 \3/p')
    read -r wall kb < "$OUT/time.txt"
    grouped() { python3 -c "print(f'{int(\"$1\"):,}')"; }
    printf "| %s | %s | %s | %s | %s | **%s** | %s s | %d MB |\n" \
      "$profile" "$(grouped "$records")" "$(grouped "$pairs")" "$p" "$r" "$f1" "$wall" "$((kb / 1024))"
  done
done
