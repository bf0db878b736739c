// Minimal js-libp2p 3.x peer for jlibp2p interop tests.
//
//   node peer.mjs listen [--security plaintext|noise|tls[,..]] [--muxer mplex|yamux[,..]] [options]
//   node peer.mjs dial <multiaddr> ping [--security ..] [--muxer ..] [options]
//   node peer.mjs dial <multiaddr> echo <nBytes> [--chunk N] [options]
//   node peer.mjs dial <multiaddr> identify [options]
//   node peer.mjs dial <multiaddr> perf --upload-bytes N --download-bytes M [--iterations K] [options]
//   node peer.mjs dial <multiaddr> upper <text>   one length-prefixed request/response on /jlibp2p/upper/1.0.0
//   --identify (listen and dial) adds the identify + identify-push services;
//   listen reads newline-delimited commands on stdin (peer/identify/handle/unhandle/push).
//   --perf (listen) serves /perf/1.0.0 (perf.mjs); --chat (listen) serves /chat/1.0.0, one
//   {"type":"chat"} line per line received and {"type":"chat-end"} at its end; --listen <multiaddr> replaces /ip4/127.0.0.1/tcp/0.
//   Transports: tcp and websockets (/ws; /tls/ws with --cert and --key PEM files; a dialed wss
//   server's certificate is checked against Node's authorities and NODE_EXTRA_CA_CERTS).
//   Circuit relay v2 (@libp2p/circuit-relay-v2):
//   --relay-server (listen) serves /libp2p/circuit/relay/0.2.0/hop, with
//   --relay-limit-duration-ms N / --relay-limit-data-bytes N as the limits of every reservation;
//   --relay-client (listen and dial) adds the circuit transport (dial /p2p-circuit addresses);
//   --relay <relayMultiaddr/p2p/ID> (listen, implies --relay-client) reserves a slot there, listens
//   on <relay>/p2p-circuit and prints {"type":"reserved",...} after the listening line.
//   Both imply the identify services. Handlers and dials run on limited (relayed) connections.
//
// stdout: JSON lines only. stderr: diagnostics. See NOTES.md.

// MUST be the first import: Node 20 has no Promise.withResolvers.
import './polyfill.mjs'
import './websocket-global.mjs'

