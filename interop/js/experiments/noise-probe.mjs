// Dependency-free wire probe for /noise + /yamux/1.0.0 against peer.mjs, written
// the way a from-scratch Java implementation would do it (node:crypto only:
// X25519, ChaCha20-Poly1305, SHA-256/HMAC, Ed25519). Used to confirm the js
// behaviours listed in NOTES.md. Not part of the test suite.
//
//   node experiments/noise-probe.mjs dial HOST PORT SCENARIO [--muxers a,b] [--secs N] [--syn-on-data]
//   node experiments/noise-probe.mjs listen [--muxers a,b] [--secs N]   (then: peer.mjs dial /ip4/127.0.0.1/tcp/PORT ping ...)
//
// dial scenarios: handshake | echo <n> | bigwindow <n> | goaway0 | goaway1 | monitor
//                 | window-exceed | ping-flood
// Output: one line per event on stdout.
import net from 'node:net'
import crypto from 'node:crypto'

const args = process.argv.slice(2)
const opt = (name, def) => {
  const i = args.indexOf(name)
  if (i === -1) return def
  const v = args[i + 1]
  args.splice(i, 2)
  return v
}
const MUXERS = opt('--muxers', '/yamux/1.0.0').split(',').filter(Boolean)
const SECS = Number(opt('--secs', '3'))
const SYN_ON_DATA = args.includes('--syn-on-data') && args.splice(args.indexOf('--syn-on-data'), 1)
const t0 = Date.now()
const log = (...a) => console.log(`[${String(Date.now() - t0).padStart(5)} ms]`, ...a)
const hex = (b, max = 96) => Buffer.from(b).subarray(0, max).toString('hex') + (b.length > max ? `...(${b.length} B)` : '')

// ---------------------------------------------------------------- byte reader
class Reader {
  constructor (sock) {
    this.buf = Buffer.alloc(0)
    this.waiters = []
    this.ended = false
    sock.on('data', (d) => { this.buf = Buffer.concat([this.buf, d]); this.wake() })
    sock.on('end', () => { this.ended = true; log('TCP FIN from js'); this.wake() })
    sock.on('close', () => { this.ended = true; log('TCP closed'); this.wake() })
    sock.on('error', (e) => { this.ended = true; log(`TCP error ${e.code ?? e.message}`); this.wake() })
  }

  wake () { const w = this.waiters; this.waiters = []; w.forEach(f => f()) }
  async read (n) {
    while (this.buf.length < n) {
      if (this.ended) throw new Error(`EOF while waiting for ${n} bytes (have ${this.buf.length})`)
      await new Promise(resolve => this.waiters.push(resolve))
    }
    const out = this.buf.subarray(0, n)
    this.buf = this.buf.subarray(n)
    return out
  }

  async varint () {
    let v = 0; let shift = 0
    for (;;) {
      const b = (await this.read(1))[0]
      v += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) return v
      shift += 7
    }
  }
}

const varint = (n) => { const o = []; do { let b = n & 0x7f; n = Math.floor(n / 128); if (n > 0) b |= 0x80; o.push(b) } while (n > 0); return Buffer.from(o) }
const lpMsg = (s) => { const b = Buffer.from(s + '\n'); return Buffer.concat([varint(b.length), b]) }

// ---------------------------------------------------------------- protobuf (tiny)
function pbDecode (buf) {
  const fields = []
  let i = 0
  const rv = () => { let v = 0; let s = 0; for (;;) { const b = buf[i++]; v += (b & 0x7f) * 2 ** s; if (!(b & 0x80)) return v; s += 7 } }
  while (i < buf.length) {
    const tag = rv(); const f = Math.floor(tag / 8); const wt = tag & 7
    if (wt === 0) fields.push([f, rv()])
    else if (wt === 2) { const l = rv(); fields.push([f, buf.subarray(i, i + l)]); i += l } else throw new Error(`wire type ${wt}`)
  }
  return fields
}
const pbBytes = (f, b) => Buffer.concat([varint(f * 8 + 2), varint(b.length), b])

