#!/usr/bin/env bash
# The soak test at full size: 10,000 connect, identify, stream, close cycles between two hosts for
# noise+yamux and plaintext+mplex over TCP, and over QUIC, and 1,000 failed dials of each kind
# (refused, timed out, wrong peer ID; timed out and wrong peer ID over QUIC), each after 100 warm-up
# rounds; it fails if descriptors, threads, Netty's direct memory or the live heap did not come
# back to their baseline (SoakTest and Soak say how close). Takes about a quarter of an hour here.
#
#   bench/soak.sh [--cycles N] [--failed-dials N] [--warmup N] [--no-build]
#
# Prints each case's `SOAK case=...` line, then the same figures as Markdown rows for
# docs/reliability.md; the whole Maven log goes to bench/out/soak-<time>.log. --no-build tests
# against the modules already installed in ~/.m2 instead of installing them first. In the normal
# test run the same class runs at a size that takes a minute or two.
set -euo pipefail
cd "$(dirname "$0")/.."

CYCLES=10000
FAILED_DIALS=1000
WARMUP=100
BUILD=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --cycles) CYCLES=$2; shift 2 ;;
    --failed-dials) FAILED_DIALS=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

mkdir -p bench/out
LOG="bench/out/soak-$(date -u +%Y%m%dT%H%M%SZ).log"
if [[ $BUILD -eq 1 ]]; then
  ./mvnw -B -q install -DskipTests -Ddocs.phase=none -pl libp2p-integration-tests -am >"$LOG" 2>&1
fi
status=0
./mvnw -B -o test -pl libp2p-integration-tests -Ddocs.phase=none \
  -Dtest=io.jlibp2p.integration.soak.SoakTest \
  -Dsoak.cycles="$CYCLES" -Dsoak.failedDials="$FAILED_DIALS" -Dsoak.warmup="$WARMUP" >>"$LOG" 2>&1 || status=$?

grep '^SOAK ' "$LOG" || true
echo
echo "| case | rounds | seconds | live heap MiB: base, after (peak) | direct MiB: base, after (peak) | fds: base, after (peak) | threads: base, after (peak) |"
echo "|---|---:|---:|---|---|---|---|"
grep '^SOAK ' "$LOG" | awk '{
  delete f
  for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
  printf "| %s | %s | %s | %s, %s (%s) | %s, %s (%s) | %s, %s (%s) | %s, %s (%s) |\n", f["case"], f["cycles"], f["seconds"],
    f["baseHeapMiB"], f["afterHeapMiB"], f["peakHeapMiB"], f["baseDirectMiB"], f["afterDirectMiB"], f["peakDirectMiB"],
    f["baseFds"], f["afterFds"], f["peakFds"], f["baseThreads"], f["afterThreads"], f["peakThreads"]
}'
if [[ $status -ne 0 ]]; then
  echo "the soak test failed (exit $status); see $LOG" >&2
fi
exit $status