import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { webSockets } from '@libp2p/websockets'
import { readFileSync } from 'node:fs'
import { plaintext } from '@libp2p/plaintext'
import { noise } from '@chainsafe/libp2p-noise'
import { tls } from '@libp2p/tls'
import { mplex } from '@libp2p/mplex'
import { yamux } from '@chainsafe/libp2p-yamux'
import { ping } from '@libp2p/ping'
import { identify, identifyPush } from '@libp2p/identify'
import { circuitRelayServer, circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { RecordEnvelope, PeerRecord } from '@libp2p/peer-record'
import { peerIdFromString } from '@libp2p/peer-id'
import { createInterface } from 'node:readline'
import { multiaddr, CODE_P2P, CODE_P2P_CIRCUIT } from '@multiformats/multiaddr'
import { echo as utilsEcho, lpStream } from '@libp2p/utils'
import { PERF_PROTOCOL, handlePerf, perfRun } from './perf.mjs'
import { echoClient } from './echo-client.mjs'

const ECHO_PROTOCOL = '/echo/1.0.0'
const UPPER_PROTOCOL = '/jlibp2p/upper/1.0.0'
const PING_PROTOCOL = '/ipfs/ping/1.0.0'
const PING_LENGTH = 32

// handle() options for every protocol the listener serves: js refuses an
// inbound stream on a limited (relayed) connection unless the handler was
// registered with runOnLimitedConnection: true (libp2p src/connection.ts)
const ON_LIMITED = { runOnLimitedConnection: true }

// ---------------------------------------------------------------------------
// selectable components. --security / --muxer take one name or a
// comma-separated list in preference order; the list is handed to libp2p in
// that order (multistream-select proposes them in order as dialer; with noise
// the muxer list is also what goes into the handshake's stream_muxers
// extension, see NOTES.md).

const SECURITY = {
  plaintext: () => plaintext(),
  noise: () => noise(),
  tls: () => tls()
}

const MUXERS = {
  mplex: (opts) => mplex(opts.mplexDisconnectThreshold != null
    ? { disconnectThreshold: opts.mplexDisconnectThreshold }
    : {}),
  yamux: () => yamux()
}

// ---------------------------------------------------------------------------
// output helpers

function out (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

function diag (...args) {
  const ts = new Date().toISOString()
  process.stderr.write(`[${ts}] [peer ${process.pid}] ${args.join(' ')}\n`)
}

let exiting = false
function exit (code) {
  if (exiting) return
  exiting = true
  // make sure stdout/stderr are flushed before exiting (pipes are async)
  process.stdout.write('', () => {
    process.stderr.write('', () => process.exit(code))
  })
}

class UsageError extends Error {}

function usage (msg) {
  throw new UsageError(msg)
}

// ---------------------------------------------------------------------------
// argument parsing

const USAGE = `usage:
  node peer.mjs listen [--security plaintext|noise|tls] [--muxer mplex|yamux] [--timeout ms] [--ignore-stdin]
                       [--conn-threshold N] [--mplex-disconnect-threshold N] [--echo-max-streams N]
                       [--echo-impl events|iterator|utils] [--connection-monitor on|off] [--identify]
                       [--perf] [--chat] [--listen <multiaddr>] [--cert chain.pem --key key.pem]
                       [--relay-server [--relay-limit-duration-ms N] [--relay-limit-data-bytes N]]
                       [--relay-client] [--relay <relayMultiaddr with /p2p/ID>]
       stdin commands (one per line, one JSON answer line each):
         peer <peerId> | identify <peerId> | handle <protocol> | unhandle <protocol> | push
       --relay-server: circuit relay v2 server (hop); the limits apply to every reservation
         (js defaults 120000 ms and 131072 bytes; both must be >= 1)
       --relay <addr> (implies --relay-client): reserve on that relay, listen on <addr>/p2p-circuit,
         print {"type":"reserved","relay":ID,"addresses":[...],"expire":S} after the listening line
  node peer.mjs dial <multiaddr> ping [--security plaintext|noise|tls] [--muxer mplex|yamux] [--timeout ms]
       a <relay>/p2p-circuit/p2p/<ID> target implies --relay-client (circuit transport) and
       runs ping/echo/upper on the limited connection; every dial result line (and the error
       line once connected) carries "remoteAddr", "limited" and, if limited, "limits":{"bytes","seconds"}
  node peer.mjs dial <multiaddr> echo <nBytes> [--chunk bytes] [--parallel N] [--security ..] [--muxer ..] [--timeout ms]
  node peer.mjs dial <multiaddr> identify [--linger ms] [--security ..] [--muxer ..] [--timeout ms]
  node peer.mjs dial <multiaddr> perf --upload-bytes N --download-bytes M [--iterations K] [--security ..] [--muxer ..]
       each iteration dials a new connection; one {"type":"final",...} line per iteration
  (--timeout 0: no time limit; listen's default is 10 min, dial's 60 s)
  (--security/--muxer/--connection-monitor/--conn-threshold/--mplex-disconnect-threshold/--identify/--relay-client apply to dial too;
   --relay-server, --relay-client and --relay imply the identify services (not --identify's event lines);
   --linger ms keeps a dial's connection open that long after the result line;
   --security and --muxer accept a comma-separated list in preference order, e.g. --security noise,plaintext
   --muxer yamux,mplex)`

function parseIntArg (name, value, min = 0) {
  if (value == null || !/^\d+$/.test(value)) usage(`${name} expects a non-negative integer, got ${JSON.stringify(value)}`)
  const n = Number(value)
  if (!Number.isSafeInteger(n) || n < min) usage(`${name} must be an integer >= ${min}, got ${value}`)
  return n
}

// "noise,plaintext" -> ['noise', 'plaintext']; every name must be known, no
// empty entries, no duplicates (libp2p keys them by protocol id anyway)
function parseList (flag, value, table) {
  const names = String(value).split(',').map(x => x.trim())
  for (const name of names) {
    if (!Object.hasOwn(table, name)) {
      usage(`unknown ${flag} ${JSON.stringify(name)} (supported: ${Object.keys(table).join(', ')}; several as a comma-separated list)`)
    }
  }
  if (new Set(names).size !== names.length) usage(`${flag} lists a value twice: ${JSON.stringify(value)}`)
  return names
}

function parseArgs (argv) {
  const positional = []
  const opts = {
    security: ['plaintext'],
    muxer: ['mplex'],
    timeout: undefined,
    chunk: 64 * 1024,
    parallel: 1,
    ignoreStdin: false,
    connThreshold: undefined,
    mplexDisconnectThreshold: undefined,
    echoMaxStreams: undefined,
    echoImpl: 'events',
    connectionMonitor: 'on',
    identify: false,
    linger: 0,
    perf: false,
    chat: false,
    listen: '/ip4/127.0.0.1/tcp/0',
    cert: undefined,
    key: undefined,
    uploadBytes: undefined,
    downloadBytes: undefined,
    iterations: 1,
    relayServer: false,
    relayClient: false,
    relay: undefined,
    relayLimitDurationMs: undefined,
    relayLimitDataBytes: undefined
  }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) {
      positional.push(a)
      continue
    }
    let [flag, val] = a.split(/=(.*)/s, 2)
    const needValue = () => {
      if (val !== undefined) return val
      if (i + 1 >= argv.length) usage(`${flag} needs a value`)
      return argv[++i]
    }
    switch (flag) {
      case '--security': opts.security = parseList(flag, needValue(), SECURITY); break
      case '--muxer': opts.muxer = parseList(flag, needValue(), MUXERS); break
      case '--timeout': opts.timeout = parseIntArg(flag, needValue()); break
      case '--chunk': opts.chunk = parseIntArg(flag, needValue(), 1); break
      case '--parallel': opts.parallel = parseIntArg(flag, needValue(), 1); break
      case '--ignore-stdin': opts.ignoreStdin = true; break
      case '--conn-threshold': opts.connThreshold = parseIntArg(flag, needValue(), 1); break
      case '--mplex-disconnect-threshold': opts.mplexDisconnectThreshold = parseIntArg(flag, needValue(), 1); break
      case '--echo-max-streams': opts.echoMaxStreams = parseIntArg(flag, needValue(), 1); break
      case '--echo-impl': opts.echoImpl = needValue(); break
      case '--connection-monitor': opts.connectionMonitor = needValue(); break
      case '--identify': opts.identify = true; break
      case '--linger': opts.linger = parseIntArg(flag, needValue()); break
      case '--perf': opts.perf = true; break
      case '--chat': opts.chat = true; break
      case '--listen': opts.listen = needValue(); break
      case '--cert': opts.cert = needValue(); break
      case '--key': opts.key = needValue(); break
      case '--upload-bytes': opts.uploadBytes = parseIntArg(flag, needValue()); break
      case '--download-bytes': opts.downloadBytes = parseIntArg(flag, needValue()); break
      case '--iterations': opts.iterations = parseIntArg(flag, needValue(), 1); break
      case '--relay-server': opts.relayServer = true; break
      case '--relay-client': opts.relayClient = true; break
      case '--relay': opts.relay = needValue(); break
      // 0 is refused: js would apply it literally (AbortSignal.timeout(0), a 0-byte budget)
      case '--relay-limit-duration-ms': opts.relayLimitDurationMs = parseIntArg(flag, needValue(), 1); break
      case '--relay-limit-data-bytes': opts.relayLimitDataBytes = parseIntArg(flag, needValue(), 1); break
      case '--help': opts.help = true; break
      default: usage(`unknown option ${flag}`)
    }
  }
  if ((opts.cert == null) !== (opts.key == null)) usage('--cert and --key go together')
  // js puts the duration, in ms, into the uint32 Limit.duration field unchecked
  if (opts.relayLimitDurationMs > 0xffffffff) usage(`--relay-limit-duration-ms must fit in a uint32, got ${opts.relayLimitDurationMs}`)
  if (!opts.relayServer && (opts.relayLimitDurationMs != null || opts.relayLimitDataBytes != null)) {
    usage('--relay-limit-duration-ms and --relay-limit-data-bytes need --relay-server')
  }
  if (opts.relay != null) {
    let relay
    try { relay = multiaddr(opts.relay) } catch (err) { usage(`invalid --relay multiaddr ${JSON.stringify(opts.relay)}: ${err.message}`) }
    const codes = relay.getComponents().map(c => c.code)
    if (codes.includes(CODE_P2P_CIRCUIT)) usage(`--relay takes the relay's own address, without /p2p-circuit: ${opts.relay}`)
    if (codes.at(-1) !== CODE_P2P) usage(`--relay must end with the relay's /p2p/<peerId>: ${opts.relay}`)
    opts.relayClient = true // listening on <relay>/p2p-circuit needs the circuit transport
  }
  if (opts.connectionMonitor !== 'on' && opts.connectionMonitor !== 'off') {
    usage(`--connection-monitor must be on or off, got ${JSON.stringify(opts.connectionMonitor)}`)
  }
  if (!Object.hasOwn(ECHO_IMPLS, opts.echoImpl)) {
    usage(`unknown --echo-impl ${JSON.stringify(opts.echoImpl)} (supported: ${Object.keys(ECHO_IMPLS).join(', ')})`)
  }
  return { positional, opts }
}