// ---------------------------------------------------------------- noise XX
const sha256 = (...b) => crypto.createHash('sha256').update(Buffer.concat(b)).digest()
const hmac = (k, ...b) => crypto.createHmac('sha256', k).update(Buffer.concat(b)).digest()
function hkdf (ck, ikm) {
  const tmp = hmac(ck, ikm)
  const o1 = hmac(tmp, Buffer.from([1]))
  const o2 = hmac(tmp, o1, Buffer.from([2]))
  return [o1, o2]
}
const X25519_SPKI = Buffer.from('302a300506032b656e032100', 'hex')
function x25519 () {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('x25519')
  return { priv: privateKey, pub: publicKey.export({ type: 'spki', format: 'der' }).subarray(12) }
}
const dh = (kp, rpub) => crypto.diffieHellman({ privateKey: kp.priv, publicKey: crypto.createPublicKey({ key: Buffer.concat([X25519_SPKI, rpub]), format: 'der', type: 'spki' }) })
function nonce (n) { const b = Buffer.alloc(12); b.writeBigUInt64LE(BigInt(n), 4); return b }
function aeadEnc (k, n, ad, pt) {
  const c = crypto.createCipheriv('chacha20-poly1305', k, nonce(n), { authTagLength: 16 })
  c.setAAD(ad, { plaintextLength: pt.length })
  return Buffer.concat([c.update(pt), c.final(), c.getAuthTag()])
}
function aeadDec (k, n, ad, ct) {
  const d = crypto.createDecipheriv('chacha20-poly1305', k, nonce(n), { authTagLength: 16 })
  d.setAAD(ad, { plaintextLength: ct.length - 16 })
  d.setAuthTag(ct.subarray(ct.length - 16))
  return Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()])
}
class Sym {
  constructor () { this.h = Buffer.from('Noise_XX_25519_ChaChaPoly_SHA256'); this.ck = this.h; this.k = null; this.n = 0; this.mixHash(Buffer.alloc(0)) }
  mixHash (d) { this.h = sha256(this.h, d) }
  mixKey (ikm) { [this.ck, this.k] = hkdf(this.ck, ikm); this.n = 0 }
  encHash (pt) { const ct = this.k ? aeadEnc(this.k, this.n++, this.h, pt) : pt; this.mixHash(ct); return ct }
  decHash (ct) { const pt = this.k ? aeadDec(this.k, this.n++, this.h, ct) : ct; this.mixHash(ct); return pt }
  split () { return hkdf(this.ck, Buffer.alloc(0)) }
}

// identity: Ed25519 libp2p key
const id = crypto.generateKeyPairSync('ed25519')
const idPub = id.publicKey.export({ type: 'spki', format: 'der' }).subarray(12)
const idPubPb = Buffer.concat([Buffer.from([0x08, 0x01, 0x12, 0x20]), idPub])
function ourPayload (s) {
  const sig = crypto.sign(null, Buffer.concat([Buffer.from('noise-libp2p-static-key:'), s.pub]), id.privateKey)
  const ext = Buffer.concat(MUXERS.map(m => pbBytes(2, Buffer.from(m))))
  return Buffer.concat([pbBytes(1, idPubPb), pbBytes(2, sig), pbBytes(4, ext)])
}
function describePayload (who, p, rs) {
  log(`${who} payload ${p.length} B: ${hex(p, 400)}`)
  let ext = null
  for (const [f, v] of pbDecode(p)) {
    if (f === 1) {
      const k = pbDecode(v)
      log(`  identity_key (${v.length} B): KeyType=${k.find(x => x[0] === 1)?.[1]} Data=${k.find(x => x[0] === 2)?.[1].length} B`)
      const keyData = k.find(x => x[0] === 2)[1]
      const pub = crypto.createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), keyData]), format: 'der', type: 'spki' })
      const ok = crypto.verify(null, Buffer.concat([Buffer.from('noise-libp2p-static-key:'), rs]), pub, p.length && pbDecode(p).find(x => x[0] === 2)[1])
      log(`  signature over "noise-libp2p-static-key:"+static key verifies: ${ok}`)
    } else if (f === 2) log(`  identity_sig (${v.length} B)`)
    else if (f === 4) {
      ext = pbDecode(v)
      log(`  extensions (${v.length} B): ${JSON.stringify(ext.map(([ff, vv]) => [ff, ff === 2 ? vv.toString() : hex(vv)]))}`)
    } else log(`  unknown field ${f}`)
  }
  if (ext == null) log('  (no extensions field)')
  return (ext ?? []).filter(([f]) => f === 2).map(([, v]) => v.toString())
}

