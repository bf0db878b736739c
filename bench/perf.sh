#!/usr/bin/env bash
# The benchmark suite: jlibp2p beside js-libp2p and iperf3, on the machine it runs on.
#
#   bench/perf.sh [--size BYTES] [--runs N] [--warmups N] [--iterations N] [--jdks "17 25"] [--only "SECTIONS"]
#                 [--stacks "STACKS"] [--transport tcp|ws]
#
# Sections, all by default, in this order:
#   reference   iperf3 over loopback, up and down: the physical bound (installs iperf3 if missing)
#   throughput  /perf/1.0.0 upload and download of --size bytes (default 1 GiB), --runs times each
#               (default 3) after --warmups unmeasured ones (default 2), in one client process per
#               direction, each run on a new connection; median: jlibp2p to jlibp2p, js to js, jlibp2p to js, for
#               plaintext, noise and tls each with mplex and yamux; secio+mplex against legacy js 0.29
#               (--stacks "noise+yamux tls+yamux" measures only those; secio+mplex is the legacy rows)
#               --transport ws runs throughput, latency and rtt over WebSocket (/ws) instead of TCP,
#               without the legacy rows (js-libp2p 0.29 has no WebSocket here)
#   latency     a new connection plus a 1-byte round trip (perf with 1 byte each way), --iterations
#               times in one client process (default 100), median, over loopback
#   rtt         the same across a link with a 10 ms delay each way between two network namespaces
#               (bench/delay-link.py; needs root), as a multiple of the round-trip time: jlibp2p
#               to jlibp2p, js to js, and jlibp2p to js (whose listener gets a stream's end a round
#               trip later)
#   warmstart   a fresh `./jlibp2p` client and server, as a user starts them, without and with the
#               launcher's start-up cache (`./jlibp2p --make-cache`): the process time and median
#               of its first 100 connections, and its first 256 MiB up and down, beside the same
#               process warm (connections 901-1,000; the 10th 256 MiB); noise+yamux, median of 3
#   memory      heap per idle connection (10,000 connections, the dialer limited to 256 MiB of heap)
#               and per idle stream (100,000 streams over 100 connections), noise+yamux
#
# Every jlibp2p figure is taken once per JDK in --jdks: 17 is `java` on the PATH, 25 is Temurin 25
# from /usr/lib/jvm when present; 17-jdkcipher is JDK 17 with noise on the JDK's ChaCha20-Poly1305
# instead of the jar's Conscrypt one. Results go to stdout as Markdown tables, and with the raw records
# to bench/out/. Nothing here asserts a figure: docs/benchmarks.md records and discusses them.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZE=$((1024 * 1024 * 1024))
RUNS=3
WARMUPS=2
ITERATIONS=100
SECTIONS="reference throughput latency rtt warmstart memory"
STACKS="plaintext+mplex plaintext+yamux noise+mplex noise+yamux tls+mplex tls+yamux secio+mplex"
JDKS=""
TRANSPORT=tcp
while [[ $# -gt 0 ]]; do
  case "$1" in
    --size) SIZE=$2; shift 2 ;;
    --runs) RUNS=$2; shift 2 ;;
    --warmups) WARMUPS=$2; shift 2 ;;
    --iterations) ITERATIONS=$2; shift 2 ;;
    --jdks) JDKS=$2; shift 2 ;;
    --only) SECTIONS=$2; shift 2 ;;
    --stacks) STACKS=$2; shift 2 ;;
    --transport) TRANSPORT=$2; shift 2 ;;
    -h|--help) sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

case "$TRANSPORT" in
  tcp) SUFFIX="" ;;
  ws) SUFFIX="/ws" ;;
  *) echo "--transport: tcp or ws, not $TRANSPORT" >&2; exit 2 ;;
esac

JAR="$ROOT/libp2p-examples/target/jlibp2p.jar"
JS="$ROOT/interop/js/peer.mjs"
LEGACY="$ROOT/interop/js-legacy/peer.js"
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RAW="$OUT/raw-$STAMP.log"
REPORT="$OUT/report-$STAMP.md"
WORK=$(mktemp -d)
PIDS=()

