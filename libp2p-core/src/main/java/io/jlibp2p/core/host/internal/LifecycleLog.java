package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.core.host.UpgradeException;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.multiformats.Multiaddr;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's own listener, first of all: each connection's and stream's life, and why each dial,
 * upgrade or connection ended, at DEBUG (the steps of an upgrade at TRACE). Nothing here is above
 * DEBUG: what a peer does to a connection is the peer's business, and refusals have their own
 * INFO line ({@link RefusalLog}). Logged under {@code io.jlibp2p.core.host}, which turns them all
 * on or off at once.
 */
final class LifecycleLog implements EventListener {

  private static final Logger log = LoggerFactory.getLogger("io.jlibp2p.core.host");

  @Override
  public void dialStarted(Multiaddr address, Optional<PeerId> peer) {
    log.trace("dialing {}", address);
  }

  @Override
  public void dialFailed(Multiaddr address, Optional<PeerId> peer, Throwable cause, Duration elapsed) {
    log.debug("dial to {} failed after {} ms: {}", address, elapsed.toMillis(), cause.toString());
  }

  @Override
  public void upgradeStarted(Direction direction, Multiaddr remoteAddress) {
    log.trace("upgrading {} connection with {}", direction, remoteAddress);
  }

  @Override
  public void securityHandshakeDone(Direction direction, Multiaddr remoteAddress, PeerId peer, String protocol, Duration elapsed) {
    log.trace("{} proved {} over {} in {} ms", remoteAddress, peer, protocol, elapsed.toMillis());
  }

  @Override
  public void upgradeFailed(Direction direction, Multiaddr remoteAddress, UpgradeException cause, Duration elapsed) {
    log.debug("dropped {} connection with {} after {} ms: {}", direction, remoteAddress, elapsed.toMillis(), cause.getMessage());
  }

  @Override
  public void connectionOpened(Connection connection, Duration upgradeTime) {
    log.debug("connection {} {} {} opened ({}, {}; upgraded in {} ms)", connection.direction(), connection.remotePeer(),
        connection.remoteAddress(), connection.securityProtocol(), connection.muxerProtocol(), upgradeTime.toMillis());
  }

  @Override
  public void connectionClosed(Connection connection, Connection.CloseReason reason, Duration lifetime) {
    log.debug("connection {} {} closed by {} after {} s", connection.remotePeer(), connection.remoteAddress(),
        reason == Connection.CloseReason.LOCAL ? "this side" : "the remote or the network", lifetime.toSeconds());
  }

  @Override
  public void identifyFailed(Connection connection, Throwable cause) {
    log.debug("identify with {} failed: {}", connection.remotePeer(), cause.toString());
  }

  @Override
  public void streamOpened(Stream stream) {
    if (log.isDebugEnabled()) {
      log.debug("stream {} {} {} opened with {}", stream.id().asShortText(), stream.direction(), stream.protocol(),
          stream.remotePeer());
    }
  }

  @Override
  public void streamNegotiationFailed(Connection connection, List<String> protocols, Throwable cause) {
    log.debug("no stream to {} for {}: {}", connection.remotePeer(), protocols, cause.getMessage());
  }

  @Override
  public void streamClosed(Stream stream, Duration lifetime) {
    if (log.isDebugEnabled()) {
      log.debug("stream {} {} closed after {} ms, {} bytes read and {} written", stream.id().asShortText(), stream.protocol(),
          lifetime.toMillis(), stream.bytesRead(), stream.bytesWritten());
    }
  }
}
