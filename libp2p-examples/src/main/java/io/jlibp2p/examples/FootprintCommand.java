package io.jlibp2p.examples;

import io.jlibp2p.core.connmgr.ConnectionManagerConfig;
import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.core.host.Host;
import io.jlibp2p.core.host.StreamHandler;
import io.jlibp2p.core.resource.ResourceLimits;
import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.multiformats.MultiaddrProtocol;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jlibp2p footprint}: the memory an idle connection and an idle stream hold, on the side
 * that dials and on the side that listens.
 *
 * <p>It starts a listener in a second JVM with the same JVM flags, so each side's heap is its own.
 * Both sides first make a few connections and streams to load classes and fill caches, then read
 * their memory after a full collection; then the dialer opens the connections, waits until both
 * sides have them and identify is over, and both read again; then the streams, likewise. The
 * differences, divided by the counts, are the figures.
 */
@Command(name = "footprint", description = {
    "Measure the memory of idle connections and streams, dialer and listener each in its own JVM.",
    "Example: footprint --connections 10000; footprint --connections 100 --streams 100000."})
final class FootprintCommand implements Callable<Integer> {

  /** A protocol whose streams stay open and silent. */
  static final String IDLE = "/jlibp2p/idle/1.0.0";

  /**
   * Both ends of an idle stream: nothing to read or write. The reset that closing the host
   * delivers to its open streams is expected here, so it only closes the stream.
   */
  private static final StreamHandler IDLE_STREAM = stream -> stream.pipeline().addLast(new ChannelInboundHandlerAdapter() {
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  });

  private static final int WARM_UP_CONNECTIONS = 20;
  private static final int WARM_UP_STREAMS_PER_CONNECTION = 20;
  private static final int IN_FLIGHT = 64;

  @Mixin
  HostOptions options;

  @Option(names = "--connections", defaultValue = "10000", paramLabel = "N", description = "Idle connections to open. Default: ${DEFAULT-VALUE}.")
  int connections;

  @Option(names = "--streams", defaultValue = "0", paramLabel = "N",
      description = "Idle streams to open, spread evenly over the connections. Default: ${DEFAULT-VALUE}.")
  int streams;

  @Option(names = "--serve", hidden = true, description = "Be the listening side: the dialing side starts it.")
  boolean serve;

  @Override
  public Integer call() throws Exception {
    if (connections < 1 || streams < 0) {
      throw CliException.usage("--connections must be at least 1 and --streams not negative");
    }
    return serve ? serve() : measure();
  }

