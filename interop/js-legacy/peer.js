'use strict'
// Legacy js-libp2p 0.29 peer (secio + mplex over TCP) for jlibp2p's SECIO interop tests.
//
//   node peer.js listen
//   node peer.js dial <multiaddr> ping
//   node peer.js dial <multiaddr> echo <nBytes>
//   node peer.js dial <multiaddr> handshakes <N>     N dials in a row, each from a fresh identity
//
// stdout: JSON lines only (listen: one {"peerId","addrs"} line). stderr: diagnostics.
// listen stops on stdin EOF or SIGTERM. --timeout ms bounds a dial command (default 120 s).

const Libp2p = require('libp2p')
const TCP = require('libp2p-tcp')
const SECIO = require('libp2p-secio')
const MPLEX = require('libp2p-mplex')
const PeerId = require('peer-id')
const multiaddr = require('multiaddr')
const pipe = require('it-pipe')

const ECHO = '/echo/1.0.0'

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

async function createNode (listen) {
  // Ed25519 identities: fast to generate (RSA in this era's node-forge takes seconds), and secio
  // signs its exchange with them like with any other key type.
  const peerId = await PeerId.create({ keyType: 'Ed25519' })
  const node = await Libp2p.create({
    peerId,
    addresses: { listen: listen ? ['/ip4/127.0.0.1/tcp/0'] : [] },
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

async function listen () {
  const node = await createNode(true)
  await node.handle(ECHO, echoHandler)
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
  process.stdin.on('end', () => stop('stdin EOF'))
  process.stdin.on('data', () => {})
  process.stdin.resume()
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

async function dial (target, action, arg) {
  const ma = multiaddr(target)
  if (action === 'handshakes') {
    const t0 = Date.now()
    for (let i = 0; i < arg; i++) {
      const node = await createNode(false)
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
  const node = await createNode(false)
  try {
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

async function main () {
  const args = process.argv.slice(2)
  let timeout = 120000
  const i = args.indexOf('--timeout')
  if (i >= 0) {
    timeout = Number(args[i + 1])
    args.splice(i, 2)
  }
  const [cmd, target, action, arg] = args
  if (cmd === 'listen') return listen()
  if (cmd !== 'dial' || target == null || !['ping', 'echo', 'handshakes'].includes(action)) {
    out({ ok: false, error: 'usage: node peer.js listen | dial <multiaddr> ping|echo <n>|handshakes <n>' })
    return exit(2)
  }
  setTimeout(() => { out({ ok: false, error: `timeout after ${timeout} ms` }); exit(1) }, timeout).unref()
  try {
    out(await dial(target, action, Number(arg)))
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
