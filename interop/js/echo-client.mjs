// The /echo/1.0.0 client: sends n bytes of a deterministic pattern on a new
// stream, half-closes, and checks every byte that comes back. Shared by
// peer.mjs (Node) and browser/page.mjs (Chromium), so it uses no Node API.

// deterministic test data. byte i = (i*31 + 7 + (i>>>8)*13 + (i>>>16)*101) & 0xff
// (the (i>>>8)/(i>>>16) terms make 256-byte / 64 KiB blocks distinguishable, so
// re-ordered or duplicated muxer frames are detected; with plain (i*31+7) the
// data repeats every 256 bytes). Java: (int) ((i*31L + 7 + (i>>>8)*13 + (i>>>16)*101) & 0xff)
// with i a long.

export function patternByte (i) {
  return (i * 31 + 7 + Math.floor(i / 256) * 13 + Math.floor(i / 65536) * 101) & 0xff
}

export function fillPattern (buf, offset) {
  for (let j = 0; j < buf.length; j++) buf[j] = patternByte(offset + j)
  return buf
}

// streamOptions: extra newStream() options, e.g. { runOnLimitedConnection: true }
// for a relayed (limited) connection
export async function echoClient (connection, nBytes, chunkSize, signal, diag = () => {}, streamOptions = {}) {
  const t0 = performance.now()
  const stream = await connection.newStream('/echo/1.0.0', { signal, ...streamOptions })
  diag(`echo stream ${stream.id} opened, protocol ${stream.protocol}, sending ${nBytes} bytes in ${chunkSize}-byte chunks`)

  // reader: attach BEFORE sending. With no 'message' listener an inbound
  // stream buffers data and resets itself above 4 MiB (maxReadBufferLength).
  let received = 0
  let mismatch = null
  const done = new Promise((resolve, reject) => {
    const onMessage = (evt) => {
      // evt.data is a Uint8Array or a Uint8ArrayList (which iterates its Uint8Array chunks)
      const bufs = evt.data instanceof Uint8Array ? [evt.data] : evt.data
      for (const buf of bufs) {
        for (let j = 0; j < buf.length && mismatch == null; j++) checkByte(buf[j])
        if (mismatch != null) break
      }
      if (mismatch != null) {
        stream.abort(new Error(mismatch))
        reject(new Error(mismatch))
      }
    }
    const checkByte = (b) => {
      if (mismatch != null) return
      if (received >= nBytes) {
        mismatch = `received more than ${nBytes} bytes`
        return
      }
      const want = patternByte(received)
      if (b !== want) mismatch = `byte ${received}: got ${b}, want ${want}`
      received++
    }
    const maybeDone = () => {
      if (stream.remoteWriteStatus !== 'closed' || stream.readBufferLength !== 0) return
      if (received !== nBytes) reject(new Error(`remote closed its write side after ${received}/${nBytes} bytes`))
      else resolve()
    }
    stream.addEventListener('message', (evt) => { onMessage(evt); maybeDone() })
    stream.addEventListener('remoteCloseWrite', maybeDone)
    stream.addEventListener('close', (evt) => {
      if (evt.error != null) reject(new Error(`stream closed with ${evt.error.name}: ${evt.error.message} after receiving ${received}/${nBytes} bytes`))
      else if (received !== nBytes) reject(new Error(`stream closed after ${received}/${nBytes} bytes`))
      else resolve()
    })
    signal.addEventListener('abort', () => reject(signal.reason ?? new Error('aborted')), { once: true })
  })
  done.catch(() => {}) // observed below; avoid unhandled rejection while still sending

  // writer
  for (let off = 0; off < nBytes && mismatch == null; off += chunkSize) {
    const len = Math.min(chunkSize, nBytes - off)
    const chunk = fillPattern(new Uint8Array(len), off)
    if (!stream.send(chunk)) {
      await stream.onDrain({ signal })
    }
  }
  // half-close: sends mplex CLOSE after the write queue is flushed
  await stream.close({ signal })
  diag(`echo stream ${stream.id}: all ${nBytes} bytes sent, write side closed after ${(performance.now() - t0).toFixed(1)} ms`)

  await done
  return { ms: performance.now() - t0 }
}
