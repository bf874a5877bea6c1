#!/usr/bin/env bash
# API fuzzing with schemathesis against the served OpenAPI document: a real server with
# the demo data, authenticated as admin, every operation; no 5xx and every response
# matching its documented schema, every status and content type documented, the stateful
# links. Bounded: a few examples per operation.
# Usage: tests/schemathesis.sh [DATABASE_URL]   (default: a fresh SQLite file)
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/demo-server.sh "${1:-}"
TOKEN=$(curl -sf -X POST "$URL/api/v1/auth/login" -H 'content-type: application/json' \
  -d '{"username":"admin","password":"demo-banjar-2012"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
ST=$(command -v st || echo "$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/st")
# Logging out (also everywhere, or an admin ending sessions) would end the token; logging
# in repeatedly trips the rate limit on purpose.
# One worker: parallel workers hit a CPython AST race inside hypothesis (seen in CI).
# Every check but two: a schema cannot hold the rules that depend on the data (a person
# who must exist, a NIK that must agree with a birth date), so valid-looking requests are
# refused (positive_data_acceptance), and an empty optional date is read as none
# (negative_data_rejection). Issue #30 tracks the way to all of them.
"$ST" run "$URL/api/openapi.json" -H "Authorization: Bearer $TOKEN" \
  --checks all --exclude-checks positive_data_acceptance,negative_data_rejection \
  --max-examples "${ST_MAX_EXAMPLES:-10}" --workers 1 --seed 2012 \
  --exclude-path /api/v1/auth/logout --exclude-path /api/v1/auth/login \
  --exclude-path /api/v1/auth/logout-all --exclude-path-regex '^/api/v1/users/\{id\}/sessions' 
