#!/usr/bin/env bash
# js <-> js self test of peer.mjs. Usage: bash selftest.sh [extra listen/dial flags, e.g. --muxer mplex]
# Part 1 runs the full suite with the default plaintext+mplex (plus any extra flags);
# part 2 runs ping + echo 0 B/1 B/1 MiB+1/16 MiB for noise+mplex, noise+yamux and
# plaintext+yamux; part 3 checks comma-separated preference lists; part 4 checks
# identify / identify-push (--identify, `dial .. identify`, the listener's stdin
# commands, experiments/identify-probe.mjs js). Parts 2-4 set --security/--muxer
# themselves and ignore the extra flags.
# Prints timings; exits non-zero on the first failure.
set -uo pipefail
cd "$(dirname "$0")"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
LERR="$T/listen.err"
fail() { echo "FAIL: $*"; echo "--- listener stderr ($LERR):"; tail -20 "$LERR" 2>/dev/null; exit 1; }
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

# ---------------------------------------------------------------------------
# part 2 + 3: other security/muxer combinations, each against its own listener

# start_listener NAME listen-flags... -> sets ADDR, LPID_<NAME>, LFD_<NAME>, LERR
start_listener() {
  local name=$1; shift
  mkfifo "$T/$name.in"
  local t=$(now)
  node peer.mjs listen "$@" < "$T/$name.in" > "$T/$name.out" 2> "$T/$name.err" &
  printf -v "LPID_$name" %s $!
  exec {fd}> "$T/$name.in"
  printf -v "LFD_$name" %s "$fd"
  LERR="$T/$name.err"
  for _ in $(seq 100); do [ -s "$T/$name.out" ] && break; sleep 0.1; done
  [ -s "$T/$name.out" ] || fail "listener $name printed nothing"
  local line; line=$(head -1 "$T/$name.out")
  ADDR=$(node -e 'const o=JSON.parse(process.argv[1]); if(!o.peerId||!Array.isArray(o.addrs)||!o.addrs[0].endsWith("/p2p/"+o.peerId)) process.exit(1); console.log(o.addrs[0])' "$line") || fail "bad listen line: $line"
  ok "listen [$name: $*] ($(ms $t $(now)) ms to first line)"
}

# stop_listener NAME: close its stdin, expect exit 0
stop_listener() {
  local name=$1 pidvar="LPID_$1" fdvar="LFD_$1" rc
  eval "exec ${!fdvar}>&-"
  wait "${!pidvar}"; rc=$?
  [ "$rc" = 0 ] || fail "listener $name exit code after stdin EOF: $rc"
}

# expect_negotiated ENC MUX: check the dialer's "connected ..." diagnostic of the last run
expect_negotiated() {
  grep -q "encryption=$1 muxer=$2 " "$T/dial.err" || fail "expected encryption=$1 muxer=$2, dialer said: $(grep -o 'encryption=[^ ]* muxer=[^ ]*' "$T/dial.err")"
}

for combo in "noise mplex" "noise yamux" "plaintext yamux"; do
  set -- $combo
  sec=$1 mux=$2 name="${1}_${2}"
  case $sec in noise) ENC=/noise ;; plaintext) ENC=/plaintext/2.0.0 ;; esac
  case $mux in mplex) MUX=/mplex/6.7.0 ;; yamux) MUX=/yamux/1.0.0 ;; esac
  start_listener "$name" --security "$sec" --muxer "$mux"
  run 0 "$sec+$mux dial ping" dial "$ADDR" ping --security "$sec" --muxer "$mux"
  echo "$LAST_OUT" | grep -q '"ok":true' || fail "$sec+$mux ping not ok"
  expect_negotiated "$ENC" "$MUX"
  sleep 0.25
  run 0 "$sec+$mux dial echo 0 B" dial "$ADDR" echo 0 --security "$sec" --muxer "$mux"
  sleep 0.25
  run 0 "$sec+$mux dial echo 1 B" dial "$ADDR" echo 1 --security "$sec" --muxer "$mux"
  sleep 0.25
  run 0 "$sec+$mux dial echo 1 MiB+1 (odd chunk)" dial "$ADDR" echo 1048577 --chunk 99991 --security "$sec" --muxer "$mux"
  sleep 0.25
  run 0 "$sec+$mux dial echo 16 MiB" dial "$ADDR" echo 16777216 --security "$sec" --muxer "$mux"
  echo "$LAST_OUT" | grep -q '"bytes":16777216' || fail "$sec+$mux echo 16 MiB: wrong byte count"
  expect_negotiated "$ENC" "$MUX"
  stop_listener "$name"
done

