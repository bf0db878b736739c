#!/usr/bin/env bash
# Where a jlibp2p perf transfer spends its CPU: both JVMs run with Java Flight Recorder, and the
# hottest methods of each side (by samples whose top frame they are) are printed.
#
#   bench/profile.sh [--jdk 17|25] [--security noise] [--muxer yamux] [--size BYTES] [--top N]
#
# The client uploads --size bytes (default 4 GiB) to a `jlibp2p listen` server on loopback. Both
# recordings are kept in bench/out/ (open them in JDK Mission Control for the full call trees).
# JFR samples Java frames every 10 ms (settings=profile) and native frames every 20 ms; a sample
# in a native method (a socket write, for one) counts for that method, twice, for the longer period.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JDK=17
SECURITY=noise
MUXER=yamux
SIZE=$((4 * 1024 * 1024 * 1024))
TOP=15
while [[ $# -gt 0 ]]; do
  case "$1" in
    --jdk) JDK=$2; shift 2 ;;
    --security) SECURITY=$2; shift 2 ;;
    --muxer) MUXER=$2; shift 2 ;;
    --size) SIZE=$2; shift 2 ;;
    --top) TOP=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
case "$JDK" in
  17) BIN=$(dirname "$(readlink -f "$(command -v java)")") ;;
  25) BIN=$(ls -d /usr/lib/jvm/temurin-25*/bin | head -1) ;;
  *) echo "unknown JDK $JDK" >&2; exit 2 ;;
esac
JAR="$ROOT/libp2p-examples/target/jlibp2p.jar"
[[ -f "$JAR" ]] || (cd "$ROOT" && ./mvnw -B -q -DskipTests install -pl libp2p-examples -am)
OUT="$ROOT/bench/out"
mkdir -p "$OUT"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
SERVER_JFR="$OUT/profile-$STAMP-server.jfr"
CLIENT_JFR="$OUT/profile-$STAMP-client.jfr"
WORK=$(mktemp -d)
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

"$BIN/java" -XX:StartFlightRecording=settings=profile,filename="$SERVER_JFR" -jar "$JAR" listen \
  --listen /ip4/127.0.0.1/tcp/0 --security "$SECURITY" --muxer "$MUXER" >"$WORK/server" 2>/dev/null &
SERVER_PID=$!
# JFR announces itself on stdout first; the address is the first multiaddr line.
for _ in $(seq 1 100); do grep -q '^/ip4/' "$WORK/server" && break; sleep 0.1; done
PORT=$(grep -m1 '^/ip4/' "$WORK/server" | awk -F/ '{ print $5 }')
"$BIN/java" -XX:StartFlightRecording=settings=profile,filename="$CLIENT_JFR" -jar "$JAR" perf \
  --server-address "127.0.0.1:$PORT" --security "$SECURITY" --muxer "$MUXER" --upload-bytes "$SIZE" --download-bytes 0 \
  2>/dev/null | grep '"final"'
kill "$SERVER_PID"  # SIGTERM: a background job ignores SIGINT
wait "$SERVER_PID" 2>/dev/null || true

# hot SIDE FILE: the methods most often on top of a sampled stack, as a share of the busy samples.
# Native samples (every 20 ms) count twice, Java samples (every 10 ms) once; a thread waiting in
# epoll_wait is idle, so those samples are left out and counted apart.
hot() {
  echo "### $1 ($SECURITY+$MUXER, JDK $JDK): top frames by share of busy time"
  "$BIN/jfr" print --events jdk.ExecutionSample,jdk.NativeMethodSample "$2" \
    | awk '/^jdk.NativeMethodSample/ { w = 2 } /^jdk.ExecutionSample/ { w = 1 }
           /stackTrace = \[/ { getline; sub(/^ +/, ""); sub(/ +line:.*/, ""); sub(/\(.*/, ""); print w, $0 }' \
    | awk '{ n[$2] += $1 } END { for (m in n) print n[m], m }' | sort -rn \
    | awk -v top="$TOP" '$2 ~ /epollWait/ { idle += $1; next } { n[++k] = $1; m[k] = $2; total += $1 } END {
        for (i = 1; i <= top && i <= k; i++) printf "%5.1f%%  %s\n", 100 * n[i] / total, m[i]
        printf "(%d busy sample weights; %d more in epoll_wait, idle)\n", total, idle }'
}
hot "client (sender)" "$CLIENT_JFR"
hot "server (receiver)" "$SERVER_JFR"
echo "recordings: $CLIENT_JFR $SERVER_JFR"
