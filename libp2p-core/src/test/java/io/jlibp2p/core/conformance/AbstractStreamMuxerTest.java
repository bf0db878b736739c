package io.jlibp2p.core.conformance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.muxer.InboundStreamHandler;
import io.jlibp2p.core.muxer.MuxerParameters;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.muxer.StreamMuxer;
import io.jlibp2p.core.muxer.StreamResetException;
import io.jlibp2p.core.muxer.StreamResponder;
import io.jlibp2p.testing.Eventually;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The conformance suite every {@link StreamMuxer} passes, over in-VM Netty channels: subclass it in
 * the implementation's module. Published in libp2p-core's test-jar.
 */
public abstract class AbstractStreamMuxerTest {

  private static final long TIMEOUT_SECONDS = 60;

  @RegisterExtension static final LocalConnections connections = new LocalConnections();

  private StreamMuxer.Session client;
  /** What the listening side does with each stream the dialing side opens; echo by default. */
  private volatile InboundStreamHandler serverStreams = stream -> stream.pipeline().addLast(new Echo());

  /** The muxer under test. */
  protected abstract StreamMuxer muxer();

  /**
   * Whether the muxer has flow control. With it, a reader that stops reading makes the writer's
   * stream unwritable; without it (mplex), the reader's side resets the stream at its buffer bound.
   */
  protected abstract boolean hasFlowControl();