# --- preference lists: a listener that offers both, in the same order as the first dialer
start_listener both --security noise,plaintext --muxer yamux,mplex
run 0 "lists: dial noise,plaintext + yamux,mplex ping" dial "$ADDR" ping --security noise,plaintext --muxer yamux,mplex
expect_negotiated /noise /yamux/1.0.0
sleep 0.25
run 0 "lists: dial noise,plaintext + yamux,mplex echo 16 MiB" dial "$ADDR" echo 16777216 --security noise,plaintext --muxer yamux,mplex
expect_negotiated /noise /yamux/1.0.0
sleep 0.25
# multistream-select (plaintext): the dialer's order decides
run 0 "lists: dial plaintext,noise + mplex,yamux echo 1 MiB" dial "$ADDR" echo 1048576 --security plaintext,noise --muxer mplex,yamux
expect_negotiated /plaintext/2.0.0 /mplex/6.7.0
sleep 0.25
run 0 "lists: dial plaintext + yamux echo 1 MiB" dial "$ADDR" echo 1048576 --security plaintext --muxer yamux
expect_negotiated /plaintext/2.0.0 /yamux/1.0.0
sleep 0.25
# noise, one muxer on the dialer: inlined negotiation picks the only common one
run 0 "lists: dial noise + mplex echo 1 MiB" dial "$ADDR" echo 1048576 --security noise --muxer mplex
expect_negotiated /noise /mplex/6.7.0
stop_listener both
ok "listeners of part 2/3 exited 0 on stdin EOF"

run 2 "--muxer yamux,nope -> exit 2" dial "$ADDR" ping --muxer yamux,nope
run 2 "--security noise,noise -> exit 2" listen --security noise,noise
run 2 "--security noise, (empty entry) -> exit 2" listen --security noise,

# ---------------------------------------------------------------------------
# part 4: identify / identify-push (--identify) and the listener's stdin commands

# lcmd NAME "command": send one command line to listener NAME, wait for its
# answer (the next line that is not an event line), put it in LAST_ANSWER
lcmd() {
  local name=$1 cmd=$2 fdvar="LFD_$1" before n
  before=$(grep -vc '"type":"event"' "$T/$name.out")
  echo "$cmd" >&"${!fdvar}"
  for _ in $(seq 150); do
    n=$(grep -vc '"type":"event"' "$T/$name.out")
    [ "$n" -gt "$before" ] && break
    sleep 0.1
  done
  [ "$n" -gt "$before" ] || fail "listener $name: no answer to '$cmd'"
  LAST_ANSWER=$(grep -v '"type":"event"' "$T/$name.out" | sed -n "$((before + 1))p")
}
# jcheck JSON JS-EXPRESSION DESCRIPTION [ARG]: the expression (over o) must be
# true; ARG is process.argv[3] inside it
jcheck() {
  node -e 'const o=JSON.parse(process.argv[1]); if(!(new Function("o","return ("+process.argv[2]+")"))(o)) process.exit(1)' "$1" "$2" "${@:4}" \
    || fail "$3: expected $2, got $1"
}

