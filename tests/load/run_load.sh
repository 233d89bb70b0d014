#!/bin/sh
# Starts `vigie serve` with AGENTS agent users on the heatwave campaign and
# the 10,500-person sample register, raises the heatwave alert and runs
# the load generator for SECONDS seconds against it over loopback. Stops
# the service with SIGTERM and requires a clean exit.
#
# CALL_MS is MIN-MAX, the time each agent spends on a call before
# submitting it (default 0-0: agents submit at once, a saturation test).
#
# usage: run_load.sh VIGIE LOAD_AGENTS AGENTS SECONDS [P99_LIMIT_MS] [CALL_MS]
set -eu

vigie=$1
load=$2
agents=$3
seconds=$4
p99_limit=${5:-0}
call_ms=${6:-0-0}
call_min=${call_ms%-*}
call_max=${call_ms#*-}
repo=$(cd "$(dirname "$0")/../.." && pwd)

work=$(mktemp -d)
server=
cleanup() {
  if [ -n "$server" ] && kill -0 "$server" 2>/dev/null; then kill -KILL "$server"; fi
  rm -rf "$work"
}
trap cleanup EXIT

# One Argon2id hash serves every load user: each login still verifies it.
hash=$(printf 'load-password\n' | "$vigie" passwd)
supervisor_hash=$(printf 'supervisor-password\n' | "$vigie" passwd)

config=$work/serve.yaml
cat >"$config" <<YAML
sources:
  reflex:
    plugin: csv
    path: $repo/examples/rosters/paris_10500.csv
dialer:
  plugin: agent_desk
  hold_timeout: 2m
notifiers:
  cellule_urgence: {plugin: csv_file}
  casvp: {plugin: csv_file}
  equipe_visites: {plugin: csv_file}
service:
  listen: 127.0.0.1
  port: 0
  data: $work/data
  # A weekday at 10:00 in Paris, so that calling hours are open whatever
  # the real time of the run.
  clock: {start: "2019-06-24T10:00", speed: 1}
  campaigns:
    - file: $repo/campaigns/canicule.vigie
  users:
    - {name: superviseur, roles: [supervisor], password: "$supervisor_hash"}
YAML
i=1
while [ "$i" -le "$agents" ]; do
  printf '    - {name: load%03d, roles: [agent], password: "%s"}\n' "$i" "$hash" >>"$config"
  i=$((i + 1))
done

"$vigie" serve --config "$config" >"$work/serve.log" 2>&1 &
server=$!

# The service writes the port it bound to once it listens.
tries=0
while [ ! -s "$work/data/port" ]; do
  tries=$((tries + 1))
  if [ "$tries" -gt 300 ] || ! kill -0 "$server" 2>/dev/null; then
    echo "run_load.sh: vigie serve did not start; its log:" >&2
    cat "$work/serve.log" >&2
    exit 1
  fi
  sleep 0.1
done
port=$(cat "$work/data/port")

status=0
"$load" --port "$port" --agents "$agents" --duration "$seconds" \
  --user-prefix load --password load-password \
  --supervisor superviseur --supervisor-password supervisor-password \
  --campaign canicule --raise-alert canicule:3 --p99-limit-ms "$p99_limit" \
  --call-min-ms "$call_min" --call-max-ms "$call_max" || status=$?

kill -TERM "$server"
serve_status=0
wait "$server" || serve_status=$?
server=
if [ "$serve_status" -ne 0 ]; then
  echo "run_load.sh: vigie serve exited with status $serve_status after SIGTERM; its log:" >&2
  tail -n 40 "$work/serve.log" >&2
  exit 1
fi
exit "$status"
