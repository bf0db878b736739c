package io.jlibp2p.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tool's own help: a usage error says to run {@code <command> --help}, so that must work. */
class Jlibp2pCliTest {

  @ParameterizedTest
  @ValueSource(strings = {"chat", "listen", "ping", "identify", "echo", "perf", "footprint"})
  void everyCommandPrintsItsUsageForHelp(String command) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream original = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = Jlibp2pCli.run(command, "--help");
    } finally {
      System.setOut(original);
    }
    String usage = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, usage);
    assertTrue(usage.startsWith("Usage: jlibp2p " + command), usage);
  }
}