// ---------------------------------------------------------------------------
// node construction

// --cert/--key: the https server a /tls/ws or /wss listen address needs
function webSocketsInit (opts) {
  if (opts.cert == null) return {}
  return { https: { cert: readFileSync(opts.cert), key: readFileSync(opts.key) } }
}

// --relay-server: the relay's limits for every reservation. js's option names are
// reservations.defaultDurationLimit (ms, a number) and reservations.defaultDataLimit
// (bytes, a bigint); unset -> js's defaults, 2 min and 128 KiB
// (@libp2p/circuit-relay-v2 src/index.ts ServerReservationStoreInit, src/constants.ts)
function relayServerInit (opts) {
  const reservations = {}
  if (opts.relayLimitDurationMs != null) reservations.defaultDurationLimit = opts.relayLimitDurationMs
  if (opts.relayLimitDataBytes != null) reservations.defaultDataLimit = BigInt(opts.relayLimitDataBytes)
  return { reservations }
}

// the identify services: --identify, and the relay roles (the circuit transport
// declares a dependency on '@libp2p/identify', createLibp2p fails without it)
function wantIdentify (opts) {
  return opts.identify || opts.relayServer || opts.relayClient
}

async function createNode (opts, { listen }) {
  const connectionManager = {}
  if (opts.connThreshold != null) connectionManager.inboundConnectionThreshold = opts.connThreshold

  const listenAddrs = listen ? [opts.listen] : []
  // --relay: the circuit transport's listener dials the relay, makes the
  // reservation and only then resolves, so createLibp2p() fails if it fails
  if (listen && opts.relay != null) listenAddrs.push(`${opts.relay}/p2p-circuit`)

  return createLibp2p({
    addresses: { listen: listenAddrs },
    transports: [
      tcp(),
      webSockets(webSocketsInit(opts)),
      ...(opts.relayClient ? [circuitRelayTransport()] : [])
    ],
    // order = preference order
    connectionEncrypters: opts.security.map(name => SECURITY[name](opts)),
    streamMuxers: opts.muxer.map(name => MUXERS[name](opts)),
    connectionManager,
    // js-libp2p 3.x pings every connection every 10 s over /ipfs/ping/1.0.0 and
    // aborts the connection if that fails (an "na" answer is accepted)
    connectionMonitor: { enabled: opts.connectionMonitor === 'on' },
    services: {
      ping: ping(),
      // --identify: /ipfs/id/1.0.0 + /ipfs/id/push/1.0.0 with js defaults
      // (automatic identify on every connection:open, push on self:peer:update)
      ...(wantIdentify(opts) ? { identify: identify(), identifyPush: identifyPush() } : {}),
      ...(opts.relayServer ? { relay: circuitRelayServer(relayServerInit(opts)) } : {})
    }
  })
}

// ---------------------------------------------------------------------------
// circuit relay helpers

function isCircuit (ma) {
  return ma.getComponents().some(c => c.code === CODE_P2P_CIRCUIT)
}

// what every dial result line says about the connection it ran on. js marks a
// relayed connection that has relay limits as limited (connection.limits set);
// limits.bytes / limits.seconds are what js's client side thinks is left
function connectionJson (connection) {
  const limits = connection.limits
  const json = { remoteAddr: connection.remoteAddr.toString(), limited: limits != null }
  if (limits != null) {
    json.limits = {
      bytes: limits.bytes == null ? null : limits.bytes.toString(),
      seconds: limits.seconds ?? null
    }
  }
  return json
}

// /ipfs/ping/1.0.0 on an existing connection: @libp2p/ping's ping() takes a
// peer id or multiaddr only, and the connection manager never reuses a limited
// connection for it (libp2p src/connection-manager/utils.ts findExistingConnection),
// so over a circuit it would dial a second relayed connection. Sends 32 random
// bytes, waits for the same 32 back, then closes the stream.
async function pingOnConnection (connection, signal) {
  const stream = await connection.newStream(PING_PROTOCOL, { signal, ...ON_LIMITED })
  const data = crypto.getRandomValues(new Uint8Array(PING_LENGTH))
  const received = []
  let length = 0
  let t0
  const pong = new Promise((resolve, reject) => {
    const onMessage = (evt) => {
      const bufs = evt.data instanceof Uint8Array ? [evt.data] : evt.data
      for (const buf of bufs) {
        received.push(buf)
        length += buf.byteLength
      }
      if (length >= PING_LENGTH) {
        stream.removeEventListener('message', onMessage)
        resolve(performance.now() - t0)
      }
    }
    stream.addEventListener('message', onMessage)
    stream.addEventListener('close', (evt) => {
      reject(new Error(`ping stream closed after ${length}/${PING_LENGTH} bytes${evt.error ? ` with ${evt.error.name}: ${evt.error.message}` : ''}`))
    })
    signal.addEventListener('abort', () => reject(signal.reason ?? new Error('aborted')), { once: true })
  })
  pong.catch(() => {})
  try {
    t0 = performance.now()
    stream.send(data)
    const rtt = await pong
    const got = Buffer.concat(received)
    if (got.length !== PING_LENGTH || !got.equals(Buffer.from(data))) {
      throw new Error(`wrong ping answer: ${got.length} bytes, ${got.toString('hex')} instead of ${Buffer.from(data).toString('hex')}`)
    }
    await stream.close({ signal })
    return rtt
  } catch (err) {
    stream.abort(err)
    throw err
  }
}