function peerId () {
  const A = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'
  const bytes = Buffer.concat([Buffer.from([0x00, 0x24]), idPubPb])
  let n = BigInt('0x' + bytes.toString('hex')); let out = ''
  while (n > 0n) { out = A[Number(n % 58n)] + out; n /= 58n }
  for (const b of bytes) { if (b !== 0) break; out = '1' + out }
  return out
}

class NoiseConn {
  constructor (sock, reader, kSend, kRecv) { Object.assign(this, { sock, reader, kSend, kRecv, nS: 0, nR: 0, plain: Buffer.alloc(0), sizes: [] }) }
  send (pt) {
    for (let i = 0; i < pt.length || i === 0; i += 65519) {
      const ct = aeadEnc(this.kSend, this.nS++, Buffer.alloc(0), pt.subarray(i, i + 65519))
      this.sock.write(Buffer.concat([Buffer.from([ct.length >> 8, ct.length & 0xff]), ct]))
      if (pt.length === 0) break
    }
  }

  async readMsg () {
    const l = (await this.reader.read(2)).readUInt16BE(0)
    const pt = aeadDec(this.kRecv, this.nR++, Buffer.alloc(0), await this.reader.read(l))
    this.sizes.push(l)
    return pt
  }

  async read (n) {
    while (this.plain.length < n) this.plain = Buffer.concat([this.plain, await this.readMsg()])
    const out = this.plain.subarray(0, n); this.plain = this.plain.subarray(n); return out
  }
}

async function handshakeInitiator (sock, reader) {
  sock.write(Buffer.concat([lpMsg('/multistream/1.0.0'), lpMsg('/noise')]))
  for (let i = 0; i < 2; i++) { const l = await reader.varint(); log(`mss <- ${JSON.stringify((await reader.read(l)).toString())}`) }
  const ss = new Sym(); const s = x25519(); const e = x25519()
  const lp = async () => reader.read((await reader.read(2)).readUInt16BE(0))
  const wr = (b) => sock.write(Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]))
  // -> e
  ss.mixHash(e.pub); ss.encHash(Buffer.alloc(0)); wr(e.pub)
  // <- e, ee, s, es
  const mB = await lp(); log(`noise msg 2 from js: ${mB.length} B`)
  const re = mB.subarray(0, 32); ss.mixHash(re); ss.mixKey(dh(e, re))
  const rs = ss.decHash(mB.subarray(32, 80)); ss.mixKey(dh(e, rs))
  const theirMuxers = describePayload('js (responder, msg 2)', ss.decHash(mB.subarray(80)), rs)
  // -> s, se
  const c1 = ss.encHash(s.pub); ss.mixKey(dh(s, re)); const c2 = ss.encHash(ourPayload(s))
  wr(Buffer.concat([c1, c2]))
  log(`noise msg 3 sent, our stream_muxers=${JSON.stringify(MUXERS)}`)
  const [k1, k2] = ss.split()
  return { conn: new NoiseConn(sock, reader, k1, k2), theirMuxers }
}

