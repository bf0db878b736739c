package io.jlibp2p.integration;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** The {@code jlibp2p} tool ({@code libp2p-examples/target/jlibp2p.jar}) running as a separate process. */
final class CliProcess implements AutoCloseable {

  private final Process process;
  private final Writer stdin;
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final StringBuffer stderr = new StringBuffer();
  private final List<String> seen = new ArrayList<>();
  private final Thread stdoutDrain;
  private final Thread stderrDrain;

  private CliProcess(Process process) {
    this.process = process;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    stdoutDrain = drain(new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)), stdout::add);
    stderrDrain = drain(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), line -> stderr.append(line).append('\n'));
  }

  /** Copies {@code reader}'s lines to {@code sink} until end of stream, on a thread of its own. */
  private static Thread drain(BufferedReader reader, java.util.function.Consumer<String> sink) {
    Thread thread = new Thread(() -> {
      try {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          sink.accept(line);
        }
      } catch (IOException e) {
        // the process is gone
      }
    }, "cli-output");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** Starts {@code java -jar jlibp2p.jar args...}. */
  static CliProcess start(String... args) throws IOException {
    String jar = System.getProperty("jlibp2p.jar");
    if (jar == null || !new File(jar).isFile()) {
      throw new IllegalStateException("the jlibp2p jar is missing (" + jar + "): build libp2p-examples first, as the reactor does");
    }
    List<String> command = new ArrayList<>(List.of(javaExecutable(), "-jar", jar));
    command.addAll(List.of(args));
    return new CliProcess(new ProcessBuilder(command).start());
  }

  private static String javaExecutable() {
    return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
  }

  /** Runs a command to completion. */
  static Result run(String... args) throws IOException, InterruptedException {
    try (CliProcess process = start(args)) {
      process.stdin.close();
      int exit = process.waitFor(120);
      process.awaitOutputDrained(10);
      List<String> lines = new ArrayList<>();
      process.stdout.drainTo(lines);
      return new Result(exit, lines, process.stderr.toString());
    }
  }

  /** What a finished command printed. */
  record Result(int exit, List<String> stdout, String stderr) {
    String line() {
      if (stdout.size() != 1) {
        throw new AssertionError("expected one stdout line, got " + stdout + "; stderr: " + stderr);
      }
      return stdout.get(0);
    }
  }

  /** The next stdout line that matches, skipping others; fails after 30 s. */
  String awaitLine(Predicate<String> matching) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      String line = stdout.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("no matching stdout line within 30 s; saw " + seen + "; stderr: " + stderr);
      }
      seen.add(line);
      if (matching.test(line)) {
        return line;
      }
    }
  }

  /** The next stdout line, whatever it is. */
  String nextLine() throws InterruptedException {
    return awaitLine(line -> true);
  }

  void type(String line) throws IOException {
    stdin.write(line + "\n");
    stdin.flush();
  }

  void closeStdin() throws IOException {
    stdin.close();
  }

  long pid() {
    return process.pid();
  }

  String stderr() {
    return stderr.toString();
  }

  /** Sends SIGTERM. */
  void terminate() {
    process.destroy();
  }

  /** Waits until both drain threads have read to the end of the exited process's output. */
  private void awaitOutputDrained(int seconds) throws InterruptedException {
    for (Thread drain : List.of(stdoutDrain, stderrDrain)) {
      drain.join(TimeUnit.SECONDS.toMillis(seconds));
      if (drain.isAlive()) {
        throw new AssertionError("the output of the exited process did not end within " + seconds + " s; stderr: " + stderr);
      }
    }
  }

  int waitFor(int seconds) throws InterruptedException {
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the process did not exit within " + seconds + " s; stderr: " + stderr);
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