// --relay: after createLibp2p() the reservation exists; wait (briefly) until
// the circuit addresses show up among our multiaddrs
async function waitForCircuitAddrs (node, timeoutMs = 10_000) {
  const circuitAddrs = () => node.getMultiaddrs().filter(isCircuit).map(String)
  const deadline = Date.now() + timeoutMs
  let addrs = circuitAddrs()
  while (addrs.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
    addrs = circuitAddrs()
  }
  if (addrs.length === 0) throw new Error(`reservation made but no /p2p-circuit address after ${timeoutMs} ms`)
  return addrs
}

// the reservation the circuit transport holds on relayPeer (expire: unix
// seconds), read from the transport's reservation store; null if not found
function relayReservation (node, relayPeer) {
  try {
    const transport = node.components.transportManager.getTransports()
      .find(t => t[Symbol.toStringTag] === '@libp2p/circuit-relay-v2-transport')
    return transport?.reservationStore?.getReservation(relayPeer) ?? null
  } catch (err) {
    diag(`could not read the relay reservation: ${err.message}`)
    return null
  }
}

// ---------------------------------------------------------------------------
// identify / peer store helpers (JSON shapes are documented in NOTES.md)

const KEY_TYPES = ['RSA', 'Ed25519', 'secp256k1', 'ECDSA']

// type of a libp2p PublicKey protobuf (field 1 = KeyType varint) without
// decoding the key; js has already validated it when identify() succeeded
function keyTypeOfProtobuf (bytes) {
  if (bytes == null || bytes.length < 2 || bytes[0] !== 0x08) return null
  return KEY_TYPES[bytes[1]] ?? `unknown(${bytes[1]})`
}

const utf8 = new TextDecoder()

function metadataString (metadata, key) {
  const v = metadata?.get(key)
  return v == null ? null : utf8.decode(v)
}

function hex (bytes) {
  return Buffer.from(bytes).toString('hex')
}

// the IdentifyResult js returns from identify() / emits with 'peer:identify'
function identifyResultJson (r) {
  return {
    peerId: r.peerId.toString(),
    protocolVersion: r.protocolVersion ?? null,
    agentVersion: r.agentVersion ?? null,
    publicKeyType: keyTypeOfProtobuf(r.publicKey),
    listenAddrs: (r.listenAddrs ?? []).map(String),
    observedAddr: r.observedAddr == null ? null : r.observedAddr.toString(),
    protocols: r.protocols ?? [],
    hasSignedPeerRecord: r.signedPeerRecord != null,
    signedPeerRecordSeq: r.signedPeerRecord == null ? null : r.signedPeerRecord.seq.toString(),
    signedPeerRecordAddrs: r.signedPeerRecord == null ? [] : r.signedPeerRecord.addresses.map(String)
  }
}

function decodePeerRecordEnvelope (bytes) {
  try {
    const envelope = RecordEnvelope.createFromProtobuf(bytes)
    const record = PeerRecord.createFromProtobuf(envelope.payload)
    return {
      seq: record.seqNumber.toString(),
      addresses: record.multiaddrs.map(String),
      peerId: record.peerId.toString(),
      payloadType: hex(envelope.payloadType)
    }
  } catch (err) {
    return { error: `${err.name}: ${err.message}` }
  }
}

// what js's peer store holds about peerId (not found -> found:false)
async function peerStoreJson (node, peerId) {
  const empty = {
    peerId: peerId.toString(),
    found: false,
    addresses: [],
    protocols: [],
    agentVersion: null,
    protocolVersion: null,
    hasPeerRecordEnvelope: false,
    peerRecord: null,
    publicKeyType: null
  }
  let peer
  try {
    peer = await node.peerStore.get(peerId)
  } catch (err) {
    if (err.name === 'NotFoundError') return empty
    throw err
  }
  return {
    peerId: peer.id.toString(),
    found: true,
    addresses: peer.addresses.map(a => ({ multiaddr: a.multiaddr.toString(), isCertified: a.isCertified === true })),
    protocols: peer.protocols,
    agentVersion: metadataString(peer.metadata, 'AgentVersion'),
    protocolVersion: metadataString(peer.metadata, 'ProtocolVersion'),
    hasPeerRecordEnvelope: peer.peerRecordEnvelope != null,
    peerRecord: peer.peerRecordEnvelope == null ? null : decodePeerRecordEnvelope(peer.peerRecordEnvelope),
    publicKeyType: peer.id.publicKey?.type ?? null
  }
}

// Remember the promise of every identify() call, including the automatic one
// js starts on 'connection:open' (it calls this.identify(connection), so an
// own-property wrapper sees it). Pure pass-through: lets us wait for the
// automatic identify instead of opening a second /ipfs/id/1.0.0 stream, which
// js's per-protocol outbound limit (1 for identify) would reject.
function trackIdentify (node) {
  const svc = node.services.identify
  const pending = new Map() // connection.id -> promise of the latest identify
  if (svc == null) return pending
  const original = svc.identify.bind(svc)
  svc.identify = (connection, options) => {
    const p = original(connection, options)
    pending.set(connection.id, p)
    p.catch(() => {}).finally(() => {
      setTimeout(() => { if (pending.get(connection.id) === p) pending.delete(connection.id) }, 60_000).unref()
    })
    return p
  }
  return pending
}

// wait for an in-flight identify on the connection (if any), else run one
async function identifyConnection (node, pending, connection, { signal, fresh }) {
  const inflight = pending.get(connection.id)
  if (inflight != null) {
    let result
    try { result = await inflight } catch (err) { if (!fresh) throw err }
    if (!fresh && result != null) return result
  }
  return node.services.identify.identify(connection, { signal })
}

