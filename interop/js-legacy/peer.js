'use strict'
// Legacy js-libp2p 0.29 peer (secio + mplex over TCP) for jlibp2p's SECIO interop tests.
//
//   node peer.js listen [--listen <multiaddr>] [--ignore-stdin]
//   node peer.js dial <multiaddr> ping
//   node peer.js dial <multiaddr> echo <nBytes>
//   node peer.js dial <multiaddr> handshakes <N>     N dials in a row, each from a fresh identity
//   node peer.js dial <multiaddr> perf --upload-bytes N --download-bytes M [--iterations K]
//
// The listener serves /echo/1.0.0 and /perf/1.0.0 (libp2p/specs perf/perf.md, written here on this
// era's it-pipe streams: 0.29 predates every js perf implementation). `dial … perf` dials a new
// connection per iteration and prints one {"type":"final","timeSeconds",…} line for each, timed
// from the dial to the last downloaded byte, like the test-plans perf harness.
//
// stdout: JSON lines only (listen: one {"peerId","addrs"} line). stderr: diagnostics.
// listen stops on stdin EOF (unless --ignore-stdin) or SIGTERM. --timeout ms bounds a dial command
// (default 120 s, 0 for none).

const Libp2p = require('libp2p')
const TCP = require('libp2p-tcp')
const SECIO = require('libp2p-secio')
const MPLEX = require('libp2p-mplex')
const PeerId = require('peer-id')
const multiaddr = require('multiaddr')
const pipe = require('it-pipe')

const ECHO = '/echo/1.0.0'
const PERF = '/perf/1.0.0'
const PERF_BLOCK = Buffer.alloc(64 * 1024)

function out (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

function diag (...args) {
  process.stderr.write(`[legacy ${process.pid}] ${args.join(' ')}\n`)
}

function exit (code) {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)))
}

// Same pattern as interop/js/peer.mjs: byte i = (i*31 + 7 + floor(i/256)*13 + floor(i/65536)*101) & 0xff
function patternByte (i) {
  return (i * 31 + 7 + Math.floor(i / 256) * 13 + Math.floor(i / 65536) * 101) & 0xff
}

async function createNode (listenAddr) {
  // Ed25519 identities: fast to generate (RSA in this era's node-forge takes seconds), and secio
  // signs its exchange with them like with any other key type.
  const peerId = await PeerId.create({ keyType: 'Ed25519' })
  const node = await Libp2p.create({
    peerId,
    addresses: { listen: listenAddr ? [listenAddr] : [] },
    modules: { transport: [TCP], connEncryption: [SECIO], streamMuxer: [MPLEX] },
    config: { peerDiscovery: { autoDial: false } }
  })
  await node.start()
  return node
}

async function echoHandler ({ stream }) {
  // Everything read is written back; the sink ends (half-close) when the source ends.
  await pipe(stream.source, stream.sink).catch((err) => diag(`echo: ${err.message}`))
}

// Perf writers need backpressure that this mplex does not have: its sink takes everything at once
// and batches every message queued since its last write into ONE secio frame, so an eager writer
// makes frames beyond the 8 MiB that this secio's own reader accepts ("message data too long").
// Counting the bytes that secio has taken for encryption gives the writer a queue length to keep
// under PERF_MAX_QUEUED, the way a Netty or js 3.x application waits for drain.
const etm = require('libp2p-secio/src/etm')
const PERF_MAX_QUEUED = 2 * 1024 * 1024
let perfQueued = 0
const createBoxStream = etm.createBoxStream
etm.createBoxStream = (cipher, mac) => {
  const box = createBoxStream(cipher, mac)
  return (source) => box((async function * () {
    for await (const chunk of source) {
      perfQueued = Math.max(0, perfQueued - chunk.length)
      yield chunk
    }
  })())
}

// n bytes in 64 KiB blocks of zeros (one reused buffer: its content never changes)
async function * perfBytes (n) {
  for (let left = n; left > 0; left -= PERF_BLOCK.length) {
    while (perfQueued > PERF_MAX_QUEUED) await new Promise((resolve) => setImmediate(resolve))
    const block = left >= PERF_BLOCK.length ? PERF_BLOCK : PERF_BLOCK.slice(0, left)
    perfQueued += block.length
    yield block
  }
}

async function perfHandler ({ stream }) {
  try {
    // the 8-byte big-endian size of the download, then the upload until the client's EOF
    let header = Buffer.alloc(0)
    let uploaded = 0
    for await (const list of stream.source) {
      if (header.length < 8) header = Buffer.concat([header, list.slice(0, 8 - header.length)])
      uploaded += list.length
    }
    if (header.length < 8) throw new Error(`the stream ended after ${header.length} of the 8 header bytes`)
    const download = header.readBigUInt64BE(0)
    if (download > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`requested download of ${download} is beyond 2^53`)
    await pipe(perfBytes(Number(download)), stream.sink)
    diag(`perf: received ${uploaded - 8} bytes, sent ${download}`)
  } catch (err) {
    diag(`perf: ${err.message}`)
    stream.reset && stream.reset()
  }
}

