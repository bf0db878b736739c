#!/usr/bin/env bash
# js <-> js self test of peer.mjs. Usage: bash selftest.sh [extra listen/dial flags, e.g. --muxer mplex]
# Prints timings; exits non-zero on the first failure.
set -uo pipefail
cd "$(dirname "$0")"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; echo "--- listener stderr:"; cat "$T"/listen.err 2>/dev/null | tail -20; exit 1; }
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
passed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }

# --- listener with stdin on a fifo we hold open
mkfifo "$T/in"
t0=$(now)
node peer.mjs listen "$@" < "$T/in" > "$T/listen.out" 2> "$T/listen.err" &
LPID=$!
exec 3> "$T/in"
for _ in $(seq 100); do [ -s "$T/listen.out" ] && break; sleep 0.1; done
[ -s "$T/listen.out" ] || fail "listener printed nothing"
line=$(head -1 "$T/listen.out")
ADDR=$(node -e 'const o=JSON.parse(process.argv[1]); if(!o.peerId||!Array.isArray(o.addrs)||!o.addrs[0].endsWith("/p2p/"+o.peerId)) process.exit(1); console.log(o.addrs[0])' "$line") || fail "bad listen line: $line"
ok "listen ($(ms $t0 $(now)) ms to first line): $line"

run() { # expected-rc description args...
  local want=$1 desc=$2; shift 2
  local t=$(now) out rc
  out=$(node peer.mjs "$@" 2> "$T/dial.err"); rc=$?
  local el=$(ms $t $(now))
  [ "$rc" = "$want" ] || { cat "$T/dial.err" | tail -5; fail "$desc: rc=$rc (want $want) out=$out"; }
  ok "$desc: rc=$rc ${el} ms wall: $out"
  LAST_OUT=$out
}

run 0 "dial ping" dial "$ADDR" ping "$@"
echo "$LAST_OUT" | grep -q '"ok":true' || fail "ping not ok"
sleep 0.25
run 0 "dial echo 0 B" dial "$ADDR" echo 0 "$@"
sleep 0.25
run 0 "dial echo 1 B" dial "$ADDR" echo 1 "$@"
sleep 0.25
run 0 "dial echo 1 MiB+1 (odd chunk)" dial "$ADDR" echo 1048577 --chunk 99991 "$@"
sleep 0.25
run 0 "dial echo 16 MiB" dial "$ADDR" echo 16777216 "$@"
echo "$LAST_OUT" | grep -q '"bytes":16777216' || fail "echo 16 MiB: wrong byte count"
sleep 0.25
run 2 "unknown muxer -> exit 2" dial "$ADDR" ping --muxer nope
run 2 "unknown security -> exit 2" listen --security nope

# --- timeout: a TCP server that accepts and never answers
node -e 'const s=require("net").createServer(c=>{}).listen(0,"127.0.0.1",()=>{console.log(s.address().port)}); setTimeout(()=>process.exit(0),15000)' > "$T/silent.port" &
SPID=$!
for _ in $(seq 50); do [ -s "$T/silent.port" ] && break; sleep 0.1; done
run 1 "dial silent server, --timeout 2000 -> ok:false" dial "/ip4/127.0.0.1/tcp/$(cat "$T/silent.port")" ping --timeout 2000
kill "$SPID" 2>/dev/null

# --- connection refused
run 1 "dial closed port -> ok:false" dial /ip4/127.0.0.1/tcp/1 ping --timeout 5000

# --- stdin EOF stops the listener with exit 0
t=$(now)
exec 3>&-
wait "$LPID"; rc=$?
[ "$rc" = 0 ] || fail "listener exit code after stdin EOF: $rc"
ok "listener exited 0 on stdin EOF ($(ms $t $(now)) ms)"

# --- SIGTERM stops the listener with exit 0
node peer.mjs listen --ignore-stdin "$@" > "$T/l2.out" 2> "$T/l2.err" < /dev/null &
L2=$!
for _ in $(seq 100); do [ -s "$T/l2.out" ] && break; sleep 0.1; done
[ -s "$T/l2.out" ] || fail "second listener printed nothing"
t=$(now)
kill -TERM "$L2"
wait "$L2"; rc=$?
[ "$rc" = 0 ] || fail "listener exit code after SIGTERM: $rc"
ok "listener exited 0 on SIGTERM ($(ms $t $(now)) ms)"

echo "$passed passed, 0 failed"
