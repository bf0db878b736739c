package io.jlibp2p.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jlibp2p.core.Direction;
import io.jlibp2p.core.Libp2pException;
import io.jlibp2p.core.gater.ConnectionGater;
import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.core.host.UpgradeException;
import io.jlibp2p.core.host.internal.ConnectionUpgrader;
import io.jlibp2p.core.host.internal.HostConnection;
import io.jlibp2p.core.host.internal.StreamNegotiation;
import io.jlibp2p.core.muxer.Stream;
import io.jlibp2p.core.muxer.StreamMuxer;
import io.jlibp2p.core.resource.ResourceLimits;
import io.jlibp2p.core.resource.ScopeUsage;
import io.jlibp2p.core.resource.internal.ResourceManager;
import io.jlibp2p.core.security.SecureChannel;
import io.jlibp2p.core.transport.RawConnection;
import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.UnsignedVarint;
import io.jlibp2p.multistream.Multistream;
import io.jlibp2p.multistream.MultistreamListenerHandler;
import io.jlibp2p.multistream.NegotiationException;
import io.jlibp2p.mplex.MplexStreamMuxer;
import io.jlibp2p.noise.NoiseSecureChannel;
import io.jlibp2p.plaintext.PlaintextSecureChannel;
import io.jlibp2p.secio.SecioSecureChannel;
import io.jlibp2p.tls.TlsSecureChannel;
import io.jlibp2p.testing.DecodingAssertions;
import io.jlibp2p.yamux.YamuxStreamMuxer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * A Jazzer fuzz target for the whole inbound pipeline of a host: {@link ConnectionUpgrader} as a
 * listener on an {@link EmbeddedChannel}, offering noise, secio and {@code /plaintext/2.0.0}, then
 * yamux and mplex, with the host's own {@link StreamNegotiation} on every inbound stream and one
 * registered protocol, {@value #ECHO_PROTOCOL}, that echoes what it reads and closes when the
 * remote does. Bytes go in as a remote dialer's would; everything the listener writes is read and
 * released, as by a remote that reads. Each execution checks:
 *
 * <ul>
 *   <li>the upgrade either completes, over plaintext (the only channel whose handshake a fuzzer can
 *       finish; noise or secio completing would mean a forged handshake) and, where this target
 *       built the Exchange, with the remote peer it names; or fails with an {@link
 *       UpgradeException} with a message, for a declared cause (see {@link #isDeclared}): a bug
 *       wrapped on its way up (a {@code DecoderException} around a {@code NullPointerException})
 *       fails the target. It fails because the connection closed only where this target closed it;
 *   <li>what went wrong on a stream, its negotiation (which the host drops silently) or its
 *       protocol, is declared too;
 *   <li>a failed upgrade closed the connection;
 *   <li>nothing reaches the end of the connection's pipeline ({@code checkException()}, and no
 *       inbound message left over) or of a stream's (Netty logs those), and nothing that the
 *       pipeline catches and logs instead of throwing (the muxers' and the host's last handler's
 *       "failed; closing it") is an undeclared exception: every log call of jlibp2p and of
 *       Netty's pipeline is looked at, before its level is, and kept out of the console;
 *   <li>the event listener heard of exactly one failed upgrade if it failed, of none otherwise, and
 *       of as many streams closed as opened; no fatal error reached the host's handler;
 *   <li>after the connection closes (and its pending tasks ran), the resource manager holds
 *       nothing: no connection, stream or memory in any scope; and every buffer the connection
 *       and its streams allocated was released, counted on a pooled allocator of their own, so a
 *       leak fails the execution that caused it (Netty's leak detector still checks the class: see
 *       {@link io.jlibp2p.testing.LeakDetectionExtension}).
 * </ul>
 *
 * <p>Input layout ({@link FuzzedDataProvider}: integers are taken from the end of the input, as
 * few bytes as their range needs, the first one read the most significant, and a value already in
 * range is taken as it is; bytes come from the front): one integer in [0, 3] (one byte) picks where
 * the fuzzer's bytes start, by the {@link Start} whose ordinal it is; this target first writes that
 * start's valid prefix (see {@link #prefix}) in one read. Then, while input is left, an integer in
 * [1, {@value #MAX_CHUNK}] (two bytes) gives the size of the next read and the front of the input
 * its bytes. So a seed is {@code read1 || read2 || ... || reverse(start || be16(size1) || be16(size2)
 * || ...)}: {@link InboundPipelineSeeds} writes them. Time is frozen: no timeout ever fires.
 *
 * <p>The noise and secio handshakes pick fresh random keys and nonces in every execution, which
 * their public API cannot fix; the fuzzer cannot get past their first answer either way, so this
 * costs coverage nothing, but an input that fails in secio's first message may depend on which
 * side's proposal won. The identities are fixed (spec vectors).
 *
 * <p>A plain build replays the seeds and past findings in {@code
 * src/test/resources/io/jlibp2p/fuzz/InboundPipelineFuzzTestInputs/inboundPipeline/}. To fuzz
 * ({@code JAZZER_INSTRUMENT} makes every jlibp2p class, not only this package, guide the fuzzer):
 *
 * <pre>
 * JAZZER_FUZZ=1 JAZZER_INSTRUMENT='io.jlibp2p.**' ./mvnw -B -o test -pl libp2p -Ddocs.phase=none \
 *     -Dtest='InboundPipelineFuzzTest#inboundPipeline'
 * </pre>
 */
class InboundPipelineFuzzTest {

  /** The stream protocol the host serves: echoes, and closes its side when the remote does. */
  static final String ECHO_PROTOCOL = "/fuzz/echo/1.0.0";

  /** The largest single read the fuzzer can ask for. */
  static final int MAX_CHUNK = 4096;

  /** Where the fuzzer's bytes start; the first integer of the input is its ordinal. */
  enum Start {
    /** At the first byte: multistream-select for a secure channel, and the handshakes. */
    RAW,
    /** After a plaintext handshake: multistream-select for a muxer. */
    SECURED,
    /** After the muxer negotiation selected yamux: yamux frames. */
    YAMUX,
    /** After the muxer negotiation selected mplex: mplex frames. */
    MPLEX
  }

  /** The listener: the Ed25519 key of the peer-ID spec's test vectors. */
  private static final PrivateKey LOCAL = PrivateKey.unmarshal(HexFormat.of().parseHex(
      "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d1ed1e8fae2c4a144b8"
          + "be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e"));

  /** The dialer whose plaintext Exchange the prefixes carry: the spec vectors' secp256k1 key. */
  static final PrivateKey REMOTE = PrivateKey.unmarshal(HexFormat.of().parseHex(
      "0802122053dadf1d5a164d6b4acdb15e24aa4c5b1d3461bdbd42abedb0a4404d56ced8fb"));

  private static final PeerId REMOTE_PEER = PeerId.fromPublicKey(REMOTE.publicKey());

  private static final List<SecureChannel> SECURE_CHANNELS =
      List.of(new NoiseSecureChannel(), TlsSecureChannel.create(), new SecioSecureChannel(), new PlaintextSecureChannel());
  private static final List<StreamMuxer> MUXERS =
      List.of(YamuxStreamMuxer.create(), MplexStreamMuxer.create());
  private static final ResourceLimits LIMITS = ResourceLimits.autoscaled();

  /** Every timeout: the clock is frozen, so none fires anyway. */
  private static final Duration NEVER = Duration.ofHours(1);

  private static final Multiaddr LOCAL_ADDRESS = Multiaddr.fromString("/ip4/127.0.0.1/tcp/4001");
  private static final Multiaddr REMOTE_ADDRESS = Multiaddr.fromString("/ip4/127.0.0.1/tcp/40001");

  /**
   * Every buffer of the connection and its streams comes from here; without thread caches, a
   * released buffer goes straight back to its arena, so the arenas count the live ones.
   */
  private static final PooledByteBufAllocator ALLOCATOR =
      new PooledByteBufAllocator(false, 1, 1, 8192, 9, 0, 0, false);

  private static final byte[] SECURED_PREFIX = concat(
      multistream(Multistream.PROTOCOL_ID, PlaintextSecureChannel.PROTOCOL_ID), plaintextExchange(REMOTE));
  private static final byte[] YAMUX_PREFIX =
      concat(SECURED_PREFIX, multistream(Multistream.PROTOCOL_ID, YamuxStreamMuxer.PROTOCOL_ID));
  private static final byte[] MPLEX_PREFIX =
      concat(SECURED_PREFIX, multistream(Multistream.PROTOCOL_ID, MplexStreamMuxer.PROTOCOL_ID));

  /** The types a failure may have, and what Netty wraps in a {@code DecoderException}; see {@link #isDeclared}. */
  private static final List<Class<? extends Throwable>> DECLARED = List.of(
      Libp2pException.class,
      NegotiationException.class,
      DecodingException.class,
      // Netty's wrapper of whatever a decoder threw (checked by its cause), which the muxers'
      // protocol errors extend.
      DecoderException.class,
      // protobuf's parse errors, wrapped by the handshakes; a closed channel.
      IOException.class,
      // a failed AEAD tag or signature, wrapped by the handshakes.
      GeneralSecurityException.class);

  private static final LogWatch LOG_WATCH = LogWatch.install();

  @FuzzTest(maxDuration = "60s")
  void inboundPipeline(FuzzedDataProvider data) {
    Start start = Start.values()[data.consumeInt(0, Start.values().length - 1)];
    Execution execution = new Execution(start);
    try {
      execution.feed(prefix(start));
      execution.checkPrefixAccepted();
      while (data.remainingBytes() > 0 && execution.channel.isOpen()) {
        execution.feed(data.consumeBytes(data.consumeInt(1, MAX_CHUNK)));
      }
      execution.closeAndCheck();
    } finally {
      execution.discard();
      LOG_WATCH.unwatch();
    }
  }

  /** The valid bytes this target writes before the fuzzer's, for {@code start}. */
  static byte[] prefix(Start start) {
    return switch (start) {
      case RAW -> new byte[0];
      case SECURED -> SECURED_PREFIX.clone();
      case YAMUX -> YAMUX_PREFIX.clone();
      case MPLEX -> MPLEX_PREFIX.clone();
    };
  }

  /** One connection's upgrade, from its first byte to its close. */
  private static final class Execution implements EventListener {
    final Start start;
    final EmbeddedChannel channel = new EmbeddedChannel();
    final ResourceManager resources = new ResourceManager(LIMITS, (peer, refusal) -> {});
    final List<Throwable> fatal = new ArrayList<>();
    final List<Throwable> streamFailures = new ArrayList<>();
    final CompletableFuture<HostConnection> upgraded;
    final long allocatedBefore = liveBuffers();
    int upgradeFailures;
    int streamsOpened;
    int streamsClosed;

    Execution(Start start) {
      this.start = start;
      LOG_WATCH.watch();
      channel.freezeTime();
      channel.config().setAllocator(ALLOCATOR);
      ConnectionUpgrader upgrader = new ConnectionUpgrader(
          LOCAL, SECURE_CHANNELS, MUXERS, NEVER, NEVER, this, ConnectionGater.ALLOW_ALL, fatal::add);
      StreamNegotiation streams = new StreamNegotiation(NEVER, this, peer -> false);
      streams.setHandler(ECHO_PROTOCOL, stream -> stream.pipeline().addLast(new Echo()));
      // As InboundAdmission: reserve the connection, then upgrade it before its first read.
      upgraded = upgrader.upgrade(
          new RawConnection(channel, LOCAL_ADDRESS, REMOTE_ADDRESS, Direction.INBOUND),
          Optional.empty(),
          stream -> {
            stream.config().setAllocator(ALLOCATOR);
            streams.inboundStream(stream);
            // The host drops a failed inbound negotiation silently (the stream closes): looked at here.
            stream.pipeline().get(MultistreamListenerHandler.class).selectedProtocol()
                .whenComplete((protocol, error) -> {
                  if (error != null) {
                    streamFailures.add(error);
                  }
                });
          },
          resources.openConnection(Direction.INBOUND, REMOTE_ADDRESS));
      channel.runPendingTasks();
      readWhatWasWritten();
    }

    /** One read of the remote's bytes, then whatever it set off. */
    void feed(byte[] bytes) {
      if (bytes.length == 0) {
        return;
      }
      ByteBuf buf = ALLOCATOR.buffer(bytes.length).writeBytes(bytes);
      channel.writeInbound(buf);
      channel.runPendingTasks();
      channel.checkException();
      readWhatWasWritten();
    }

    /** Reads and releases what the listener wrote: the remote keeps reading. */
    void readWhatWasWritten() {
      for (Object written; (written = channel.readOutbound()) != null; ) {
        ReferenceCountUtil.release(written);
      }
    }

    /** The prefix this target built is valid: the upgrade got as far as it leads. */
    void checkPrefixAccepted() {
      switch (start) {
        case RAW -> {}
        case SECURED -> {
          assertTrue(channel.isOpen(), "the plaintext handshake closed the connection");
          assertFalse(upgraded.isDone(), "the upgrade ended before the muxer negotiation");
        }
        case YAMUX, MPLEX -> {
          assertTrue(upgraded.isDone() && !upgraded.isCompletedExceptionally(), "the upgrade did not complete");
          HostConnection connection = upgraded.join();
          assertEquals(REMOTE_PEER, connection.remotePeer());
          assertEquals(start == Start.YAMUX ? YamuxStreamMuxer.PROTOCOL_ID : MplexStreamMuxer.PROTOCOL_ID,
              connection.muxerProtocol());
        }
      }
    }

    void closeAndCheck() {
      assertTrue(channel.inboundMessages().isEmpty(),
          () -> "reached the end of the connection's pipeline: " + channel.inboundMessages());
      if (upgraded.isDone() && !upgraded.isCompletedExceptionally()) {
        HostConnection connection = upgraded.join();
        assertEquals(PlaintextSecureChannel.PROTOCOL_ID, connection.securityProtocol(), "a handshake was forged");
        if (start != Start.RAW) {
          assertEquals(REMOTE_PEER, connection.remotePeer());
        }
      }
      if (upgraded.isCompletedExceptionally()) {
        assertFalse(channel.isOpen(), "the upgrade failed but the connection is open");
      }
      boolean closedHere = !upgraded.isDone();
      channel.finishAndReleaseAll();
      channel.runPendingTasks();
      readWhatWasWritten();

      assertTrue(upgraded.isDone(), "the connection closed but the upgrade goes on");
      Optional<HostConnection> connection = DecodingAssertions.decodesOrRejectsCleanly(
          List.of(UpgradeException.class), () -> "the fuzzer's", () -> {
            try {
              return upgraded.join();
            } catch (CompletionException e) {
              throw e.getCause();
            }
          });
      if (connection.isEmpty()) {
        Throwable cause = upgraded.handle((c, e) -> e.getCause()).join();
        assertTrue(cause != null, "the upgrade timed out, with the clock frozen");
        boolean ourClose = closedHere && cause instanceof IllegalStateException
            && "the connection closed".equals(cause.getMessage());
        if (!ourClose) {
          assertDeclared(cause, "the upgrade's failure");
        }
      }
      assertEquals(connection.isEmpty() ? 1 : 0, upgradeFailures, "upgrade failures the event listener heard of");
      assertEquals(streamsOpened, streamsClosed, "streams opened and closed, by the event listener");
      streamFailures.forEach(failure -> assertDeclared(failure, "a stream's failure"));
      assertTrue(fatal.isEmpty(), () -> "fatal errors: " + fatal);
      LOG_WATCH.check();

      assertEquals(ScopeUsage.NONE, resources.system(), "the system scope after the close");
      assertEquals(ScopeUsage.NONE, resources.transientScope(), "the transient scope after the close");
      assertEquals(List.of(), List.copyOf(resources.peers().keySet()), "peer scopes after the close");
      assertEquals(List.of(), List.copyOf(resources.protocols().keySet()), "protocol scopes after the close");
      assertEquals(List.of(), List.copyOf(resources.services().keySet()), "service scopes after the close");
      assertEquals(allocatedBefore, liveBuffers(), "buffers allocated and never released");
    }

    /** After a failed check too: nothing of this execution may linger into the next. */
    void discard() {
      channel.close();
      channel.runPendingTasks();
      channel.releaseInbound();
      channel.releaseOutbound();
    }

    @Override
    public void upgradeFailed(Direction direction, Multiaddr remoteAddress, UpgradeException cause, Duration elapsed) {
      upgradeFailures++;
    }

    @Override
    public void streamOpened(Stream stream) {
      streamsOpened++;
    }

    @Override
    public void streamClosed(Stream stream, Duration lifetime) {
      streamsClosed++;
    }

    /** The registered protocol: writes back what it reads, and closes once the remote has. */
    private final class Echo extends ChannelInboundHandlerAdapter {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ctx.write(msg);
      }

      @Override
      public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
      }

      @Override
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof ChannelInputShutdownEvent) {
          ctx.close();
        }
        ReferenceCountUtil.release(event);
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        streamFailures.add(cause);
      }
    }
  }

  /** Fails unless {@code failure} is declared: see {@link #isDeclared}. */
  private static void assertDeclared(Throwable failure, String what) {
    if (!isDeclared(failure)) {
      throw new AssertionError(what + " is, or was caused by, an undeclared exception", failure);
    }
  }

  /**
   * Whether {@code failure} is a failure on purpose: it has a {@link #DECLARED} type (and, if it
   * is ours, a message), and nowhere in its causes did Netty wrap an undeclared exception in a
   * {@code DecoderException}, which is how a bug inside a decoder looks by the time a catch-all
   * handler (a handshake's, a negotiation's, a muxer's) has turned it into a declared failure. What
   * a declared exception wraps on purpose, such as the {@code IllegalArgumentException} a key
   * library throws under an {@code InvalidKeyFormatException}, is its own business.
   */
  static boolean isDeclared(Throwable failure) {
    if (!hasDeclaredType(failure)) {
      return false;
    }
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      boolean ours = cause instanceof Libp2pException || cause instanceof NegotiationException
          || cause instanceof DecodingException;
      if (ours && (cause.getMessage() == null || cause.getMessage().isBlank())) {
        return false;
      }
      if (cause instanceof DecoderException && cause.getCause() != null && !hasDeclaredType(cause.getCause())) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasDeclaredType(Throwable failure) {
    return DECLARED.stream().anyMatch(type -> type.isInstance(failure));
  }

  private static long liveBuffers() {
    long live = 0;
    for (PoolArenaMetric arena : ALLOCATOR.metric().heapArenas()) {
      live += arena.numActiveAllocations();
    }
    for (PoolArenaMetric arena : ALLOCATOR.metric().directArenas()) {
      live += arena.numActiveAllocations();
    }
    return live;
  }

  /**
   * Sees every log call of jlibp2p and of Netty's pipeline while an execution runs, whatever the
   * level: a logback turbo filter runs before the level check. It keeps what says a failure was
   * swallowed (a logged exception, an exception at a pipeline's end) and drops the call, so the
   * console stays quiet at millions of executions.
   */
  private static final class LogWatch extends TurboFilter {
    private static final String PIPELINE_LOGGER = DefaultChannelPipeline.class.getName();

    private final List<AssertionError> problems = new ArrayList<>();
    private boolean watching;

    static LogWatch install() {
      LogWatch watch = new LogWatch();
      LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
      watch.setContext(context);
      watch.start();
      context.addTurboFilter(watch);
      return watch;
    }

    void watch() {
      problems.clear();
      watching = true;
    }

    void unwatch() {
      watching = false;
      problems.clear();
    }

    void check() {
      if (!problems.isEmpty()) {
        AssertionError first = problems.get(0);
        problems.clear();
        throw first;
      }
    }

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
      if (!watching) {
        return FilterReply.NEUTRAL;
      }
      String name = logger.getName();
      boolean pipeline = name.equals(PIPELINE_LOGGER);
      if (!pipeline && !name.startsWith("io.jlibp2p.")) {
        return FilterReply.NEUTRAL;
      }
      if (format == null) {
        // isDebugEnabled() and the like: yes, so that a guarded call is made and seen here.
        return FilterReply.ACCEPT;
      }
      Throwable logged = t;
      if (logged == null && params != null && params.length > 0 && params[params.length - 1] instanceof Throwable last) {
        logged = last;
      }
      if (pipeline) {
        problems.add(new AssertionError("a stream's pipeline: " + format, logged));
      } else if (level.isGreaterOrEqual(Level.ERROR)) {
        problems.add(new AssertionError(name + " logged an error: " + format, logged));
      } else if (logged != null && !isDeclared(logged)) {
        problems.add(new AssertionError(name + " caught and logged an undeclared exception: " + format, logged));
      }
      return FilterReply.DENY;
    }
  }

  // ---- the wire, by hand (also for InboundPipelineSeeds) ----

  /** multistream-select messages: {@code uvarint(len) || payload || '\n'} each. */
  static byte[] multistream(String... payloads) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String payload : payloads) {
      byte[] body = (payload + "\n").getBytes(StandardCharsets.UTF_8);
      out.writeBytes(UnsignedVarint.encode(body.length));
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  /** The plaintext/2.0.0 Exchange naming {@code identity}: {@code uvarint(len) || {1: id, 2: pubkey}}. */
  static byte[] plaintextExchange(PrivateKey identity) {
    byte[] id = PeerId.fromPublicKey(identity.publicKey()).toBytes();
    byte[] key = identity.publicKey().marshal();
    byte[] message = concat(
        new byte[] {0x0a}, UnsignedVarint.encode(id.length), id,
        new byte[] {0x12}, UnsignedVarint.encode(key.length), key);
    return concat(UnsignedVarint.encode(message.length), message);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
