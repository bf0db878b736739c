package io.jlibp2p;

import io.jlibp2p.core.host.Host;
import io.jlibp2p.noise.NoiseSecureChannel;
import io.jlibp2p.ping.Ping;
import io.jlibp2p.relay.RelayClient;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.jlibp2p.transport.websocket.WebSocketTransport;
import io.jlibp2p.yamux.YamuxStreamMuxer;

/**
 * The entry point with the default stack: TCP, noise and yamux, which every modern libp2p peer
 * speaks, WebSocket ({@code /ws}), which browsers dial, the ping service, which go's and js's
 * hosts serve by default too, and the circuit relay client ({@link RelayClient}), as go's hosts
 * have it by default: dialing {@code /p2p-circuit} addresses, and reserving on relays.
 *
 * <pre>{@code
 * Host host = Libp2p.hostBuilder()
 *     .listenOn(Multiaddr.fromString("/ip4/0.0.0.0/tcp/4001"))
 *     .build();
 * }</pre>
 *
 * <p>More can be added to the returned builder, after the defaults in preference order: plaintext
 * or secio secure channels, the mplex muxer, other transports. They are opt-in. To serve {@code
 * /wss}, add a {@link WebSocketTransport} built with a server certificate: the host uses the first
 * transport that can listen on an address, and the default one cannot listen on {@code /wss}. To ping other
 * peers, take the host's service: {@code host.service(Ping.class).orElseThrow().ping(peer)}; to
 * not answer ping, {@code withoutService(Ping.class)}. To serve as a relay, add {@code
 * RelayServer.create()}.
 */
public final class Libp2p {

  private Libp2p() {}

  /**
   * A host builder with TCP, WebSocket (dialing {@code /ws} and {@code /wss}, listening on {@code
   * /ws}), noise, yamux, the {@link Ping} service and the {@link RelayClient} already configured.
   */
  public static Host.Builder hostBuilder() {
    return Host.builder()
        .transport(TcpTransport.builder().build())
        .transport(WebSocketTransport.builder().build())
        .secureChannel(new NoiseSecureChannel())
        .muxer(YamuxStreamMuxer.create())
        .service(new Ping())
        .service(RelayClient.create());
  }
}