// ---------------------------------------------------------------------------
// echo handler (server side)
//
// Event based on purpose:
//  * it never calls stream.pause(): mplex has no flow control, so a paused
//    stream keeps buffering inbound data in its readBuffer and is reset once
//    that exceeds maxReadBufferLength (4 MiB) - the stock `echo()` helper in
//    @libp2p/utils pauses while waiting for 'drain'.
//  * it does not use `for await (const buf of stream)`: the async iterator only
//    ends on 'remoteCloseWrite'/'close' events, so if the remote's CLOSE was
//    processed before the handler attached (e.g. a client that sends
//    mss + data + CLOSE without waiting), the loop never ends.
//  * it does not trust `readableEnded`/'end' alone either: multistream-select
//    reads ahead and pushes unread bytes back (unshift) after 'end' may already
//    have fired. "All input consumed" is remoteWriteStatus === 'closed' AND an
//    empty readBuffer, checked after every dispatched message.

function handleEcho (stream, connection) {
  const started = performance.now()
  let bytes = 0
  const tag = `echo ${stream.id} from ${connection.remotePeer}`
  diag(`${tag}: opened (status=${stream.status}, remoteWrite=${stream.remoteWriteStatus}, buffered=${stream.readBufferLength}, readableEnded=${stream.readableEnded})`)

  return new Promise((resolve) => {
    let finished = false
    const finish = () => {
      if (finished) return
      finished = true
      // remote half-closed and every byte was dispatched: close our write side
      // (stream.close() waits until the write queue is flushed to the muxer)
      stream.close()
        .then(() => diag(`${tag}: echoed ${bytes} bytes in ${(performance.now() - started).toFixed(1)} ms, closed write side`))
        .catch((err) => {
          diag(`${tag}: close failed after ${bytes} bytes: ${err.message}`)
          stream.abort(err)
        })
        .finally(resolve)
    }
    const maybeFinish = () => {
      if (stream.remoteWriteStatus === 'closed' && stream.readBufferLength === 0) finish()
    }
    const onMessage = (evt) => {
      bytes += evt.data.byteLength
      try {
        // send() returns false when the transport wants a 'drain'; the data is
        // still queued in the stream's writeBuffer (unbounded unless
        // maxWriteBufferLength is set), so we keep reading instead of pausing.
        stream.send(evt.data)
      } catch (err) {
        diag(`${tag}: send failed: ${err.message}`)
        stream.abort(err)
        return
      }
      maybeFinish()
    }
    stream.addEventListener('message', onMessage)
    stream.addEventListener('remoteCloseWrite', maybeFinish)
    stream.addEventListener('close', (evt) => {
      if (evt.error != null) {
        diag(`${tag}: closed with error after ${bytes} bytes: ${evt.error.name}: ${evt.error.message} (local=${evt.local})`)
      }
      resolve()
    })
    // if bytes are buffered, adding the 'message' listener schedules their
    // dispatch in a microtask and onMessage will call maybeFinish
    if (stream.readBufferLength === 0) maybeFinish()
  })
}

// Alternative echo handlers, ONLY to reproduce js pitfalls (--echo-impl):
//  iterator: the obvious `for await (buf of stream) stream.send(buf)` loop;
//            hangs when the remote's CLOSE was processed before the handler ran.
//  utils:    @libp2p/utils echo(): pauses on backpressure, which with mplex
//            lets the read buffer grow until the stream is reset at 4 MiB.
async function handleEchoIterator (stream, connection) {
  diag(`echo(iterator) ${stream.id}: opened (remoteWrite=${stream.remoteWriteStatus}, buffered=${stream.readBufferLength})`)
  let bytes = 0
  try {
    for await (const buf of stream) {
      bytes += buf.byteLength
      stream.send(buf)
    }
    await stream.close()
    diag(`echo(iterator) ${stream.id}: echoed ${bytes} bytes, closed`)
  } catch (err) {
    diag(`echo(iterator) ${stream.id}: ${err.message}`)
    stream.abort(err)
  }
}

async function handleEchoUtils (stream, connection) {
  stream.addEventListener('close', (evt) => {
    diag(`echo(utils) ${stream.id}: close event${evt.error ? ` with ${evt.error.name}: ${evt.error.message}` : ''}`)
  })
  await utilsEcho(stream)
}

// /chat/1.0.0 as the jlibp2p CLI speaks it: UTF-8 lines. Each line received is an event line
// on stdout; so is the end of the stream, after which this side ends its own.
const CHAT_PROTOCOL = '/chat/1.0.0'

async function handleChat (stream, connection) {
  const peerId = connection.remotePeer.toString()
  const decoder = new TextDecoder()
  let pending = ''
  try {
    for await (const buf of stream) {
      pending += decoder.decode(buf.subarray ? buf.subarray() : buf, { stream: true })
      let newline
      while ((newline = pending.indexOf('\n')) >= 0) {
        out({ type: 'chat', peerId, line: pending.slice(0, newline) })
        pending = pending.slice(newline + 1)
      }
    }
    out({ type: 'chat-end', peerId })
    await stream.close()
  } catch (err) {
    out({ type: 'chat-end', peerId, error: `${err?.name ?? 'Error'}: ${err?.message ?? err}` })
    stream.abort(err)
  }
}

const ECHO_IMPLS = {
  events: handleEcho,
  iterator: handleEchoIterator,
  utils: handleEchoUtils
}

// ---------------------------------------------------------------------------
// commands

