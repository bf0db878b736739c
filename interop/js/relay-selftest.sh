#!/usr/bin/env bash
# js <-> js <-> js circuit relay v2 self test of peer.mjs, all on loopback with tcp + noise + yamux.
# Usage: bash relay-selftest.sh
# Part 1: a relay (--relay-server, data limit 64 KiB), a listener that reserves a slot on it
# (--relay), then ping / echo / upper through its /p2p-circuit address (limited connections),
# the shared data budget (an echo under the limit in each direction but over it in sum is cut),
# an echo far over the limit (an error line, not a hang), a circuit without a reservation, a
# direct dial for comparison, a reservation on a node that is no relay, and usage errors.
# Part 2: a relay with a 1500 ms duration limit: the dialer's limits say 1500 "seconds" (js puts
# milliseconds on the wire and reads them as seconds), and the relay cuts a lingering connection.
# Prints timings; exits non-zero on the first failure.
set -uo pipefail
cd "$(dirname "$0")"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
SEC=(--security noise --muxer yamux)
LERR="$T/none.err"
fail() { echo "FAIL: $*"; echo "--- last node stderr ($LERR):"; tail -20 "$LERR" 2>/dev/null; exit 1; }
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
passed=0
ok() { passed=$((passed + 1)); echo "ok   $*"; }

# jcheck JSON JS-EXPRESSION DESCRIPTION [ARG...]: the expression (over o) must be true;
# ARGs are process.argv[3], [4], ... inside it
jcheck() {
  node -e 'const o=JSON.parse(process.argv[1]); if(!(new Function("o","return ("+process.argv[2]+")"))(o)) process.exit(1)' "$1" "$2" "${@:4}" \
    || fail "$3: expected $2, got $1"
}
# jget JSON JS-EXPRESSION: print the expression's value (over o)
jget() {
  node -e 'const o=JSON.parse(process.argv[1]); console.log((new Function("o","return ("+process.argv[2]+")"))(o))' "$1" "$2"
}

run() { # expected-rc description args...
  local want=$1 desc=$2; shift 2
  local t=$(now) out rc
  out=$(timeout 60 node peer.mjs "$@" 2> "$T/dial.err"); rc=$?
  LAST_MS=$(ms $t $(now))
  [ "$rc" = "$want" ] || { tail -5 "$T/dial.err"; fail "$desc: rc=$rc (want $want) out=$out"; }
  ok "$desc: rc=$rc ${LAST_MS} ms wall: $out"
  LAST_OUT=$out
}

# start_node NAME WANT-LINES listen-flags...: start `peer.mjs listen` with stdin on a fifo
# we hold open, wait for WANT-LINES stdout lines; sets LPID_<NAME>, LFD_<NAME>, LERR
start_node() {
  local name=$1 want=$2; shift 2
  mkfifo "$T/$name.in"
  local t=$(now)
  node peer.mjs listen "$@" < "$T/$name.in" > "$T/$name.out" 2> "$T/$name.err" &
  printf -v "LPID_$name" %s $!
  exec {fd}> "$T/$name.in"
  printf -v "LFD_$name" %s "$fd"
  LERR="$T/$name.err"
  for _ in $(seq 150); do [ "$(wc -l < "$T/$name.out")" -ge "$want" ] && break; sleep 0.1; done
  [ "$(wc -l < "$T/$name.out")" -ge "$want" ] || fail "node $name printed $(wc -l < "$T/$name.out") of $want lines: $(cat "$T/$name.out")"
  ok "listen [$name: $*] ($(ms $t $(now)) ms to line $want)"
}

# stop_node NAME: close its stdin, expect exit 0
stop_node() {
  local name=$1 pidvar="LPID_$1" fdvar="LFD_$1" rc
  eval "exec ${!fdvar}>&-"
  wait "${!pidvar}"; rc=$?
  [ "$rc" = 0 ] || fail "node $name exit code after stdin EOF: $rc"
}

