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
import { RecordEnvelope, PeerRecord } from '@libp2p/peer-record'
import { peerIdFromString } from '@libp2p/peer-id'
import { createInterface } from 'node:readline'
import { multiaddr } from '@multiformats/multiaddr'
import { echo as utilsEcho, lpStream } from '@libp2p/utils'
import { PERF_PROTOCOL, handlePerf, perfRun } from './perf.mjs'
import { echoClient } from './echo-client.mjs'

const ECHO_PROTOCOL = '/echo/1.0.0'
const UPPER_PROTOCOL = '/jlibp2p/upper/1.0.0'

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
       stdin commands (one per line, one JSON answer line each):
         peer <peerId> | identify <peerId> | handle <protocol> | unhandle <protocol> | push
  node peer.mjs dial <multiaddr> ping [--security plaintext|noise|tls] [--muxer mplex|yamux] [--timeout ms]
  node peer.mjs dial <multiaddr> echo <nBytes> [--chunk bytes] [--parallel N] [--security ..] [--muxer ..] [--timeout ms]
  node peer.mjs dial <multiaddr> identify [--linger ms] [--security ..] [--muxer ..] [--timeout ms]
  node peer.mjs dial <multiaddr> perf --upload-bytes N --download-bytes M [--iterations K] [--security ..] [--muxer ..]
       each iteration dials a new connection; one {"type":"final",...} line per iteration
  (--timeout 0: no time limit; listen's default is 10 min, dial's 60 s)
  (--security/--muxer/--connection-monitor/--conn-threshold/--mplex-disconnect-threshold/--identify apply to dial too;
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
    iterations: 1
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
      case '--help': opts.help = true; break
      default: usage(`unknown option ${flag}`)
    }
  }
  if ((opts.cert == null) !== (opts.key == null)) usage('--cert and --key go together')
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

async function createNode (opts, { listen }) {
  const connectionManager = {}
  if (opts.connThreshold != null) connectionManager.inboundConnectionThreshold = opts.connThreshold

  return createLibp2p({
    addresses: { listen: listen ? [opts.listen] : [] },
    transports: [tcp(), webSockets(webSocketsInit(opts))],
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
      ...(opts.identify ? { identify: identify(), identifyPush: identifyPush() } : {})
    }
  })
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
    diag(`connection:open ${c.direction} ${c.remoteAddr} encryption=${c.encryption} muxer=${c.multiplexer}`)
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
    maxOutboundStreams: 64
  })

  // One length-prefixed request, one length-prefixed response (its text in upper case), then the
  // stream closes: jlibp2p's RequestResponse framing, as js's own lpStream reads and writes it.
  await node.handle(UPPER_PROTOCOL, (stream, connection) => {
    serveUpper(stream).catch((err) => {
      diag(`upper ${stream.id} from ${connection.remotePeer}: ${err.message}`)
      stream.abort(err)
    })
  })

  if (opts.perf) {
    await node.handle(PERF_PROTOCOL, (stream, connection) => {
      handlePerf(stream).then(
        (uploaded) => diag(`perf ${stream.id} from ${connection.remotePeer}: received ${uploaded} bytes, sent the download`),
        (err) => diag(`perf ${stream.id} from ${connection.remotePeer}: ${err.message}`))
    })
  }

  if (opts.chat) {
    await node.handle(CHAT_PROTOCOL, handleChat)
  }

  const addrs = node.getMultiaddrs().map(ma => ma.toString())
  out({ peerId: node.peerId.toString(), addrs })
  diag(`listening as ${node.peerId} on ${addrs.join(' ')}; protocols: ${node.getProtocols().join(', ')}`)

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
          })
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
    diag(`connected to ${connection.remotePeer} via ${connection.remoteAddr} encryption=${connection.encryption} muxer=${connection.multiplexer} in ${dialMs.toFixed(1)} ms`)

    if (action === 'ping') {
      const t1 = performance.now()
      const rtt = await node.services.ping.ping(ma, { signal })
      const totalMs = performance.now() - t1
      // rttMs: what @libp2p/ping reports (Date.now() based, integer ms, measured
      // from the first write to the 32-byte echo); pingMs additionally includes
      // opening the stream and multistream-select negotiation.
      succeeded = true
      return { ok: true, rttMs: rtt, pingMs: round(totalMs), dialMs: round(dialMs), remotePeer: connection.remotePeer.toString() }
    }

    if (action === 'echo') {
      const n = actionArgs[0]
      // --parallel N: N echo streams at once on the one connection, each carrying n bytes.
      const t1 = performance.now()
      await Promise.all(Array.from({ length: opts.parallel }, () => echoClient(connection, n, opts.chunk, signal, diag)))
      const ms = performance.now() - t1
      succeeded = true
      return { ok: true, bytes: n, streams: opts.parallel, ms: round(ms), mibPerSec: round(n * opts.parallel / 1048576 / (ms / 1000)), dialMs: round(dialMs) }
    }

    if (action === 'upper') {
      const stream = await connection.newStream(UPPER_PROTOCOL, { signal })
      const lp = lpStream(stream)
      await lp.write(new TextEncoder().encode(actionArgs[0]), { signal })
      await stream.close({ signal })
      const response = await lp.read({ signal })
      succeeded = true
      return { ok: true, response: new TextDecoder().decode(response.subarray()), remotePeer: connection.remotePeer.toString() }
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
        identifyMs: round(identifyMs)
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
      try { multiaddr(positional[1]) } catch (err) { usage(`invalid multiaddr ${JSON.stringify(positional[1])}: ${err.message}`) }
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
    out({ ok: false, error: msg })
    exit(1)
  }
}

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
