#!/bin/sh
# Runs e2e.mjs, the end-to-end test of the web console, against a real
# `vigie serve`. The service gets a temporary data folder, the campaign and
# register of tests/browser/data and the agent_desk dialer. Its demo clock
# starts on Monday 24 June 2019 at 10:00 (Paris). Its three users get
# password hashes that `vigie passwd` makes here. The server is then
# stopped with SIGTERM and must exit with 0.
# Usage: run_e2e.sh PATH/TO/vigie [SCREENSHOT_DIR]
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 PATH/TO/vigie [SCREENSHOT_DIR]" >&2
  exit 2
fi
vigie=$1
screenshots=${2:-${TMPDIR:-/tmp}/vigie-browser-screenshots}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vigie-e2e.XXXXXX")
server_pid=""

cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

fail() {
  echo "error: $*" >&2
  if [ -f "$work/serve.log" ]; then
    echo "--- vigie serve log (last 40 lines) ---" >&2
    tail -n 40 "$work/serve.log" >&2
  fi
  exit 1
}

[ -x "$vigie" ] || fail "$vigie is not an executable; build it with 'cmake --build BUILD --target vigie'"
[ -d "$here/node_modules/playwright-core" ] ||
  fail "playwright-core is not installed in $here/node_modules; run 'make deps' or 'npm ci' in $here"

# The hashes are made now, so no password hash is kept in the repository.
hash_of() {
  printf '%s\n' "$1" | "$vigie" passwd 2>"$work/passwd.log" | tail -n 1
}
agent_hash=$(hash_of agent1-pw) || fail "vigie passwd failed: $(cat "$work/passwd.log")"
team_hash=$(hash_of social-pw) || fail "vigie passwd failed: $(cat "$work/passwd.log")"
supervisor_hash=$(hash_of superviseur-pw) || fail "vigie passwd failed: $(cat "$work/passwd.log")"
case "$agent_hash" in
  '$argon2id$'*) ;;
  *) fail "vigie passwd printed '$agent_hash', not an Argon2id hash: $(cat "$work/passwd.log")" ;;
esac

cp "$here/data/essai_console.vigie" "$here/data/registre.csv" "$work/"
mkdir -p "$work/data"
cat >"$work/serve.yaml" <<YAML
dialer: {plugin: agent_desk, hold_timeout: 2m}
sources:
  registre: {plugin: csv, path: registre.csv}
notifiers:
  cellule_urgence: {plugin: csv_file, path: cellule_urgence.csv}
  suivi_social: {plugin: csv_file, path: suivi_social.csv}
service:
  listen: 127.0.0.1
  port: 0
  data: data
  shutdown_grace: 2s
  clock: {start: "2019-06-24T10:00", speed: 1}
  campaigns:
    - file: essai_console.vigie
      roster: registre.csv
  users:
    - {name: agent1, roles: [agent], password: "$agent_hash"}
    - {name: equipe_social, roles: ["team:social"], password: "$team_hash"}
    - {name: superviseur, roles: [supervisor], password: "$supervisor_hash"}
YAML

"$vigie" serve --config "$work/serve.yaml" >"$work/serve.log" 2>&1 &
server_pid=$!

# The service writes the port it bound to <data>/port once it listens.
for _ in $(seq 1 300); do
  [ -s "$work/data/port" ] && break
  kill -0 "$server_pid" 2>/dev/null || fail "vigie serve exited before listening"
  sleep 0.1
done
[ -s "$work/data/port" ] || fail "vigie serve did not write $work/data/port within 30 s"
base="http://127.0.0.1:$(cat "$work/data/port")"

node "$here/raise_alert.mjs" "$base" superviseur superviseur-pw canicule 3 ||
  fail "could not raise the alert through the API"

status=0
VIGIE_URL="$base" VIGIE_SCREENSHOTS="$screenshots" \
VIGIE_AGENT_USER=agent1 VIGIE_AGENT_PASSWORD=agent1-pw \
VIGIE_TEAM_USER=equipe_social VIGIE_TEAM_PASSWORD=social-pw \
VIGIE_SUPERVISOR_USER=superviseur VIGIE_SUPERVISOR_PASSWORD=superviseur-pw \
  node --test-reporter=spec "$here/e2e.mjs" || status=$?

kill -TERM "$server_pid"
server_status=0
wait "$server_pid" || server_status=$?
server_pid=""
[ "$server_status" -eq 0 ] || fail "vigie serve exited with $server_status after SIGTERM (expected 0)"
[ "$status" -eq 0 ] || fail "the browser test failed (screenshots in $screenshots)"
echo "vigie serve stopped cleanly after the browser test"
