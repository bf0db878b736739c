package io.jlibp2p.integration;

import io.jlibp2p.multiformats.Multiaddr;
import io.jlibp2p.testing.TestCertificates;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a js-libp2p peer of {@code interop/js} or {@code interop/js-legacy} (installed by the build with {@code npm ci}) as a
 * child process: {@code listen} in the background, or one {@code dial} command to completion.
 */
final class JsPeer implements AutoCloseable {

  private static final Pattern FIRST_ADDR = Pattern.compile("\"addrs\":\\[\"([^\"]+)\"");

  private final Process process;
  private final Multiaddr address;
  private final BufferedReader stdout;
  private final Writer stdin;

  private JsPeer(Process process, Multiaddr address, BufferedReader stdout) {
    this.process = process;
    this.address = address;
    this.stdout = stdout;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
  }

  /** Which js peer: js-libp2p 3.x in {@code interop/js}, or 0.29 (secio) in {@code interop/js-legacy}. */
  enum Flavor {
    MODERN("interop.js.dir", "peer.mjs"),
    LEGACY("interop.js-legacy.dir", "peer.js");

    private final String directoryProperty;
    private final String script;

    Flavor(String directoryProperty, String script) {
      this.directoryProperty = directoryProperty;
      this.script = script;
    }
  }

  /** Starts {@code node peer.mjs listen} and waits for its address. */
  static JsPeer listen(String... options) throws IOException {
    return listen(Flavor.MODERN, options);
  }

  /** Starts the {@code flavor} peer's {@code listen} and waits for its address. */
  static JsPeer listen(Flavor flavor, String... options) throws IOException {
    List<String> command = command(flavor, "listen");
    command.addAll(List.of(options));
    Process process = processBuilder(flavor, command).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null) {
      process.destroyForcibly();
      throw new IOException("the js peer exited before listening: " + waitFor(process));
    }
    Matcher m = FIRST_ADDR.matcher(line);
    if (!m.find()) {
      process.destroyForcibly();
      throw new IOException("unexpected output from the js peer: " + line);
    }
    return new JsPeer(process, Multiaddr.fromString(m.group(1)), out);
  }

  /** The listener's next stdout line of type {@code type}, skipping others. Not thread-safe. */
  String nextOfType(String type) throws IOException {
    for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
      if (line.contains("\"type\":\"" + type + "\"")) {
        return line;
      }
    }
    throw new IOException("the js peer exited before printing a " + type + " line");
  }

  /**
   * Sends a command to a listener's stdin ({@code peer <id>}, {@code handle <protocol>}, ...) and
   * returns its answer: the next line of type {@code answerType}, skipping event lines. Not
   * thread-safe.
   */
  String command(String command, String answerType) throws IOException {
    stdin.write(command + "\n");
    stdin.flush();
    for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
      if (line.contains("\"type\":\"" + answerType + "\"")) {
        return line;
      }
    }
    throw new IOException("the js peer exited before answering " + command);
  }

  /** The peer's listen address, with {@code /p2p/}. */
  Multiaddr address() {
    return address;
  }

  /** Runs {@code node peer.mjs dial <target> <args...>} and returns its JSON result line. */
  static String dial(Multiaddr target, String... arguments) throws IOException, InterruptedException {
    return dial(Flavor.MODERN, target, arguments);
  }

  /** Runs the {@code flavor} peer's {@code dial <target> <args...>} and returns its JSON result line. */
  static String dial(Flavor flavor, Multiaddr target, String... arguments) throws IOException, InterruptedException {
    List<String> command = command(flavor, "dial");
    command.add(target.toString());
    command.addAll(List.of(arguments));
    return runToCompletion(flavor, command, "the js peer");
  }

  /**
   * Runs {@code node browser/run.mjs <target>}: js-libp2p in headless Chromium dials {@code
   * target}, pings, echoes 1 MiB and runs identify. Returns its JSON result line.
   */
  static String browser(Multiaddr target) throws IOException, InterruptedException {
    return runToCompletion(Flavor.MODERN, List.of("node", "browser/run.mjs", target.toString()), "the browser run");
  }

  /** Runs {@code command} with no input and returns its stdout; fails if it takes over 2 min. */
  private static String runToCompletion(Flavor flavor, List<String> command, String what)
      throws IOException, InterruptedException {
    Process process = processBuilder(flavor, command).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(what + " did not finish: " + output);
    }
    return output;
  }

  private static List<String> command(Flavor flavor, String mode) {
    List<String> command = new ArrayList<>();
    command.add("node");
    command.add(flavor.script);
    command.add(mode);
    return command;
  }

  /**
   * The peer's process, trusting the test authority as well as Node's own, so that it can dial a
   * {@code wss} listener serving {@link TestCertificates}.
   */
  private static ProcessBuilder processBuilder(Flavor flavor, List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory(flavor)).redirectError(ProcessBuilder.Redirect.INHERIT);
    builder.environment().put("NODE_EXTRA_CA_CERTS", TestCertificates.authorityPem().toString());
    return builder;
  }

  private static File directory(Flavor flavor) {
    String dir = System.getProperty(flavor.directoryProperty);
    if (dir == null) {
      throw new IllegalStateException(flavor.directoryProperty + " is not set: run through Maven, which installs the peer");
    }
    return new File(dir);
  }

  private static String waitFor(Process process) {
    try {
      process.waitFor(5, TimeUnit.SECONDS);
      return "exit " + process.exitValue();
    } catch (InterruptedException | IllegalThreadStateException e) {
      return "still running";
    }
  }

  /** Closes the peer's stdin, which makes it stop, and waits; kills it if it lingers. */
  @Override
  public void close() throws IOException, InterruptedException {
    process.getOutputStream().close();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }
}
