package io.jlibp2p.ping;

import io.jlibp2p.core.Libp2pException;
import io.jlibp2p.core.host.AbstractHostService;
import io.jlibp2p.core.host.ServiceContext;
import io.jlibp2p.core.host.StreamHandler;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.ping.internal.PingResponder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * <a href="https://github.com/libp2p/specs/blob/master/ping/ping.md">ping</a> ({@code
 * /ipfs/ping/1.0.0}): the dialer sends 32 random bytes, the listener echoes them, the dialer times
 * the round trip.
 *
 * <p>A host service: attached to a host, it serves ping and pings other peers. {@code
 * Libp2p.hostBuilder()} adds one; a bare {@code Host.builder()} needs {@code .service(new Ping())}.
 *
 * <pre>{@code
 * Host host = Libp2p.hostBuilder().build();
 * Duration rtt = host.service(Ping.class).orElseThrow().ping(peer).join();
 * }</pre>
 */
public final class Ping extends AbstractHostService {

  /** The protocol ID. */
  public static final String PROTOCOL_ID = "/ipfs/ping/1.0.0";

  /** The size of a ping payload. */
  public static final int PAYLOAD_SIZE = PingResponder.PAYLOAD_SIZE;

  /** How long {@link #ping} waits for the echo. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  private static final SecureRandom RANDOM = new SecureRandom();

  /** A ping service for one host; pass it to {@link io.jlibp2p.core.host.Host.Builder#service}. */
  public Ping() {}

  /**
   * The responder alone, for a host that wires it by hand: echoes each payload the dialer sends,
   * and ends when it does. The service serves it already.
   */
  public static StreamHandler responder() {
    // Ping is how a relayed peer checks its circuit: it runs on limited connections too.
    return StreamHandler.onLimitedConnectionsToo(stream -> stream.pipeline().addLast(new PingResponder()));
  }

  @Override
  protected void onStart(ServiceContext context) {
    context.setStreamHandler(PROTOCOL_ID, responder());
  }

  /**
   * Pings {@code peer} once over a new stream (on an existing connection if there is one).
   *
   * @return the round-trip time, or a failure if the peer does not echo within {@link #TIMEOUT}
   */
  public CompletableFuture<Duration> ping(PeerId peer) {
    return ping(peer, 1).thenApply(rtts -> rtts.get(0));
  }

  /**
   * Pings {@code peer} {@code count} times in a row on one stream, as the spec intends, then
   * closes the stream.
   *
   * @return each round-trip time, or a failure if any echo is wrong or later than {@link #TIMEOUT}
   */
  public CompletableFuture<List<Duration>> ping(PeerId peer, int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, got " + count);
    }
    CompletableFuture<List<Duration>> rtts = new CompletableFuture<>();
    host().newStream(peer, stream -> stream.pipeline().addLast(new Initiator(count, rtts)), PROTOCOL_ID)
        .whenComplete((stream, error) -> {
          if (error != null) {
            rtts.completeExceptionally(error);
          }
        });
    return rtts;
  }

  private static final class Initiator extends ChannelInboundHandlerAdapter {
    private final int count;
    private final CompletableFuture<List<Duration>> result;
    private final List<Duration> rtts = new ArrayList<>();
    private final byte[] payload = new byte[PAYLOAD_SIZE];
    private final byte[] echo = new byte[PAYLOAD_SIZE];
    private int received;
    private long sentAt;
    private ScheduledFuture<?> timeout;

    Initiator(int count, CompletableFuture<List<Duration>> result) {
      this.count = count;
      this.result = result;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      send(ctx);
    }

    private void send(ChannelHandlerContext ctx) {
      RANDOM.nextBytes(payload);
      received = 0;
      sentAt = System.nanoTime();
      ctx.writeAndFlush(Unpooled.wrappedBuffer(payload.clone()));
      timeout = ctx.executor().schedule(() -> {
        result.completeExceptionally(new Libp2pException("ping: no echo within " + TIMEOUT.toMillis() + " ms"));
        ((Stream) ctx.channel()).reset();
      }, TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        while (buf.isReadable() && !result.isDone()) {
          int take = Math.min(buf.readableBytes(), PAYLOAD_SIZE - received);
          buf.readBytes(echo, received, take);
          received += take;
          if (received == PAYLOAD_SIZE) {
            roundTripDone(ctx);
          }
        }
      } finally {
        buf.release();
      }
    }

    private void roundTripDone(ChannelHandlerContext ctx) {
      Duration elapsed = Duration.ofNanos(System.nanoTime() - sentAt);
      timeout.cancel(false);
      if (!Arrays.equals(payload, echo)) {
        result.completeExceptionally(new Libp2pException("ping: the peer echoed different bytes"));
        ((Stream) ctx.channel()).reset();
        return;
      }
      rtts.add(elapsed);
      if (rtts.size() < count) {
        send(ctx);
      } else {
        result.complete(List.copyOf(rtts));
        ((Stream) ctx.channel()).closeWrite();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      result.completeExceptionally(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (timeout != null) {
        timeout.cancel(false);
      }
      result.completeExceptionally(new Libp2pException("ping: the stream closed before the echo"));
    }
  }
}