line() { sed -n "$2p" "$T/$1.out"; }

# listening line check: {"peerId","addrs"} with no /p2p-circuit address in addrs
check_listening() {
  jcheck "$1" 'o.peerId && Array.isArray(o.addrs) && o.addrs.length > 0 && o.addrs.every(a => a.endsWith("/p2p/" + o.peerId) && !a.includes("/p2p-circuit"))' "listening line"
}

# ---------------------------------------------------------------------------
# part 1: relay with a 64 KiB data limit, a listener reserved on it

start_node relay 1 --relay-server --listen /ip4/127.0.0.1/tcp/0 --relay-limit-data-bytes 65536 "${SEC[@]}"
RLINE=$(line relay 1); check_listening "$RLINE"
RADDR=$(jget "$RLINE" 'o.addrs[0]'); RPEER=$(jget "$RLINE" 'o.peerId')
grep -q '/libp2p/circuit/relay/0.2.0/hop' "$T/relay.err" || fail "relay does not serve the hop protocol"
ok "relay $RADDR serves /libp2p/circuit/relay/0.2.0/hop"

start_node lis 2 --relay-client --relay "$RADDR" "${SEC[@]}"
LLINE=$(line lis 1); check_listening "$LLINE"
LPEER=$(jget "$LLINE" 'o.peerId'); LDIRECT=$(jget "$LLINE" 'o.addrs[0]')
RES=$(line lis 2)
jcheck "$RES" 'o.type === "reserved" && o.relay === process.argv[3] && o.addresses.length > 0 && o.addresses.every(a => a.startsWith(process.argv[4] + "/p2p-circuit/p2p/") && a.endsWith("/p2p/" + process.argv[5])) && Number.isInteger(o.expire) && o.expire > Date.now() / 1000' "reserved line" "$RPEER" "$RADDR" "$LPEER"
CADDR=$(jget "$RES" 'o.addresses[0]')
ok "reserved: $RES"

run 0 "circuit ping" dial "$CADDR" ping --relay-client "${SEC[@]}"
jcheck "$LAST_OUT" 'o.ok && o.pingVia === "connection" && o.rttMs >= 0 && o.remotePeer === process.argv[3] && o.remoteAddr === process.argv[4] && o.limited === true && /^[0-9]+$/.test(o.limits.bytes)' "circuit ping" "$LPEER" "$CADDR"
sleep 0.25
run 0 "circuit echo 1000" dial "$CADDR" echo 1000 --relay-client "${SEC[@]}"
jcheck "$LAST_OUT" 'o.ok && o.bytes === 1000 && o.limited === true && o.remoteAddr === process.argv[3]' "circuit echo 1000" "$CADDR"
sleep 0.25
run 0 "circuit upper (no --relay-client: a circuit target implies it)" dial "$CADDR" upper relayed "${SEC[@]}"
jcheck "$LAST_OUT" 'o.ok && o.response === "RELAYED" && o.limited === true' "circuit upper"
sleep 0.25
# one budget for both directions: 2 x 25000 + overhead fits into 65536, 2 x 40000 does not
# (40000 per direction alone would)
run 0 "circuit echo 25000 (50000 B + overhead < 65536)" dial "$CADDR" echo 25000 "${SEC[@]}"
sleep 0.25
run 1 "circuit echo 40000 (80000 B > 65536: shared budget) -> cut" dial "$CADDR" echo 40000 "${SEC[@]}"
jcheck "$LAST_OUT" 'o.ok === false && o.limited === true && o.connectionStatus !== "open"' "echo 40000 cut"
sleep 0.25
run 1 "circuit echo 200000 over the 64 KiB limit -> error line" dial "$CADDR" echo 200000 --timeout 20000 "${SEC[@]}"
jcheck "$LAST_OUT" 'o.ok === false && typeof o.error === "string" && !o.error.includes("timeout") && o.limited === true && o.remoteAddr === process.argv[3] && o.connectionStatus !== "open"' "echo 200000 error line" "$CADDR"
[ "$LAST_MS" -lt 10000 ] || fail "echo 200000 took $LAST_MS ms to fail"
sleep 0.25
run 1 "circuit to a peer without a reservation -> error" dial "$RADDR/p2p-circuit/p2p/12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA" ping --timeout 20000 "${SEC[@]}"
jcheck "$LAST_OUT" 'o.ok === false && o.error.includes("status")' "no reservation"
sleep 0.25
run 0 "direct ping to the relay client (not limited)" dial "$LDIRECT" ping "${SEC[@]}"
jcheck "$LAST_OUT" 'o.ok && o.pingVia === "service" && o.limited === false && o.limits === undefined' "direct ping"
sleep 0.25
# the listener is no relay: the reservation fails and so does listen
run 1 "listen --relay on a node that is no relay -> exit 1" listen --relay "$LDIRECT" --ignore-stdin --timeout 20000 "${SEC[@]}"
jcheck "$LAST_OUT" 'o.ok === false' "failed reservation"

