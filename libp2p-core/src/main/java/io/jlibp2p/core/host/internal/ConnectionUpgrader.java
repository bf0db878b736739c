package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.gater.ConnectionGatedException;
import io.jlibp2p.core.gater.ConnectionGater;
import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.core.host.UpgradeException.Phase;
import io.jlibp2p.core.host.UpgradeException;
import io.jlibp2p.core.muxer.InboundStreamHandler;
import io.jlibp2p.core.muxer.MuxerParameters;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.muxer.StreamMuxer;
import io.jlibp2p.core.resource.internal.ConnectionResources;
import io.jlibp2p.core.security.HandshakeParameters;
import io.jlibp2p.core.security.PeerIdMismatchException;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.core.transport.RawConnection;
import io.jlibp2p.core.transport.TransportUpgrade;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multistream.MultistreamDialerHandler;
import io.jlibp2p.multistream.MultistreamListenerHandler;
import io.jlibp2p.multistream.ProtocolRegistry;
import io.jlibp2p.multistream.ProtocolSelectedCallback;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Turns a raw connection into a {@link HostConnection}: multistream-select for a secure channel,
 * its handshake, multistream-select for a muxer, then the muxer. Each phase has the same timeout.
 * A connection its transport upgraded itself ({@link RawConnection#upgrade()}, QUIC) skips the
 * negotiations and the handshake, and passes the same checks.
 * Connection upgrades wait for each answer (as go does) rather than negotiate optimistically: a
 * rejected proposal must never leave handshake bytes to be misread as the next proposal.
 */
public final class ConnectionUpgrader {

  private final PrivateKey identity;
  private final List<SecureChannel> secureChannels;
  private final List<StreamMuxer> muxers;
  private final Duration phaseTimeout;
  private final Duration closeGracePeriod;
  private final EventListener events;
  private final ConnectionGater gater;
  private final ConnectionErrors errors;

  /** @param fatal hears of a fatal error on a connection's event loop */
  public ConnectionUpgrader(PrivateKey identity, List<SecureChannel> secureChannels, List<StreamMuxer> muxers,
      Duration phaseTimeout, Duration closeGracePeriod, EventListener events, ConnectionGater gater,
      java.util.function.Consumer<Throwable> fatal) {
    this.gater = gater;
    this.errors = new ConnectionErrors(fatal, events::limitExceeded);
    this.closeGracePeriod = closeGracePeriod;
    this.identity = identity;
    this.secureChannels = List.copyOf(secureChannels);
    this.muxers = List.copyOf(muxers);
    this.phaseTimeout = phaseTimeout;
    this.events = events;
  }

  /**
   * Upgrades {@code raw}; call it from the transport's {@code connected} callback, before the
   * first read.
   *
   * @param expectedPeer the peer that was dialed, when known; any other fails the handshake
   * @param inboundStreams receives the streams the remote opens
   * @param resources the connection's resources, moved to its peer's scope once the handshake
   *     proves the peer, and released as the connection closes
   */
  public CompletableFuture<HostConnection> upgrade(RawConnection raw, Optional<PeerId> expectedPeer,
      InboundStreamHandler inboundStreams, ConnectionResources resources) {
    raw.channel().closeFuture().addListener(f -> resources.close());
    Attempt attempt = new Attempt(raw, expectedPeer, inboundStreams, resources);
    attempt.start();
    return attempt.result;
  }

  private final class Attempt {
    final RawConnection raw;
    final Channel channel;
    final Optional<PeerId> expectedPeer;
    final InboundStreamHandler inboundStreams;
    final ConnectionResources resources;
    final CompletableFuture<HostConnection> result = new CompletableFuture<>();
    Phase phase = Phase.SECURITY_NEGOTIATION;
    List<String> protocols = ids(secureChannels, SecureChannel::protocolId);
    String peer;
    ScheduledFuture<?> handshakeTimer;
    /**
     * The negotiation a lazy dialer reported selected but the listener has not confirmed yet:
     * until the echo arrives, any failure (a refusal, silence) belongs to that negotiation.
     */
    Phase unconfirmed;
    /** When the upgrade, and then its current phase, began: for the event listener's timings. */
    final long startedAt = System.nanoTime();
    long phaseStartedAt = startedAt;

    Attempt(RawConnection raw, Optional<PeerId> expectedPeer, InboundStreamHandler inboundStreams,
        ConnectionResources resources) {
      this.resources = resources;
      this.raw = raw;
      this.channel = raw.channel();
      this.expectedPeer = expectedPeer;
      this.inboundStreams = inboundStreams;
      this.peer = expectedPeer.map(PeerId::toString).orElse(null);
    }

    void start() {
      // Last, with every phase's handlers added before it.
      channel.pipeline().addLast(ConnectionErrors.NAME, errors);
      events.upgradeStarted(raw.direction(), raw.remoteAddress());
      channel.closeFuture().addListener(f -> fail(new IllegalStateException("the connection closed")));
      if (raw.upgrade().isPresent()) {
        adoptUpgraded(raw.upgrade().get());
        return;
      }
      negotiate("security-select", Phase.SECURITY_NEGOTIATION, protocols, this::onSecuritySelected);
    }

    /**
     * A connection the transport secured and multiplexed itself: no negotiation, but every check
     * that follows a handshake, starting with the peer that was dialed (the transport checks it
     * in its own handshake; a transport that forgot must not get a connection to another peer).
     */
    private void adoptUpgraded(TransportUpgrade upgrade) {
      SecureSession session = upgrade.session();
      phase = Phase.SECURITY_HANDSHAKE;
      protocols = List.of(session.protocolId());
      if (expectedPeer.isPresent() && !expectedPeer.get().equals(session.remotePeer())) {
        fail(new PeerIdMismatchException(session.protocolId(), expectedPeer.get(), session.remotePeer()));
        return;
      }
      if (admit(session)) {
        startMuxer(channel.pipeline().lastContext(), upgrade.muxer(), session);
      }
    }

    private void negotiate(String name, Phase negotiation, List<String> ids, ProtocolSelectedCallback onSelected) {
      CompletableFuture<String> selected;
      if (raw.direction() == Direction.OUTBOUND) {
        // Lazy with a single proposal (the builder's default), as rust's V1Lazy: the handshake's
        // first message shares a flush with the proposal and the round trip of the echo is saved.
        // With one proposal there is nothing to fall back to, so a refusal fails the upgrade
        // either way, only a round trip later, and is still reported as this negotiation's while
        // the upgrade runs. A muxer refused after the upgrade completed ends the connection
        // instead (the event listener hears of its close).
        MultistreamDialerHandler dialer =
            MultistreamDialerHandler.builder(ids).timeout(phaseTimeout).onSelected(onSelected).build();
        selected = dialer.selectedProtocol();
        unconfirmed = negotiation;
        dialer.confirmedProtocol().whenComplete((protocol, error) -> {
          if (error != null) {
            fail(error);
          }
          unconfirmed = null;
        });
        channel.pipeline().addBefore(ConnectionErrors.NAME, name, dialer);
      } else {
        MultistreamListenerHandler listener =
            MultistreamListenerHandler.builder(ProtocolRegistry.of(ids.toArray(String[]::new)))
                .timeout(phaseTimeout)
                .onSelected(onSelected)
                .build();
        selected = listener.selectedProtocol();
        channel.pipeline().addBefore(ConnectionErrors.NAME, name, listener);
      }
      selected.whenComplete((protocol, error) -> {
        if (error != null) {
          fail(error);
        }
      });
    }

    private void onSecuritySelected(ChannelHandlerContext ctx, String protocol) {
      events.securityNegotiated(raw.direction(), raw.remoteAddress(), protocol, sincePhaseStart());
      phase = Phase.SECURITY_HANDSHAKE;
      protocols = List.of(protocol);
      SecureChannel secureChannel = find(secureChannels, SecureChannel::protocolId, protocol);
      SecureChannel.Handshake handshake =
          secureChannel.handshake(
              new HandshakeParameters(identity, raw.direction(), expectedPeer, ids(muxers, StreamMuxer::protocolId)));
      ctx.pipeline().addAfter(ctx.name(), "security", handshake.handler());
      handshakeTimer = ctx.executor().schedule(() -> fail(null), phaseTimeout.toNanos(), TimeUnit.NANOSECONDS);
      // Attached before the handshake runs, so it runs as the handshake completes, before any
      // following byte is passed on: the muxer negotiation is in place to receive it.
      handshake.session().whenComplete((session, error) -> {
        handshakeTimer.cancel(false);
        if (error != null) {
          fail(error);
        } else {
          onSecured(session);
        }
      });
    }

    private void onSecured(SecureSession session) {
      if (!admit(session)) {
        return;
      }
      protocols = ids(muxers, StreamMuxer::protocolId);
      if (session.muxer().isPresent()) {
        // Agreed inside the handshake: no second multistream round.
        startMuxer(channel.pipeline().lastContext(), muxer(session.muxer().get()), session);
        return;
      }
      negotiate("muxer-select", Phase.MUXER_NEGOTIATION, protocols,
          (ctx, protocol) -> startMuxer(ctx, muxer(protocol), session));
    }

    /**
     * What follows every handshake: the event, the gater's word on the proven peer, the move to
     * the peer's resource scope. False, with the upgrade failed, if any refuses.
     */
    private boolean admit(SecureSession session) {
      if (result.isDone()) {
        return false;
      }
      events.securityHandshakeDone(raw.direction(), raw.remoteAddress(), session.remotePeer(), session.protocolId(),
          sincePhaseStart());
      if (!Gate.allows(() -> gater.allowSecured(raw.direction(), session.remotePeer(), raw.remoteAddress()))) {
        fail(ConnectionGatedException.secured(raw.direction(), session.remotePeer(), raw.remoteAddress()));
        return false;
      }
      // For the connection's last handler, which reports limits with the peer.
      channel.attr(Stream.REMOTE_PEER).set(session.remotePeer());
      try {
        resources.setPeer(session.remotePeer());
      } catch (LimitExceededException e) {
        fail(e);
        return false;
      }
      phase = Phase.MUXER_NEGOTIATION;
      peer = session.remotePeer().toString();
      return true;
    }

    private StreamMuxer muxer(String protocol) {
      return find(muxers, StreamMuxer::protocolId, protocol);
    }

    /** Adds the muxer's session after {@code ctx} and completes the upgrade. */
    private void startMuxer(ChannelHandlerContext ctx, StreamMuxer muxer, SecureSession session) {
      String protocol = muxer.protocolId();
      events.muxerNegotiated(raw.direction(), raw.remoteAddress(), session.remotePeer(), protocol, sincePhaseStart());
      // The remote opens streams only once the muxer's handler is in the pipeline, after the
      // connection below is made on this same thread.
      AtomicReference<HostConnection> connection = new AtomicReference<>();
      StreamMuxer.Session muxing =
          muxer.newSession(new MuxerParameters(raw.direction(), stream -> {
            connection.get().adopt(stream);
            inboundStreams.streamOpened(stream);
          }, resources));
      connection.set(new HostConnection(raw, session, protocol, muxing, Duration.ofNanos(System.nanoTime() - startedAt),
          closeGracePeriod));
      ctx.pipeline().addAfter(ctx.name(), "muxer", muxing.handler());
      // The muxer's initializer added its handlers at the end: the error handler goes back behind them.
      ctx.pipeline().remove(ConnectionErrors.NAME);
      ctx.pipeline().addLast(ConnectionErrors.NAME, errors);
      result.complete(connection.get());
    }

    private void fail(Throwable cause) {
      if (result.isDone()) {
        return;
      }
      Throwable unwrapped = Futures.unwrap(cause);
      Phase reported = unconfirmed != null ? unconfirmed : phase;
      UpgradeException failure = new UpgradeException(reported, raw.remoteAddress(), peer, protocols, unwrapped);
      events.upgradeFailed(raw.direction(), raw.remoteAddress(), failure, Duration.ofNanos(System.nanoTime() - startedAt));
      result.completeExceptionally(failure);
      channel.close();
      if (unwrapped != null && io.jlibp2p.core.muxer.FatalErrors.isFatal(unwrapped)) {
        errors.fatal(unwrapped);
      }
    }

    /** The time since the current phase began, which starts the next one. */
    private Duration sincePhaseStart() {
      long now = System.nanoTime();
      Duration elapsed = Duration.ofNanos(now - phaseStartedAt);
      phaseStartedAt = now;
      return elapsed;
    }
  }

  private static <T> List<String> ids(List<T> items, Function<T, String> id) {
    return items.stream().map(id).toList();
  }

  private static <T> T find(List<T> items, Function<T, String> id, String protocol) {
    return items.stream()
        .filter(item -> id.apply(item).equals(protocol))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("negotiated " + protocol + ", which was never offered"));
  }
}
