package io.jlibp2p.secio;

import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.secio.internal.SecioFrameDecoder;
import io.jlibp2p.secio.internal.SecioHandshakeHandler;

/**
 * SECIO ({@code /secio/1.0.0}): the secure channel of older libp2p nodes, js-libp2p up to 0.29,
 * go-libp2p before 2021 and jvm-libp2p. Deprecated upstream in favour of noise and TLS, so it is
 * never a default: add it after them, for peers that speak nothing else.
 *
 * <pre>{@code
 * Host host = Libp2p.hostBuilder().secureChannel(new SecioSecureChannel()).build();
 * }</pre>
 *
 * <p>ECDH on P-256, P-384 or P-521, AES-128 or AES-256 in CTR mode, HMAC-SHA256 or -SHA512 over
 * each packet; the identity key signs the exchange. Stateless and sharable.
 *
 * <p>Packet size: this side sends packets of at most 256 KiB, far under the spec's 8 MiB. It
 * accepts up to {@link #DEFAULT_MAX_INBOUND_PACKET} by default, because legacy js-libp2p's mplex
 * merges whatever writes are queued into one secio packet, and in a bulk transfer that passes 8
 * MiB (js-libp2p 0.29 then fails its own peers with "message data too long"). A larger packet
 * closes the connection with a clear exception before any of it is buffered; at most one packet
 * is buffered per connection.
 */
public final class SecioSecureChannel implements SecureChannel {

  /** The protocol ID. */
  public static final String PROTOCOL_ID = SecioHandshakeHandler.PROTOCOL_ID;

  /** The largest inbound packet accepted by default: 32 MiB, four times the spec's limit. */
  public static final int DEFAULT_MAX_INBOUND_PACKET = 4 * SecioFrameDecoder.SPEC_MAX_PACKET;

  private final int maxInboundPacket;

  /** SECIO accepting packets up to {@link #DEFAULT_MAX_INBOUND_PACKET}. */
  public SecioSecureChannel() {
    this(DEFAULT_MAX_INBOUND_PACKET);
  }

  /**
   * SECIO accepting packets up to {@code maxInboundPacket} bytes; {@link
   * SecioFrameDecoder#SPEC_MAX_PACKET} is the spec's strict limit.
   */
  public SecioSecureChannel(int maxInboundPacket) {
    if (maxInboundPacket < 1024) {
      throw new IllegalArgumentException("maxInboundPacket must be at least 1024 bytes, got " + maxInboundPacket);
    }
    this.maxInboundPacket = maxInboundPacket;
  }

  @Override
  public String protocolId() {
    return PROTOCOL_ID;
  }

  @Override
  public Handshake handshake(HandshakeParameters parameters) {
    return Handshake.of(new SecioHandshakeHandler(parameters, maxInboundPacket));
  }
}
