package io.jlibp2p.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./jlibp2p} launcher's start-up cache: {@code --make-cache} records one for the JVM
 * running these tests (a class-data sharing archive before JDK 25, an AOT cache from it), and the
 * next run loads the tool's own classes from it, which the JVM's class-loading log shows.
 */
class LauncherCacheTest {

  /** The log line of the tool's main class as the JVM loads it. */
  private static final String MAIN_CLASS = "io.jlibp2p.examples.Jlibp2pCli source: ";

  @TempDir
  Path cacheDir;

  @Test
  void makeCacheRecordsACacheTheNextRunStartsFrom() throws Exception {
    // A dynamic archive or an AOT cache sits on the JDK's own base archive, which a JDK built
    // without one (some distributions' are) lacks: there is nothing to test there.
    assumeTrue(Files.isRegularFile(Path.of(System.getProperty("java.home"), "lib", "server", "classes.jsa")),
        "this JDK has no base class-data archive");
    Run made = launcher(Map.of(), "--make-cache", "--connections", "2", "--bytes", "65536");
    assertEquals(0, made.exit(), made.output());
    assertTrue(made.output().contains("trained on 8 stacks: 24 connections"), made.output());
    List<Path> caches;
    try (var files = Files.list(cacheDir)) {
      caches = files.toList();
    }
    assertEquals(1, caches.size(), "one cache, for this JVM: " + caches);
    String name = caches.get(0).getFileName().toString();
    assertTrue(name.endsWith(Runtime.version().feature() >= 25 ? ".aot" : ".jsa"), name);

    Run cached = launcher(Map.of("JDK_JAVA_OPTIONS", "-Xlog:class+load=info"), "--version");
    assertEquals(0, cached.exit(), cached.output());
    assertTrue(mainClassLine(cached).contains("shared objects file"), mainClassLine(cached));

    Run without = launcher(Map.of("JDK_JAVA_OPTIONS", "-Xlog:class+load=info", "JLIBP2P_NO_CACHE", "1"), "--version");
    assertEquals(0, without.exit(), without.output());
    assertTrue(mainClassLine(without).contains("jlibp2p.jar"), mainClassLine(without));
  }

  private static String mainClassLine(Run run) {
    return run.output().lines().filter(line -> line.contains(MAIN_CLASS)).findFirst()
        .orElseThrow(() -> new AssertionError("the JVM did not log loading the main class: " + run.output()));
  }

  private record Run(int exit, String output) {}

  /** {@code ./jlibp2p args...} on this JVM, with the cache in the test's directory; stdout and stderr together. */
  private Run launcher(Map<String, String> environment, String... args) throws IOException, InterruptedException {
    File jar = new File(System.getProperty("jlibp2p.jar"));
    File root = jar.getParentFile().getParentFile().getParentFile();
    List<String> command = new ArrayList<>(List.of("bash", new File(root, "jlibp2p").getPath()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    builder.environment().put("JLIBP2P_CACHE_DIR", cacheDir.toString());
    builder.environment().remove("JLIBP2P_NO_CACHE");
    builder.environment().remove("JDK_JAVA_OPTIONS");
    builder.environment().putAll(environment);
    // To a file, so that a launcher that hangs fails the test instead of blocking a read.
    Path log = Files.createTempFile("jlibp2p-launcher", ".log");
    Process process = builder.redirectOutput(log.toFile()).start();
    process.getOutputStream().close();
    boolean finished = process.waitFor(120, TimeUnit.SECONDS);
    if (!finished) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    if (!finished) {
      throw new AssertionError("the launcher did not finish within 120 s: " + output);
    }
    return new Run(process.exitValue(), output);
  }
}
