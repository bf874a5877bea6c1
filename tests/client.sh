#!/usr/bin/env bash
# A client generated from the served OpenAPI document by a standard generator
# (openapi-python-client, pinned) drives an office's day (tests/client/scenario.py)
# against a real server with the demo city. Usage: tests/client.sh [DATABASE_URL]
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/demo-server.sh "${1:-}"
# The generator and what the generated client needs, pinned, in a directory of their own
# (or an environment given in CLIENT_VENV).
if [ -n "${CLIENT_VENV:-}" ]; then
  GEN="$CLIENT_VENV/bin/openapi-python-client"; PY="$CLIENT_VENV/bin/python"; LIBS=""
else
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    --no-warn-conflicts --target "$DIR/py" -r tests/client/requirements.txt
  GEN="$DIR/py/bin/openapi-python-client"; PY=python3; LIBS="$DIR/py"
fi
export PYTHONPATH="$LIBS"
curl -sf "$URL/api/openapi.json" > "$DIR/openapi.json"
# Generation must not leave any operation or answer out.
"$GEN" generate --path "$DIR/openapi.json" --config tests/client/config.yaml \
  --meta none --output-path "$DIR/sikube_client" > "$DIR/generate.log" 2>&1
if grep -q "WARNING\|Error" "$DIR/generate.log"; then cat "$DIR/generate.log"; exit 1; fi
# The office's day, in Jakarta.
TODAY=$("$PY" -c 'import datetime;print((datetime.datetime.now(datetime.timezone.utc)+datetime.timedelta(hours=7)).date())')
PYTHONPATH="$DIR${LIBS:+:$LIBS}" "$PY" tests/client/scenario.py "$URL" "$TODAY"
