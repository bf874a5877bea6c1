#!/usr/bin/env bash
# The cluster on one machine (#33), as a province would run it, on 127.0.0.1: a PostgreSQL
# primary and a streaming replica (pg_basebackup -R), two sikube instances reading lists
# and figures from the replica, nginx in front with the shipped deploy/nginx.conf. Mixed
# load through nginx; one instance is killed with SIGKILL halfway. Checked: no
# acknowledged write is lost; errors only on requests in flight at the kill; the logged-in
# client carries on with the same token; the replica streamed and served the reads; the
# killed instance, restarted, serves again.
# Usage: tests/cluster.sh   (needs postgresql and nginx from Debian, and a built sikube)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${SIKUBE_BIN:-${CARGO_TARGET_DIR:-target}/debug/sikube}"
case "$BIN" in /*) ;; *) BIN="$(pwd)/$BIN" ;; esac
SECONDS_LOAD="${CLUSTER_SECONDS:-20}"
PGBIN="/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -V | tail -n 1)/bin"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
DIR=$(mktemp -d /var/tmp/sikube-cluster.XXXXXX)
chmod 755 "$DIR"
as_pg() { if [ "$(id -u)" = 0 ]; then chown -R postgres: "$DIR/pg" 2>/dev/null || true; su postgres -c "$*"; else bash -c "$*"; fi; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
P1=$(port); P2=$(port); PA=$(port); PB=$(port); PN=$(port)
PIDS=()
cleanup() {
  for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$DIR/nginx.pid" ] && "$NGINX" -p "$DIR" -c "$DIR/nginx.conf" -s stop 2>/dev/null || true
  for d in replica primary; do as_pg "$PGBIN/pg_ctl -D $DIR/pg/$d -m immediate -w stop" >/dev/null 2>&1 || true; done
  rm -rf "$DIR"
}
trap cleanup EXIT
mkdir -p "$DIR/pg"
echo "== PostgreSQL primary on $P1, streaming replica on $P2"
as_pg "$PGBIN/initdb -D $DIR/pg/primary -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
as_pg "$PGBIN/pg_ctl -D $DIR/pg/primary -l $DIR/pg/primary.log -w start -o '-p $P1 -k $DIR/pg -c listen_addresses=127.0.0.1 -c fsync=off -c wal_level=replica -c max_wal_senders=4'" >/dev/null
psql -h 127.0.0.1 -p "$P1" -U postgres -q -c "CREATE DATABASE sikube"
as_pg "$PGBIN/pg_basebackup -h 127.0.0.1 -p $P1 -U postgres -D $DIR/pg/replica -R -X stream -c fast"
as_pg "$PGBIN/pg_ctl -D $DIR/pg/replica -l $DIR/pg/replica.log -w start -o '-p $P2 -k $DIR/pg -c listen_addresses=127.0.0.1 -c hot_standby=on'" >/dev/null
PRIMARY="postgres://postgres@127.0.0.1:$P1/sikube"
REPLICA="postgres://postgres@127.0.0.1:$P2/sikube"
q() { psql -h 127.0.0.1 -p "$1" -U postgres -d sikube -tAc "$2"; }
test "$(q "$P1" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")" = 1

start_instance() { # name port [--demo]
  mkdir -p "$DIR/$1"
  "$BIN" serve --bind "127.0.0.1:$2" --database-url "$PRIMARY" --read-database-url "$REPLICA" \
    --data-dir "$DIR/$1" --trust-forwarded-for ${3:-} >"$DIR/$1.log" 2>&1 &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$2/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  cat "$DIR/$1.log"; return 1
}
echo "== two sikube instances on $PA and $PB (the demo city loaded by the first)"
start_instance a "$PA" --demo; PID_A=$LAST_PID
start_instance b "$PB"
# The replica has the demo city once it has caught up.
for _ in $(seq 1 100); do
  [ "$(q "$P2" "SELECT count(*) FROM kube")" = "$(q "$P1" "SELECT count(*) FROM kube")" ] && break
  sleep 0.1
done
ready=$(curl -sf "http://127.0.0.1:$PB/readyz")
echo "$ready"
case "$ready" in *"replica ok"*) ;; *) exit 1 ;; esac

echo "== nginx on $PN with deploy/nginx.conf"
python3 - "$DIR" "$PA" "$PB" "$PN" <<'PY'
import re, sys
d, a, b, n = sys.argv[1:]
conf = open("deploy/nginx.conf").read()
conf = conf.replace("127.0.0.1:8081", f"127.0.0.1:{a}").replace("127.0.0.1:8082", f"127.0.0.1:{b}")
# No certificate on a test machine: the same site on plain http, on a free port.
conf = re.sub(r"\nserver \{\n    listen 80;.*?\n\}\n", "\n", conf, flags=re.S)
conf = conf.replace("listen 443 ssl;", f"listen 127.0.0.1:{n};").replace("    http2 on;\n", "")
conf = re.sub(r"    ssl_certificate.*\n", "", conf)
open(f"{d}/nginx.conf", "w").write(f"""pid {d}/nginx.pid;
error_log {d}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
  access_log {d}/nginx-access.log;
  client_body_temp_path {d}/nginx-body;
  proxy_temp_path {d}/nginx-proxy;
  fastcgi_temp_path {d}/nginx-fastcgi;
  uwsgi_temp_path {d}/nginx-uwsgi;
  scgi_temp_path {d}/nginx-scgi;
{conf}
}}
""")
PY
"$NGINX" -p "$DIR" -c "$DIR/nginx.conf" -t -q
"$NGINX" -p "$DIR" -c "$DIR/nginx.conf"
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PN/readyz" >/dev/null && break; sleep 0.1; done

scans() { q "$P2" "SELECT COALESCE(sum(seq_scan + COALESCE(idx_scan, 0)), 0) FROM pg_stat_user_tables WHERE relname IN ('kube', 'persons', 'kube_health')"; }
before=$(scans)
echo "== mixed load through nginx for $SECONDS_LOAD s; instance a (pid $PID_A) killed halfway"
python3 tests/cluster_load.py "http://127.0.0.1:$PN" "$SECONDS_LOAD" "$PID_A" "$DIR/load.json"
after=$(scans)

echo "== instance a restarted"
start_instance a2 "$PA"
for i in 1 2 3 4; do
  test "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PN/api/v1/dashboard" -H "Authorization: Bearer $(python3 -c "import json; print(json.load(open('$DIR/load.json'))['token'])")")" = 200
done
curl -sf "http://127.0.0.1:$PA/readyz" | grep -q "^ready"

echo "== the duplicate scan caught up, run by one instance at a time (a killed holder's claim expires)"
changed="SELECT COALESCE(MAX(id), 0) FROM audit_log WHERE entity = 'person'
         AND action NOT IN ('export', 'nik_lookup', 'nik_lookup_refused')"
want=$(q "$P1" "$changed")
got=0
for waited in $(seq 1 120); do
  got=$(q "$P1" "SELECT COALESCE(MAX(seen_upto), 0) FROM duplicate_scan")
  [ "$got" -ge "$want" ] && break
  sleep 1
done
[ "$got" -ge "$want" ] || { echo "the scan stopped at audit entry $got; persons changed up to $want"; exit 1; }
echo "scanned up to audit entry $got (persons changed up to $want) within $waited s; last run by $(q "$P1" "SELECT instance FROM job_runs WHERE name = 'duplicates'")"

echo "== checks"
python3 - "$DIR/load.json" "$PRIMARY" "$P1" "$before" "$after" <<'PY'
import json, subprocess, sys
load = json.load(open(sys.argv[1]))
port, before, after = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
acked = load["acked"]
niks = ",".join(f"'{n}'" for n in acked)
found = int(subprocess.check_output(["psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "sikube", "-tAc",
                                     f"SELECT count(*) FROM persons WHERE nik IN ({niks})"]).decode().strip())
assert acked and found == len(acked), f"acknowledged writes lost: {len(acked) - found} of {len(acked)}"
print(f"every acknowledged write is in the database: {found} of {len(acked)}")
kill = load["killed_at"]
errors = [r for r in load["results"] if not 200 <= r["status"] < 300]
late = [r for r in errors if not (r["began"] <= kill + 0.5 and r["ended"] >= kill - 0.5)]
assert not late, f"errors not in flight at the kill: {late[:5]}"
assert not any(r["status"] == 401 for r in load["results"]), "a logged-in client was turned away"
after_kill = [r for r in load["results"] if r["began"] > kill + 0.5 and 200 <= r["status"] < 300]
assert len(after_kill) > 20, f"the client did not carry on: {len(after_kill)} answered after the kill"
print(f"{len(errors)} errors, all on requests in flight at the kill; {len(after_kill)} answered after it with the same token")
assert after - before > 100, f"the replica served no reads: {after - before} table scans"
print(f"the replica served the lists and figures: {after - before} table scans on it during the load")
PY
echo "== cluster test passed"
