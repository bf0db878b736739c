package io.jlibp2p.benchmarks;

import io.jlibp2p.core.blocking.BlockingStream;
import io.jlibp2p.core.blocking.BlockingStreams;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.resource.ResourceLimits;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.noise.NoiseSecureChannel;
import io.jlibp2p.plaintext.PlaintextSecureChannel;
import io.jlibp2p.transport.tcp.TcpTransport;
import io.jlibp2p.yamux.YamuxStreamMuxer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.FixedLengthFrameDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Blocking streams beside the Netty pipeline: two hosts in one JVM over TCP loopback and yamux;
 * each operation sends one 1 MiB message on a long-lived stream and waits for the receiver's
 * 1-byte acknowledgement once it has all of it. {@code nettyPipeline} writes the message as one
 * {@code ByteBuf}, and the server's pipeline gathers it whole with Netty's {@link
 * FixedLengthFrameDecoder} before acknowledging it; {@code blockingStreams} writes it from a byte
 * array to {@link BlockingStream#outputStream()}, and the server's handler, on a virtual thread on
 * JDK 21 and later, reads it whole into a byte array with {@link InputStream#readNBytes}. The
 * difference is what the blocking view costs: its thread hand-offs, its flow-control pauses, and
 * a copy on each side where the Netty path has one on the receiving side only.
 *
 * <p>Run (virtual threads need JDK 21+): {@code /usr/lib/jvm/temurin-25-jdk-amd64/bin/java -jar
 * libp2p-benchmarks/target/benchmarks.jar BlockingStreamBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class BlockingStreamBenchmark {

  static final int MESSAGE = 1 << 20;
  static final String NETTY_PROTOCOL = "/bench/netty-sink/1.0.0";
  static final String BLOCKING_PROTOCOL = "/bench/blocking-sink/1.0.0";

  @Param({"plaintext", "noise"})
  public String security;

  private Host server;
  private Host client;
  private final byte[] message = new byte[MESSAGE];
  private final ByteBuf nettyMessage = Unpooled.unreleasableBuffer(Unpooled.directBuffer(MESSAGE).writeZero(MESSAGE).asReadOnly());
  private Stream nettyStream;
  private volatile CompletableFuture<Void> nettyAck;
  private BlockingStream blockingStream;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    server = host().listenOn(Multiaddr.fromString("/ip4/127.0.0.1/tcp/0")).build();
    client = host().build();
    server.setStreamHandler(NETTY_PROTOCOL, stream -> stream.pipeline().addLast(new FixedLengthFrameDecoder(MESSAGE), new NettySink()));
    server.setStreamHandler(BLOCKING_PROTOCOL, BlockingStreams.handler(BlockingStreamBenchmark::blockingSink));
    server.start().get(30, TimeUnit.SECONDS);
    Connection connection = client.dial(server.listenAddresses().get(0)).get(30, TimeUnit.SECONDS);
    nettyStream = client.newStream(connection, stream -> stream.pipeline().addLast(new NettyAckReader()), NETTY_PROTOCOL)
        .get(30, TimeUnit.SECONDS);
    blockingStream = BlockingStreams.open(client, connection, BLOCKING_PROTOCOL).get(30, TimeUnit.SECONDS);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    blockingStream.close();
    client.close();
    server.close();
  }

  @Benchmark
  public void nettyPipeline() throws Exception {
    CompletableFuture<Void> ack = new CompletableFuture<>();
    nettyAck = ack;
    nettyStream.writeAndFlush(nettyMessage.duplicate());
    ack.get(30, TimeUnit.SECONDS);
  }

  @Benchmark
  public int blockingStreams() throws IOException {
    blockingStream.outputStream().write(message);
    int ack = blockingStream.inputStream().read();
    if (ack != 1) {
      throw new IOException("expected the acknowledgement, read " + ack);
    }
    return ack;
  }

  private Host.Builder host() {
    SecureChannel channel = security.equals("noise") ? new NoiseSecureChannel() : new PlaintextSecureChannel();
    return Host.builder()
        .transport(TcpTransport.builder().build())
        .secureChannel(channel)
        .muxer(YamuxStreamMuxer.create())
        .resourceLimits(ResourceLimits.unlimited());
  }

  /** The blocking server: reads each message whole into the heap, then acknowledges it. */
  private static void blockingSink(BlockingStream stream) throws IOException {
    byte[] into = new byte[MESSAGE];
    InputStream in = stream.inputStream();
    OutputStream out = stream.outputStream();
    while (in.readNBytes(into, 0, MESSAGE) == MESSAGE) {
      out.write(1);
    }
  }

  /**
   * The Netty server: Netty's {@link FixedLengthFrameDecoder} gathers each message whole into one
   * buffer, as a handler of 1 MiB messages would, and this acknowledges it.
   */
  private static final class NettySink extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ((ByteBuf) msg).release();
      ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
    }
  }

  /** The Netty client's reader of acknowledgements. */
  private final class NettyAckReader extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf data = (ByteBuf) msg;
      int acks = data.readableBytes();
      data.release();
      if (acks > 0) {
        nettyAck.complete(null);
      }
    }
  }
}
