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
num() { sed "s/.*\"$1\":\([0-9.]*\).*/\1/"; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
ratio() { awk "BEGIN {printf \"%.2f\", $1 / $2}"; }
whole() { awk "BEGIN {printf \"%.0f\", $1}"; } # tasks/s: the ratios are computed from the exact figures
# One warm-up round each, then interleaved rounds: a single round on this shared VM ranged from
# 0.8x to 1.4x, so the report is the median of the per-round ratios, each round listed.
curl -sf "$base/throughput?executor=echo&tasks=200000" >/dev/null
curl -sf "$base/throughput?executor=liberty&tasks=200000" >/dev/null
te=(); tl=(); tr=()
for round in 1 2 3 4 5; do
  e=$(curl -sf "$base/throughput?executor=echo&tasks=200000" | num tasksPerSecond)
  l=$(curl -sf "$base/throughput?executor=liberty&tasks=200000" | num tasksPerSecond)
  te+=("$(whole "$e")"); tl+=("$(whole "$l")"); tr+=("$(ratio "$e" "$l")")
done
pe=(); pl=(); pr=()
for round in 1 2 3; do
  e=$(curl -sf "$base/latency?executor=echo&seconds=10&backlog=200")
  l=$(curl -sf "$base/latency?executor=liberty&seconds=10&backlog=200")
  e99=$(echo "$e" | num p99Micros); l99=$(echo "$l" | num p99Micros)
  pe+=("$e99"); pl+=("$l99"); pr+=("$(ratio "$l99" "$e99")")
  if [ "$round" = 3 ]; then last_e=$e; last_l=$l; fi
done
{
  echo "# B6 in Liberty ($(date -u)), $(nproc) processors"
  echo
  echo "Interleaved rounds (Echo, then Liberty's default executor, in each); medians, with each round in brackets."
  echo
  echo "| measure | Echo | Liberty default executor | Echo's advantage |"
  echo "|---|---|---|---|"
  echo "| tasks/s, 200k tiny tasks from one submitter (5 rounds) | $(median "${te[@]}") (${te[*]}) | $(median "${tl[@]}") (${tl[*]}) | **$(median "${tr[@]}")x** throughput (${tr[*]}) |"
  echo "| HIGH p99 µs under a 200 x 1 ms LOW backlog (3 rounds of 10 s) | $(median "${pe[@]}") (${pe[*]}) | $(median "${pl[@]}") (${pl[*]}) | **$(median "${pr[@]}")x** lower (${pr[*]}) |"
  for k in p50Micros p999Micros maxMicros; do
    echo "| HIGH $k, last round | $(echo "$last_e" | num $k) | $(echo "$last_l" | num $k) | |"
  done
} > "$out"
cat "$out"
