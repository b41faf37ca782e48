#!/usr/bin/env bash
# Action throughput end to end in Open Liberty (issue 12): actions accepted by the application and
# run to SUCCEEDED, per second, with the in-memory queue (one server), and over the embedded
# messaging engine on one server and on two (B a remote client of A's engine), measured in this
# one run. Drives the showcase WAR (POST api/bench/actions, as alice of the bench role, submits through EchoActions.accept,
# spread over the servers that are up, as a load balancer would (SPREAD=0: all to A); GET api/bench/actions counts each server's runs), selecting the queue with the ECHO_ACTIONS_QUEUE environment
# variable (MicroProfile Config: it overrides the WAR's echo.actions.queue=jms).
# Then, on a machine of 2 processors or more, a pinned mode that emulates separate machines (issue 32):
# one server alone on core 0, then A on core 0 and B on core 1 (taskset), compared with each other.
# Writes benchmarks/RESULTS-ACTIONS.md. Usage (from the repository root): bash benchmarks/liberty-actions.sh
# Options (environment): MODES="memory jms1single jms1 jms2 pinned" (a subset to run), ROUNDS, N, WARMUP (at least this many actions
# run before the rounds, 40000; see warm_up), WARMUP_MAX (80000), BUNDLE (echo.actions.jms.bundle of jms1, jms2, pinned: 16), OUT=<file> (instead
# of RESULTS-ACTIONS.md), SPREAD=0 (every request to A; by default they are spread over the servers that are up, see submit), JFR_DIR=<dir> (a JFR recording with profile settings of each server, written at its stop).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q install -DskipTests
mvn -B -q -f it-tests package -DskipTests
mvn -B -q -f it-tests liberty:create   # installs the runtime into it-tests/target/liberty
wlp=it-tests/target/liberty/wlp
war=it-tests/target/echo-showcase.war
pw_a=$(sed -n 's/^echo.demo.alice.password=//p' liberty-config/bootstrap.properties)
pw_b=$(sed -n 's/^echo.demo.bob.password=//p' liberty-config/bootstrap.properties)
key=$(head -c 32 /dev/urandom | base64)
jms_pw=$(head -c 18 /dev/urandom | base64)
PORT_A=9097; PORT_B=9098; JMS=17277
ROUNDS=${ROUNDS:-3}; N=${N:-2000}; WARMUP=${WARMUP:-40000}; WARMUP_MAX=${WARMUP_MAX:-80000}; BUNDLE=${BUNDLE:-16}

