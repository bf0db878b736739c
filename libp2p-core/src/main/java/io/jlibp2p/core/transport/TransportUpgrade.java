package io.jlibp2p.core.transport;

import io.jlibp2p.core.muxer.StreamMuxer;
import io.jlibp2p.core.security.SecureSession;
import java.util.Objects;

/**
 * What a transport that secures and multiplexes its connections itself (QUIC; WebTransport and
 * WebRTC later), as go's {@code CapableConn} does, settled for one connection before handing it
 * over: the upgrader then negotiates neither a secure channel nor a muxer, and goes straight to
 * the checks that follow a handshake (the expected peer, the gater, the peer's resource scope).
 * Streams are still {@link io.jlibp2p.core.muxer.Stream} child channels, each negotiating its
 * protocol with multistream-select.
 *
 * @param session the handshake's outcome: its protocol (QUIC's is {@code /tls/1.0.0}) and the
 *     peer it proved; its {@link SecureSession#muxer()} names {@code muxer}
 * @param muxer the connection's own multiplexing, whose {@link StreamMuxer#newSession} the
 *     upgrader calls once; its protocol ID is what the connection reports as its muxer (QUIC's is
 *     {@code quic-v1})
 */
public record TransportUpgrade(SecureSession session, StreamMuxer muxer) {

  public TransportUpgrade {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(muxer, "muxer");
    if (!session.muxer().equals(java.util.Optional.of(muxer.protocolId()))) {
      throw new IllegalArgumentException(
          "the session's muxer " + session.muxer() + " is not the transport's own, " + muxer.protocolId());
    }
  }
}
