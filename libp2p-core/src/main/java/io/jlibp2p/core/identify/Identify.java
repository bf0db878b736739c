package io.jlibp2p.core.identify;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Properties;

/**
 * <a href="https://github.com/libp2p/specs/blob/master/identify/README.md">identify</a>: on every
 * new connection each side asks the other ({@value #PROTOCOL_ID}) for its key, listen addresses,
 * signed peer record, protocols and software, and tells it the address it observed; {@value
 * #PUSH_PROTOCOL_ID} sends the same unasked when this node's protocols or addresses change.
 *
 * <p>Every {@link io.jlibp2p.core.host.Host} runs it: the results fill its {@link
 * io.jlibp2p.core.peerstore.Peerstore}, and {@link io.jlibp2p.core.host.Connection#identify()}
 * completes with what the peer said.
 */
public final class Identify {

  /** The request protocol: the responder writes its message(s) and closes. */
  public static final String PROTOCOL_ID = "/ipfs/id/1.0.0";

  /** The push protocol: the pusher writes the fields that changed and closes. */
  public static final String PUSH_PROTOCOL_ID = "/ipfs/id/push/1.0.0";

  /** The protocol version libp2p nodes announce. */
  public static final String PROTOCOL_VERSION = "ipfs/0.1.0";

  /**
   * The largest message this node sends. rust-libp2p refuses anything larger, so a bigger identify
   * is split into several messages, which the receiver merges.
   */
  public static final int MAX_SENT_MESSAGE_SIZE = 4096;

  /** The largest message this node accepts, as go-libp2p. */
  public static final int MAX_RECEIVED_MESSAGE_SIZE = 8192;

  /** The most messages one identify may be split into, as go-libp2p reads. */
  public static final int MAX_MESSAGES = 10;

  /** How long a peer may take to answer identify. */
  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  /** The default agent version: {@code jlibp2p/<version>}. */
  public static final String DEFAULT_AGENT_VERSION = "jlibp2p/" + jlibp2pVersion();

  private Identify() {}

  private static String jlibp2pVersion() {
    try (InputStream in = Identify.class.getResourceAsStream("/io/jlibp2p/core/version.properties")) {
      Properties properties = new Properties();
      if (in != null) {
        properties.load(in);
      }
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
