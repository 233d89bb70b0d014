#!/bin/sh
# The service load measurement of docs/benchmarks.md: 200 simulated agents
# take and complete contacts for 60 s over loopback against `vigie serve`
# built in Release, and the p99 of "next contact" and "submit" must stay
# under 50 ms. Each agent spends CALL_MS (MIN-MAX, default 1000-3000) on a
# call before submitting it; 0-0 makes agents submit at once, which
# saturates the machine. Build first: make bench (the Release tree in
# build-bench).
#
# usage: bench/service_load.sh [BUILD_DIR] [AGENTS] [SECONDS] [CALL_MS]
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build-bench}
agents=${2:-200}
seconds=${3:-60}
call_ms=${4:-1000-3000}
exec "$repo/tests/load/run_load.sh" "$build/bin/vigie" "$build/bin/vigie_load_agents" \
  "$agents" "$seconds" 50 "$call_ms"
