# Sourced by the API test scripts: starts `sikube serve --demo` on 127.0.0.1 (a free port)
# with a data directory of its own, on SQLite or on the database URL given as the first
# argument; sets DIR and URL; stops the server and removes DIR when the script exits.
BIN="${SIKUBE_BIN:-${CARGO_TARGET_DIR:-target}/debug/sikube}"
DIR=$(mktemp -d)
export SIKUBE_DATA_DIR="$DIR"
if [ -n "${1:-}" ]; then export SIKUBE_DATABASE_URL="$1"; else unset SIKUBE_DATABASE_URL; fi
"$BIN" serve --demo --bind 127.0.0.1:0 > "$DIR/out.log" 2> "$DIR/err.log" &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT
for _ in $(seq 1 120); do
  grep -q "listening on" "$DIR/out.log" && break
  sleep 0.5
done
URL=$(grep -o "http://127.0.0.1:[0-9]*" "$DIR/out.log" | head -n 1)
