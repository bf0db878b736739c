// Probe js-libp2p 3.x identify / identify-push edge cases.
//
//   node experiments/identify-probe.mjs <scenario> [--security noise] [--muxer yamux]
//   node experiments/identify-probe.mjs all
//
// Spawns `peer.mjs listen --identify` as a child (stdin = commands, stdout =
// JSON lines), then starts a probe node that listens on 127.0.0.1 (so it has
// addresses to sign) and dials the listener. The listener's automatic identify
// (js runs it on inbound connections too) opens /ipfs/id/1.0.0 on the probe,
// which answers with hand-made Identify messages; push scenarios then open
// /ipfs/id/push/1.0.0 to the listener and write hand-made messages. Finally it
// asks the listener `peer <probeId>` and prints everything.
//
// The probe has NO identify service of its own except in scenario `js`, where
// it uses the real identify + identifyPush services (js <-> js reference).
// Imports @libp2p/crypto (a transitive dependency of libp2p) for the key.

import '../polyfill.mjs'
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { plaintext } from '@libp2p/plaintext'
import { mplex } from '@libp2p/mplex'
import { ping } from '@libp2p/ping'
import { identify, identifyPush } from '@libp2p/identify'
import { RecordEnvelope, PeerRecord } from '@libp2p/peer-record'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { generateKeyPair, publicKeyToProtobuf } from '@libp2p/crypto/keys'
import { multiaddr } from '@multiformats/multiaddr'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const PEER_MJS = path.join(HERE, '..', 'peer.mjs')
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// ---------------------------------------------------------------------------
// hand-made protobuf (Identify, field numbers from identify/src/pb/message.proto)

function varint (n) {
  n = BigInt(n)
  const out = []
  do {
    let b = Number(n & 0x7fn)
    n >>= 7n
    if (n > 0n) b |= 0x80
    out.push(b)
  } while (n > 0n)
  return Uint8Array.from(out)
}
const enc = new TextEncoder()
function concat (parts) {
  const len = parts.reduce((a, p) => a + p.length, 0)
  const out = new Uint8Array(len)
  let o = 0
  for (const p of parts) { out.set(p, o); o += p.length }
  return out
}
function lenField (num, bytes) {
  if (typeof bytes === 'string') bytes = enc.encode(bytes)
  return concat([varint((num << 3) | 2), varint(bytes.length), bytes])
}
// m: { protocolVersion, agentVersion, publicKey, listenAddrs[], observedAddr, protocols[], signedPeerRecord }
function identifyMsg (m) {
  const parts = []
  if (m.publicKey != null) parts.push(lenField(1, m.publicKey))
  for (const a of m.listenAddrs ?? []) parts.push(lenField(2, typeof a === 'string' ? multiaddr(a).bytes : a))
  for (const p of m.protocols ?? []) parts.push(lenField(3, p))
  if (m.observedAddr != null) parts.push(lenField(4, m.observedAddr))
  if (m.protocolVersion != null) parts.push(lenField(5, m.protocolVersion))
  if (m.agentVersion != null) parts.push(lenField(6, m.agentVersion))
  if (m.signedPeerRecord != null) parts.push(lenField(8, m.signedPeerRecord))
  return concat(parts)
}
const lp = (msg) => concat([varint(msg.length), msg])

// signed peer record with overridable domain / payload type / signer / peer id
async function signedRecord ({ key, recordKey, seq, addrs, domain = PeerRecord.DOMAIN, codec = PeerRecord.CODEC }) {
  const record = new PeerRecord({
    peerId: peerIdFromPrivateKey(recordKey ?? key),
    multiaddrs: addrs.map(a => multiaddr(a)),
    seqNumber: BigInt(seq)
  })
  const fake = { domain, codec, marshal: () => record.marshal() }
  const env = await RecordEnvelope.seal(fake, key)
  return env.marshal()
}

// ---------------------------------------------------------------------------
// listener child

async function startListener (flags) {
  const child = spawn(process.execPath, [PEER_MJS, 'listen', '--identify', ...flags], { stdio: ['pipe', 'pipe', 'pipe'] })
  const lines = []
  const waiters = []
  const t0 = performance.now()
  let first
  const firstLine = new Promise((resolve) => { first = resolve })
  let stderr = ''
  child.stderr.on('data', (d) => { stderr += d })
  createInterface({ input: child.stdout }).on('line', (line) => {
    const obj = JSON.parse(line)
    if (obj.type == null) { first(obj); return }
    obj._t = Math.round(performance.now() - t0)
    if (obj.type === 'event') { lines.push(obj); return }
    const w = waiters.shift()
    if (w != null) w(obj)
    else lines.push(obj)
  })
  const hello = await firstLine
  return {
    hello,
    events: lines,
    stderr: () => stderr,
    cmd: (line) => new Promise((resolve) => { waiters.push(resolve); child.stdin.write(line + '\n') }),
    stop: async () => { child.stdin.end(); await new Promise((resolve) => child.on('exit', resolve)) }
  }
}