cleanup() {
  for pid in "${PIDS[@]:-}"; do [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true; done
  ip netns del jlbench-a 2>/dev/null || true
  ip netns del jlbench-b 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
report() { echo "$*" | tee -a "$REPORT"; }

# ---- prerequisites ------------------------------------------------------------------------------

# java_for JDK: the java command for a --jdks entry, 17 or 25, optionally with -jdkcipher (17-jdkcipher):
# noise then runs on the JDK's own ChaCha20-Poly1305 rather than the jar's Conscrypt one.
java_for() {
  local java
  case "${1%-jdkcipher}" in
    17) java=java ;;
    25) java=$(ls -d /usr/lib/jvm/temurin-25*/bin/java 2>/dev/null | head -1) ;;
    *) echo "unknown JDK $1" >&2; return 1 ;;
  esac
  [[ -n "$java" ]] || return 0
  if [[ $1 == *-jdkcipher ]]; then echo "$java -Dio.jlibp2p.crypto.chachapoly=jdk"; else echo "$java"; fi
}
if [[ -z "$JDKS" ]]; then
  JDKS=17
  [[ -n "$(java_for 25)" ]] && JDKS="17 25"
fi
for jdk in $JDKS; do
  [[ -n "$(java_for "$jdk")" ]] || { echo "no java for --jdks entry $jdk (17, 25 or 17-jdkcipher; 25 needs /usr/lib/jvm/temurin-25*)" >&2; exit 2; }
done
if [[ ! -f "$JAR" ]]; then
  log "building the jlibp2p jar"
  (cd "$ROOT" && ./mvnw -B -q -DskipTests install -pl libp2p-examples -am)
fi
for dir in interop/js interop/js-legacy; do
  if [[ ! -d "$ROOT/$dir/node_modules" ]]; then
    log "installing $dir from its lockfile"
    (cd "$ROOT/$dir" && npm ci --no-audit --no-fund --silent)
  fi
done
# 10,000 connections take 10,000 descriptors on each side.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# ---- helpers ------------------------------------------------------------------------------------

# median of the numbers on stdin
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "nan" } else if (NR % 2) { print v[(NR + 1) / 2] } else { print (v[NR / 2] + v[NR / 2 + 1]) / 2 } }'; }
# a field of every JSON line on stdin whose "type" is "final"
finals() { node -e '
  const field = process.argv[1]; let data = ""
  process.stdin.on("data", d => data += d).on("end", () => {
    for (const line of data.split("\n")) {
      try { const r = JSON.parse(line); if (r.type === "final") console.log(r[field]) } catch {}
    }
  })' "$1"; }
mibps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", b / s / 1048576 }'; }

# start_server IMPL SECURITY MUXER [NETNS IP]: sets SERVER_ADDR (multiaddr with /p2p/) and SERVER_PID.
# IMPL is jlibp2p-<jdk>, js or legacy.
start_server() {
  local impl=$1 sec=$2 mux=$3 ns=${4:-} ip=${5:-127.0.0.1} wrap=() first
  [[ -n "$ns" ]] && wrap=(ip netns exec "$ns")
  local out="$WORK/server-$RANDOM"
  case "$impl" in
    jlibp2p-*) "${wrap[@]}" $(java_for "${impl#jlibp2p-}") -jar "$JAR" listen --listen "/ip4/$ip/tcp/0$SUFFIX" \
                 --security "$sec" --muxer "$mux" >"$out" 2>>"$RAW" & ;;
    tool-*) tool_env "$impl"; "${wrap[@]}" env "${TOOL_ENV[@]}" "$ROOT/jlibp2p" listen --listen "/ip4/$ip/tcp/0$SUFFIX" \
              --security "$sec" --muxer "$mux" >"$out" 2>>"$RAW" & ;;
    js) "${wrap[@]}" node "$JS" listen --perf --ignore-stdin --conn-threshold 1000000 --listen "/ip4/$ip/tcp/0$SUFFIX" --security "$sec" --muxer "$mux" \
          --timeout 0 >"$out" 2>>"$RAW" & ;;
    legacy) "${wrap[@]}" node "$LEGACY" listen --ignore-stdin --listen "/ip4/$ip/tcp/0" --timeout 0 >"$out" 2>>"$RAW" & ;;
  esac
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  for _ in $(seq 1 300); do
    first=$(head -1 "$out" 2>/dev/null || true)
    [[ -n "$first" ]] && break
    sleep 0.1
  done
  case "$impl" in
    jlibp2p-*|tool-*) SERVER_ADDR=$first ;;
    *) SERVER_ADDR=$(echo "$first" | node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>{const a=JSON.parse(d).addrs;console.log(a.find(x=>x.includes("/tcp/")))})') ;;
  esac
  [[ -n "$SERVER_ADDR" ]] || { echo "the $impl server did not start; see $RAW" >&2; exit 1; }
}

stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }

# run_client IMPL SECURITY MUXER UP DOWN ITERATIONS [NETNS]: the client's JSON records on stdout.
run_client() {
  local impl=$1 sec=$2 mux=$3 up=$4 down=$5 n=$6 ns=${7:-} wrap=()
  [[ -n "$ns" ]] && wrap=(ip netns exec "$ns")
  local hostport
  hostport=$(echo "$SERVER_ADDR" | awk -F/ '{ print $3 ":" $5 }')
  case "$impl" in
    jlibp2p-*) "${wrap[@]}" $(java_for "${impl#jlibp2p-}") -jar "$JAR" perf --server-address "$hostport" --transport "$TRANSPORT" \
                 --security "$sec" --muxer "$mux" --upload-bytes "$up" --download-bytes "$down" --iterations "$n" --timeout 600 ;;
    tool-*) tool_env "$impl"; "${wrap[@]}" env "${TOOL_ENV[@]}" "$ROOT/jlibp2p" perf --server-address "$hostport" --transport "$TRANSPORT" \
              --security "$sec" --muxer "$mux" --upload-bytes "$up" --download-bytes "$down" --iterations "$n" --timeout 600 ;;
    js) "${wrap[@]}" node "$JS" dial "$SERVER_ADDR" perf --security "$sec" --muxer "$mux" \
          --upload-bytes "$up" --download-bytes "$down" --iterations "$n" --timeout 0 ;;
    legacy) "${wrap[@]}" node "$LEGACY" dial "$SERVER_ADDR" perf --upload-bytes "$up" --download-bytes "$down" \
              --iterations "$n" --timeout 0 ;;
  esac 2>>"$RAW" | tee -a "$RAW"
}

jlibp2ps() { for jdk in $JDKS; do echo "jlibp2p-$jdk"; done; }