  /**
   * The listening side. It prints its address, then answers each {@code measure} line on stdin
   * with {@code <connections> <streams> <heap> <direct> <nettyHeap>}, until stdin ends.
   */
  private int serve() throws Exception {
    try (Host host = unlimited(options.builder(List.of("/ip4/127.0.0.1/tcp/0"), EventListener.NONE))) {
      host.setStreamHandler(IDLE, IDLE_STREAM);
      Cli.await(host.start(), options.timeout(), "listen");
      options.out.println(host.listenAddresses().get(0));
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) {
        if (line.equals("count")) {
          options.out.println(counts(host));
        } else if (line.equals("measure")) {
          options.out.println(HeapGauge.read().toLine());
        }
      }
    }
    return 0;
  }

  private static String counts(Host host) {
    List<Connection> open = host.connections();
    return open.size() + " " + open.stream().mapToInt(Connection::openStreams).sum();
  }

  private int measure() throws Exception {
    Process listener = startListener();
    try (Host host = unlimited(options.builder(List.of(), EventListener.NONE));
        BufferedReader fromListener = new BufferedReader(new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8));
        PrintStream toListener = new PrintStream(listener.getOutputStream(), true, StandardCharsets.UTF_8)) {
      Remote remote = new Remote(fromListener, toListener);
      String address = remote.readLine();
      // No peer ID: each dial makes a connection of its own instead of reusing the last one.
      Multiaddr target = Cli.multiaddr(address).decapsulate(MultiaddrProtocol.P2P);
      Cli.await(host.start(), options.timeout(), "start");

      List<Connection> warm = openConnections(host, target, WARM_UP_CONNECTIONS);
      openStreams(host, warm, WARM_UP_CONNECTIONS * WARM_UP_STREAMS_PER_CONNECTION);
      int expectedConnections = WARM_UP_CONNECTIONS;
      int expectedStreams = WARM_UP_CONNECTIONS * WARM_UP_STREAMS_PER_CONNECTION;
      awaitCounts(host, remote, expectedConnections, expectedStreams);
      Side baseline = new Side(HeapGauge.read(), remote.measure());

      long start = System.nanoTime();
      List<Connection> measured = openConnections(host, target, connections);
      double connectSeconds = (System.nanoTime() - start) / 1e9;
      expectedConnections += connections;
      awaitCounts(host, remote, expectedConnections, expectedStreams);
      Side withConnections = new Side(HeapGauge.read(), remote.measure());

      Side withStreams = withConnections;
      if (streams > 0) {
        openStreams(host, measured, streams);
        expectedStreams += streams;
        awaitCounts(host, remote, expectedConnections, expectedStreams);
        withStreams = new Side(HeapGauge.read(), remote.measure());
      }
      report(baseline, withConnections, withStreams, connectSeconds);
    } finally {
      listener.getOutputStream().close();
      if (!listener.waitFor(30, TimeUnit.SECONDS)) {
        listener.destroyForcibly();
      }
    }
    return 0;
  }

  /** The listener, in a JVM with this one's flags and class path. */
  private Process startListener() throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Jlibp2pCli.class.getName());
    command.addAll(List.of("footprint", "--serve", "--security", options.security, "--muxer", options.muxer,
        "--timeout", Integer.toString(options.timeoutSeconds)));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /**
   * A host without resource limits or connection trimming: it measures thousands of connections
   * between two processes, which a node facing the internet must never hold for one peer.
   */
  private static Host unlimited(Host.Builder builder) {
    return builder
        .resourceLimits(ResourceLimits.unlimited())
        .connectionManager(ConnectionManagerConfig.builder().highWater(Integer.MAX_VALUE).lowWater(Integer.MAX_VALUE).build())
        .build();
  }

  /** {@code count} new connections, at most {@link #IN_FLIGHT} dialing at once, each identified. */
  private List<Connection> openConnections(Host host, Multiaddr target, int count) throws InterruptedException {
    return bounded(count, i -> host.dial(target).thenCompose(c -> c.identify().thenApply(info -> c)));
  }

  /** {@code count} streams, dealt round-robin over {@code on}, each negotiated. */
  private void openStreams(Host host, List<Connection> on, int count) throws InterruptedException {
    bounded(count, i -> host.newStream(on.get(i % on.size()), IDLE_STREAM, IDLE));
  }

  /** Runs {@code count} operations with at most {@link #IN_FLIGHT} pending; returns their results. */
  private <T> List<T> bounded(int count, Function<Integer, CompletableFuture<T>> operation) throws InterruptedException {
    Semaphore slots = new Semaphore(IN_FLIGHT);
    List<CompletableFuture<T>> all = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      slots.acquire();
      all.add(operation.apply(i).whenComplete((result, error) -> slots.release()));
    }
    List<T> results = new ArrayList<>(count);
    for (CompletableFuture<T> future : all) {
      results.add(Cli.await(future, options.timeout(), "opening " + count));
    }
    return results;
  }

  /** Waits until both sides see exactly these counts: identify's streams have come and gone. */
  private void awaitCounts(Host host, Remote remote, int expectedConnections, int expectedStreams) throws Exception {
    String expected = expectedConnections + " " + expectedStreams;
    long deadline = System.nanoTime() + options.timeout().toNanos();
    String local = counts(host);
    String far = remote.count();
    while (!(local.equals(expected) && far.equals(expected))) {
      if (System.nanoTime() > deadline) {
        throw new CliException("expected " + expected + " connections and streams on each side, dialer has " + local
            + " and listener " + far);
      }
      Thread.sleep(100);
      local = counts(host);
      far = remote.count();
    }
  }

  private void report(Side baseline, Side withConnections, Side withStreams, double connectSeconds) {
    Figures dialer = new Figures(baseline.dialer, withConnections.dialer, withStreams.dialer);
    Figures listener = new Figures(baseline.listener, withConnections.listener, withStreams.listener);
    if (options.json) {
      options.out.println(new Json()
          .put("security", options.security)
          .put("muxer", options.muxer)
          .put("connections", connections)
          .put("streams", streams)
          .put("connectSeconds", connectSeconds)
          .put("java", Runtime.version().toString())
          .put("maxHeapBytes", Runtime.getRuntime().maxMemory())
          .put("dialer", dialer.toJson())
          .put("listener", listener.toJson()));
      return;
    }
    options.out.printf("%s+%s: %d connections opened in %.1f s, then %d streams over them%n", options.security, options.muxer,
        connections, connectSeconds, streams);
    dialer.print("dialer");
    listener.print("listener");
  }

  /** One side's memory per connection and per stream, from its three readings. */
  private final class Figures {
    private final HeapGauge.Reading perConnection;
    private final HeapGauge.Reading perStream;
    private final long totalHeap;

    Figures(HeapGauge.Reading baseline, HeapGauge.Reading withConnections, HeapGauge.Reading withStreams) {
      perConnection = withConnections.minus(baseline);
      perStream = withStreams.minus(withConnections);
      totalHeap = withStreams.heapBytes();
    }

    Json toJson() {
      return new Json()
          .put("heapBytesPerConnection", perConnection.heapBytes() / connections)
          .put("directBytesPerConnection", perConnection.nettyDirectBytes() / connections)
          .put("heapBytesPerStream", streams > 0 ? perStream.heapBytes() / streams : null)
          .put("directBytesPerStream", streams > 0 ? perStream.nettyDirectBytes() / streams : null)
          .put("liveHeapBytes", totalHeap);
    }

    void print(String side) {
      options.out.printf("%-8s  per connection: heap %,d bytes, Netty direct %,d bytes", side,
          perConnection.heapBytes() / connections, perConnection.nettyDirectBytes() / connections);
      if (streams > 0) {
        options.out.printf("; per stream: heap %,d bytes, Netty direct %,d bytes", perStream.heapBytes() / streams,
            perStream.nettyDirectBytes() / streams);
      }
      options.out.printf("; live heap %,.1f MiB%n", totalHeap / 1048576.0);
    }
  }

  /** One reading from each side. */
  private record Side(HeapGauge.Reading dialer, HeapGauge.Reading listener) {}

  /** The listening JVM, over its stdin and stdout. */
  private record Remote(BufferedReader in, PrintStream out) {
    String readLine() throws IOException {
      String line = in.readLine();
      if (line == null) {
        throw new CliException("the listener process ended early; its errors are above");
      }
      return line;
    }

    String count() throws IOException {
      out.println("count");
      return readLine();
    }

    HeapGauge.Reading measure() throws IOException {
      out.println("measure");
      return HeapGauge.Reading.parse(readLine());
    }
  }
}
