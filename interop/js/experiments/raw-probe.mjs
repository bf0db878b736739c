// Dependency-free wire-level probe of a js-libp2p listener (plaintext + mplex).
// It speaks the protocols by hand (like a from-scratch Java implementation
// would) and prints what the js side sends, so the exact bytes are documented.
//
//   node experiments/raw-probe.mjs <host> <port> <scenario>
//
// scenarios:
//   exchange        only multistream-select + plaintext Exchange, dump bytes
//   ping-wait       ping stream; waits for the mss answer before data+CLOSE
//   ping-lazy       ping stream; NEW_STREAM+mss+32 bytes+CLOSE in ONE write
//   echo-lazy       same for /echo/1.0.0 with 1000 bytes
//   burst-streams N open N ping streams at once (NEW_STREAM rate limiter)
//   unknown-ids N   send N MESSAGE frames for a stream id never opened
//   oversize        send a MESSAGE frame whose length is 1 MiB + 1
//   echo-noread [N] write N bytes (default 16 MiB) + CLOSE on /echo/1.0.0
//                   without reading the socket, then read the echo
//   max-size        one 1 MiB MESSAGE frame (exactly the limit) on /echo/1.0.0
//   bad-type        send a frame with type 7
import net from 'node:net'
import crypto from 'node:crypto'

const [host, portStr, scenario, arg] = process.argv.slice(2)
const port = Number(portStr)
const log = (...a) => console.log(`[+${(performance.now() - T0).toFixed(1)}ms]`, ...a)
const T0 = performance.now()

// ---- varints / length prefix
function uvarint (n) {
  const out = []
  while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128) }
  out.push(n)
  return Buffer.from(out)
}
const lp = (buf) => Buffer.concat([uvarint(buf.length), buf])
const lpStr = (s) => lp(Buffer.from(s + '\n'))

// ---- buffered socket reader
const sock = net.connect(port, host)
sock.setNoDelay(true)
let rbuf = Buffer.alloc(0)
let waiter = null
let closed = false
sock.on('data', (d) => { rbuf = Buffer.concat([rbuf, d]); if (waiter) { const w = waiter; waiter = null; w() } })
sock.on('close', () => { closed = true; log('socket closed by remote'); if (waiter) { const w = waiter; waiter = null; w() } })
sock.on('error', (e) => log('socket error', e.code))
await new Promise((resolve) => sock.once('connect', resolve))
log(`connected to ${host}:${port}`)