  private void connect() throws Exception {
    CompletableFuture<Channel> accepted = new CompletableFuture<>();
    Channel server = connections.listen(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        StreamMuxer.Session session =
            muxer().newSession(new MuxerParameters(Direction.INBOUND, stream -> serverStreams.streamOpened(stream)));
        ch.pipeline().addLast(session.handler());
        accepted.complete(ch);
      }
    });
    client = muxer().newSession(new MuxerParameters(Direction.OUTBOUND, stream -> stream.close()));
    connections.connect(server, client.handler());
    await(accepted); // the listening side has its session too
  }

  @Test
  void streamEchoesAndEndsCleanly() throws Exception {
    connect();
    StreamCollector collector = new StreamCollector();
    Stream stream = await(client.openStream(collector));
    assertEquals(Direction.OUTBOUND, stream.direction());
    stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
    stream.closeWrite();
    assertArrayEquals(new byte[] {1, 2, 3}, await(collector.done));
    assertTrue(stream.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "both directions done");
  }

  @Test
  void sixtyFourMebibytesThroughOneStream() throws Exception {
    connect();
    byte[] data = new byte[64 << 20];
    new Random(64).nextBytes(data);
    StreamCollector collector = new StreamCollector();
    Stream stream = await(client.openStream(collector));
    for (int offset = 0; offset < data.length; offset += 256 << 10) {
      stream.write(Unpooled.wrappedBuffer(data, offset, 256 << 10));
    }
    stream.flush();
    stream.closeWrite();
    assertArrayEquals(data, await(collector.done));
  }

  /** A gibibyte one way, checked by length and CRC at the far end; muxers with flow control only. */
  @Test
  void oneGibibyteThroughOneStream() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(hasFlowControl(), "only muxers with flow control");
    serverStreams = s -> s.pipeline().addLast(new CrcSink());
    connect();
    StreamCollector collector = new StreamCollector();
    Stream stream = await(client.openStream(collector));
    byte[] chunk = new byte[1 << 20];
    new Random(1024).nextBytes(chunk);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    for (int i = 0; i < 1024; i++) {
      crc.update(chunk);
      // Waiting on each write keeps what is queued to one chunk: the stream's own backpressure.
      stream.writeAndFlush(Unpooled.wrappedBuffer(chunk)).sync();
    }
    stream.closeWrite();
    java.nio.ByteBuffer summary = java.nio.ByteBuffer.wrap(await(collector.done));
    assertEquals(1L << 30, summary.getLong());
    assertEquals(crc.getValue(), summary.getLong());
  }

  @Test
  void interleavedSmallAndLargeWritesOnManyStreams() throws Exception {
    connect();
    List<StreamCollector> collectors = new ArrayList<>();
    List<Stream> opened = new ArrayList<>();
    List<byte[]> expected = new ArrayList<>();
    Random random = new Random(21);
    for (int i = 0; i < 32; i++) {
      StreamCollector collector = new StreamCollector();
      collectors.add(collector);
      opened.add(await(client.openStream(collector)));
      expected.add(new byte[0]);
    }
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < opened.size(); i++) {
        byte[] piece = new byte[round % 2 == 0 ? 1 + random.nextInt(16) : 50_000 + random.nextInt(100_000)];
        random.nextBytes(piece);
        opened.get(i).writeAndFlush(Unpooled.wrappedBuffer(piece));
        byte[] sofar = expected.get(i);
        byte[] joined = java.util.Arrays.copyOf(sofar, sofar.length + piece.length);
        System.arraycopy(piece, 0, joined, sofar.length, piece.length);
        expected.set(i, joined);
      }
    }
    opened.forEach(Stream::closeWrite);
    for (int i = 0; i < opened.size(); i++) {
      assertArrayEquals(expected.get(i), await(collectors.get(i).done), "stream " + i);
    }
  }

  @Test
  void thousandConcurrentStreams() throws Exception {
    connect();
    List<StreamCollector> collectors = new ArrayList<>();
    List<CompletableFuture<Stream>> opening = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      StreamCollector collector = new StreamCollector();
      collectors.add(collector);
      opening.add(client.openStream(collector));
    }
    for (int i = 0; i < 1000; i++) {
      Stream stream = await(opening.get(i));
      stream.writeAndFlush(Unpooled.copiedBuffer("stream " + i, java.nio.charset.StandardCharsets.UTF_8));
      stream.closeWrite();
    }
    for (int i = 0; i < 1000; i++) {
      assertEquals("stream " + i, new String(await(collectors.get(i).done), java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  @Test
  void remoteKeepsWritingAfterThisSideClosesWrite() throws Exception {
    // The echo answers only after our EOF, so all its writes come after our half-close.
    serverStreams = s -> s.pipeline().addLast(new EchoAfterEof());
    connect();
    byte[] data = new byte[300_000];
    new Random(2).nextBytes(data);
    StreamCollector collector = new StreamCollector();
    Stream stream = await(client.openStream(collector));
    stream.writeAndFlush(Unpooled.wrappedBuffer(data));
    stream.closeWrite().sync();
    assertArrayEquals(data, await(collector.done));
  }

  @Test
  void thisSideKeepsWritingAfterRemoteClosesWrite() throws Exception {
    StreamCollector atServer = new StreamCollector();
    serverStreams = s -> s.pipeline().addLast(new CloseWriteWhenAdded(), atServer);
    connect();
    StreamCollector collector = new StreamCollector();
    Stream stream = await(client.openStream(collector));
    assertArrayEquals(new byte[0], await(collector.done), "the remote's EOF arrives first");
    byte[] data = new byte[200_000];
    new Random(3).nextBytes(data);
    stream.writeAndFlush(Unpooled.wrappedBuffer(data));
    stream.closeWrite();
    assertArrayEquals(data, await(atServer.done));
    assertTrue(stream.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void resetInTheMiddleOfATransfer() throws Exception {
    serverStreams = s -> s.pipeline().addLast(new ResetAfterFirstBytes());
    connect();
    StreamCollector collector = new StreamCollector();
    Stream stream = await(client.openStream(collector));
    stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[100_000]));
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(collector.done));
    assertInstanceOf(StreamResetException.class, e.getCause());
    assertTrue(stream.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    // The connection survives a stream reset.
    serverStreams = s -> s.pipeline().addLast(new Echo());
    StreamCollector next = new StreamCollector();
    Stream other = await(client.openStream(next));
    other.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {9}));
    other.closeWrite();
    assertArrayEquals(new byte[] {9}, await(next.done));
  }

  @Test
  void localResetReachesTheRemote() throws Exception {
    CompletableFuture<Throwable> serverSaw = new CompletableFuture<>();
    serverStreams = s -> s.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ((ByteBuf) msg).release();
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        serverSaw.complete(cause);
      }
    });
    connect();
    Stream stream = await(client.openStream(new StreamCollector()));
    stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[10])).sync();
    stream.reset().sync();
    assertFalse(stream.isOpen());
    assertInstanceOf(StreamResetException.class, await(serverSaw));
  }

  @Test
  void remoteVanishingMidStream() throws Exception {
    serverStreams = s -> s.pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ((ByteBuf) msg).release();
        ctx.channel().parent().close(); // the whole connection goes away
      }
    });
    connect();
    StreamCollector collector = new StreamCollector();
    Stream stream = await(client.openStream(collector));
    stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[1000]));
    ExecutionException e = assertThrows(ExecutionException.class, () -> await(collector.done));
    assertInstanceOf(StreamResetException.class, e.getCause());
    assertTrue(stream.closeFuture().await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void readerThatStopsReadingBoundsTheWriter() throws Exception {
    AtomicReference<Stream> serverStream = new AtomicReference<>();
    CompletableFuture<Throwable> serverSaw = new CompletableFuture<>();
    serverStreams = s -> {
      s.config().setAutoRead(false); // never reads
      serverStream.set(s);
      s.pipeline().addLast(new ChannelInboundHandlerAdapter() {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
          serverSaw.complete(cause);
        }
      });
    };
    connect();
    StreamCollector collector = new StreamCollector();
    Stream stream = await(client.openStream(collector));
    byte[] chunk = new byte[64 << 10];
    long limit = 256L << 20;
    if (hasFlowControl()) {
      // The writer must be told to stop long before it has pushed 256 MiB. Writes are not awaited:
      // once the window is spent, a write stays pending until the reader reads, which it never does.
      AtomicLong written = new AtomicLong();
      Eventually.await("the spent window stops the writer", Duration.ofSeconds(TIMEOUT_SECONDS), () -> {
        while (stream.isWritable() && written.get() < limit) {
          stream.writeAndFlush(Unpooled.wrappedBuffer(chunk));
          written.addAndGet(chunk.length);
        }
        return written.get() >= limit || heldBackByTheMuxer(stream);
      }, Boolean::booleanValue);
      assertFalse(stream.isWritable(), "still writable after " + written + " bytes");
      assertTrue(written.get() < 16 << 20, "the writer queued " + written + " bytes before being stopped");
    } else {
      // No flow control: the reader's side must reset the stream at its bound instead. Each write
      // is awaited, so the writer goes no faster than the muxer takes its bytes.
      long written = 0;
      while (stream.isOpen() && written < limit) {
        assertTrue(stream.writeAndFlush(Unpooled.wrappedBuffer(chunk)).await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        written += chunk.length;
      }
      Throwable reason = await(serverSaw);
      assertInstanceOf(StreamResetException.class, reason);
      assertTrue(written < limit, "never reset after " + written + " bytes");
      ExecutionException e = assertThrows(ExecutionException.class, () -> await(collector.done));
      assertInstanceOf(StreamResetException.class, e.getCause());
    }
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Whether {@code stream} is unwritable while its connection is writable, looked at on their
   * event loop after every write queued so far: then it is the muxer, not the connection, that
   * holds the writes back.
   */
  private static boolean heldBackByTheMuxer(Stream stream) throws Exception {
    return stream.eventLoop().submit(() -> !stream.isWritable() && stream.parent().isWritable()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  /** Counts and checksums what it reads; at EOF answers with the count and the CRC-32. */
  private static final class CrcSink extends ChannelInboundHandlerAdapter {
    private final java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    private long count;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf buf = (ByteBuf) msg;
      count += buf.readableBytes();
      crc.update(buf.nioBuffer());
      buf.release();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        ctx.writeAndFlush(Unpooled.buffer(16).writeLong(count).writeLong(crc.getValue()));
        ((Stream) ctx.channel()).closeWrite();
      }
    }
  }

  /** Buffers everything, and echoes it only once the remote has half-closed. */
  private static final class EchoAfterEof extends ChannelInboundHandlerAdapter {
    private final List<ByteBuf> held = new ArrayList<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      held.add((ByteBuf) msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof ChannelInputShutdownEvent) {
        held.forEach(ctx::write);
        held.clear();
        ctx.flush();
        ((Stream) ctx.channel()).closeWrite();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      held.forEach(ByteBuf::release);
      held.clear();
    }
  }

  /** Ends its side's writing as soon as the stream is set up. */
  private static final class CloseWriteWhenAdded extends ChannelInboundHandlerAdapter {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      ((Stream) ctx.channel()).closeWrite();
    }
  }

  private static final class ResetAfterFirstBytes extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ((ByteBuf) msg).release();
      ((Stream) ctx.channel()).reset();
    }
  }

  /** Writes back what it reads, and ends its writing when the remote ends its own. */
  private static final class Echo extends StreamResponder {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.write(msg);
    }
  }
}
