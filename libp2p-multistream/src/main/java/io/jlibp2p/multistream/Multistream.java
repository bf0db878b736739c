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

  /**
   * The default bound on the messages a peer may send in one negotiation, its header included:
   * 32. A listener answers every rejected proposal with {@code na}, so the bound is what a dialer
   * may try. Honest go, js and rust dialers try a handful: two or three security protocols or
   * muxers, and for a stream at most four or five versions of one protocol (bitswap's and
   * gossipsub's version lists are the longest), plus perhaps one {@code ls}. 32 leaves five times
   * that, and ends a flood of proposals after 31 answers instead of at the timeout.
   */
  public static final int DEFAULT_MAX_MESSAGES = 32;

  private Multistream() {}
}
