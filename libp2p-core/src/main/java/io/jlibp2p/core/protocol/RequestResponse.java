package io.jlibp2p.core.protocol;

import io.jlibp2p.core.LimitExceededException;
import io.jlibp2p.core.codec.LengthPrefixedFrameDecoder;
import io.jlibp2p.core.codec.LengthPrefixedFrameEncoder;
import io.jlibp2p.core.host.AbstractHostService;
import io.jlibp2p.core.host.ServiceContext;
import io.jlibp2p.core.host.internal.EventLoopGuardedFuture;
import io.jlibp2p.core.host.internal.Futures;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One request, one response, each a length-prefixed message on a stream of its own: the shape of
 * most libp2p protocols (AutoNAT's dial requests, Kademlia's queries, relay's reservations).
 *
 * <pre>{@code
 * RequestResponse greet = RequestResponse.builder("/greet/1.0.0")
 *     .serve(request -> ("hello, " + new String(request, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8))
 *     .build();
 * Host host = Libp2p.hostBuilder().service(greet).build();
 * // ... and on a host with its own RequestResponse for the protocol, serving or not:
 * CompletableFuture<byte[]> reply = greet.request(peer, "jlibp2p".getBytes(StandardCharsets.UTF_8));
 * }</pre>
 *
 * <p>On the wire, the client opens a stream for the protocol, writes the request as {@code
 * uvarint(length) || bytes} and ends its writing; the server reads that one message, writes the
 * response the same way and closes the stream. go-libp2p and rust-libp2p frame protobuf requests
 * the same way, so either side may be another implementation of such a protocol.
 *
 * <p>What fails, and how: a request longer than {@link Builder#maxRequestBytes} fails before
 * anything is sent, and a response longer than {@link Builder#maxResponseBytes} as its prefix
 * arrives, both with a {@link io.jlibp2p.core.LimitExceededException}; no whole response within
 * {@link Builder#timeout} fails with a {@link RequestTimeoutException}; a peer that does not serve
 * the protocol, with a {@link io.jlibp2p.core.host.ProtocolNegotiationException}; a peer that resets the
 * stream (a failing server does), with a {@link io.jlibp2p.core.muxer.StreamResetException}; one
 * that ends the stream without a whole response, with a {@link
 * io.jlibp2p.multiformats.DecodingException}. The stream is reset on every failure.
 *
 * <p>A server that throws, or whose response is too long, resets the stream and logs why at WARN:
 * that is this application's mistake. A client's malformed or oversized request resets it with a
 * DEBUG line: that is the peer's.
 *
 * <p>One instance belongs to one host; each host that speaks the protocol builds its own.
 */
public final class RequestResponse extends AbstractHostService {

  /** The default bound on a request and on a response: 1 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

  /** The default time from asking to the whole response: 10 s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final String protocolId;
  private final int maxRequestBytes;
  private final int maxResponseBytes;
  private final Duration timeout;
  private final BiFunction<PeerId, byte[], CompletionStage<byte[]>> responder;

  private RequestResponse(Builder builder) {
    this.protocolId = builder.protocolId;
    this.maxRequestBytes = builder.maxRequestBytes;
    this.maxResponseBytes = builder.maxResponseBytes;
    this.timeout = builder.timeout;
    this.responder = builder.responder;
  }

  /** Starts a builder for {@code protocolId}, such as {@code /myapp/lookup/1.0.0}. */
  public static Builder builder(String protocolId) {
    return new Builder(protocolId);
  }

  /** The protocol this instance asks and, if it has a responder, serves. */
  public String protocolId() {
    return protocolId;
  }

  @Override
  protected void onStart(ServiceContext context) {
    if (responder != null) {
      context.setStreamHandler(protocolId, stream -> stream.pipeline().addLast(
          new LengthPrefixedFrameDecoder(maxRequestBytes),
          new LengthPrefixedFrameEncoder(maxResponseBytes),
          new RequestResponseServer(protocolId, responder)));
    }
  }

  /**
   * Sends {@code request} to {@code peer} on a new stream (dialing the peer's known addresses if
   * there is no connection) and completes with the response; see the class comment for the ways
   * it fails.
   */
  public CompletableFuture<byte[]> request(PeerId peer, byte[] request) {
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(request, "request");
    // The caller's own future: cancelling or completing it ends the exchange (the stream is reset).
    CompletableFuture<byte[]> response = EventLoopGuardedFuture.incomplete("RequestResponse.request");
    if (request.length > maxRequestBytes) {
      response.completeExceptionally(new LimitExceededException(
          protocolId + " request of " + request.length + " bytes exceeds the limit of " + maxRequestBytes));
      return response;
    }
    // Copied now: the caller may reuse its array, and the write happens later on the event loop.
    byte[] copy = request.clone();
    AtomicReference<Stream> opened = new AtomicReference<>();
    ScheduledFuture<?> deadline;
    try {
      deadline = context().scheduler().schedule(() -> {
        response.completeExceptionally(new RequestTimeoutException(
            "no response to " + protocolId + " from " + peer + " within " + timeout.toMillis() + " ms"));
      }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      response.completeExceptionally(new IllegalStateException("the host of this " + protocolId + " service has closed", e));
      return response;
    }
    // However it ends (the response, a failure, the timeout, the caller's cancel), an open stream
    // that did not deliver a response is reset; one that did is closing already.
    response.whenComplete((bytes, error) -> {
      deadline.cancel(false);
      if (error != null) {
        resetIfOpened(opened);
      }
    });
    host().newStream(peer, stream -> {
      opened.set(stream);
      if (response.isDone()) {
        stream.reset(); // timed out while the stream was being opened
        return;
      }
      stream.pipeline().addLast(
          new LengthPrefixedFrameDecoder(maxResponseBytes),
          new LengthPrefixedFrameEncoder(maxRequestBytes),
          new RequestResponseClient(protocolId, response));
      stream.writeAndFlush(Unpooled.wrappedBuffer(copy));
      stream.closeWrite();
    }, protocolId).whenComplete((stream, error) -> {
      if (error != null) {
        response.completeExceptionally(Futures.unwrap(error));
      }
    });
    return response;
  }

  private static void resetIfOpened(AtomicReference<Stream> opened) {
    Stream stream = opened.get();
    if (stream != null) {
      stream.reset();
    }
  }

  /** Configures a {@link RequestResponse}. Without a responder it only asks. */
  public static final class Builder {
    private final String protocolId;
    private int maxRequestBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private int maxResponseBytes = DEFAULT_MAX_MESSAGE_BYTES;
    private Duration timeout = DEFAULT_TIMEOUT;
    private BiFunction<PeerId, byte[], CompletionStage<byte[]>> responder;

    private Builder(String protocolId) {
      Objects.requireNonNull(protocolId, "protocolId");
      if (!protocolId.startsWith("/")) {
        throw new IllegalArgumentException("a protocol ID starts with /, got \"" + protocolId + "\"");
      }
      this.protocolId = protocolId;
    }

    /** The longest request either side accepts, in bytes; 1 MiB by default. */
    public Builder maxRequestBytes(int bytes) {
      this.maxRequestBytes = requireNonNegative(bytes, "maxRequestBytes");
      return this;
    }

    /** The longest response either side accepts, in bytes; 1 MiB by default. */
    public Builder maxResponseBytes(int bytes) {
      this.maxResponseBytes = requireNonNegative(bytes, "maxResponseBytes");
      return this;
    }

    /** The time from {@link #request} to the whole response, dialing included; 10 s by default. */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, got " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Serves the protocol: {@code responder} turns each request into its response. It runs on the
     * stream's event loop, so it must not block; use {@link #serveAsync} for work that does.
     */
    public Builder serve(Function<byte[], byte[]> responder) {
      Objects.requireNonNull(responder, "responder");
      this.responder = (peer, request) -> CompletableFuture.completedFuture(responder.apply(request));
      return this;
    }

    /**
     * Serves the protocol with a responder that answers later, for example from an executor of
     * its own: it is given the asking peer and the request, and the stream waits for its stage.
     */
    public Builder serveAsync(BiFunction<PeerId, byte[], CompletionStage<byte[]>> responder) {
      this.responder = Objects.requireNonNull(responder, "responder");
      return this;
    }

    public RequestResponse build() {
      return new RequestResponse(this);
    }

    private static int requireNonNegative(int bytes, String name) {
      if (bytes < 0) {
        throw new IllegalArgumentException(name + " must not be negative, got " + bytes);
      }
      return bytes;
    }
  }
}
