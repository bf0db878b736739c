package io.jlibp2p.core.host;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Hears what a host does, one hook per phase: the one place where metrics, logging and tracing
 * attach (OkHttp's {@code EventListener} is the model). Every method does nothing by default;
 * override the ones you need.
 *
 * <pre>{@code
 * Host host = Libp2p.hostBuilder()
 *     .eventListener(new EventListener() {
 *       @Override
 *       public void connectionOpened(Connection connection, Duration upgradeTime) {
 *         System.out.println("connected to " + connection.remotePeer() + " in " + upgradeTime.toMillis() + " ms");
 *       }
 *     })
 *     .build();
 * }</pre>
 *
 * <p>For a connection the order is: {@link #dialStarted} (outbound only), {@link
 * #upgradeStarted}, {@link #securityNegotiated}, {@link #securityHandshakeDone}, {@link
 * #muxerNegotiated}, {@link #connectionOpened} (or {@link #upgradeFailed}), {@link #dialSucceeded}
 * (or {@link #dialFailed}), then {@link #identifyDone} (or {@link #identifyFailed}) and, in the
 * end, {@link #connectionClosed}. A stream gets {@link #streamOpened} once its protocol is agreed
 * (for a stream this side opened: once the remote confirmed it), then {@link #streamClosed}; or,
 * for a stream this side opened, {@link #streamNegotiationFailed} instead. A dialer that proposes
 * one protocol (and one muxer) does so lazily, without waiting for the answer: a muxer the remote
 * refuses after that ends the connection, reported as its {@link #connectionClosed}.
 *
 * <p>Hooks run on Netty event loops, the host's threads, and for a dial that fails at once
 * ({@link #dialStarted}, {@link #dialFailed}) the caller's thread, often several at once: an
 * implementation must be thread-safe, fast, and must not block. An exception thrown by a hook is
 * logged and otherwise ignored; it never changes what the host does.
 */
public interface EventListener {

  /** A listener that hears nothing. */
  EventListener NONE = new EventListener() {};

  /** A dial of {@code address} begins; {@code peer} is the one it must reach, when known. */
  default void dialStarted(Multiaddr address, Optional<PeerId> peer) {}

  /** A dial ended with an upgraded connection, {@code elapsed} after it began. */
  default void dialSucceeded(Multiaddr address, Connection connection, Duration elapsed) {}

  /** A dial failed: the transport could not connect, or the upgrade failed. */
  default void dialFailed(Multiaddr address, Optional<PeerId> peer, Throwable cause, Duration elapsed) {}

  /** A raw connection, dialed or accepted, starts its upgrade. */
  default void upgradeStarted(Direction direction, Multiaddr remoteAddress) {}

  /** Both sides agreed on the secure channel {@code protocol}, {@code elapsed} after the upgrade began. */
  default void securityNegotiated(Direction direction, Multiaddr remoteAddress, String protocol, Duration elapsed) {}

  /** The secure channel's handshake proved {@code peer}, {@code elapsed} after it began. */
  default void securityHandshakeDone(
      Direction direction, Multiaddr remoteAddress, PeerId peer, String protocol, Duration elapsed) {}

  /** Both sides agreed on the stream muxer {@code protocol}, {@code elapsed} after the handshake. */
  default void muxerNegotiated(
      Direction direction, Multiaddr remoteAddress, PeerId peer, String protocol, Duration elapsed) {}

  /** The upgrade failed in {@link UpgradeException#phase()}; the raw connection is closed. */
  default void upgradeFailed(Direction direction, Multiaddr remoteAddress, UpgradeException cause, Duration elapsed) {}

  /** An upgraded connection joined the host, {@code upgradeTime} after its upgrade began. */
  default void connectionOpened(Connection connection, Duration upgradeTime) {}

  /** A connection closed, {@code lifetime} after it opened. */
  default void connectionClosed(Connection connection, Connection.CloseReason reason, Duration lifetime) {}

  /** The remote of {@code connection} answered identify. */
  default void identifyDone(Connection connection, IdentifyInfo info) {}

  /** Identify with the remote of {@code connection} failed; the connection stays open. */
  default void identifyFailed(Connection connection, Throwable cause) {}

  /** A stream's protocol ({@link Stream#protocol()}) was agreed; {@link Stream#direction()} says who opened it. */
  default void streamOpened(Stream stream) {}

  /** No protocol of {@code protocols} was agreed on a stream this side opened. */
  default void streamNegotiationFailed(Connection connection, List<String> protocols, Throwable cause) {}

  /**
   * A stream that {@link #streamOpened} reported closed, {@code lifetime} after its protocol was
   * agreed; {@link Stream#bytesRead()} and {@link Stream#bytesWritten()} tell how much it carried.
   */
  default void streamClosed(Stream stream, Duration lifetime) {}

  /** Something was refused because a limit was reached; {@code peer} is the peer involved, when known. */
  default void limitExceeded(Optional<PeerId> peer, LimitExceededException cause) {}

  /**
   * A fatal error ({@link OutOfMemoryError}, {@link StackOverflowError}) reached the host from an
   * event loop: the host is closing at once, since it can no longer be trusted to serve. The
   * application should treat the process as failed (the CLI exits non-zero).
   */
  default void hostFailed(Throwable cause) {}
}