async function handshakeResponder (sock, reader) {
  for (let i = 0; i < 2; i++) { const l = await reader.varint(); log(`mss <- ${JSON.stringify((await reader.read(l)).toString())}`) }
  sock.write(Buffer.concat([lpMsg('/multistream/1.0.0'), lpMsg('/noise')]))
  const ss = new Sym(); const s = x25519(); const e = x25519()
  const lp = async () => reader.read((await reader.read(2)).readUInt16BE(0))
  const wr = (b) => sock.write(Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]))
  const mA = await lp(); log(`noise msg 1 from js: ${mA.length} B`)
  const re = mA.subarray(0, 32); ss.mixHash(re); ss.decHash(mA.subarray(32))
  ss.mixHash(e.pub); ss.mixKey(dh(e, re))
  const c1 = ss.encHash(s.pub); ss.mixKey(dh(s, re)); const c2 = ss.encHash(ourPayload(s))
  wr(Buffer.concat([e.pub, c1, c2])); log(`noise msg 2 sent, our stream_muxers=${JSON.stringify(MUXERS)}`)
  const mC = await lp(); log(`noise msg 3 from js: ${mC.length} B`)
  const rs = ss.decHash(mC.subarray(0, 48)); ss.mixKey(dh(e, rs))
  const theirMuxers = describePayload('js (initiator, msg 3)', ss.decHash(mC.subarray(48)), rs)
  const [k1, k2] = ss.split()
  return { conn: new NoiseConn(sock, reader, k2, k1), theirMuxers }
}

// ---------------------------------------------------------------- yamux
const T = ['Data', 'WindowUpdate', 'Ping', 'GoAway']
const flags = (f) => [[1, 'SYN'], [2, 'ACK'], [4, 'FIN'], [8, 'RST']].filter(([b]) => f & b).map(([, n]) => n).join('|') || '0'
function hdr (type, flag, sid, len) { const b = Buffer.alloc(12); b[1] = type; b.writeUInt16BE(flag, 2); b.writeUInt32BE(sid, 4); b.writeUInt32BE(len, 8); return b }

class Yamux {
  constructor (nc, { quietData = false } = {}) {
    Object.assign(this, { nc, quietData, streams: new Map(), frames: [], closed: false })
  }

  async run () {
    try {
      for (;;) {
        const h = await this.nc.read(12)
        const f = { v: h[0], type: h[1], flag: h.readUInt16BE(2), sid: h.readUInt32BE(4), len: h.readUInt32BE(8) }
        f.data = f.type === 0 ? await this.nc.read(f.len) : null
        this.frames.push(f)
        const s = this.streams.get(f.sid)
        const show = !(this.quietData && f.type <= 1 && f.flag === 0)
        if (show) log(`yamux <- ${T[f.type] ?? f.type} ${flags(f.flag)} stream=${f.sid} len=${f.len}${f.data && f.len <= 64 ? ' data=' + JSON.stringify(f.data.toString('latin1')) : ''}`)
        if (f.type === 2 && f.flag === 1) { this.send(hdr(2, 2, 0, f.len)); log(`yamux -> Ping ACK ${f.len}`) }
        if (f.type === 3) log(`js sent GoAway code ${f.len}`)
        if (f.sid !== 0 && (f.flag & 1) && !s) this.onInbound?.(f)
        const st = this.streams.get(f.sid)
        if (st) st.onFrame(f)
      }
    } catch (err) {
      this.closed = true
      log(`yamux reader ended: ${err.message}`)
      for (const st of this.streams.values()) st.onFrame(null)
    }
  }

  send (b) { this.nc.send(b) }
  open (sid, { viaData = false } = {}) {
    const st = { sid, buf: Buffer.alloc(0), fin: false, rst: false, window: 256 * 1024, waiters: [] }
    st.onFrame = (f) => {
      if (f == null) { st.rst = true } else {
        if (f.type === 0) st.buf = Buffer.concat([st.buf, f.data])
        if (f.type === 1) st.window += f.len
        if (f.flag & 4) st.fin = true
        if (f.flag & 8) st.rst = true
      }
      const w = st.waiters; st.waiters = []; w.forEach(x => x())
    }
    st.wait = () => new Promise(resolve => st.waiters.push(resolve))
    this.streams.set(sid, st)
    if (!viaData) this.send(hdr(1, 1, sid, 0))
    return st
  }
}