async function cmdListen (opts) {
  const node = await createNode(opts, { listen: true })

  node.addEventListener('connection:open', (evt) => {
    const c = evt.detail
    diag(`connection:open ${c.direction} ${c.remoteAddr} encryption=${c.encryption} muxer=${c.multiplexer}${c.limits != null ? ` limited bytes=${c.limits.bytes ?? '-'} seconds=${c.limits.seconds ?? '-'}` : ''}`)
  })
  node.addEventListener('connection:close', (evt) => {
    const c = evt.detail
    diag(`connection:close ${c.remoteAddr}`)
  })

  const pendingIdentify = trackIdentify(node)
  if (opts.identify) {
    // event lines (only with --identify, so the plain listener's stdout stays one line)
    node.addEventListener('peer:identify', (evt) => {
      const r = evt.detail
      out({
        type: 'event',
        event: 'peer:identify',
        peerId: r.peerId.toString(),
        protocols: r.protocols ?? [],
        listenAddrs: (r.listenAddrs ?? []).map(String),
        agentVersion: r.agentVersion ?? null,
        signedPeerRecordSeq: r.signedPeerRecord == null ? null : r.signedPeerRecord.seq.toString()
      })
    })
    node.addEventListener('peer:update', (evt) => {
      const p = evt.detail.peer
      out({
        type: 'event',
        event: 'peer:update',
        peerId: p.id.toString(),
        protocols: p.protocols,
        addresses: p.addresses.map(a => a.multiaddr.toString())
      })
    })
  }

  await node.handle(ECHO_PROTOCOL, ECHO_IMPLS[opts.echoImpl], {
    maxInboundStreams: opts.echoMaxStreams ?? 32, // js default is 32 per connection per protocol
    maxOutboundStreams: 64,
    ...ON_LIMITED
  })

  // One length-prefixed request, one length-prefixed response (its text in upper case), then the
  // stream closes: jlibp2p's RequestResponse framing, as js's own lpStream reads and writes it.
  await node.handle(UPPER_PROTOCOL, (stream, connection) => {
    serveUpper(stream).catch((err) => {
      diag(`upper ${stream.id} from ${connection.remotePeer}: ${err.message}`)
      stream.abort(err)
    })
  }, ON_LIMITED)

  if (opts.perf) {
    await node.handle(PERF_PROTOCOL, (stream, connection) => {
      handlePerf(stream).then(
        (uploaded) => diag(`perf ${stream.id} from ${connection.remotePeer}: received ${uploaded} bytes, sent the download`),
        (err) => diag(`perf ${stream.id} from ${connection.remotePeer}: ${err.message}`))
    }, ON_LIMITED)
  }

  if (opts.chat) {
    await node.handle(CHAT_PROTOCOL, handleChat, ON_LIMITED)
  }

  // the node's own (non-circuit) addresses; with --relay the circuit ones
  // follow in the "reserved" line
  const addrs = node.getMultiaddrs().filter(ma => !isCircuit(ma)).map(ma => ma.toString())
  out({ peerId: node.peerId.toString(), addrs })
  diag(`listening as ${node.peerId} on ${addrs.join(' ')}; protocols: ${node.getProtocols().join(', ')}`)
  if (opts.relayServer) {
    const r = relayServerInit(opts).reservations
    diag(`relay server: reservation limits duration=${r.defaultDurationLimit ?? 'js default 120000'} ms data=${r.defaultDataLimit ?? 'js default 131072'} bytes`)
  }

  if (opts.relay != null) {
    // createLibp2p() resolved, so the reservation exists; its addresses are
    // <relay addr>/p2p/<relay>/p2p-circuit/p2p/<us>
    const relayPeer = peerIdFromString(multiaddr(opts.relay).getComponents().findLast(c => c.code === CODE_P2P).value)
    const addresses = await waitForCircuitAddrs(node)
    const reservation = relayReservation(node, relayPeer)
    out({
      type: 'reserved',
      relay: relayPeer.toString(),
      addresses,
      expire: reservation?.expire == null ? null : Number(reservation.expire)
    })
    diag(`reserved on relay ${relayPeer}: ${addresses.join(' ')}`)
  }

  let stopping = false
  const shutdown = async (why) => {
    if (stopping) return
    stopping = true
    diag(`stopping (${why})`)
    const force = setTimeout(() => {
      diag('node.stop() did not finish within 5 s, exiting anyway')
      exit(0)
    }, 5000)
    try {
      await node.stop()
    } catch (err) {
      diag(`node.stop() failed: ${err.stack ?? err}`)
    }
    clearTimeout(force)
    exit(0)
  }

  process.on('SIGTERM', () => { shutdown('SIGTERM') })
  process.on('SIGINT', () => { shutdown('SIGINT') })
  if (!opts.ignoreStdin) {
    // newline-delimited commands, answered one JSON line each, strictly in order
    let chain = Promise.resolve()
    const afterCommands = (why) => () => {
      // let readline deliver a last unterminated line first, then finish queued commands
      setImmediate(() => { chain.finally(() => shutdown(why)) })
    }
    process.stdin.on('end', afterCommands('stdin EOF'))
    process.stdin.on('close', afterCommands('stdin closed'))
    process.stdin.on('error', (err) => { shutdown(`stdin error ${err.code ?? err.message}`) })
    const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false })
    rl.on('line', (line) => {
      if (line.trim() === '') return
      chain = chain.then(() => runCommand(node, pendingIdentify, line))
        .then((answer) => out(answer))
        .catch((err) => out({ type: 'error', error: `${err?.name ?? 'Error'}: ${err?.message ?? err}` }))
    })
  }
  // safety net: never run forever (default 10 min, --timeout 0 disables)
  const lifetime = opts.timeout ?? 600_000
  if (lifetime > 0) {
    setTimeout(() => { shutdown(`lifetime --timeout ${lifetime} ms elapsed`) }, lifetime).unref()
  }
}

