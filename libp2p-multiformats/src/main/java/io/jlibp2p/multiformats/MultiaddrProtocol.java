package io.jlibp2p.multiformats;

import java.util.HashMap;
import java.util.Map;

/**
 * The multiaddr protocols jlibp2p understands, with the codes and value sizes of the <a
 * href="https://github.com/multiformats/multiaddr/blob/master/protocols.csv">multiaddr table</a>.
 *
 * <p>A protocol's value is of fixed size, length-prefixed ({@code uvarint(len) || bytes}), or
 * absent.
 */
public enum MultiaddrProtocol {
  IP4(4, "ip4", 4, ValueCodec.IP4),
  TCP(6, "tcp", 2, ValueCodec.unsignedDecimal(2)),
  UDP(273, "udp", 2, ValueCodec.unsignedDecimal(2)),
  IP6(41, "ip6", 16, ValueCodec.IP6),
  IP6ZONE(42, "ip6zone", Sizes.VARIABLE, ValueCodec.TEXT),
  IPCIDR(43, "ipcidr", 1, ValueCodec.unsignedDecimal(1)),
  DNS(53, "dns", Sizes.VARIABLE, ValueCodec.TEXT),
  DNS4(54, "dns4", Sizes.VARIABLE, ValueCodec.TEXT),
  DNS6(55, "dns6", Sizes.VARIABLE, ValueCodec.TEXT),
  DNSADDR(56, "dnsaddr", Sizes.VARIABLE, ValueCodec.TEXT),
  WEBRTC_DIRECT(280, "webrtc-direct", 0, ValueCodec.NONE),
  WEBRTC(281, "webrtc", 0, ValueCodec.NONE),
  P2P_CIRCUIT(290, "p2p-circuit", 0, ValueCodec.NONE),
  /** A Unix domain socket path; in text form it takes the rest of the address. */
  UNIX(400, "unix", Sizes.VARIABLE, ValueCodec.PATH),
  /** A peer ID; {@code /ipfs/} is accepted as a legacy name on input. */
  P2P(421, "p2p", Sizes.VARIABLE, ValueCodec.PEER_ID),
  HTTPS(443, "https", 0, ValueCodec.NONE),
  TLS(448, "tls", 0, ValueCodec.NONE),
  SNI(449, "sni", Sizes.VARIABLE, ValueCodec.TEXT),
  NOISE(454, "noise", 0, ValueCodec.NONE),
  /** QUIC draft-29, being phased out in favour of {@link #QUIC_V1}. */
  QUIC(460, "quic", 0, ValueCodec.NONE),
  QUIC_V1(461, "quic-v1", 0, ValueCodec.NONE),
  WEBTRANSPORT(465, "webtransport", 0, ValueCodec.NONE),
  /** A certificate hash: a multihash, printed as base64url multibase. */
  CERTHASH(466, "certhash", Sizes.VARIABLE, ValueCodec.CERTHASH),
  WS(477, "ws", 0, ValueCodec.NONE),
  /** Deprecated upstream in favour of {@code /tls/ws}, still accepted. */
  WSS(478, "wss", 0, ValueCodec.NONE),
  HTTP(480, "http", 0, ValueCodec.NONE);

  private static final Map<Long, MultiaddrProtocol> BY_CODE = new HashMap<>();
  private static final Map<String, MultiaddrProtocol> BY_NAME = new HashMap<>();

  static {
    for (MultiaddrProtocol protocol : values()) {
      BY_CODE.put((long) protocol.code, protocol);
      BY_NAME.put(protocol.protocolName, protocol);
    }
    BY_NAME.put("ipfs", P2P);
  }

  private final int code;
  private final String protocolName;
  private final int size;
  private final ValueCodec codec;
  private final byte[] encodedCode;

  MultiaddrProtocol(int code, String protocolName, int size, ValueCodec codec) {
    this.code = code;
    this.protocolName = protocolName;
    this.size = size;
    this.codec = codec;
    this.encodedCode = UnsignedVarint.encode(code);
  }

  /** The multicodec code. */
  public int code() {
    return code;
  }

  /** The name used in the text form, such as {@code "quic-v1"}. */
  public String protocolName() {
    return protocolName;
  }

  /** Whether components of this protocol carry a value. */
  public boolean hasValue() {
    return size != 0;
  }

  /** Whether the value is length-prefixed rather than of fixed size. */
  public boolean isVariableSize() {
    return size == Sizes.VARIABLE;
  }

  /** The size of a fixed-size value in bytes, 0 for protocols without a value. */
  int fixedSize() {
    return size;
  }

  /** Whether the value, in text form, takes the rest of the address (Unix paths). */
  boolean isPath() {
    return this == UNIX;
  }

  ValueCodec codec() {
    return codec;
  }

  byte[] encodedCode() {
    return encodedCode.clone();
  }

  /** Returns the protocol with {@code code}, or {@code null} when jlibp2p does not know it. */
  static MultiaddrProtocol forCode(long code) {
    return BY_CODE.get(code);
  }

  /** Returns the protocol with text name {@code name}, or {@code null} when unknown. */
  static MultiaddrProtocol forName(String name) {
    return BY_NAME.get(name);
  }

  @Override
  public String toString() {
    return protocolName;
  }

  private static final class Sizes {
    static final int VARIABLE = -1;
  }
}