async function listen (listenAddr, ignoreStdin) {
  const node = await createNode(listenAddr)
  await node.handle(ECHO, echoHandler)
  await node.handle(PERF, perfHandler)
  const addrs = node.multiaddrs.map(ma => `${ma.toString()}/p2p/${node.peerId.toB58String()}`)
  out({ peerId: node.peerId.toB58String(), addrs })
  diag(`listening on ${addrs.join(' ')}`)
  let stopping = false
  const stop = async (why) => {
    if (stopping) return
    stopping = true
    diag(`stopping (${why})`)
    setTimeout(() => exit(0), 3000).unref()
    await node.stop().catch(() => {})
    exit(0)
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  if (!ignoreStdin) {
    process.stdin.on('end', () => stop('stdin EOF'))
    process.stdin.on('data', () => {})
    process.stdin.resume()
  }
}

async function echo (node, target, n) {
  const { stream } = await node.dialProtocol(target, ECHO)
  let received = 0
  let mismatch = null
  const t0 = Date.now()
  await pipe(
    (async function * () {
      const chunk = 64 * 1024
      for (let off = 0; off < n; off += chunk) {
        const len = Math.min(chunk, n - off)
        const buf = Buffer.alloc(len)
        for (let j = 0; j < len; j++) buf[j] = patternByte(off + j)
        yield buf
      }
    })(),
    stream,
    async (source) => {
      for await (const list of source) {
        const buf = list.slice()
        for (let j = 0; j < buf.length && mismatch == null; j++) {
          if (buf[j] !== patternByte(received + j)) mismatch = `byte ${received + j}: got ${buf[j]}`
        }
        received += buf.length
      }
    }
  )
  if (mismatch != null) throw new Error(mismatch)
  if (received !== n) throw new Error(`echoed ${received} of ${n} bytes`)
  return { ok: true, bytes: n, ms: Date.now() - t0 }
}

async function perf (node, ma, { uploadBytes, downloadBytes, iterations }) {
  const header = Buffer.alloc(8)
  header.writeBigUInt64BE(BigInt(downloadBytes))
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint()
    const connection = await node.dial(ma)
    try {
      const { stream } = await connection.newStream(PERF)
      let received = 0
      await pipe(
        (async function * () { yield header; yield * perfBytes(uploadBytes) })(),
        stream,
        async (source) => { for await (const list of source) received += list.length }
      )
      if (received !== downloadBytes) throw new Error(`perf: received ${received} of ${downloadBytes} bytes`)
      const record = { type: 'final', timeSeconds: Number(process.hrtime.bigint() - t0) / 1e9, uploadBytes, downloadBytes }
      if (iterations > 1) record.iteration = i
      out(record)
    } finally {
      await connection.close().catch(() => {})
    }
  }
  return { ok: true, iterations }
}

async function dial (target, action, arg, options) {
  const ma = multiaddr(target)
  if (action === 'handshakes') {
    const t0 = Date.now()
    for (let i = 0; i < arg; i++) {
      const node = await createNode(null)
      try {
        await node.ping(ma)
      } catch (err) {
        throw new Error(`handshake ${i}: ${err.message}`)
      } finally {
        await node.stop().catch(() => {})
      }
    }
    return { ok: true, handshakes: arg, ms: Date.now() - t0 }
  }
  const node = await createNode(null)
  try {
    if (action === 'perf') {
      return await perf(node, ma, options)
    }
    if (action === 'ping') {
      const rttMs = await node.ping(ma)
      return { ok: true, rttMs, remotePeer: ma.getPeerId() }
    }
    if (action === 'echo') {
      return await echo(node, ma, arg)
    }
    throw new Error(`unknown action ${action}`)
  } finally {
    await node.stop().catch(() => {})
  }
}

// takes `--name value` out of args; the value, or the default when absent
function option (args, name, dflt) {
  const i = args.indexOf(name)
  if (i < 0) return dflt
  const value = args[i + 1]
  args.splice(i, 2)
  return value
}

function flag (args, name) {
  const i = args.indexOf(name)
  if (i >= 0) args.splice(i, 1)
  return i >= 0
}

async function main () {
  const args = process.argv.slice(2)
  const timeout = Number(option(args, '--timeout', '120000'))
  const listenAddr = option(args, '--listen', '/ip4/127.0.0.1/tcp/0')
  const ignoreStdin = flag(args, '--ignore-stdin')
  const perfOptions = {
    uploadBytes: Number(option(args, '--upload-bytes', NaN)),
    downloadBytes: Number(option(args, '--download-bytes', NaN)),
    iterations: Number(option(args, '--iterations', '1'))
  }
  const [cmd, target, action, arg] = args
  if (cmd === 'listen') return listen(listenAddr, ignoreStdin)
  const perfOk = action !== 'perf' || Object.values(perfOptions).every(n => Number.isSafeInteger(n) && n >= 0)
  if (cmd !== 'dial' || target == null || !['ping', 'echo', 'handshakes', 'perf'].includes(action) || !perfOk) {
    out({ ok: false, error: 'usage: node peer.js listen [--listen <multiaddr>] [--ignore-stdin] | dial <multiaddr> ping|echo <n>|handshakes <n>|perf --upload-bytes N --download-bytes M [--iterations K]' })
    return exit(2)
  }
  if (timeout > 0) setTimeout(() => { out({ ok: false, error: `timeout after ${timeout} ms` }); exit(1) }, timeout).unref()
  try {
    out(await dial(target, action, Number(arg), perfOptions))
    exit(0)
  } catch (err) {
    diag(err.stack)
    out({ ok: false, error: err.message })
    exit(1)
  }
}

main().catch((err) => {
  diag(`fatal: ${err.stack}`)
  out({ ok: false, error: err.message })
  exit(1)
})