// one stdin command -> one JSON answer object
async function runCommand (node, pendingIdentify, line) {
  const [cmd, ...args] = line.trim().split(/\s+/)
  diag(`command: ${line.trim()}`)
  const needOne = (what) => {
    if (args.length !== 1) throw new Error(`${cmd} needs exactly one <${what}>`)
    return args[0]
  }
  const parsePeer = (s) => {
    try {
      return peerIdFromString(s)
    } catch (err) {
      throw new Error(`invalid peer id ${JSON.stringify(s)}: ${err.message}`)
    }
  }
  switch (cmd) {
    case 'peer': {
      let peerId
      try { peerId = parsePeer(needOne('peerId')) } catch (err) { return { type: 'peer', ok: false, error: err.message } }
      return { type: 'peer', ok: true, ...await peerStoreJson(node, peerId) }
    }
    case 'identify': {
      try {
        const peerId = parsePeer(needOne('peerId'))
        if (node.services.identify == null) throw new Error('identify service not enabled (start with --identify)')
        const connection = node.getConnections(peerId).find(c => c.status === 'open')
        if (connection == null) throw new Error(`no open connection to ${peerId}`)
        const signal = AbortSignal.timeout(10_000)
        const r = await identifyConnection(node, pendingIdentify, connection, { signal, fresh: true })
        return { type: 'identify', ok: true, ...identifyResultJson(r) }
      } catch (err) {
        return { type: 'identify', ok: false, error: `${err?.name ?? 'Error'}: ${err?.message ?? err}` }
      }
    }
    case 'handle':
    case 'unhandle': {
      const type = cmd === 'handle' ? 'handled' : 'unhandled'
      let protocol
      try {
        protocol = needOne('protocolId')
        if (cmd === 'handle') {
          // trivial handler: close the stream. Registering changes our own
          // protocols in the peer store -> self:peer:update -> identify push
          // (debounced 1 s) to every connected peer that supports push.
          await node.handle(protocol, (stream) => {
            stream.close().catch((err) => stream.abort(err))
          }, ON_LIMITED)
        } else {
          if (!node.getProtocols().includes(protocol)) throw new Error(`protocol ${protocol} is not handled`)
          await node.unhandle(protocol)
        }
        return { type, ok: true, protocol, protocols: node.getProtocols() }
      } catch (err) {
        return { type, ok: false, protocol: protocol ?? null, error: `${err?.name ?? 'Error'}: ${err?.message ?? err}` }
      }
    }
    case 'push': {
      if (node.services.identifyPush == null) return { type: 'push', ok: false, error: 'identify push service not enabled (start with --identify)' }
      await node.services.identifyPush.push() // debounced: the push goes out about 1 s later
      return { type: 'push', ok: true }
    }
    default:
      return { type: 'error', error: `unknown command ${JSON.stringify(cmd)} (expected peer, identify, handle, unhandle or push)` }
  }
}

async function stopQuietly (node) {
  if (node == null) return
  await Promise.race([
    node.stop().catch((err) => diag(`node.stop() failed: ${err.message}`)),
    new Promise((resolve) => setTimeout(resolve, 2000).unref())
  ])
}

async function cmdDial (target, action, actionArgs, opts, signal) {
  const ma = multiaddr(target)
  const node = await createNode(opts, { listen: false })
  const pendingIdentify = trackIdentify(node)
  let succeeded = false
  try {
    if (action === 'perf') {
      await perfClient(node, ma, opts, signal)
      succeeded = true
      return { ok: true, iterations: opts.iterations }
    }
    const t0 = performance.now()
    const connection = await node.dial(ma, { signal })
    const dialMs = performance.now() - t0
    dialConnection = connection
    diag(`connected to ${connection.remotePeer} via ${connection.remoteAddr} encryption=${connection.encryption} muxer=${connection.multiplexer} in ${dialMs.toFixed(1)} ms${connection.limits != null ? ' (limited)' : ''}`)
    // a /p2p-circuit target: js refuses to open a stream on a limited
    // connection unless newStream() is given runOnLimitedConnection: true
    const streamOpts = isCircuit(ma) ? ON_LIMITED : {}

    if (action === 'ping') {
      const t1 = performance.now()
      let rtt, pingVia
      if (isCircuit(ma)) {
        // by hand on this connection: the ping service would open a second circuit
        rtt = round(await pingOnConnection(connection, signal))
        pingVia = 'connection'
      } else {
        rtt = await node.services.ping.ping(ma, { signal })
        pingVia = 'service'
      }
      const totalMs = performance.now() - t1
      // rttMs: what @libp2p/ping reports (Date.now() based, integer ms, measured
      // from the first write to the 32-byte echo); pingMs additionally includes
      // opening the stream and multistream-select negotiation. Over a circuit
      // (pingVia "connection") rttMs is performance.now() based, fractional.
      succeeded = true
      return { ok: true, rttMs: rtt, pingMs: round(totalMs), dialMs: round(dialMs), remotePeer: connection.remotePeer.toString(), pingVia, ...connectionJson(connection) }
    }

    if (action === 'echo') {
      const n = actionArgs[0]
      // --parallel N: N echo streams at once on the one connection, each carrying n bytes.
      const t1 = performance.now()
      await Promise.all(Array.from({ length: opts.parallel }, () => echoClient(connection, n, opts.chunk, signal, diag, streamOpts)))
      const ms = performance.now() - t1
      succeeded = true
      return { ok: true, bytes: n, streams: opts.parallel, ms: round(ms), mibPerSec: round(n * opts.parallel / 1048576 / (ms / 1000)), dialMs: round(dialMs), ...connectionJson(connection) }
    }

    if (action === 'upper') {
      const stream = await connection.newStream(UPPER_PROTOCOL, { signal, ...streamOpts })
      const lp = lpStream(stream)
      await lp.write(new TextEncoder().encode(actionArgs[0]), { signal })
      await stream.close({ signal })
      const response = await lp.read({ signal })
      succeeded = true
      return { ok: true, response: new TextDecoder().decode(response.subarray()), remotePeer: connection.remotePeer.toString(), ...connectionJson(connection) }
    }

    if (action === 'identify') {
      // js started identify itself on 'connection:open'; wait for that one
      // (or run one if none is in flight), then read the peer store
      const t1 = performance.now()
      const r = await identifyConnection(node, pendingIdentify, connection, { signal, fresh: false })
      const identifyMs = performance.now() - t1
      const peer = await peerStoreJson(node, connection.remotePeer)
      succeeded = true
      return {
        ok: true,
        identify: identifyResultJson(r),
        peer,
        remotePeer: connection.remotePeer.toString(),
        localPeer: node.peerId.toString(),
        dialMs: round(dialMs),
        identifyMs: round(identifyMs),
        ...connectionJson(connection)
      }
    }
    throw new Error(`unreachable action ${action}`)
  } finally {
    if (succeeded && opts.linger > 0) {
      // keep the connection (and our identify responder) alive for the remote;
      // main() stops the node after printing the result and waiting
      lingerNode = node
      lingerMs = opts.linger
    } else {
      await stopQuietly(node)
    }
  }
}