async function need (n, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs
  while (rbuf.length < n) {
    if (closed) throw new Error(`EOF while waiting for ${n} bytes (have ${rbuf.length})`)
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${n} bytes`)
    await new Promise((resolve) => { waiter = resolve; setTimeout(resolve, 200) })
  }
}
async function readUvarint () {
  let i = 0
  for (;;) {
    await need(i + 1)
    if ((rbuf[i] & 0x80) === 0) break
    i++
  }
  let v = 0
  for (let j = i; j >= 0; j--) v = v * 128 + (rbuf[j] & 0x7f)
  rbuf = rbuf.subarray(i + 1)
  return v
}
async function readBytes (n) { await need(n); const b = rbuf.subarray(0, n); rbuf = rbuf.subarray(n); return Buffer.from(b) }
async function readLp () { const n = await readUvarint(); return readBytes(n) }

// ---- minimal protobuf decoding (for display)
function pbFields (buf) {
  const fields = []
  let i = 0
  const rv = () => { let v = 0; let s = 1; for (;;) { const b = buf[i++]; v += (b & 0x7f) * s; s *= 128; if (b < 0x80) return v } }
  while (i < buf.length) {
    const key = rv(); const f = key >>> 3; const wt = key & 7
    if (wt === 0) fields.push({ f, wt, v: rv() })
    else if (wt === 2) { const n = rv(); fields.push({ f, wt, v: buf.subarray(i, i + n) }); i += n } else throw new Error('wire type ' + wt)
  }
  return fields
}

// ---- our identity: Ed25519 via node:crypto
const { publicKey } = crypto.generateKeyPairSync('ed25519')
const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url') // 32 bytes
// libp2p PublicKey protobuf: field1 (Type, varint) = 1 (Ed25519), field2 (Data, bytes) = raw
const pubkeyPb = Buffer.concat([Buffer.from([0x08, 0x01, 0x12, 0x20]), raw])
// peer id multihash: identity (0x00), length 0x24 (36), then the PublicKey protobuf
const peerIdMh = Buffer.concat([Buffer.from([0x00, pubkeyPb.length]), pubkeyPb])
// Exchange: field1 id (bytes) = multihash, field2 pubkey (embedded PublicKey message)
const exchange = Buffer.concat([Buffer.from([0x0a, peerIdMh.length]), peerIdMh, Buffer.from([0x12, pubkeyPb.length]), pubkeyPb])

// ---- 1. multistream-select for the security protocol
sock.write(Buffer.concat([lpStr('/multistream/1.0.0'), lpStr('/plaintext/2.0.0')]))
log('mss <-', JSON.stringify((await readLp()).toString()), JSON.stringify((await readLp()).toString()))

// ---- 2. plaintext Exchange
sock.write(lp(exchange))
log(`plaintext -> our Exchange (${exchange.length} bytes, length prefix ${uvarint(exchange.length).toString('hex')}): ${exchange.toString('hex')}`)
const theirLen = await readUvarint()
const theirs = await readBytes(theirLen)
log(`plaintext <- Exchange length ${theirLen}: ${theirs.toString('hex')}`)
for (const fld of pbFields(theirs)) {
  log(`   field ${fld.f} wt ${fld.wt}: ${Buffer.isBuffer(fld.v) || fld.v instanceof Uint8Array ? Buffer.from(fld.v).toString('hex') : fld.v}`)
  if (fld.f === 2) for (const sub of pbFields(fld.v)) log(`      PublicKey field ${sub.f} wt ${sub.wt}: ${typeof sub.v === 'number' ? sub.v : Buffer.from(sub.v).toString('hex') + ` (${sub.v.length} bytes)`}`)
}
if (scenario === 'exchange') { sock.end(); process.exit(0) }

// ---- 3. multistream-select for the muxer
sock.write(Buffer.concat([lpStr('/multistream/1.0.0'), lpStr('/mplex/6.7.0')]))
log('mss <-', JSON.stringify((await readLp()).toString()), JSON.stringify((await readLp()).toString()))

// ---- 4. mplex
const T = { NEW: 0, MSG_R: 1, MSG_I: 2, CLOSE_R: 3, CLOSE_I: 4, RESET_R: 5, RESET_I: 6 }
const TN = ['NEW_STREAM', 'MESSAGE_RECEIVER', 'MESSAGE_INITIATOR', 'CLOSE_RECEIVER', 'CLOSE_INITIATOR', 'RESET_RECEIVER', 'RESET_INITIATOR', 'TYPE7']
const frame = (id, type, data = Buffer.alloc(0)) => Buffer.concat([uvarint(id * 8 + type), uvarint(data.length), data])

const streams = new Map() // id -> { data: Buffer, events: [] }
let readerDone = false
;(async () => {
  try {
    for (;;) {
      const h = await readUvarint(); const len = await readUvarint(); const data = await readBytes(len)
      const id = Math.floor(h / 8); const type = h & 7
      const s = streams.get(id) ?? { data: Buffer.alloc(0), events: [] }
      streams.set(id, s)
      s.events.push(TN[type])
      s.maxLen = Math.max(s.maxLen ?? 0, len)
      if (type === T.MSG_R || type === T.MSG_I) s.data = Buffer.concat([s.data, data])
      if (!(scenario === 'echo-noread' && (type === T.MSG_R || type === T.MSG_I))) log(`mplex <- id=${id} ${TN[type]} len=${len}${len > 0 && len < 80 ? ' ' + JSON.stringify(data.toString('latin1')) : ''}`)
    }
  } catch (e) {
    log('reader stopped:', e.message)
    readerDone = true
  }
})()

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
async function waitFor (pred, ms) { const end = Date.now() + ms; while (!pred() && Date.now() < end && !readerDone) await sleep(20); return pred() }

if (scenario === 'ping-wait' || scenario === 'ping-lazy' || scenario === 'echo-lazy') {
  const proto = scenario.startsWith('ping') ? '/ipfs/ping/1.0.0' : '/echo/1.0.0'
  const payload = crypto.randomBytes(scenario.startsWith('ping') ? 32 : 1000)
  const mss = Buffer.concat([lpStr('/multistream/1.0.0'), lpStr(proto)])
  const open = Buffer.concat([frame(0, T.NEW, Buffer.from('0')), frame(0, T.MSG_I, mss)])
  const rest = Buffer.concat([frame(0, T.MSG_I, payload), frame(0, T.CLOSE_I)])
  if (scenario.endsWith('wait')) {
    sock.write(open)
    await waitFor(() => (streams.get(0)?.data.length ?? 0) >= mss.length, 5000)
    log('mss answer received, now sending payload + CLOSE')
    sock.write(rest)
  } else {
    log('sending NEW_STREAM + mss + payload + CLOSE in one write')
    sock.write(Buffer.concat([open, rest]))
  }
  const t = performance.now()
  await waitFor(() => { const ev = streams.get(0)?.events ?? []; return ev.includes('CLOSE_RECEIVER') || ev.includes('RESET_RECEIVER') }, 15000)
  const s = streams.get(0)
  const body = s?.data.subarray(mss.length) ?? Buffer.alloc(0)
  log(`stream 0 events: ${s?.events.join(',')}; payload echoed correctly: ${body.equals(payload)}; waited ${(performance.now() - t).toFixed(0)} ms for CLOSE/RESET`)
} else if (scenario === 'burst-streams') {
  const n = Number(arg ?? 8)
  const out = []
  for (let id = 0; id < n; id++) out.push(frame(id, T.NEW, Buffer.from(String(id))), frame(id, T.MSG_I, Buffer.concat([lpStr('/multistream/1.0.0'), lpStr('/ipfs/ping/1.0.0')])))
  log(`opening ${n} streams in one write`)
  sock.write(Buffer.concat(out))
  await sleep(1500)
  log(`streams answered: ${[...streams.entries()].map(([id, s]) => `${id}:${s.events.join('+')}`).join(' ')}; socket closed: ${closed}`)
  // is the muxer still usable afterwards? open one more stream and watch the socket for 12 s
  if (!closed) {
    sock.write(Buffer.concat([frame(100, T.NEW, Buffer.from('100')), frame(100, T.MSG_I, Buffer.concat([lpStr('/multistream/1.0.0'), lpStr('/ipfs/ping/1.0.0')]))]))
    await waitFor(() => closed, 12000)
    log(`later stream 100: ${streams.get(100)?.events.join(',') ?? 'no answer'}; socket closed: ${closed}`)
  }
} else if (scenario === 'unknown-ids') {
  const n = Number(arg ?? 8)
  const out = []
  for (let i = 0; i < n; i++) out.push(frame(99, T.MSG_I, Buffer.from('x')))
  log(`sending ${n} MESSAGE_INITIATOR frames for never-opened stream 99`)
  sock.write(Buffer.concat(out))
  await sleep(1000)
  // is the muxer still alive? open a ping stream
  sock.write(Buffer.concat([frame(1, T.NEW, Buffer.from('1')), frame(1, T.MSG_I, Buffer.concat([lpStr('/multistream/1.0.0'), lpStr('/ipfs/ping/1.0.0')]))]))
  await sleep(1000)
  log(`after: stream 1 events: ${streams.get(1)?.events.join(',') ?? 'none'}; socket closed: ${closed}`)
} else if (scenario === 'oversize') {
  sock.write(Buffer.concat([frame(0, T.NEW, Buffer.from('0'))]))
  const big = Buffer.alloc((1 << 20) + 1)
  log('sending a MESSAGE_INITIATOR frame with length 1048577')
  sock.write(frame(0, T.MSG_I, big))
  await sleep(1000)
  log(`socket closed: ${closed}; events: ${[...streams.entries()].map(([id, s]) => `${id}:${s.events.join('+')}`).join(' ')}`)
} else if (scenario === 'max-size') {
  sock.write(Buffer.concat([frame(0, T.NEW, Buffer.from('0')), frame(0, T.MSG_I, Buffer.concat([lpStr('/multistream/1.0.0'), lpStr('/echo/1.0.0')]))]))
  const big = Buffer.alloc(1 << 20, 7)
  log('sending a MESSAGE_INITIATOR frame with length 1048576 (exactly the limit) + CLOSE')
  sock.write(Buffer.concat([frame(0, T.MSG_I, big), frame(0, T.CLOSE_I)]))
  await waitFor(() => (streams.get(0)?.events ?? []).includes('CLOSE_RECEIVER'), 5000)
  log(`socket closed: ${closed}; echoed bytes (incl. mss) ${streams.get(0)?.data.length}; events ${streams.get(0)?.events.join(',')}`)
} else if (scenario === 'echo-noread') {
  // send N bytes on /echo/1.0.0 + CLOSE while NOT reading the socket (as a
  // naive blocking client would), then start reading and check the result
  const n = Number(arg ?? 16 * 1048576)
  sock.pause()
  const mss = Buffer.concat([lpStr('/multistream/1.0.0'), lpStr('/echo/1.0.0')])
  sock.write(Buffer.concat([frame(0, T.NEW, Buffer.from('0')), frame(0, T.MSG_I, mss)]))
  const payload = crypto.randomBytes(n)
  for (let off = 0; off < n; off += 65536) {
    if (!sock.write(frame(0, T.MSG_I, payload.subarray(off, off + 65536)))) await new Promise((resolve) => sock.once('drain', resolve))
  }
  sock.write(frame(0, T.CLOSE_I))
  log(`wrote ${n} bytes + CLOSE without reading; sleeping 2 s, then reading`)
  await sleep(2000)
  sock.resume()
  await waitFor(() => { const ev = streams.get(0)?.events ?? []; return ev.includes('CLOSE_RECEIVER') || ev.includes('RESET_RECEIVER') }, 20000)
  const s = streams.get(0)
  const body = s?.data.subarray(mss.length) ?? Buffer.alloc(0)
  log(`echo-noread: got ${body.length}/${n} bytes back, equal=${body.equals(payload)}, final event ${s?.events.at(-1)}, largest frame from js ${s?.maxLen} bytes, ${s?.events.length} frames`)
} else if (scenario === 'bad-type') {
  log('sending a frame with type 7, then opening a ping stream')
  sock.write(Buffer.concat([frame(5, 7, Buffer.from('zz')), frame(1, T.NEW, Buffer.from('1')), frame(1, T.MSG_I, Buffer.concat([lpStr('/multistream/1.0.0'), lpStr('/ipfs/ping/1.0.0')]))]))
  await sleep(1500)
  log(`after: stream 1 events: ${streams.get(1)?.events.join(',') ?? 'none'}; socket closed: ${closed}`)
} else {
  log('unknown scenario', scenario)
}
sock.destroy()
process.exit(0)
