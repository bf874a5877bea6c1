#!/usr/bin/env bash
# Duplicate finder on labelled data: pairwise precision/recall/F1, pairs compared, wall
# time and peak memory, for each generator profile (own, city, regency, drift; see
# bench/dedup_data.py) at 20,000 and 200,000 records. Needs a release build.
#   DEDUP_SIZES="20000 200000 1000000"  DEDUP_PROFILES="own city regency"
#   DEDUP_SEED=7 (another draw of every profile)   SIKUBE_BIN=path/to/another/sikube
# Prints a Markdown table; the learned weights of each run go to stderr with --explain
# when DEDUP_EXPLAIN=1. DEDUP_SECTION=NAME also writes the table, with the commit and the
# machine, into bench/RESULTS.md between its markers <!-- dedup:NAME:start/end --> (the
# tables there are the script's own output, never pasted).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${SIKUBE_BIN:-${CARGO_TARGET_DIR:-target}/release/sikube}"
[ -x "$BIN" ] || { echo "no release build at $BIN (cargo build --release, or set SIKUBE_BIN)" >&2; exit 1; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
TABLE="$OUT/table.md"
{
echo "| profile | records | pairs compared | precision | recall | F1 | wall | peak memory |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
for n in ${DEDUP_SIZES:-20000 200000}; do
  for profile in ${DEDUP_PROFILES:-own city regency drift}; do
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
} | tee "$TABLE"
if [ -n "${DEDUP_SECTION:-}" ]; then
  commit=$(git rev-parse --short HEAD)$(git diff --quiet -- crates || echo "+changes")
  machine="$(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB"
  python3 - bench/RESULTS.md "$DEDUP_SECTION" "$TABLE" "$commit" "$machine" \
    "sizes ${DEDUP_SIZES:-20000 200000}, profiles ${DEDUP_PROFILES:-own city regency drift}, seed ${DEDUP_SEED:-default}" <<'PY'
import re, sys
path, name, table, commit, machine, what = sys.argv[1:7]
body = (f"<!-- dedup:{name}:start -->\n_Written by `bench/dedup.sh` (DEDUP_SECTION={name}; {what}) on commit "
        f"{commit}, release build, {machine}._\n\n" + open(table).read() + f"<!-- dedup:{name}:end -->")
text = open(path).read()
pattern = re.compile(rf"<!-- dedup:{re.escape(name)}:start -->.*?<!-- dedup:{re.escape(name)}:end -->", re.S)
if not pattern.search(text):
    sys.exit(f"no <!-- dedup:{name}:start/end --> markers in {path}")
open(path, "w").write(pattern.sub(lambda m: body, text))
PY
fi
