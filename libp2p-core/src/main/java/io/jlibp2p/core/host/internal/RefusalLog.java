package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.crypto.PeerId;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs every refused limit the host reports ({@link EventListener#limitExceeded}: the resource
 * manager's scopes, a muxer's stream cap, identify's bounds) at INFO, at most one line a second,
 * with the count of those it left out: a peer that floods the host must not flood its log too.
 * Every refusal still reaches the event listeners.
 */
final class RefusalLog implements EventListener {

  private static final Logger log = LoggerFactory.getLogger("io.jlibp2p.core.resource");
  private static final long INTERVAL_NANOS = 1_000_000_000L;

  private final AtomicLong nextLineAt = new AtomicLong(System.nanoTime());
  private final AtomicLong suppressed = new AtomicLong();

  @Override
  public void limitExceeded(Optional<PeerId> peer, LimitExceededException refusal) {
    long now = System.nanoTime();
    long due = nextLineAt.get();
    if (now - due < 0 || !nextLineAt.compareAndSet(due, now + INTERVAL_NANOS)) {
      suppressed.incrementAndGet();
      return;
    }
    long left = suppressed.getAndSet(0);
    log.info("refused{}: {}{}", peer.map(p -> " for " + p).orElse(""), refusal.getMessage(),
        left > 0 ? " (and " + left + " more refusals since the last line)" : "");
  }
}