# java_home_for JDK: the installation behind java_for's command
java_home_for() { local java; read -r java _ <<<"$(java_for "$1")"; dirname "$(dirname "$(readlink -f "$(command -v "$java")")")"; }
# tool_env tool-MODE-JDK: sets TOOL_ENV to the environment ./jlibp2p runs in for MODE (cold:
# without its start-up cache; cached: with it) on JDK; the caches are this run's own
tool_env() {
  local rest=${1#tool-}
  TOOL_ENV=("JAVA_HOME=$(java_home_for "${rest#*-}")" "JLIBP2P_CACHE_DIR=$WORK/cache")
  if [[ ${rest%%-*} == cold ]]; then TOOL_ENV+=("JLIBP2P_NO_CACHE=1"); fi
}

label() { case "$1" in jlibp2p-*-jdkcipher) local j=${1#jlibp2p-}; echo "jlibp2p (JDK ${j%-jdkcipher}, JDK cipher)" ;; jlibp2p-*) echo "jlibp2p (JDK ${1#jlibp2p-})" ;; js) echo "js-libp2p 3.3" ;; legacy) echo "js-libp2p 0.29" ;; esac; }

# ---- sections -----------------------------------------------------------------------------------

section_reference() {
  if ! command -v iperf3 >/dev/null; then
    log "installing iperf3 from Debian's packages"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q iperf3 >>"$RAW" 2>&1 \
      || { apt-get update -q >>"$RAW" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q iperf3 >>"$RAW" 2>&1; }
  fi
  iperf3 -s -p 5299 >>"$RAW" 2>&1 &
  PIDS+=($!)
  sleep 0.5
  local up=() down=()
  for _ in $(seq 1 "$RUNS"); do
    up+=("$(iperf3 -c 127.0.0.1 -p 5299 -n "$SIZE" -J | node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>console.log(JSON.parse(d).end.sum_received.bits_per_second))')")
    down+=("$(iperf3 -c 127.0.0.1 -p 5299 -n "$SIZE" -R -J | node -e 'let d="";process.stdin.on("data",c=>d+=c).on("end",()=>console.log(JSON.parse(d).end.sum_received.bits_per_second))')")
  done
  IPERF_UP=$(printf '%s\n' "${up[@]}" | median | awk '{ printf "%.0f", $1 / 8 / 1048576 }')
  IPERF_DOWN=$(printf '%s\n' "${down[@]}" | median | awk '{ printf "%.0f", $1 / 8 / 1048576 }')
  report ""
  report "### Reference: iperf3 over loopback, $SIZE bytes, median of $RUNS"
  report ""
  report "| | upload MiB/s | download MiB/s |"
  report "|---|---:|---:|"
  report "| iperf3 $(iperf3 --version | head -1 | awk '{ print $2 }') | $IPERF_UP | $IPERF_DOWN |"
}

# rows_for_stacks ROW STACK...: for each SECURITY+MUXER stack, ROW for jlibp2p to jlibp2p on every
# JDK, js to js, and jlibp2p to js on every JDK
rows_for_stacks() {
  local row=$1 stack j
  shift
  for stack in "$@"; do
    local sec=${stack%+*} mux=${stack#*+}
    for j in $(jlibp2ps); do "$row" "$j" "$j" "$sec" "$mux"; done
    "$row" js js "$sec" "$mux"
    for j in $(jlibp2ps); do "$row" "$j" js "$sec" "$mux"; done
  done
}

# throughput_row CLIENT SERVER SECURITY MUXER
throughput_row() {
  local client=$1 server=$2 sec=$3 mux=$4
  log "throughput: $client -> $server, $sec+$mux"
  start_server "$server" "$sec" "$mux"
  # One client process per direction runs the warm-up transfers and then the measured ones, each
  # on a new connection, against one server process: the JIT compilers (HotSpot's and V8's) of
  # both ends are warm, as in a long-running node. HotSpot needs 2-3 GiB of perf traffic on this
  # machine before its figures settle.
  local mu md
  mu=$(run_client "$client" "$sec" "$mux" "$SIZE" 0 $((RUNS + WARMUPS)) | finals timeSeconds | tail -n +$((WARMUPS + 1)) | median)
  md=$(run_client "$client" "$sec" "$mux" 0 "$SIZE" $((RUNS + WARMUPS)) | finals timeSeconds | tail -n +$((WARMUPS + 1)) | median)
  stop_server
  report "| $(label "$client") | $(label "$server") | $sec+$mux | $(mibps "$SIZE" "$mu") | $(mibps "$SIZE" "$md") |"
}

section_throughput() {
  report ""
  report "### Throughput: /perf/1.0.0 over $TRANSPORT, $SIZE bytes each way, median of $RUNS runs after $WARMUPS warm-up runs, loopback"
  report ""
  report "| client | server | stack | upload MiB/s | download MiB/s |"
  report "|---|---|---|---:|---:|"
  local modern=() stack
  for stack in $STACKS; do [[ $stack == secio+mplex ]] || modern+=("$stack"); done
  if [[ ${#modern[@]} -gt 0 ]]; then rows_for_stacks throughput_row "${modern[@]}"; fi
  if [[ " $STACKS " == *" secio+mplex "* && $TRANSPORT == tcp ]]; then
    for j in $(jlibp2ps); do throughput_row "$j" "$j" secio mplex; done
    throughput_row legacy legacy secio mplex
    for j in $(jlibp2ps); do throughput_row "$j" legacy secio mplex; done
  fi
}

# latency_row CLIENT SERVER SECURITY MUXER [CLIENT_NS SERVER_NS SERVER_IP RTT_MS]
latency_row() {
  local client=$1 server=$2 sec=$3 mux=$4 cns=${5:-} sns=${6:-} sip=${7:-127.0.0.1} rtt=${8:-}
  log "latency: $client -> $server, $sec+$mux ${rtt:+(rtt $rtt ms)}"
  start_server "$server" "$sec" "$mux" "$sns" "$sip"
  local med
  med=$(run_client "$client" "$sec" "$mux" 1 1 "$ITERATIONS" "$cns" | finals timeSeconds | median)
  stop_server
  local ms
  ms=$(awk -v s="$med" 'BEGIN { printf "%.2f", s * 1000 }')
  if [[ -n "$rtt" ]]; then
    report "| $(label "$client") | $(label "$server") | $sec+$mux | $ms | $(awk -v m="$ms" -v r="$rtt" 'BEGIN { printf "%.2f", m / r }') |"
  else
    report "| $(label "$client") | $(label "$server") | $sec+$mux | $ms |"
  fi
}

section_latency() {
  report ""
  report "### Latency: new connection over $TRANSPORT + 1-byte perf round trip, median of $ITERATIONS in one client process, loopback"
  report ""
  report "| client | server | stack | ms |"
  report "|---|---|---|---:|"
  rows_for_stacks latency_row noise+yamux tls+yamux plaintext+yamux
  if [[ $TRANSPORT == tcp ]]; then
    for j in $(jlibp2ps); do latency_row "$j" "$j" secio mplex; done
    latency_row legacy legacy secio mplex
  fi
}

section_rtt() {
  local delay=10 rtt=20
  ip netns add jlbench-a
  ip netns add jlbench-b
  python3 "$ROOT/bench/delay-link.py" --delay-ms "$delay" jlbench-a 10.77.0.1 jlbench-b 10.77.0.2 >"$WORK/link" 2>>"$RAW" &
  PIDS+=($!)
  for _ in $(seq 1 50); do grep -q ready "$WORK/link" && break; sleep 0.1; done
  grep -q ready "$WORK/link" || { echo "the delay link did not come up; see $RAW" >&2; exit 1; }
  report ""
  report "### Latency in round trips over $TRANSPORT: the same across a link delaying each packet $delay ms each way (RTT $rtt ms)"
  report ""
  report "| client | server | stack | ms | RTTs |"
  report "|---|---|---|---:|---:|"
  for stack in noise+yamux plaintext+yamux; do
    local sec=${stack%+*} mux=${stack#*+}
    for j in $(jlibp2ps); do latency_row "$j" "$j" "$sec" "$mux" jlbench-b jlbench-a 10.77.0.1 "$rtt"; done
    latency_row js js "$sec" "$mux" jlbench-b jlbench-a 10.77.0.1 "$rtt"
    # A js listener gets the stream's end only after its confirmation: a round trip more.
    for j in $(jlibp2ps); do latency_row "$j" js "$sec" "$mux" jlbench-b jlbench-a 10.77.0.1 "$rtt"; done
  done
}

# nth_final N FIELD: FIELD of the Nth final record on stdin
nth_final() { finals "$2" | sed -n "$1p"; }
# seconds since the epoch, to the nanosecond
now() { date +%s.%N; }

# figure VALUE WHAT: VALUE, or the run stops naming WHAT if it is empty (a run inside $(...) that
# failed only ends its subshell)
figure() { [[ -n "$1" && "$1" != nan ]] || { echo "warm start: no figure for $2; see $RAW" >&2; exit 1; }; echo "$1"; }

# warm_start_run IMPL UP DOWN N: one fresh server and one fresh client of IMPL, N iterations of UP
# and DOWN bytes; the client's records on stdout, its process time (launch to exit) in $WORK/wall
warm_start_run() {
  start_server "$1" noise yamux
  local begin
  begin=$(now)
  run_client "$1" noise yamux "$2" "$3" "$4"
  awk -v a="$begin" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }' >"$WORK/wall"
  stop_server
}

section_warmstart() {
  local mib256=$((256 * 1024 * 1024))
  report ""
  report "### A warm start: fresh \`./jlibp2p\` processes without and with the start-up cache, noise+yamux, loopback, median of 3"
  report ""
  report "| JDK | start | 100 connections: process s | first connection ms | median ms | first 256 MiB up MiB/s | down MiB/s |"
  report "|---|---|---:|---:|---:|---:|---:|"
  for jdk in $JDKS; do
    [[ $jdk == *-jdkcipher ]] && continue
    log "warm start: JDK $jdk, making the start-up cache"
    env JAVA_HOME="$(java_home_for "$jdk")" JLIBP2P_CACHE_DIR="$WORK/cache" "$ROOT/jlibp2p" --make-cache >>"$RAW" 2>&1
    local mode
    for mode in cold cached; do
      local impl=tool-$mode-$jdk walls=() firsts=() medians=() ups=() downs=() records
      for _ in 1 2 3; do
        log "warm start: JDK $jdk, $mode"
        records=$(warm_start_run "$impl" 1 1 100)
        walls+=("$(cat "$WORK/wall")")
        firsts+=("$(figure "$(echo "$records" | nth_final 1 timeSeconds)" "$impl connections")")
        medians+=("$(echo "$records" | finals timeSeconds | median)")
        ups+=("$(mibps "$mib256" "$(figure "$(warm_start_run "$impl" "$mib256" 0 1 | nth_final 1 timeSeconds)" "$impl upload")")")
        downs+=("$(mibps "$mib256" "$(figure "$(warm_start_run "$impl" 0 "$mib256" 1 | nth_final 1 timeSeconds)" "$impl download")")")
      done
      report "| $jdk | $mode | $(printf '%s\n' "${walls[@]}" | median | awk '{ printf "%.2f", $1 }') | $(printf '%s\n' "${firsts[@]}" | median | awk '{ printf "%.1f", $1 * 1000 }') | $(printf '%s\n' "${medians[@]}" | median | awk '{ printf "%.2f", $1 * 1000 }') | $(printf '%s\n' "${ups[@]}" | median) | $(printf '%s\n' "${downs[@]}" | median) |"
    done
    log "warm start: JDK $jdk, warm"
    local warm
    warm=$(warm_start_run "tool-cold-$jdk" 1 1 1000 | finals timeSeconds | sed -n '901,1000p' | median)
    report "| $jdk | warm | | | $(awk -v s="$warm" 'BEGIN { printf "%.2f", s * 1000 }') | $(mibps "$mib256" "$(warm_start_run "tool-cold-$jdk" "$mib256" 0 10 | nth_final 10 timeSeconds)") | $(mibps "$mib256" "$(warm_start_run "tool-cold-$jdk" 0 "$mib256" 10 | nth_final 10 timeSeconds)") |"
  done
}

section_memory() {
  report ""
  report "### Memory of idle connections and streams, noise+yamux (\`jlibp2p footprint\`)"
  report ""
  report "| JDK | case | dialer heap | listener heap | dialer live heap | listener live heap |"
  report "|---|---|---:|---:|---:|---:|"
  for jdk in $JDKS; do
    local java
    java=$(java_for "$jdk")  # words: the command and its options
    log "memory: JDK $jdk, 10,000 connections in -Xmx256m"
    local conns streams
    conns=$($java -Xmx256m -jar "$JAR" footprint --connections 10000 --security noise --muxer yamux --timeout 120 --json 2>>"$RAW" | tee -a "$RAW")
    report "| $jdk | 10,000 connections, -Xmx256m | $(echo "$conns" | footprint_field dialer heapBytesPerConnection) B/connection | $(echo "$conns" | footprint_field listener heapBytesPerConnection) B/connection | $(echo "$conns" | footprint_field dialer liveHeapBytes MiB) MiB | $(echo "$conns" | footprint_field listener liveHeapBytes MiB) MiB |"
    log "memory: JDK $jdk, 100,000 streams over 100 connections"
    streams=$($java -Xmx1g -jar "$JAR" footprint --connections 100 --streams 100000 --security noise --muxer yamux --timeout 120 --json 2>>"$RAW" | tee -a "$RAW")
    report "| $jdk | 100,000 streams on 100 connections | $(echo "$streams" | footprint_field dialer heapBytesPerStream) B/stream | $(echo "$streams" | footprint_field listener heapBytesPerStream) B/stream | $(echo "$streams" | footprint_field dialer liveHeapBytes MiB) MiB | $(echo "$streams" | footprint_field listener liveHeapBytes MiB) MiB |"
  done
}

# footprint_field SIDE FIELD [MiB]: one figure of the footprint JSON on stdin
footprint_field() { node -e '
  let d = ""; process.stdin.on("data", c => d += c).on("end", () => {
    const v = JSON.parse(d.trim().split("\n").pop())[process.argv[1]][process.argv[2]]
    console.log(process.argv[3] === "MiB" ? (v / 1048576).toFixed(1) : v.toLocaleString("en-US"))
  })' "$@"; }

# ---- run ----------------------------------------------------------------------------------------

report "## bench/perf.sh, $(date -u '+%Y-%m-%d %H:%M UTC')"
report ""
report "Machine: $(nproc) cores, $(awk '/model name/ { $1 = $2 = $3 = ""; print; exit }' /proc/cpuinfo | sed 's/^ *//'), $(free -g | awk '/Mem:/ { print $2 }') GiB, Linux $(uname -r)."
for jdk in $JDKS; do report "JDK $jdk: $($(java_for "$jdk") -version 2>&1 | head -1)."; done
report "Node $(node --version). Command: \`bench/perf.sh --size $SIZE --runs $RUNS --warmups $WARMUPS --iterations $ITERATIONS --jdks \"$JDKS\" --only \"$SECTIONS\" --stacks \"$STACKS\" --transport $TRANSPORT\`."
for section in $SECTIONS; do
  "section_$section"
done
log "report: $REPORT; raw records: $RAW"
