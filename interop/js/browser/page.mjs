// The page a browser dApp would be: js-libp2p on @libp2p/websockets, noise and
// yamux, bundled for the browser by run.mjs with esbuild. It dials the
// multiaddr in its ?addr= query, pings, echoes ?echo= bytes (1 MiB by
// default) and runs identify, then puts one result object on
// window.__libp2pResult, which run.mjs reads.
import { createLibp2p } from 'libp2p'
import { webSockets } from '@libp2p/websockets'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { multiaddr } from '@multiformats/multiaddr'
import { echoClient } from '../echo-client.mjs'

const utf8 = new TextDecoder()

async function run () {
  const query = new URLSearchParams(location.search)
  const target = multiaddr(query.get('addr'))
  const echoBytes = Number(query.get('echo') ?? 1 << 20)
  const signal = AbortSignal.timeout(60_000)
  const node = await createLibp2p({
    transports: [webSockets()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    // In a browser js-libp2p refuses to dial private and loopback addresses by
    // default; the test's listener is on 127.0.0.1.
    connectionGater: { denyDialMultiaddr: () => false },
    services: { identify: identify(), ping: ping() }
  })
  try {
    const connection = await node.dial(target, { signal })
    const rttMs = await node.services.ping.ping(connection.remotePeer, { signal })
    const echo = await echoClient(connection, echoBytes, 64 * 1024, signal)
    const identified = await node.services.identify.identify(connection, { signal })
    const peer = await node.peerStore.get(connection.remotePeer)
    return {
      ok: true,
      localPeer: node.peerId.toString(),
      remotePeer: connection.remotePeer.toString(),
      remoteAddr: connection.remoteAddr.toString(),
      encryption: connection.encryption,
      multiplexer: connection.multiplexer,
      rttMs,
      echoBytes,
      echoMs: Math.round(echo.ms),
      agentVersion: identified.agentVersion ?? null,
      protocols: identified.protocols ?? [],
      storedAgentVersion: peer.metadata.has('AgentVersion') ? utf8.decode(peer.metadata.get('AgentVersion')) : null,
      userAgent: navigator.userAgent
    }
  } finally {
    await node.stop()
  }
}

run().then(
  (result) => { window.__libp2pResult = result },
  (err) => { window.__libp2pResult = { ok: false, error: `${err?.name ?? 'Error'}: ${err?.message ?? err}` } }
)