make_server() { # name, xml (relative to liberty-config), queue, http port, extra bootstrap lines
  local name=$1 xml=$2 queue=$3 port=$4 extra=$5 dir=$wlp/usr/servers/$1
  "$wlp/bin/server" stop "$name" >/dev/null 2>&1 || true
  rm -rf "$dir"
  "$wlp/bin/server" create "$name" >/dev/null
  cp "liberty-config/$xml" "$dir/server.xml"
  cp liberty-config/echo-base.xml "$dir/echo-base.xml"
  # the demo users, signing key and servers' messaging login (every message is signed and the engine
  # admits only the servers' user: both servers need the same key and password)
  if [ -f liberty-config/demo.xml ]; then cp liberty-config/demo.xml "$dir/demo.xml"; fi
  printf 'http.port=%s\necho.demo.alice.password=%s\necho.demo.bob.password=%s\necho.demo.signing-key=%s\necho.demo.jms.password=%s\n%b' \
    "$port" "$pw_a" "$pw_b" "$key" "$jms_pw" "$extra" > "$dir/bootstrap.properties"
  # kept-runs, max-live: every action of a run kept and admitted (the progress count no longer reads the kept runs)
  # bundles (echo.actions.jms.bundle): SERVER_BUNDLE for this server, else BUNDLE; the window 8 bundles
  # (eight messages in progress, as the default window of 8 with one action per message)
  printf 'ECHO_ACTIONS_QUEUE=%s\nECHO_ACTIONS_KEPT_RUNS=100000\nECHO_ACTIONS_MAX_LIVE_PER_CALLER=100000\nECHO_ACTIONS_MAX_LIVE=100000\nECHO_ACTIONS_JMS_BUNDLE=%s\nECHO_ACTIONS_JMS_WINDOW=%s\n' "$queue" "${SERVER_BUNDLE:-$BUNDLE}" "$(( 8 * ${SERVER_BUNDLE:-$BUNDLE} ))" > "$dir/server.env"
  mkdir -p "$dir/dropins" && cp "$war" "$dir/dropins/echo-showcase.war"
  # JFR_DIR=<dir>: a Flight Recording (profile settings) of each server, written when it stops
  if [ -n "${JFR_DIR:-}" ]; then mkdir -p "$JFR_DIR"; echo "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=$(cd "$JFR_DIR" && pwd)/$name-$queue.jfr" > "$dir/jvm.options"; fi
  # PIN=<cpu list>: the server's JVM (a child of the launcher) inherits the affinity, and sees that many processors
  if [ -n "${PIN:-}" ]; then taskset -c "$PIN" "$wlp/bin/server" start "$name" >/dev/null; else "$wlp/bin/server" start "$name" >/dev/null; fi
  for i in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/echo-showcase/api/lab" >/dev/null && UP="$UP $port" && return 0; sleep 1; done
  echo "server $name did not come up" >&2; exit 1
}
# FFDC incidents the servers logged (Liberty's first-failure data capture): a durable run that logs
# one is suspect whatever its rate (issue 32: CWSIC2059E incidents were the trace of lost actions)
ffdc_seen=""
note_ffdc() { local s f; for s in echo-bench-a echo-bench-b; do
    for f in "$wlp/usr/servers/$s/logs/ffdc"/ffdc_*.log; do [ -f "$f" ] || continue
      ffdc_seen+="$s ($1): $(sed -n 's/^Exception = //p' "$f" | head -1) at $(sed -n 's/^Source = //p' "$f" | head -1): $(grep -m1 -o 'CWS[A-Z]*[0-9]*E: .\{0,160\}' "$f" | head -1 || true)"$'\n'
    done; done; }
stop_all() { for s in echo-bench-b echo-bench-a; do "$wlp/bin/server" stop "$s" >/dev/null 2>&1 || true; done; UP=""; }
UP="" # the HTTP ports of the servers running now (make_server adds one)
trap 'stop_all; rm -f "${LAGS:-}"' EXIT

# showcase actions run to SUCCEEDED so far, summed over the servers of the mode (GET api/bench/actions: each
# server's in-process count of the runs it ran). Not the lab's status (GET api/lab): that renders the
# whole dashboard and walks every kept run under the run board's lock, which every durable thread takes,
# so a poll every 50 ms cost the measured path more the more runs the warm-up had left behind.
succeeded() { local p s=0 n; for p in $UP; do
    n=$(curl -sf -u "alice:$pw_a" "http://127.0.0.1:$p/echo-showcase/api/bench/actions" | grep -o '"succeeded":[0-9]*' | cut -d: -f2)
    s=$(( s + ${n:-0} )); done; echo "$s"; }
# submits $1 actions of 0 ms from 8 concurrent requests (the application's accept, a persistent send each with jms),
# through the bench role's endpoint (the lab's own, for anonymous visitors, holds at most 200 actions in progress);
# with two servers up the requests alternate between them, as a load balancer in front of a cluster would spread
# them (the default since issue 32's fourth session; SPREAD=0 sends all to A, as RESULTS-ACTIONS.md was measured
# before). Spreading found B's accepts failing and then lost, fixed in ActionSender: docs/benchmarks.md)
submit() { local per=$(( $1 / 8 )) ports=($UP) urls=() i
  # a refused request (curl -f) is reported: the round would otherwise wait for actions never accepted
  if [ "${SPREAD:-1}" != 1 ]; then ports=($PORT_A); fi
  for i in $(seq 0 7); do urls+=("http://127.0.0.1:${ports[$(( i % ${#ports[@]} ))]}/echo-showcase/api/bench/actions?count=$per&millis=0"); done
  printf '%s\n' "${urls[@]}" | xargs -P 8 -I{} curl -sS -f -u "alice:$pw_a" -X POST -H 'X-Echo-Dashboard: 1' {} >/dev/null \
    || echo "a submission was refused (above): the round waits for actions that were not accepted" >&2; }
