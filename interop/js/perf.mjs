// /perf/1.0.0 for the js-libp2p 3.x peer, written against libp2p/specs perf/perf.md.
//
// @libp2p/perf is not available from the npm registry this project installs from, so the
// protocol is written here on js-libp2p's public stream API, the way @libp2p/perf does it:
// the client sends the 8-byte big-endian number of bytes it wants back, then its upload, and
// closes its write side; the server drains the upload to EOF, sends that many bytes and closes.
// Both sides write one reused 64 KiB block (the writeBlockSize of @libp2p/perf) and wait for
// 'drain' whenever send() says the stream's write buffer is full.

export const PERF_PROTOCOL = '/perf/1.0.0'

const BLOCK = new Uint8Array(64 * 1024)

// Counts inbound bytes until the remote has closed its write side and every byte was
// dispatched. onBytes(chunk) sees each Uint8Array; resolves with the total.
function drain (stream, onBytes = () => {}) {
  return new Promise((resolve, reject) => {
    let total = 0
    let settled = false
    const settle = (err) => {
      if (settled) return
      settled = true
      if (err != null) reject(err)
      else resolve(total)
    }
    const maybeDone = () => {
      if (stream.remoteWriteStatus === 'closed' && stream.readBufferLength === 0) settle()
    }
    stream.addEventListener('message', (evt) => {
      const chunks = evt.data instanceof Uint8Array ? [evt.data] : evt.data
      for (const chunk of chunks) {
        total += chunk.byteLength
        try {
          onBytes(chunk)
        } catch (err) {
          settle(err)
          return
        }
      }
      maybeDone()
    })
    stream.addEventListener('remoteCloseWrite', maybeDone)
    stream.addEventListener('close', (evt) => {
      if (evt.error != null) settle(evt.error)
      else settle()
    })
    if (stream.readBufferLength === 0) maybeDone()
  })
}

// Writes n bytes in 64 KiB blocks, respecting the stream's backpressure.
async function sendBytes (stream, n, signal) {
  for (let left = n; left > 0;) {
    const len = Math.min(BLOCK.length, left)
    left -= len
    if (!stream.send(len === BLOCK.length ? BLOCK : BLOCK.subarray(0, len))) {
      await stream.onDrain({ signal })
    }
  }
}

function toSafeNumber (big, what) {
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${what} ${big} is beyond 2^53`)
  return Number(big)
}

// The server side: a stream handler for node.handle(PERF_PROTOCOL, handlePerf).
export async function handlePerf (stream) {
  const header = new Uint8Array(8)
  let headerLength = 0
  try {
    const uploaded = await drain(stream, (chunk) => {
      if (headerLength < 8) {
        const take = Math.min(8 - headerLength, chunk.byteLength)
        header.set(chunk.subarray(0, take), headerLength)
        headerLength += take
      }
    })
    if (headerLength < 8) throw new Error(`perf: the stream ended after ${headerLength} of the 8 header bytes`)
    const download = toSafeNumber(new DataView(header.buffer).getBigUint64(0), 'perf: requested download of')
    await sendBytes(stream, download)
    await stream.close()
    return uploaded - 8
  } catch (err) {
    stream.abort(err)
    throw err
  }
}

// The client side of one run on an open connection; resolves when the whole download arrived.
export async function perfRun (connection, uploadBytes, downloadBytes, signal) {
  const stream = await connection.newStream(PERF_PROTOCOL, { signal })
  try {
    // the reader is attached before anything is sent: an unread stream resets itself at 4 MiB
    const received = drain(stream)
    received.catch(() => {})
    const header = new Uint8Array(8)
    new DataView(header.buffer).setBigUint64(0, BigInt(downloadBytes))
    if (!stream.send(header)) await stream.onDrain({ signal })
    await sendBytes(stream, uploadBytes, signal)
    await stream.close({ signal })
    const got = await received
    if (got !== downloadBytes) throw new Error(`perf: received ${got} of ${downloadBytes} bytes`)
  } catch (err) {
    stream.abort(err)
    throw err
  }
}