async function mssSelect (y, st, proto) {
  const msg = Buffer.concat([lpMsg('/multistream/1.0.0'), lpMsg(proto)])
  y.send(Buffer.concat([hdr(0, SYN_ON_DATA ? 1 : 0, st.sid, msg.length), msg]))
  st.window -= msg.length
  // two lp messages back
  const want = lpMsg('/multistream/1.0.0').length + lpMsg(proto).length
  while (st.buf.length < want && !st.rst && !y.closed) await st.wait()
  log(`mss on stream ${st.sid} <- ${JSON.stringify(st.buf.subarray(0, want).toString('latin1'))}`)
  st.buf = st.buf.subarray(want)
}

function pattern (off, n) { const b = Buffer.alloc(n); for (let j = 0; j < n; j++) { const i = off + j; b[j] = (i * 31 + 7 + Math.floor(i / 256) * 13 + Math.floor(i / 65536) * 101) & 0xff } return b }

async function echo (y, n, { bigWindow = false } = {}) {
  // --syn-on-data: open with Data+SYN carrying the mss request instead of WindowUpdate+SYN
  const st = y.open(1, { viaData: SYN_ON_DATA })
  if (bigWindow) { y.send(hdr(1, 0, 1, 16 * 1024 * 1024 - 256 * 1024)); log('yamux -> WindowUpdate +16 MiB-256 KiB on stream 1') }
  await mssSelect(y, st, '/echo/1.0.0')
  let off = 0
  const t = Date.now()
  const maxFrame = 65536
  while (off < n) {
    while (st.window <= 0 && !st.rst && !y.closed) await st.wait()
    if (st.rst || y.closed) break
    const len = Math.min(maxFrame, n - off, st.window)
    y.send(Buffer.concat([hdr(0, 0, 1, len), pattern(off, len)]))
    st.window -= len; off += len
  }
  y.send(hdr(1, 4, 1, 0)); log(`sent ${off} B + WindowUpdate FIN`)
  // we send window updates as we consume
  let got = 0
  while (!(st.fin && st.buf.length === 0) && !st.rst && !y.closed) {
    if (st.buf.length) {
      const want = pattern(got, st.buf.length)
      if (!want.equals(st.buf)) { log('ECHO MISMATCH'); break }
      y.send(hdr(1, 0, 1, st.buf.length)); got += st.buf.length; st.buf = Buffer.alloc(0)
    } else await st.wait()
  }
  log(`echo ${got}/${n} B back in ${Date.now() - t} ms, fin=${st.fin} rst=${st.rst}`)
  const data = y.frames.filter(f => f.sid === 1 && f.type === 0)
  const wu = y.frames.filter(f => f.sid === 1 && f.type === 1)
  log(`js Data frames on stream 1: ${data.length}, max payload ${Math.max(...data.map(f => f.len))} B; js WindowUpdates: ${wu.length}, deltas ${[...new Set(wu.map(f => f.len))].slice(0, 10).join(',')}`)
  log(`noise messages from js: ${y.nc.sizes.length}, max ${Math.max(...y.nc.sizes)} B (incl. 16 B tag)`)
}

// ---------------------------------------------------------------- main
const sleep = (ms) => new Promise(resolve => setTimeout(resolve, ms))