run 2 "--relay-limit-data-bytes without --relay-server" listen --relay-limit-data-bytes 1000
run 2 "--relay-limit-duration-ms 0" listen --relay-server --relay-limit-duration-ms 0
run 2 "--relay without /p2p/" listen --relay /ip4/127.0.0.1/tcp/1
run 2 "--relay with /p2p-circuit" listen --relay "$CADDR"
run 2 "dial --relay" dial "$CADDR" ping --relay "$RADDR"

stop_node lis
stop_node relay
ok "part 1 nodes exited 0 on stdin EOF"

# ---------------------------------------------------------------------------
# part 2: duration limit 1500 ms

start_node relay2 1 --relay-server --relay-limit-duration-ms 1500 "${SEC[@]}"
RADDR2=$(jget "$(line relay2 1)" 'o.addrs[0]')
start_node lis2 2 --relay "$RADDR2" "${SEC[@]}"
CADDR2=$(jget "$(line lis2 2)" 'o.addresses[0]')
run 0 "circuit ping via the 1500 ms relay" dial "$CADDR2" ping "${SEC[@]}"
# js writes Limit.duration in milliseconds, its client reads it as seconds: 1500 ms -> ~1500 s
jcheck "$LAST_OUT" 'o.ok && o.limited && o.limits.seconds >= 1490 && o.limits.seconds <= 1500' "duration read as seconds"
ok "dialer's limits.seconds = $(jget "$LAST_OUT" 'o.limits.seconds') (the 1500 ms limit, read as seconds)"
# a dialer that keeps its connection 5 s: the relay resets it after 1.5 s
before=$(grep -c 'connection:close .*/p2p-circuit/' "$T/lis2.err")
t=$(now)
node peer.mjs dial "$CADDR2" ping --linger 5000 "${SEC[@]}" > "$T/linger.out" 2> "$T/linger.err" &
DPID=$!
for _ in $(seq 50); do [ -s "$T/linger.out" ] && break; sleep 0.1; done
[ -s "$T/linger.out" ] || fail "lingering dialer printed nothing"
for _ in $(seq 40); do [ "$(grep -c 'connection:close .*/p2p-circuit/' "$T/lis2.err")" -gt "$before" ] && break; sleep 0.1; done
[ "$(grep -c 'connection:close .*/p2p-circuit/' "$T/lis2.err")" -gt "$before" ] || fail "relay did not cut the lingering circuit within 4 s"
ok "relay cut the relayed connection $(ms $t $(now)) ms after the dial started (limit 1500 ms), dialer still lingering"
wait "$DPID" || fail "lingering dialer exit code $?"
stop_node lis2
stop_node relay2
ok "part 2 nodes exited 0 on stdin EOF"

echo "$passed passed, 0 failed"
