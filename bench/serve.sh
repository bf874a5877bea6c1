# Sourced by the bench scripts: `serve_on DB` starts `sikube serve` on DB (with $BIN,
# $REGION, $WORK set), waits until it answers, and logs in the `bench` user made with the
# password below. Sets SERVER (its pid, for the caller's cleanup), URL, START_S (process
# start to /readyz answering) and TOKEN.
BENCH_PASSWORD="Sandi-Uji-Kinerja-2026"
serve_on() { # db
  local t0
  t0=$(date +%s.%N)
  # Port 0: the server takes a free port itself and names it (no window in which another
  # process could take a port picked here).
  "$BIN/sikube" serve --database-url "$1" --region "$REGION" --bind "127.0.0.1:0" >"$WORK/serve.log" 2>&1 &
  SERVER=$!
  URL=""
  for _ in $(seq 1 3000); do
    URL=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$WORK/serve.log" | head -n 1 | sed 's/^listening on //' || true)
    [ -n "$URL" ] && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
    sleep 0.02
  done
  [ -n "$URL" ] || { echo "sikube serve named no address" >&2; exit 1; }
  until curl -sf "$URL/readyz" >/dev/null; do sleep 0.02; done
  START_S=$(python3 -c "print(f'{$(date +%s.%N) - $t0:.2f}')")
  TOKEN=$(curl -sf -H 'content-type: application/json' \
    -d "{\"username\":\"bench\",\"password\":\"$BENCH_PASSWORD\"}" "$URL/api/v1/auth/login" |
    python3 -c "import json,sys; print(json.load(sys.stdin)['token'])")
}
