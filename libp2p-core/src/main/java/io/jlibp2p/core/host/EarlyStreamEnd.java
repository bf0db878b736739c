package io.jlibp2p.core.host;

import io.jlibp2p.core.peerstore.PeerMetadata;
import io.jlibp2p.crypto.PeerId;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Decides, for each stream a host opens with a single protocol, whether the stream's end may
 * leave before the remote has confirmed the protocol.
 *
 * <p>Such a stream negotiates lazily: the protocol's proposal, the first request bytes and, if the
 * application half-closes at once (a request/response protocol such as perf), the stream's end
 * can all go out in the first flight. A jlibp2p listener accepts that (tested), and the answer
 * comes back one round trip sooner; go's and rust's listeners read the proposal and leave what
 * follows in the stream, so they should too, but no test here shows it. js-libp2p 3.x does not:
 * it resets a stream whose end arrives before its protocol handler is ready. So by default
 * ({@link #KNOWN_PEERS}) the end waits for the remote's confirmation unless the peer's last
 * identify named an implementation known to accept it; with that rule the first streams to a peer
 * never identified before wait.
 *
 * <pre>{@code
 * // A private network with no js-libp2p node, whatever the agent versions say:
 * Host host = Libp2p.hostBuilder().earlyStreamEnd(EarlyStreamEnd.ALWAYS).build();
 * }</pre>
 *
 * <p>Called on the thread that opens the stream, often an event loop: it must be quick and must
 * not block. A rule that throws is logged and the end is held.
 */
@FunctionalInterface
public interface EarlyStreamEnd {

  /**
   * Whether a stream to {@code peer} may send its end before the protocol is confirmed.
   *
   * @param metadata what the peerstore holds from the peer's last identify, {@link
   *     PeerMetadata#EMPTY} if it was never identified
   */
  boolean allowedFor(PeerId peer, PeerMetadata metadata);

  /** Every stream's end leaves at once: for networks with no js-libp2p peer. */
  EarlyStreamEnd ALWAYS = (peer, metadata) -> true;

  /** Every stream's end waits for the confirmation, one round trip more for a request that ends at once. */
  EarlyStreamEnd NEVER = (peer, metadata) -> false;

  /**
   * The default: allowed for peers whose agent version has a word starting with {@code jlibp2p/},
   * as jlibp2p's default agent version does, so {@code myapp/2.1 jlibp2p/0.1.0} counts.
   */
  EarlyStreamEnd KNOWN_PEERS = forAgents("jlibp2p/");

  /**
   * Allowed for peers whose agent version has a word (separated by white space) starting with one
   * of {@code prefixes}, such as {@code "jlibp2p/", "myapp/"}; refused for peers never
   * identified.
   */
  static EarlyStreamEnd forAgents(String... prefixes) {
    List<String> known = List.of(prefixes);
    known.forEach(prefix -> {
      if (prefix.isBlank() || prefix.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("an agent prefix is one non-empty word, got \"" + prefix + "\"");
      }
    });
    return (peer, metadata) -> {
      Objects.requireNonNull(metadata, "metadata");
      return metadata.agentVersion()
          .map(agent -> Arrays.stream(agent.split("\\s+")).anyMatch(word -> known.stream().anyMatch(word::startsWith)))
          .orElse(false);
    };
  }
}
