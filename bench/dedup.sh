#!/usr/bin/env bash
# Duplicate finder on labelled data: pairwise precision/recall/F1, pairs compared, wall
# time and peak memory, at 20,000 and 200,000 records. Needs a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${SIKUBE_BIN:-${CARGO_TARGET_DIR:-target}/release/sikube}"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
for n in ${DEDUP_SIZES:-20000 200000}; do
  python3 bench/dedup_data.py "$n" "$OUT/data.csv" "$OUT/truth.csv"
  /usr/bin/time -f "wall %e s, peak %M KB" "$BIN" dedup "$OUT/data.csv" --out "$OUT/clusters.csv" 2> "$OUT/time.txt" >"$OUT/run.txt"
  cat "$OUT/run.txt"; tail -n 1 "$OUT/time.txt"
  python3 bench/dedup_eval.py "$OUT/truth.csv" "$OUT/clusters.csv"
done
