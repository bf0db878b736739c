package io.jlibp2p.integration.hostile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * multistream-select 1.0 messages by hand (<a
 * href="https://github.com/multiformats/multistream-select">spec</a>): {@code uvarint(len) ||
 * payload || '\n'}, {@code len} counting the newline; the framing of libp2p-multistream's {@code
 * MessageCodec}, rebuilt here so that an attacker can also break it.
 */
final class MultistreamWire {

  static final String HEADER = "/multistream/1.0.0";
  static final String NA = "na";
  static final String LS = "ls";

  /** The largest message a jlibp2p (and go) peer accepts, the newline included. */
  static final int MAX_MESSAGE_LENGTH = 1024;

  private MultistreamWire() {}

  /** One well-formed message carrying {@code payload}. */
  static byte[] message(String payload) {
    byte[] body = (payload + "\n").getBytes(StandardCharsets.UTF_8);
    return Wire.concat(Wire.uvarint(body.length), body);
  }

  /** Well-formed messages, one per payload, back to back. */
  static byte[] messages(String... payloads) {
    byte[][] each = new byte[payloads.length][];
    for (int i = 0; i < payloads.length; i++) {
      each[i] = message(payloads[i]);
    }
    return Wire.concat(each);
  }

  /** The header and a proposal of {@code protocol}, as a dialer opens. */
  static byte[] propose(String protocol) {
    return messages(HEADER, protocol);
  }

  /**
   * Reads one message and returns its payload without the newline; the body of an {@code ls}
   * answer comes back whole, nested messages and all.
   */
  static String read(InputStream in) throws IOException {
    long length = Wire.readUvarint(in);
    if (length < 1 || length > 64 * 1024) {
      throw new IOException("implausible multistream message length " + length);
    }
    byte[] body = Wire.readExactly(in, (int) length);
    return new String(body, 0, body.length - 1, StandardCharsets.UTF_8);
  }

  /** Reads the header and the answer to one proposal; fails unless it is an echo of {@code protocol}. */
  static void expectAccepted(InputStream in, String protocol) throws IOException {
    String header = read(in);
    if (!header.equals(HEADER)) {
      throw new IOException("expected the multistream header, got \"" + header + "\"");
    }
    String answer = read(in);
    if (!answer.equals(protocol)) {
      throw new IOException("proposed " + protocol + ", the host answered \"" + answer + "\"");
    }
  }
}