# one round: actions per second from the first submission to the last SUCCEEDED
round() {
  local before; before=$(succeeded); local t0; t0=$(date +%s.%N)
  submit "$N"
  local deadline=$(( $(date +%s) + 300 ))
  while [ "$(succeeded)" -lt $(( before + N )) ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "round did not finish within 300 s: $(succeeded) succeeded of the $(( before + N )) awaited" >&2; kill -TERM $$; exit 1; }
    sleep 0.05
  done
  local rate; rate=$(awk "BEGIN {printf \"%.0f\", $N / ($(date +%s.%N) - $t0)}")
  note_lag
  echo "$rate"
}
# each server's news lag at a round's end (echo_action_news_lag_seconds: how late the last run state heard
# on the topic came), into $LAGS: a server's board falling behind the others shows here
LAGS=$(mktemp)
note_lag() { local p v; for p in $UP; do
    v=$(curl -sf "http://127.0.0.1:$p/metrics?scope=application" | sed -n 's/^echo_action_news_lag_seconds{[^}]*} //p' | head -1)
    [ -n "$v" ] && echo "$v" >> "$LAGS"; done; true; }
# Warm-up, every mode alike: rounds of N, each run to its end like a measured one, until at least WARMUP
# actions have run and the last round's rate is within 10 % of the one before (at most WARMUP_MAX actions).
# The JIT compiles the messaging engine's paths for tens of thousands of actions (issue 32, third session:
# C2 and C1 took 40-46 % of the CPU during the rounds after a warm-up of 4000), and a warm-up that only
# submitted left its backlog running into the first round. Prints the warm-up rounds' rates.
warm_up() {
  local done_=0 prev=0 r rates=()
  while :; do
    r=$(round); rates+=("$r"); done_=$(( done_ + N ))
    if [ "$done_" -ge "$WARMUP" ] && [ "$prev" -gt 0 ] && awk "BEGIN {d = $r / $prev - 1; exit !(d < 0.1 && d > -0.1)}"; then break; fi
    [ "$done_" -lt "$WARMUP_MAX" ] || break
    prev=$r
  done
  echo "${rates[*]}"
}
measure() { # label; prints "label|median|rounds|warm-up rounds|largest news lag at a measured round's end"
  local w; w=$(warm_up)
  : > "$LAGS"
  local r=(); for i in $(seq 1 "$ROUNDS"); do r+=("$(round)"); done
  local med; med=$(printf '%s\n' "${r[@]}" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
  local lag; lag=$(sort -g "$LAGS" | tail -1)
  echo "$1|$med|${r[*]}|$w|${lag:--}"
}

# MODES: which measurements to make (default all): memory, jms1single (one message per action), jms1, jms2, pinned
# (jms1, jms2 and pinned with bundles of BUNDLE, default 16)
MODES=${MODES:-memory jms1single jms1 jms2 pinned}
want() { [[ " $MODES " == *" $1 "* ]]; }
results=()
if want memory; then
make_server echo-bench-a server.xml memory $PORT_A "echo.jms.port=$JMS\necho.jms.max-deliveries=5\necho.jms.max-depth=50000\n"
results+=("$(measure 'in-memory queue, one server')")
note_ffdc memory; stop_all
fi
if want jms1single; then
SERVER_BUNDLE=1 make_server echo-bench-a server.xml jms $PORT_A "echo.jms.port=$JMS\necho.jms.max-deliveries=5\necho.jms.max-depth=50000\n"
results+=("$(measure 'embedded messaging engine, one server, one message per action (bundle 1, the default)')")
note_ffdc jms1single; stop_all
fi
if want jms1 || want jms2; then
make_server echo-bench-a server.xml jms $PORT_A "echo.jms.port=$JMS\necho.jms.max-deliveries=5\necho.jms.max-depth=50000\n"
if want jms1; then results+=("$(measure "embedded messaging engine, one server, bundles of $BUNDLE")"); fi
if want jms2; then
make_server echo-bench-b remote/server.xml jms $PORT_B "echo.jms.remote=127.0.0.1:$JMS\n"
results+=("$(measure "embedded messaging engine, two servers (B a remote client), bundles of $BUNDLE")")
fi
note_ffdc "jms1/jms2"; stop_all
fi
# pinned: separate machines emulated on this box, each server on a core of its own (taskset);
# the load (curl) is not pinned
if want pinned && [ "$(nproc)" -ge 2 ]; then
  PIN=0 make_server echo-bench-a server.xml jms $PORT_A "echo.jms.port=$JMS\necho.jms.max-deliveries=5\necho.jms.max-depth=50000\n"
  results+=("$(measure "pinned: embedded messaging engine, one server on core 0, bundles of $BUNDLE")")
  PIN=1 make_server echo-bench-b remote/server.xml jms $PORT_B "echo.jms.remote=127.0.0.1:$JMS\n"
  results+=("$(measure "pinned: two servers, A on core 0, B (remote client) on core 1, bundles of $BUNDLE")")
  note_ffdc pinned; stop_all
fi

mem=$(printf '%s\n' "${results[@]}" | grep '^in-memory' | cut -d'|' -f2 || true)
mem=${mem:-0}
out=${OUT:-benchmarks/RESULTS-ACTIONS.md}
{
  echo "# Action throughput in Liberty ($(date -u)), $(nproc) processors"
  echo
  echo "Actions submitted by the application (showcase, 8 concurrent requests, actions of 0 ms) and run to SUCCEEDED,"
  echo "$N per round, $ROUNDS rounds after a warm-up of rounds of $N until at least $WARMUP actions have run and the rate of a"
  echo "round is within 10 % of the one before (at most $WARMUP_MAX); median actions/s with each round in brackets, the warm-up"
  echo "rounds' rates after them. Progress is counted by each server's in-process count (GET api/bench/actions). Same machine, same run."
  echo "News lag: the largest echo_action_news_lag_seconds of any server at the end of a measured round (how late the last run state heard on the topic came; for one server it is the age of its own start-up sync and says nothing)."
  echo
  echo "Processor: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')."
  echo
  pinned_one=$(printf '%s\n' "${results[@]}" | grep '^pinned: embedded' | cut -d'|' -f2 || true)
  echo "| queue | actions/s | vs in-memory | vs one pinned server | warm-up rounds | news lag, s |"
  echo "|---|---|---|---|---|---|"
  for r in "${results[@]}"; do
    IFS='|' read -r label med rounds warm lag <<< "$r"
    vs_pinned=-
    if [[ $label == pinned:* && -n $pinned_one ]]; then vs_pinned=$(awk "BEGIN {printf \"%.2f\", $med / $pinned_one}")x; fi
    vs_mem=-; if [ "$mem" != 0 ]; then vs_mem=$(awk "BEGIN {printf \"%.2f\", $med / $mem}")x; fi
    echo "| $label | $med ($rounds) | $vs_mem | $vs_pinned | $warm | $lag |"
  done
  echo
  if [ -n "$ffdc_seen" ]; then echo "FFDC incidents the servers logged during the runs:"; echo; printf '%s' "$ffdc_seen" | sed 's/^/- /'
  else echo "No FFDC incident was logged by any server during the runs."; fi
} > "$out"
cat "$out"
