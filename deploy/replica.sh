#!/usr/bin/env bash
# A PostgreSQL streaming replica for sikube's reads, with PostgreSQL's own tools (Debian's
# postgresql packages). Run on the replica's machine as the postgres user:
#   deploy/replica.sh PRIMARY_HOST DATA_DIR [PORT]
# On the primary, once (psql as postgres):
#   CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '…';
#   and in pg_hba.conf: host replication replicator REPLICA_ADDRESS/32 scram-sha-256
# The password is read from ~/.pgpass (PRIMARY_HOST:5432:replication:replicator:…).
set -euo pipefail
primary="$1"; data="$2"; port="${3:-5432}"
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
# A copy of the primary that starts as a standby following it (-R writes
# primary_conninfo and standby.signal), streaming the WAL it needs while copying (-X stream).
"$bin/pg_basebackup" -h "$primary" -U replicator -D "$data" -R -X stream -c fast -P
"$bin/pg_ctl" -D "$data" -o "-p $port" -l "$data/replica.log" start
# On the primary, `SELECT client_addr, state, replay_lag FROM pg_stat_replication;`
# shows it streaming.
