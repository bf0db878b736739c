package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.core.host.UpgradeException;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's one {@link EventListener}: passes each event to the builder's listener and to those
 * the services added, and keeps a throwing listener from disturbing the host or the others.
 */
public final class EventDispatcher implements EventListener {

  private static final Logger log = LoggerFactory.getLogger(EventDispatcher.class);

  private final List<EventListener> listeners = new CopyOnWriteArrayList<>();

  public EventDispatcher(EventListener first) {
    if (first != EventListener.NONE) {
      listeners.add(first);
    }
  }

  public void add(EventListener listener) {
    listeners.add(listener);
  }

  public void clear() {
    listeners.clear();
  }

  private void each(String event, Consumer<EventListener> call) {
    for (EventListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable e) {
        // Even an AssertionError: thrown here, it would end the host's work in progress.
        log.warn("event listener {} threw on {}; ignored", listener, event, e);
      }
    }
  }

  @Override
  public void dialStarted(Multiaddr address, Optional<PeerId> peer) {
    each("dialStarted", l -> l.dialStarted(address, peer));
  }

  @Override
  public void dialSucceeded(Multiaddr address, Connection connection, Duration elapsed) {
    each("dialSucceeded", l -> l.dialSucceeded(address, connection, elapsed));
  }

  @Override
  public void dialFailed(Multiaddr address, Optional<PeerId> peer, Throwable cause, Duration elapsed) {
    each("dialFailed", l -> l.dialFailed(address, peer, cause, elapsed));
  }

  @Override
  public void upgradeStarted(Direction direction, Multiaddr remoteAddress) {
    each("upgradeStarted", l -> l.upgradeStarted(direction, remoteAddress));
  }

  @Override
  public void securityNegotiated(Direction direction, Multiaddr remoteAddress, String protocol, Duration elapsed) {
    each("securityNegotiated", l -> l.securityNegotiated(direction, remoteAddress, protocol, elapsed));
  }

  @Override
  public void securityHandshakeDone(
      Direction direction, Multiaddr remoteAddress, PeerId peer, String protocol, Duration elapsed) {
    each("securityHandshakeDone", l -> l.securityHandshakeDone(direction, remoteAddress, peer, protocol, elapsed));
  }

  @Override
  public void muxerNegotiated(
      Direction direction, Multiaddr remoteAddress, PeerId peer, String protocol, Duration elapsed) {
    each("muxerNegotiated", l -> l.muxerNegotiated(direction, remoteAddress, peer, protocol, elapsed));
  }

  @Override
  public void upgradeFailed(Direction direction, Multiaddr remoteAddress, UpgradeException cause, Duration elapsed) {
    each("upgradeFailed", l -> l.upgradeFailed(direction, remoteAddress, cause, elapsed));
  }

  @Override
  public void connectionOpened(Connection connection, Duration upgradeTime) {
    each("connectionOpened", l -> l.connectionOpened(connection, upgradeTime));
  }

  @Override
  public void connectionClosed(Connection connection, Connection.CloseReason reason, Duration lifetime) {
    each("connectionClosed", l -> l.connectionClosed(connection, reason, lifetime));
  }

  @Override
  public void identifyDone(Connection connection, IdentifyInfo info) {
    each("identifyDone", l -> l.identifyDone(connection, info));
  }

  @Override
  public void identifyFailed(Connection connection, Throwable cause) {
    each("identifyFailed", l -> l.identifyFailed(connection, cause));
  }

  @Override
  public void streamOpened(Stream stream) {
    each("streamOpened", l -> l.streamOpened(stream));
  }

  @Override
  public void streamNegotiationFailed(Connection connection, List<String> protocols, Throwable cause) {
    each("streamNegotiationFailed", l -> l.streamNegotiationFailed(connection, protocols, cause));
  }

  @Override
  public void streamClosed(Stream stream, Duration lifetime) {
    each("streamClosed", l -> l.streamClosed(stream, lifetime));
  }

  @Override
  public void limitExceeded(Optional<PeerId> peer, LimitExceededException cause) {
    each("limitExceeded", l -> l.limitExceeded(peer, cause));
  }

  @Override
  public void hostFailed(Throwable cause) {
    each("hostFailed", l -> l.hostFailed(cause));
  }
}
