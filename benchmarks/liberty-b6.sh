#!/usr/bin/env bash
# B6: Echo's injected ManagedExecutorService vs Liberty's java:comp/DefaultManagedExecutorService,
# in Open Liberty, through the showcase's /api/bench endpoints. Starts the server, drives it,
# stops it, and appends the figures to benchmarks/RESULTS-B6.md.
# Usage (from the repository root): bash benchmarks/liberty-b6.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests
mvn -B -q -f it-tests package -DskipTests
mvn -B -q -f it-tests liberty:create liberty:deploy liberty:start
trap 'mvn -B -q -f it-tests liberty:stop' EXIT
base=http://127.0.0.1:9080/echo-showcase/api/bench
# the bench endpoints require role "bench": the demo user alice (liberty-config/bootstrap.properties)
pw=$(sed -n 's/^echo.demo.alice.password=//p' liberty-config/bootstrap.properties)
# POST with the dashboard's header (the showcase refuses operations without it)
curl() { command curl -u "alice:$pw" -X POST -H 'X-Echo-Dashboard: 1' "$@"; }
for i in $(seq 1 60); do curl -sf "$base/throughput?executor=echo&tasks=10" >/dev/null && break; sleep 1; done
out=benchmarks/RESULTS-B6.md
{
  echo "# B6 in Liberty ($(date -u)), $(nproc) processors"
  echo
  echo "| measure | Echo | Liberty default executor |"
  echo "|---|---|---|"
  for round in warmup measure; do
    e=$(curl -sf "$base/throughput?executor=echo&tasks=200000")
    l=$(curl -sf "$base/throughput?executor=liberty&tasks=200000")
  done
  echo "| tasks/s (200k tiny tasks, one submitter) | $(echo "$e" | sed 's/.*"tasksPerSecond":\([0-9.]*\).*/\1/') | $(echo "$l" | sed 's/.*"tasksPerSecond":\([0-9.]*\).*/\1/') |"
  e=$(curl -sf "$base/latency?executor=echo&seconds=10&backlog=200")
  l=$(curl -sf "$base/latency?executor=liberty&seconds=10&backlog=200")
  for k in p50Micros p99Micros p999Micros maxMicros; do
    echo "| HIGH $k under 200 x 1 ms LOW backlog | $(echo "$e" | sed "s/.*\"$k\":\([0-9.]*\).*/\1/") | $(echo "$l" | sed "s/.*\"$k\":\([0-9.]*\).*/\1/") |"
  done
} > "$out"
cat "$out"
