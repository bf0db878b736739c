package io.jlibp2p.perf;

import io.jlibp2p.core.Libp2pException;
import io.jlibp2p.core.host.AbstractHostService;
import io.jlibp2p.core.host.ServiceContext;
import io.jlibp2p.core.host.StreamHandler;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.crypto.PeerId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * <a href="https://github.com/libp2p/specs/blob/master/perf/perf.md">perf</a> ({@code
 * /perf/1.0.0}): the client sends the number of bytes it wants back (a big-endian uint64), then
 * its upload, then ends its side; the server reads all of it, then sends the bytes asked for and
 * ends its side. The spec says it should not be enabled on public nodes: serve it on purpose.
 *
 * <p>A host service: {@link #server()} serves perf and runs it against others, {@link #client()}
 * only runs it.
 *
 * <pre>{@code
 * Host server = Libp2p.hostBuilder().service(Perf.server()).build();
 * Perf perf = Perf.client();
 * Host client = Libp2p.hostBuilder().service(perf).build();
 * PerfResult result = perf.run(server.peerId(), 100 << 20, 100 << 20, Perf.Progress.NONE).join();
 * }</pre>
 *
 * <p>Both sides write as fast as the stream's writability allows, from one shared read-only block
 * of zeros, so a transfer allocates nothing per byte.
 */
public final class Perf extends AbstractHostService {

  /** The protocol ID. */
  public static final String PROTOCOL_ID = "/perf/1.0.0";

  /** The size of each write. */
  static final int BLOCK = 64 * 1024;

  /** The content is arbitrary; zeros, shared and never released. */
  private static final ByteBuf ZEROS = Unpooled.unreleasableBuffer(Unpooled.directBuffer(BLOCK).writeZero(BLOCK).asReadOnly());

  private final boolean serve;

  private Perf(boolean serve) {
    this.serve = serve;
  }

  /** A service that runs perf against other peers and serves nothing. */
  public static Perf client() {
    return new Perf(false);
  }

  /** A service that serves perf to any peer, and runs it against others. */
  public static Perf server() {
    return new Perf(true);
  }

  @Override
  protected void onStart(ServiceContext context) {
    if (serve) {
      context.setStreamHandler(PROTOCOL_ID, handler());
    }
  }

  /** Live byte counts of a run, for progress reports while it lasts. */
  public static final class Progress {
    /** A progress nobody reads. */
    public static final Progress NONE = new Progress();

    private final AtomicLong uploaded = new AtomicLong();
    private final AtomicLong downloaded = new AtomicLong();

    /** Bytes sent so far. */
    public long uploaded() {
      return uploaded.get();
    }

    /** Bytes received so far. */
    public long downloaded() {
      return downloaded.get();
    }
  }

  /** The server side alone, for a host that wires it by hand; {@link #server()} serves it already. */
  public static StreamHandler handler() {
    return stream -> stream.pipeline().addLast(new Server());
  }

  /**
   * Runs one perf exchange with {@code peer} over a new stream.
   *
   * @param progress updated as bytes go out and come in; {@link Progress#NONE} if unused
   */
  public CompletableFuture<PerfResult> run(PeerId peer, long uploadBytes, long downloadBytes, Progress progress) {
    if (uploadBytes < 0 || downloadBytes < 0) {
      throw new IllegalArgumentException("byte counts must not be negative");
    }
    CompletableFuture<PerfResult> result = new CompletableFuture<>();
    Progress counters = progress == Progress.NONE ? new Progress() : progress;
    host().newStream(peer, stream -> stream.pipeline().addLast(new Client(uploadBytes, downloadBytes, counters, result)), PROTOCOL_ID)
        .whenComplete((stream, error) -> {
          if (error != null) {
            result.completeExceptionally(error);
          }
        });
    return result;
  }

  /**
   * Writes a count of zeros while the stream is writable. Counted before each write: a write can
   * change writability and re-enter {@link #writeMore} through the handler.
   *
   * <p>The count is unsigned, as the request on the wire: the spec lets a client ask for up to
   * 2^64 - 1 bytes, and a count above {@link Long#MAX_VALUE} is sent like any other, for as long as
   * the client reads.
   */
  private static final class ZeroWriter {
    private final long total;
    private final AtomicLong counter;
    private long written;

    ZeroWriter(long total, AtomicLong counter) {
      this.total = total;
      this.counter = counter;
    }

    /** Writes what writability allows; returns whether everything has been written. */
    boolean writeMore(ChannelHandlerContext ctx) {
      while (Long.compareUnsigned(written, total) < 0 && ctx.channel().isWritable()) {
        long left = total - written;
        int n = Long.compareUnsigned(left, BLOCK) < 0 ? (int) left : BLOCK;
        written += n;
        counter.addAndGet(n);
        ctx.write(ZEROS.duplicate().writerIndex(n));
      }
      ctx.flush();
      return written == total;
    }
  }

  /**
   * The server's side of one stream: reads the request (an unsigned big-endian count, any of which
   * is valid) and drops the upload; once the client has ended its side, sends the count's bytes as
   * the stream's writability allows, and ends its own. A client that ends its side before the
   * whole request fails the stream: a {@link Libp2pException} down the pipeline, and a reset.
   */
  private static final class Server extends ChannelInboundHandlerAdapter {
    private static final int REQUEST_LENGTH = Long.BYTES;

    private long request;
    private int requestBytes;
    private ZeroWriter writer;
    private boolean sending;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      try {
        while (requestBytes < REQUEST_LENGTH && buf.isReadable()) {
          request = request << 8 | buf.readUnsignedByte();
          if (++requestBytes == REQUEST_LENGTH) {
            writer = new ZeroWriter(request, new AtomicLong());
          }
        }
        // The rest is the upload: counted by being read, then dropped.
      } finally {
        buf.release();
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        if (writer == null) {
          ctx.fireExceptionCaught(new Libp2pException("perf: the client ended its side before the 8-byte request"));
          ((Stream) ctx.channel()).reset();
        } else {
          sending = true;
          send(ctx);
        }
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (sending) {
        send(ctx);
      }
      ctx.fireChannelWritabilityChanged();
    }

    private void send(ChannelHandlerContext ctx) {
      if (writer.writeMore(ctx) && sending) {
        sending = false;
        ((Stream) ctx.channel()).closeWrite();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  private static final class Client extends ChannelInboundHandlerAdapter {
    private final long download;
    private final Progress progress;
    private final CompletableFuture<PerfResult> result;
    private final ZeroWriter writer;
    private long received;
    private long startedAt;
    private boolean writeClosed;

    Client(long upload, long download, Progress progress, CompletableFuture<PerfResult> result) {
      this.download = download;
      this.progress = progress;
      this.result = result;
      this.writer = new ZeroWriter(upload, progress.uploaded);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      startedAt = System.nanoTime();
      ctx.write(Unpooled.buffer(8).writeLong(download));
      send(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      send(ctx);
      ctx.fireChannelWritabilityChanged();
    }

    private void send(ChannelHandlerContext ctx) {
      if (writer.writeMore(ctx) && !writeClosed) {
        writeClosed = true;
        ((Stream) ctx.channel()).closeWrite();
      }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      received += buf.readableBytes();
      progress.downloaded.addAndGet(buf.readableBytes());
      buf.release();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        if (received == download) {
          result.complete(new PerfResult(writer.written, received, Duration.ofNanos(System.nanoTime() - startedAt)));
          ctx.close();
        } else {
          result.completeExceptionally(new Libp2pException("perf: the server sent " + received + " bytes, not the " + download + " asked for"));
          ((Stream) ctx.channel()).reset();
        }
      }
      ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      if (result.completeExceptionally(cause)) {
        ((Stream) ctx.channel()).reset();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      result.completeExceptionally(new Libp2pException("perf: the stream closed after " + writer.written + " bytes up and " + received + " down"));
    }
  }
}