// ---------------------------------------------------------------------------
// scenarios. Each returns { responses: [[msg...]...] (per identify request),
// closeWrite, pushes: [[msg...]...] } built from the probe's key/addrs.

const OTHER = await generateKeyPair('Ed25519')

const SCENARIOS = {
  // real js services on both sides (reference)
  js: null,
  // no signed record: listenAddrs stored uncertified
  plain: async (k) => ({ responses: [[k.base({ listenAddrs: ['/ip4/127.0.0.1/tcp/1001', '/ip4/10.0.0.1/tcp/1002'] })]] }),
  // signed record (R) and different listenAddrs (L): which wins?
  signed: async (k) => ({ responses: [[k.base({ listenAddrs: ['/ip4/127.0.0.1/tcp/1001'], signedPeerRecord: await signedRecord({ key: k.key, seq: 100, addrs: ['/ip4/127.0.0.1/tcp/2001'] }) })]] }),
  // record whose addresses are empty
  'signed-empty': async (k) => ({ responses: [[k.base({ listenAddrs: ['/ip4/127.0.0.1/tcp/1001'], signedPeerRecord: await signedRecord({ key: k.key, seq: 100, addrs: [] }) })]] }),
  // three LP messages on one stream
  multi: async (k) => ({
    responses: [[
      k.base({ protocols: ['/a/1'], agentVersion: 'probe/1', listenAddrs: ['/ip4/127.0.0.1/tcp/1001'] }),
      identifyMsg({ protocols: ['/b/1'], listenAddrs: ['/ip4/127.0.0.1/tcp/1002'] }),
      identifyMsg({ agentVersion: 'probe/3' })
    ]]
  }),
  // 11 messages, one protocol each
  eleven: async (k) => ({
    responses: [[k.base({ protocols: ['/p/0'] }), ...Array.from({ length: 10 }, (_, i) => identifyMsg({ protocols: [`/p/${i + 1}`] }))]]
  }),
  // message not followed by a close of our write side
  noclose: async (k) => ({ responses: [[k.base({ listenAddrs: ['/ip4/127.0.0.1/tcp/1001'] })]], closeWrite: false }),
  // single message of exactly 8192 / 8193 bytes
  exact: async (k) => ({ responses: [[pad(k.base({}), 8192)]] }),
  big: async (k) => ({ responses: [[pad(k.base({}), 8193)]] }),
  // second message too big: first one kept?
  big2: async (k) => ({ responses: [[k.base({ protocols: ['/a/1'] }), pad(identifyMsg({ agentVersion: 'x' }), 8193)]] }),
  // record signed over another domain
  baddomain: async (k) => ({ responses: [[k.base({ listenAddrs: ['/ip4/127.0.0.1/tcp/1001'], signedPeerRecord: await signedRecord({ key: k.key, seq: 100, addrs: ['/ip4/127.0.0.1/tcp/2001'], domain: 'libp2p-peer-recordX' }) })]] }),
  // payload type 03 02 (signature consistent)
  badtype: async (k) => ({ responses: [[k.base({ listenAddrs: ['/ip4/127.0.0.1/tcp/1001'], signedPeerRecord: await signedRecord({ key: k.key, seq: 100, addrs: ['/ip4/127.0.0.1/tcp/2001'], codec: Uint8Array.from([3, 2]) }) })]] }),
  // payload type empty
  notype: async (k) => ({ responses: [[k.base({ listenAddrs: ['/ip4/127.0.0.1/tcp/1001'], signedPeerRecord: await signedRecord({ key: k.key, seq: 100, addrs: ['/ip4/127.0.0.1/tcp/2001'], codec: new Uint8Array(0) }) })]] }),
  // record for another peer, sealed by that peer's key
  otherpeer: async (k) => ({ responses: [[k.base({ listenAddrs: ['/ip4/127.0.0.1/tcp/1001'], signedPeerRecord: await signedRecord({ key: OTHER, seq: 100, addrs: ['/ip4/127.0.0.1/tcp/2001'] }) })]] }),
  // record naming another peer id, sealed by our key
  wrongid: async (k) => ({ responses: [[k.base({ listenAddrs: ['/ip4/127.0.0.1/tcp/1001'], signedPeerRecord: await signedRecord({ key: k.key, recordKey: OTHER, seq: 100, addrs: ['/ip4/127.0.0.1/tcp/2001'] }) })]] }),
  // garbage signature bytes
  badsig: async (k) => {
    const env = await signedRecord({ key: k.key, seq: 100, addrs: ['/ip4/127.0.0.1/tcp/2001'] })
    env[env.length - 1] ^= 1
    return { responses: [[k.base({ listenAddrs: ['/ip4/127.0.0.1/tcp/1001'], signedPeerRecord: env })]] }
  },
  // no public key in the identify response
  nokey: async (k) => ({ responses: [[identifyMsg({ protocols: ['/a/1'], listenAddrs: ['/ip4/127.0.0.1/tcp/1001'], agentVersion: 'probe' })]] }),
  // observedAddr: garbage bytes / empty
  badobserved: async (k) => ({ responses: [[k.base({ listenAddrs: ['/ip4/127.0.0.1/tcp/1001'], observedAddr: Uint8Array.from([0xff, 0xff, 0x01]) })]] }),
  emptyobserved: async (k) => ({ responses: [[k.base({ listenAddrs: ['/ip4/127.0.0.1/tcp/1001'], observedAddr: new Uint8Array(0) })]] }),
  // invalid listenAddr bytes next to a good one
  badaddr: async (k) => ({ responses: [[k.base({ listenAddrs: [Uint8Array.from([0xff, 0xff, 0x01]), '/ip4/127.0.0.1/tcp/1001'] })]] }),
  // push with only protocols: other fields unchanged?
  'push-partial': async (k) => ({
    responses: [[k.base({ listenAddrs: ['/ip4/127.0.0.1/tcp/1001'], protocols: ['/a/1', '/b/1'], agentVersion: 'probe/1' })]],
    pushes: [[identifyMsg({ protocols: ['/c/1'] })], [identifyMsg({ listenAddrs: ['/ip4/127.0.0.1/tcp/1003'] })], [identifyMsg({})]]
  }),
  // signed records by push: lower seq, higher seq, then a push with listenAddrs only
  'push-seq': async (k) => ({
    responses: [[k.base({ signedPeerRecord: await signedRecord({ key: k.key, seq: 100, addrs: ['/ip4/127.0.0.1/tcp/2001'] }) })]],
    pushes: [
      [identifyMsg({ listenAddrs: ['/ip4/127.0.0.1/tcp/1009'], signedPeerRecord: await signedRecord({ key: k.key, seq: 50, addrs: ['/ip4/127.0.0.1/tcp/2050'] }) })],
      [identifyMsg({ signedPeerRecord: await signedRecord({ key: k.key, seq: 100, addrs: ['/ip4/127.0.0.1/tcp/2100'] }) })],
      [identifyMsg({ signedPeerRecord: await signedRecord({ key: k.key, seq: 200, addrs: ['/ip4/127.0.0.1/tcp/2200'] }) })],
      [identifyMsg({ listenAddrs: ['/ip4/127.0.0.1/tcp/1010'] })]
    ]
  }),
  // a push with an invalid record: is anything applied?
  'push-bad': async (k) => ({
    responses: [[k.base({ listenAddrs: ['/ip4/127.0.0.1/tcp/1001'], protocols: ['/a/1'] })]],
    pushes: [[identifyMsg({ protocols: ['/z/1'], listenAddrs: ['/ip4/127.0.0.1/tcp/1009'], signedPeerRecord: await signedRecord({ key: k.key, seq: 100, addrs: ['/ip4/127.0.0.1/tcp/2001'], domain: 'nope' }) })]]
  })
}

