package io.jlibp2p.core.connmgr.internal;

import io.jlibp2p.core.connmgr.BumpFunction;
import io.jlibp2p.core.connmgr.DecayFunction;
import io.jlibp2p.core.connmgr.DecayingTag;
import io.jlibp2p.crypto.PeerId;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/** A {@link DecayingTag} of a {@link DefaultConnectionManager}, which holds its values per peer. */
final class RegisteredDecayingTag implements DecayingTag {

  private final DefaultConnectionManager manager;
  private final String name;
  private final Duration interval;
  final DecayFunction decay;
  final BumpFunction bump;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** When it decays next; guarded by the manager's lock. */
  Instant nextDecay;

  RegisteredDecayingTag(
      DefaultConnectionManager manager, String name, Duration interval, DecayFunction decay, BumpFunction bump,
      Instant nextDecay) {
    this.manager = manager;
    this.name = name;
    this.interval = interval;
    this.decay = decay;
    this.bump = bump;
    this.nextDecay = nextDecay;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Duration interval() {
    return interval;
  }

  boolean isClosed() {
    return closed.get();
  }

  @Override
  public void bump(PeerId peer, int delta) {
    Objects.requireNonNull(peer, "peer");
    checkOpen("bump");
    manager.bump(this, peer, delta);
  }

  @Override
  public void remove(PeerId peer) {
    Objects.requireNonNull(peer, "peer");
    checkOpen("remove");
    manager.removeDecaying(this, peer);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      manager.closeDecaying(this);
    }
  }

  void checkOpen(String operation) {
    if (closed.get()) {
      throw new IllegalStateException(
          "cannot " + operation + " decaying tag '" + name + "': it is closed; register it again to use the name");
    }
  }

  @Override
  public String toString() {
    return "DecayingTag{" + name + ", every " + interval + "}";
  }
}
