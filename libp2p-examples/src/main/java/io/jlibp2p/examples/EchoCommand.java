package io.jlibp2p.examples;

import io.jlibp2p.core.host.Connection;
import io.jlibp2p.core.host.Host;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jlibp2p echo ADDR}: sends data on one or more {@value ListenCommand#ECHO} streams at once,
 * ends each, and checks that every byte comes back.
 */
@Command(name = "echo", description = "Send data on " + ListenCommand.ECHO + " streams, end them, and check that every byte comes back.")
final class EchoCommand implements Callable<Integer> {

  @Mixin
  HostOptions options;

  @Parameters(paramLabel = "ADDR", description = "The peer's multiaddr, ideally with /p2p/<peer ID>.")
  String address;

  static final class Payload {
    @Option(names = "--size", paramLabel = "BYTES", description = "Send this many bytes of test data on each stream. Default: 1048576.")
    Long size;

    @Option(names = "--message", paramLabel = "TEXT", description = "Send this text on each stream.")
    String message;
  }

  @ArgGroup(exclusive = true)
  Payload payload = new Payload();

  @Option(names = "--streams", paramLabel = "N", defaultValue = "1", description = "Concurrent streams. Default: ${DEFAULT-VALUE}.")
  int streams;

  @Override
  public Integer call() {
    if (streams < 1) {
      throw CliException.usage("--streams must be at least 1, got " + streams);
    }
    long size;
    EchoData data;
    if (payload != null && payload.message != null) {
      byte[] bytes = payload.message.getBytes(StandardCharsets.UTF_8);
      size = bytes.length;
      data = EchoData.of(bytes);
    } else {
      size = payload != null && payload.size != null ? payload.size : 1 << 20;
      if (size < 0) {
        throw CliException.usage("--size must not be negative, got " + size);
      }
      data = EchoData.pattern();
    }
    try (Host host = options.buildHost(List.of())) {
      Cli.await(host.start(), options.timeout(), "start");
      Connection connection = options.connect(host, address);
      long start = System.nanoTime();
      List<CompletableFuture<Long>> echoes = new ArrayList<>();
      for (int i = 0; i < streams; i++) {
        EchoClient client = new EchoClient(size, data);
        host.newStream(connection.remotePeer(), stream -> stream.pipeline().addLast(client), ListenCommand.ECHO)
            .whenComplete((stream, error) -> {
              if (error != null) {
                client.done().completeExceptionally(error);
              }
            });
        echoes.add(client.done());
      }
      long bytes = 0;
      for (CompletableFuture<Long> echo : echoes) {
        // Each stream gets the timeout from the start, and bulk transfers a minute per GiB more.
        Duration allowed = options.timeout().plusSeconds(60 * (size * streams >> 30));
        bytes += Cli.await(echo, allowed, "echo with " + connection.remotePeer());
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      if (options.json) {
        options.out.println(options.result(connection).put("bytes", bytes).put("streams", streams)
            .put("elapsed_ms", Cli.millis(elapsed)).put("ok", true));
      } else {
        if (payload != null && payload.message != null) {
          options.out.println(payload.message);
        }
        options.out.println("echoed " + bytes + " bytes on " + streams + " stream" + (streams == 1 ? "" : "s") + " in "
            + Cli.millis(elapsed) + " ms: every byte came back");
      }
    }
    return 0;
  }
}
