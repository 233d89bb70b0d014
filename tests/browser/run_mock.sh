#!/bin/sh
# Runs e2e.mjs, the end-to-end test of the web console, against the mock
# service (mock/server.mjs) instead of `vigie serve`: the fast check of the
# console alone. Usage: run_mock.sh [SCREENSHOT_DIR]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vigie-mock.XXXXXX")
mock_pid=""

cleanup() {
  if [ -n "$mock_pid" ]; then kill "$mock_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

if [ ! -d "$here/node_modules/playwright-core" ]; then
  echo "error: playwright-core is not installed in $here/node_modules; run 'make deps' or 'npm ci' in $here" >&2
  exit 1
fi

node "$here/mock/server.mjs" --port-file "$work/port" >"$work/mock.log" 2>&1 &
mock_pid=$!
for _ in $(seq 1 50); do
  [ -s "$work/port" ] && break
  sleep 0.1
done
if [ ! -s "$work/port" ]; then
  echo "error: the mock service did not start:" >&2
  cat "$work/mock.log" >&2
  exit 1
fi
base="http://127.0.0.1:$(cat "$work/port")"

node "$here/raise_alert.mjs" "$base" superviseur superviseur-pw canicule 3

VIGIE_URL="$base" VIGIE_SCREENSHOTS="${1:-${TMPDIR:-/tmp}/vigie-browser-screenshots}" \
VIGIE_AGENT_USER=agent1 VIGIE_AGENT_PASSWORD=agent1-pw \
VIGIE_TEAM_USER=equipe_social VIGIE_TEAM_PASSWORD=social-pw \
VIGIE_SUPERVISOR_USER=superviseur VIGIE_SUPERVISOR_PASSWORD=superviseur-pw \
  node --test-reporter=spec "$here/e2e.mjs"