// perf: every iteration dials a new connection and closes it afterwards; its time runs from the
// dial to the last downloaded byte, like the test-plans perf harness measures (one "final" record
// per iteration, in the harness's shape)
async function perfClient (node, ma, opts, signal) {
  for (let i = 0; i < opts.iterations; i++) {
    const t0 = performance.now()
    const connection = await node.dial(ma, { signal, force: true })
    try {
      await perfRun(connection, opts.uploadBytes, opts.downloadBytes, signal)
      const record = {
        type: 'final',
        timeSeconds: (performance.now() - t0) / 1000,
        uploadBytes: opts.uploadBytes,
        downloadBytes: opts.downloadBytes
      }
      if (opts.iterations > 1) record.iteration = i
      out(record)
    } finally {
      await connection.close().catch((err) => connection.abort(err))
    }
  }
}

function round (x) {
  return Math.round(x * 1000) / 1000
}

async function serveUpper (stream) {
  const lp = lpStream(stream)
  const request = await lp.read()
  await lp.write(new TextEncoder().encode(new TextDecoder().decode(request.subarray()).toUpperCase()))
  await stream.close()
}

// ---------------------------------------------------------------------------
// main

async function main () {
  let parsed
  try {
    parsed = parseArgs(process.argv.slice(2))
    const { positional, opts } = parsed
    if (opts.help) {
      process.stderr.write(USAGE + '\n')
      exit(0)
      return
    }
    const cmd = positional[0]
    if (cmd === 'listen') {
      if (positional.length !== 1) usage('listen takes no positional arguments')
      try { multiaddr(opts.listen) } catch (err) { usage(`invalid --listen multiaddr ${JSON.stringify(opts.listen)}: ${err.message}`) }
    } else if (cmd === 'dial') {
      const action = positional[2]
      if (positional.length < 3) usage('dial needs <multiaddr> <ping|echo|identify>')
      let target
      try { target = multiaddr(positional[1]) } catch (err) { usage(`invalid multiaddr ${JSON.stringify(positional[1])}: ${err.message}`) }
      if (opts.relay != null) usage('--relay is a listen option (dial a <relay>/p2p-circuit/p2p/<ID> address instead)')
      if (opts.relayServer) usage('--relay-server is a listen option')
      if (isCircuit(target)) opts.relayClient = true // a circuit target needs the circuit transport
      if (action === 'ping') {
        if (positional.length !== 3) usage('dial <addr> ping takes no further arguments')
      } else if (action === 'echo') {
        if (positional.length !== 4) usage('dial <addr> echo needs exactly one <nBytes>')
        parseIntArg('nBytes', positional[3])
      } else if (action === 'perf') {
        if (positional.length !== 3) usage('dial <addr> perf takes options only: --upload-bytes N --download-bytes M [--iterations K]')
        if (opts.uploadBytes == null || opts.downloadBytes == null) usage('dial <addr> perf needs --upload-bytes and --download-bytes')
      } else if (action === 'upper') {
        if (positional.length !== 4) usage('dial <addr> upper needs exactly one <text>')
      } else if (action === 'identify') {
        if (positional.length !== 3) usage('dial <addr> identify takes no further arguments')
        opts.identify = true // the identify action implies --identify
      } else {
        usage(`unknown dial action ${JSON.stringify(action)} (expected ping, echo, identify, perf or upper)`)
      }
    } else {
      usage(cmd == null ? 'missing command' : `unknown command ${JSON.stringify(cmd)}`)
    }
  } catch (err) {
    if (err instanceof UsageError) {
      out({ ok: false, error: `usage: ${err.message}` })
      process.stderr.write(`error: ${err.message}\n${USAGE}\n`)
      exit(2)
      return
    }
    throw err
  }

  const { positional, opts } = parsed
  if (positional[0] === 'listen') {
    await cmdListen(opts)
    return
  }

  // dial: whole-command timeout
  const timeoutMs = opts.timeout ?? 60_000
  const controller = new AbortController()
  const timer = timeoutMs === 0 ? undefined : setTimeout(() => {
    controller.abort(new Error(`timeout after ${timeoutMs} ms`))
    // if something ignores the signal, still never hang
    setTimeout(() => {
      out({ ok: false, error: `timeout after ${timeoutMs} ms (forced exit)` })
      exit(1)
    }, 3000).unref()
  }, timeoutMs)

  try {
    const [, target, action, ...rest] = positional
    const actionArgs = action === 'upper' ? rest : rest.map(x => Number(x))
    const result = await cmdDial(target, action, actionArgs, opts, controller.signal)
    clearTimeout(timer)
    out(result)
    if (lingerNode != null) {
      diag(`lingering ${lingerMs} ms before stopping`)
      await new Promise((resolve) => setTimeout(resolve, lingerMs))
      await stopQuietly(lingerNode)
    }
    exit(0)
  } catch (err) {
    clearTimeout(timer)
    let msg = `${err?.name ?? 'Error'}: ${err?.message ?? err}`
    if (controller.signal.aborted) {
      const why = String(controller.signal.reason?.message ?? 'timeout')
      msg = err?.message === why ? why : `${why} (${msg})`
    }
    diag(`dial failed: ${err?.stack ?? err}`)
    // once connected, the error line says which connection it was (remoteAddr, limited)
    // (connectionStatus "closed": the connection itself ended, e.g. a relay cut it at its limit)
    out({ ok: false, error: msg, ...(dialConnection != null ? { ...connectionJson(dialConnection), connectionStatus: dialConnection.status } : {}) })
    exit(1)
  }
}

// the dial's connection once established, for the error line
let dialConnection = null

// --linger: cmdDial leaves the node running; main() prints the result first
let lingerNode = null
let lingerMs = 0

process.on('unhandledRejection', (err) => {
  diag(`unhandledRejection: ${err?.stack ?? err}`)
})

main().catch((err) => {
  diag(`fatal: ${err?.stack ?? err}`)
  out({ ok: false, error: `${err?.name ?? 'Error'}: ${err?.message ?? err}` })
  exit(1)
})
