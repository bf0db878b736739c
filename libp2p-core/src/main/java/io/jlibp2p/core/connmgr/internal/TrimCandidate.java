package io.jlibp2p.core.connmgr.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.crypto.PeerId;
import java.util.Comparator;
import java.util.List;

/**
 * A peer that a trim may disconnect: out of its grace period and unprotected, with the connections
 * that would close.
 *
 * @param value the sum of its tags
 * @param inbound whether any of its connections is inbound
 * @param openStreams its streams, over all its connections
 */
record TrimCandidate(PeerId peer, long value, boolean inbound, int openStreams, List<ManagedConnection> connections) {

  /**
   * The order peers are trimmed in, first to go first; go-libp2p's {@code SortByValueAndStreams}
   * with {@code sortByMoreStreams} false: lowest value; then a peer without streams before one with
   * streams; then inbound before outbound; then fewer streams. The peer ID breaks the remaining ties
   * so that a trim is reproducible.
   */
  static final Comparator<TrimCandidate> TRIM_ORDER = Comparator.comparingLong(TrimCandidate::value)
      .thenComparing(candidate -> candidate.openStreams() > 0)
      .thenComparing(candidate -> !candidate.inbound())
      .thenComparingInt(TrimCandidate::openStreams)
      .thenComparing(TrimCandidate::peer);

  static TrimCandidate of(PeerId peer, long value, List<ConnectionView> views) {
    boolean inbound = views.stream().anyMatch(view -> view.direction() == Direction.INBOUND);
    int streams = views.stream().mapToInt(ConnectionView::openStreams).sum();
    return new TrimCandidate(peer, value, inbound, streams, views.stream().map(ConnectionView::connection).toList());
  }
}
