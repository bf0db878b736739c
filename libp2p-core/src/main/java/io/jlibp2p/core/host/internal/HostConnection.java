package io.jlibp2p.core.host.internal;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.host.Connection.CloseReason;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.ConnectionLimit;
import io.jlibp2p.core.identify.IdentifyInfo;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.muxer.StreamMuxer;
import io.jlibp2p.core.security.SecureSession;
import io.jlibp2p.core.transport.RawConnection;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PublicKey;
import io.jlibp2p.multiformats.Multiaddr;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** A connection the upgrader finished: the raw channel, its secure session and its muxer session. */
public final class HostConnection implements Connection {

  private final RawConnection raw;
  private final SecureSession session;
  private final String muxerProtocol;
  private final StreamMuxer.Session muxing;
  private final CompletableFuture<Void> closed = EventLoopGuardedFuture.incomplete("Connection.closeAsync");
  private final CompletableFuture<IdentifyInfo> identified = EventLoopGuardedFuture.incomplete("Connection.identify");
  private final Duration upgradeTime;
  private final Duration closeGracePeriod;
  private final AtomicBoolean draining = new AtomicBoolean();
  private final long openedAt = System.nanoTime();
  /**
   * Decided once, on the connection's event loop: LOCAL if this side's close found the channel
   * still open, REMOTE if the channel closed otherwise.
   */
  private final AtomicReference<CloseReason> closeReason = new AtomicReference<>();

  HostConnection(RawConnection raw, SecureSession session, String muxerProtocol, StreamMuxer.Session muxing,
      Duration upgradeTime, Duration closeGracePeriod) {
    this.raw = raw;
    this.closeGracePeriod = closeGracePeriod;
    this.session = session;
    this.muxerProtocol = muxerProtocol;
    this.muxing = muxing;
    this.upgradeTime = upgradeTime;
    raw.channel().closeFuture().addListener(f -> {
      closeReason.compareAndSet(null, CloseReason.REMOTE);
      closed.complete(null);
    });
  }

  /** How long the upgrade took, from the raw connection to the muxer. */
  public Duration upgradeTime() {
    return upgradeTime;
  }

  /** How long it has been open. */
  public Duration lifetime() {
    return Duration.ofNanos(System.nanoTime() - openedAt);
  }

  /** Why it closed; meaningful once {@link #closeFuture()} is done. */
  public CloseReason closeReason() {
    return closeReason.get();
  }

  /** Opens a stream whose pipeline starts with {@code handler}. */
  public CompletableFuture<Stream> openStream(ChannelHandler handler) {
    return muxing.openStream(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel stream) {
        // First: the handler may look at the attributes as soon as it is added.
        adopt(stream);
        stream.pipeline().addLast(handler);
      }
    });
  }

  /** Marks a stream of this connection with its remote peer and with the connection itself. */
  void adopt(Channel stream) {
    stream.attr(Stream.REMOTE_PEER).set(remotePeer());
    stream.attr(Stream.CONNECTION).set(this);
  }

  /** The connection a stream belongs to, set on every stream of a host's connections. */
  public static HostConnection of(Stream stream) {
    if (!(stream.connection() instanceof HostConnection connection)) {
      throw new IllegalStateException("stream " + stream + " is not a stream of a host's connection");
    }
    return connection;
  }

  /** Completes when identify with the remote finishes; the host's identify service runs it. */
  @Override
  public CompletableFuture<IdentifyInfo> identify() {
    return identified;
  }

  @Override
  public PeerId localPeer() {
    return session.localPeer();
  }

  @Override
  public PeerId remotePeer() {
    return session.remotePeer();
  }

  @Override
  public PublicKey remotePublicKey() {
    return session.remotePublicKey();
  }

  @Override
  public Multiaddr localAddress() {
    return raw.localAddress();
  }

  @Override
  public Multiaddr remoteAddress() {
    return raw.remoteAddress();
  }

  @Override
  public Direction direction() {
    return raw.direction();
  }

  @Override
  public Optional<ConnectionLimit> limit() {
    return raw.limit();
  }

  @Override
  public String securityProtocol() {
    return session.protocolId();
  }

  @Override
  public String muxerProtocol() {
    return muxerProtocol;
  }

  @Override
  public boolean muxerAgreedInHandshake() {
    return session.muxer().isPresent();
  }

  @Override
  public int openStreams() {
    return muxing.openStreams();
  }

  @Override
  public boolean isOpen() {
    return raw.channel().isOpen();
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closed;
  }

  /** Closes gracefully within the host's grace period; see {@link #closeGracefully(Duration)}. */
  @Override
  public CompletableFuture<Void> closeAsync() {
    return closeGracefully(closeGracePeriod);
  }

  /**
   * Lets the muxer refuse new streams and close the open ones once what they were given is sent,
   * waits until the remote has ended them too, flushes, and closes the socket; whatever is left
   * when {@code grace} runs out is cut off. A zero grace is {@link #closeNow()}.
   */
  public CompletableFuture<Void> closeGracefully(Duration grace) {
    Channel channel = raw.channel();
    if (grace.isZero() || grace.isNegative()) {
      return closeNow();
    }
    if (!channel.isOpen() || !draining.compareAndSet(false, true)) {
      return closed;
    }
    onLoop(() -> {
      if (!channel.isOpen()) {
        return;
      }
      closeReason.compareAndSet(null, CloseReason.LOCAL);
      var deadline = channel.eventLoop().schedule(() -> {
        channel.close();
      }, grace.toNanos(), TimeUnit.NANOSECONDS);
      closed.whenComplete((v, e) -> deadline.cancel(false));
      muxing.drain().whenComplete((v, e) -> onLoop(() -> flushThenClose(channel)));
    });
    return closed;
  }

  /**
   * Closes once what the muxer already wrote is on the socket: an empty write from the first
   * handler's context completes after every earlier write, and passes through no codec.
   */
  private static void flushThenClose(Channel channel) {
    ChannelHandlerContext first = channel.pipeline().firstContext();
    if (first == null || !channel.isActive()) {
      channel.close();
      return;
    }
    first.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> channel.close());
  }

  @Override
  public CompletableFuture<Void> closeNow() {
    Channel channel = raw.channel();
    if (!channel.isOpen()) {
      return closed;
    }
    onLoop(() -> {
      if (channel.isOpen()) {
        closeReason.compareAndSet(null, CloseReason.LOCAL);
      }
      channel.close();
    });
    return closed;
  }

  /** Runs on the loop, where the channel's own close happens too, so that the two cannot cross. */
  private void onLoop(Runnable task) {
    Channel channel = raw.channel();
    try {
      channel.eventLoop().execute(task);
    } catch (RejectedExecutionException e) {
      // The transport's threads are gone, and with them the channel.
      channel.close();
    }
  }

  @Override
  public String toString() {
    return "Connection(" + direction() + " " + remotePeer() + " at " + remoteAddress() + ", "
        + securityProtocol() + ", " + muxerProtocol + ")";
  }
}
