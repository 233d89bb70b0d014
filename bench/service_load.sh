#!/bin/sh
# The service load measurement of docs/benchmarks.md: 200 simulated agents
# take and complete contacts for 60 s over loopback against `vigie serve`
# built in Release, and the p99 of "next contact" and "submit" must stay
# under 50 ms. Build first: make bench (the Release tree in build-bench).
#
# usage: bench/service_load.sh [BUILD_DIR] [AGENTS] [SECONDS]
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build-bench}
agents=${2:-200}
seconds=${3:-60}
exec "$repo/tests/load/run_load.sh" "$build/bin/vigie" "$build/bin/vigie_load_agents" \
  "$agents" "$seconds" 50