async function dialMain () {
  const [, host, port, scenario, param] = args
  const sock = net.connect(Number(port), host); sock.setNoDelay(true)
  await new Promise((resolve, reject) => { sock.once('connect', resolve); sock.once('error', reject) })
  const reader = new Reader(sock)
  const { conn, theirMuxers } = await handshakeInitiator(sock, reader)
  const ours = MUXERS.find(m => theirMuxers.includes(m))
  log(`muxer per spec/go (initiator's list first): ${ours}; what js (responder) picks: first of OUR list it supports`)
  const y = new Yamux(conn, { quietData: scenario === 'echo' || scenario === 'bigwindow' })
  y.run()
  if (scenario === 'handshake') await sleep(SECS * 1000)
  else if (scenario === 'echo' || scenario === 'bigwindow') await echo(y, Number(param ?? 1048576), { bigWindow: scenario === 'bigwindow' })
  else if (scenario === 'goaway0' || scenario === 'goaway1') {
    await sleep(300)
    const code = scenario === 'goaway0' ? 0 : 1
    y.send(hdr(3, 0, 0, code)); log(`yamux -> GoAway ${code}`)
    await sleep(SECS * 1000)
  } else if (scenario === 'monitor') {
    // answer js's streams with "na" to everything; watch the connection monitor
    y.onInbound = (f) => {
      const st = y.open(f.sid, { viaData: true })
      log(`js opened stream ${f.sid} with ${T[f.type]} ${flags(f.flag)} len=${f.len}`)
      ;(async () => {
        while (st.buf.length < 1 && !st.rst) await st.wait()
        // read header + proto, answer header + na
        await sleep(50)
        log(`stream ${f.sid} <- ${JSON.stringify(st.buf.toString('latin1'))}`)
        const msg = Buffer.concat([lpMsg('/multistream/1.0.0'), lpMsg('na')])
        y.send(Buffer.concat([hdr(0, 2, f.sid, msg.length), msg]))
        st.buf = Buffer.alloc(0)
      })()
    }
    await sleep(SECS * 1000)
  } else if (scenario === 'window-exceed') {
    const st = y.open(1)
    await mssSelect(y, st, '/echo/1.0.0')
    // js has already replenished the 33 mss bytes (WindowUpdate ACK +33), so
    // its receive window is back at 256 KiB: one Data frame of 256 KiB + 1
    const n = 256 * 1024 + 1
    y.send(Buffer.concat([hdr(0, 0, 1, n), pattern(0, n)])); log(`yamux -> Data ${n} B (window exceeded by 1)`)
    await sleep(SECS * 1000)
  } else if (scenario === 'ping-flood') {
    for (let i = 0; i < 3; i++) y.send(hdr(2, 2, 0, 12345 + i)); log('yamux -> 3 unrequested Ping ACKs')
    await sleep(SECS * 1000)
  } else throw new Error(`unknown scenario ${scenario}`)
  log(`done; frames from js: ${y.frames.length}`)
  sock.destroy()
}

async function listenMain () {
  const srv = net.createServer(async (sock) => {
    sock.setNoDelay(true)
    const reader = new Reader(sock)
    try {
      const { conn, theirMuxers } = await handshakeResponder(sock, reader)
      log(`js (initiator) listed ${JSON.stringify(theirMuxers)}; per spec/go the muxer is ${theirMuxers.find(m => MUXERS.includes(m))}; js initiator takes the first of OUR list it supports`)
      // dump the first bytes js sends after the handshake to see which muxer it started
      const first = await conn.readMsg()
      const isYamux = first[0] === 0 && first.length >= 12
      log(`first decrypted bytes from js: ${hex(first, 64)} -> ${isYamux ? 'yamux frame' : 'not a yamux frame (mplex varint header?)'}`)
      if (isYamux) {
        // keep logging; answer every stream js opens with "na"
        conn.plain = first
        const y = new Yamux(conn)
        y.onInbound = (f) => {
          const st = y.open(f.sid, { viaData: true })
          ;(async () => {
            while (st.buf.length < 1 && !st.rst && !y.closed) await st.wait()
            await sleep(20)
            const msg = Buffer.concat([lpMsg('/multistream/1.0.0'), lpMsg('na')])
            y.send(Buffer.concat([hdr(0, 2, f.sid, msg.length), msg])); log(`yamux -> Data ACK stream=${f.sid}: mss header + na`)
          })()
        }
        await Promise.race([y.run(), sleep(SECS * 1000)])
      } else await sleep(SECS * 1000)
    } catch (err) { log(`error: ${err.message}`) }
    sock.destroy()
  })
  srv.listen(0, '127.0.0.1', () => log(`listening on /ip4/127.0.0.1/tcp/${srv.address().port}/p2p/${peerId()}`))
  setTimeout(() => process.exit(0), (SECS + 30) * 1000).unref()
}

if (args[0] === 'dial') dialMain().catch(err => { log(`error: ${err.stack}`); process.exit(1) })
else if (args[0] === 'listen') listenMain()
else { console.error('usage: see header'); process.exit(2) }
