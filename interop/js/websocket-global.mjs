// Node 20 has no global WebSocket (Node 22 has), and @libp2p/websockets dials
// with it: without this its dialer fails with a ReferenceError. The `ws`
// package is what its listener serves with already. Imported by peer.mjs
// before any libp2p module.
import { WebSocket } from 'ws'

if (typeof globalThis.WebSocket !== 'function') {
  globalThis.WebSocket = WebSocket
}
