package io.jlibp2p.multistream;

import java.time.Duration;

/**
 * Constants of <a href="https://github.com/multiformats/multistream-select">multistream-select
 * 1.0</a> as jlibp2p speaks it.
 *
 * <p>Every message is {@code uvarint(len) || payload || '\n'}, where {@code len} counts the
 * newline. Both sides open with {@link #PROTOCOL_ID}; the dialer proposes protocol IDs, the listener
 * echoes the one it accepts or answers {@link #NA}.
 *
 * <p>The deprecated simultaneous-open extension ({@code /libp2p/simultaneous-connect}) is not
 * implemented: it was terminated upstream (libp2p/specs#573), rust removed it, and hole punching
 * now assigns roles through DCUtR instead.
 */
public final class Multistream {

  /** The header both sides send first. */
  public static final String PROTOCOL_ID = "/multistream/1.0.0";

  /** The listener's answer to a protocol it does not support. */
  public static final String NA = "na";

  /** A request for the listener's protocol list. */
  public static final String LS = "ls";

  /**
   * The largest message accepted from a peer, counting the trailing newline: 1024 bytes, go's
   * limit, so that nothing jlibp2p sends can be refused by go.
   */
  public static final int MAX_MESSAGE_LENGTH = 1024;

  /** The default time a negotiation may take before the channel is closed. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private Multistream() {}
}
