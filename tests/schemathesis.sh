#!/usr/bin/env bash
# API fuzzing with schemathesis against the served OpenAPI document: a real server with
# the demo data, authenticated as admin, every operation; no 5xx, every response matching
# its documented schema, every status and content type documented, valid requests
# accepted and invalid ones refused, the stateful links. Bounded: a few examples per operation.
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
# Every check, with one stated exception (tests/schemathesis.toml): a change whose
# validity depends on the records stored may be refused (422 with the field's reason).
"$ST" --config-file tests/schemathesis.toml run "$URL/api/openapi.json" -H "Authorization: Bearer $TOKEN" \
  --checks all \
  --max-examples "${ST_MAX_EXAMPLES:-10}" --workers 1 --seed 2012 \
  --exclude-path /api/v1/auth/logout --exclude-path /api/v1/auth/login \
  --exclude-path /api/v1/auth/logout-all --exclude-path-regex '^/api/v1/users/\{id\}/sessions' 