function pad (msg, total) {
  // append a protocols string so that the whole message is `total` bytes
  for (let n = Math.max(0, total - msg.length - 3); n >= 0; n--) {
    const m = concat([msg, lenField(3, 'x'.repeat(n))])
    if (m.length === total) return m
  }
  throw new Error(`cannot pad to ${total}`)
}

// ---------------------------------------------------------------------------

function parseFlags (argv) {
  const o = { security: 'noise', muxer: 'yamux' }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--security') o.security = argv[++i]
    else if (argv[i] === '--muxer') o.muxer = argv[++i]
  }
  return o
}

async function runScenario (name, flags) {
  const L = await startListener(['--security', flags.security, '--muxer', flags.muxer])
  const key = await generateKeyPair('Ed25519')
  const real = name === 'js'
  const node = await createLibp2p({
    privateKey: key,
    addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
    transports: [tcp()],
    connectionEncrypters: [flags.security === 'noise' ? noise() : plaintext()],
    streamMuxers: [flags.muxer === 'yamux' ? yamux() : mplex()],
    services: real ? { ping: ping(), identify: identify(), identifyPush: identifyPush() } : { ping: ping() }
  })
  const report = { scenario: name, probePeer: node.peerId.toString(), probeAddrs: node.getMultiaddrs().map(String), identifyRequests: [] }
  const k = {
    key,
    base: (m) => identifyMsg({ publicKey: publicKeyToProtobuf(key.publicKey), protocolVersion: 'ipfs/0.1.0', agentVersion: 'probe/0', ...m })
  }
  const plan = real ? {} : await SCENARIOS[name](k)
  const tDial = performance.now()
  if (!real) {
    let n = 0
    await node.handle('/ipfs/id/1.0.0', async (stream) => {
      const msgs = plan.responses[Math.min(n, plan.responses.length - 1)]
      const req = { n: n++, atMs: Math.round(performance.now() - tDial), sizes: msgs.map(m => m.length) }
      report.identifyRequests.push(req)
      stream.addEventListener('close', (evt) => { req.closedAtMs = Math.round(performance.now() - tDial); req.closeError = evt.error?.name ?? null })
      stream.addEventListener('remoteCloseWrite', () => { req.remoteCloseWriteAtMs = Math.round(performance.now() - tDial) })
      for (const m of msgs) stream.send(lp(m))
      if (plan.closeWrite !== false) await stream.close().catch(() => {})
    }, { maxInboundStreams: 8 })
  }
  const conn = await node.dial(multiaddr(L.hello.addrs[0]))
  const remote = L.hello.peerId
  // let the listener's automatic identify finish (or time out: 5 s)
  const deadline = Date.now() + (plan.closeWrite === false ? 7000 : 2500)
  while (Date.now() < deadline && !L.events.some(e => e.event === 'peer:identify')) await sleep(50)
  await sleep(300)
  report.afterIdentify = await L.cmd(`peer ${node.peerId}`)

  if (real) {
    // js -> js push: register a protocol on the probe; its identifyPush sends after ~1 s
    await node.handle('/probe/extra/1.0.0', (s) => { s.close() })
    await sleep(2000)
    report.afterPush = await L.cmd(`peer ${node.peerId}`)
    // listener -> probe: handle on the listener, the probe's store should see it
    report.listenerHandle = await L.cmd('handle /listener/extra/1.0.0')
    await sleep(1800)
    const seen = await node.peerStore.get(conn.remotePeer)
    report.probeSeesListenerProtocols = seen.protocols
    report.listenerIdentifyCmd = await L.cmd(`identify ${node.peerId}`)
  }
  report.pushes = []
  for (const msgs of plan.pushes ?? []) {
    const s = await conn.newStream('/ipfs/id/push/1.0.0')
    for (const m of msgs) s.send(lp(m))
    await s.close().catch(() => {})
    await sleep(400)
    report.pushes.push({ sizes: msgs.map(m => m.length), after: await L.cmd(`peer ${node.peerId}`) })
  }
  if (!real && name !== 'noclose') report.identifyCmd = await L.cmd(`identify ${node.peerId}`)
  report.listenerEvents = L.events.filter(e => e.peerId === node.peerId.toString())
  report.remote = remote
  await node.stop()
  await L.stop()
  const errs = L.stderr().split('\n').filter(l => /error|fail/i.test(l)).slice(0, 5)
  if (errs.length > 0) report.listenerStderr = errs
  return report
}

const [scenario = 'all', ...rest] = process.argv.slice(2)
const flags = parseFlags(rest)
const names = scenario === 'all' ? Object.keys(SCENARIOS) : [scenario]
for (const name of names) {
  if (!Object.hasOwn(SCENARIOS, name)) {
    console.error(`unknown scenario ${name}; one of: all ${Object.keys(SCENARIOS).join(' ')}`)
    process.exit(2)
  }
}
for (const name of names) {
  const r = await runScenario(name, flags)
  console.log(JSON.stringify(r))
}
process.exit(0)