start_listener ident --identify --security noise --muxer yamux
LPEER=$(head -1 "$T/ident.out" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).peerId))')
run 0 "identify: dial identify (noise+yamux)" dial "$ADDR" identify --security noise --muxer yamux
jcheck "$LAST_OUT" 'o.ok && o.identify.peerId === o.remotePeer && o.identify.agentVersion.startsWith("js-libp2p/") && o.identify.protocolVersion === "ipfs/0.1.0" && o.identify.publicKeyType === "Ed25519"' "identify result"
jcheck "$LAST_OUT" '["/ipfs/id/1.0.0","/ipfs/id/push/1.0.0","/ipfs/ping/1.0.0","/echo/1.0.0"].every(p => o.identify.protocols.includes(p))' "identify protocols"
jcheck "$LAST_OUT" 'o.identify.hasSignedPeerRecord && /^[0-9]+$/.test(o.identify.signedPeerRecordSeq) && o.identify.signedPeerRecordAddrs.length === 1 && o.identify.observedAddr != null' "identify signed record"
jcheck "$LAST_OUT" 'o.peer.found && o.peer.hasPeerRecordEnvelope && o.peer.addresses.length > 0 && o.peer.addresses.every(a => a.isCertified) && o.peer.peerRecord.seq === o.identify.signedPeerRecordSeq && o.peer.peerRecord.payloadType === "0301" && o.peer.agentVersion === o.identify.agentVersion' "dialer peer store"
sleep 0.25
# a lingering dialer so that the listener has a live connection to identify
node peer.mjs dial "$ADDR" identify --security noise --muxer yamux --linger 4000 > "$T/linger.out" 2> "$T/linger.err" &
DPID=$!
for _ in $(seq 100); do [ -s "$T/linger.out" ] && break; sleep 0.1; done
[ -s "$T/linger.out" ] || fail "lingering dialer printed nothing"
for _ in $(seq 50); do grep -q '"event":"peer:identify"' "$T/ident.out" && break; sleep 0.1; done
DPEER=$(grep '"event":"peer:identify"' "$T/ident.out" | tail -1 | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).peerId))')
[ -n "$DPEER" ] || fail "no peer:identify event on the listener"
ok "identify: listener printed peer:identify for $DPEER"
lcmd ident "identify $DPEER"
jcheck "$LAST_ANSWER" 'o.type === "identify" && o.ok && o.peerId === process.argv[3] && !o.hasSignedPeerRecord && o.listenAddrs.length === 0' "listener identify command" "$DPEER"
ok "identify: listener 'identify' command: $LAST_ANSWER"
lcmd ident "peer $DPEER"
jcheck "$LAST_ANSWER" 'o.type === "peer" && o.found && o.agentVersion.startsWith("js-libp2p/") && o.protocols.includes("/ipfs/id/push/1.0.0") && !o.hasPeerRecordEnvelope && o.peerRecord === null' "listener peer command"
ok "identify: listener 'peer' command: $LAST_ANSWER"
lcmd ident "handle /selftest/1.0.0"
jcheck "$LAST_ANSWER" 'o.type === "handled" && o.ok && o.protocols.includes("/selftest/1.0.0")' "handle command"
lcmd ident "unhandle /selftest/1.0.0"
jcheck "$LAST_ANSWER" 'o.type === "unhandled" && o.ok && !o.protocols.includes("/selftest/1.0.0")' "unhandle command"
lcmd ident "unhandle /selftest/1.0.0"
jcheck "$LAST_ANSWER" 'o.type === "unhandled" && o.ok === false' "unhandle twice"
lcmd ident "peer 12D3KooWD3eckifWpRn9wQpMG9R9hX3sD158z7EqHWmweQAJU5SA"
jcheck "$LAST_ANSWER" 'o.type === "peer" && o.ok && o.found === false && o.peerRecord === null' "peer command, unknown peer"
lcmd ident "peer not-a-peer-id"
jcheck "$LAST_ANSWER" 'o.type === "peer" && o.ok === false' "peer command, bad id"
lcmd ident "identify $LPEER"
jcheck "$LAST_ANSWER" 'o.type === "identify" && o.ok === false' "identify command without a connection"
lcmd ident "frobnicate"
jcheck "$LAST_ANSWER" 'o.type === "error"' "unknown command"
ok "identify: handle/unhandle/peer/unknown commands answered one line each"
wait "$DPID" || fail "lingering dialer exit code $?"
stop_listener ident
ok "identify: --identify listener exited 0 on stdin EOF"
# every stdout line after the first is a JSON object with a "type"
tail -n +2 "$T/ident.out" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const l of s.split("\n").filter(Boolean)){const o=JSON.parse(l); if(typeof o.type!=="string") process.exit(1)}})' \
  || fail "listener stdout has a line without a type"
ok "identify: $(tail -n +2 "$T/ident.out" | wc -l) listener lines after the first all carry a type"

# js <-> js signed peer record stored by the listener, and identify push both ways
t=$(now)
PROBE=$(node experiments/identify-probe.mjs js 2> "$T/probe.err") || fail "identify-probe js failed: $(tail -5 "$T/probe.err")"
jcheck "$PROBE" 'o.afterIdentify.found && o.afterIdentify.hasPeerRecordEnvelope && o.afterIdentify.addresses.length > 0 && o.afterIdentify.addresses.every(a => a.isCertified) && o.afterIdentify.peerRecord.payloadType === "0301"' "probe: listener stored a certified record"
jcheck "$PROBE" 'o.afterPush.protocols.includes("/probe/extra/1.0.0") && BigInt(o.afterPush.peerRecord.seq) > BigInt(o.afterIdentify.peerRecord.seq)' "probe: push from js reached the listener"
jcheck "$PROBE" 'o.probeSeesListenerProtocols.includes("/listener/extra/1.0.0")' "probe: listener handle -> push to the probe"
jcheck "$PROBE" 'o.listenerEvents.some(e => e.event === "peer:update" && e.protocols.includes("/probe/extra/1.0.0"))' "probe: peer:update event after push"
ok "identify: js<->js certified record + push both ways ($(ms $t $(now)) ms)"

echo "$passed passed, 0 failed"
