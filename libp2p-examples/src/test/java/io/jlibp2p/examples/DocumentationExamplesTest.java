package io.jlibp2p.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java example in the documentation compiles against today's API: each {@code ```java}
 * block of {@code README.md} and {@code docs/*.md}, and each {@code <pre>{@code ...}</pre>} block
 * in the Javadoc of every module's {@code src/main/java}. Each example is one test, named by its
 * file, its block number in that file and its first line; a failure lists javac's errors at the
 * lines of the documentation file. ({@link ReadmeExampleTest} also runs the README's example.)
 *
 * <p>The convention, also in {@code docs/contributing.md}:
 *
 * <ul>
 *   <li>A block of only imports and type declarations is a compilation unit and compiles as
 *       written: it must import what it uses. Users copy such blocks whole.
 *   <li>Any other block is a fragment: its statements become the body of a method that may throw
 *       anything, its imports go on top, and its top-level types ({@code class CountHandler ...}
 *       at the start of a line) sit beside that method's class. A fragment may use, without
 *       declaring them, the {@linkplain #STANDARD_IMPORTS standard imports} and the {@linkplain
 *       #WELL_KNOWN well-known variables} ({@code host}, {@code peer}, {@code address}, ...), and
 *       {@code handlerFor(protocolId)} for "the Netty handler of your protocol". The variables are
 *       fields, so a fragment may also declare its own {@code Host host = ...}.
 *   <li>{@code ...} stands for code left out: {@code x -> ...} is an empty lambda body, and a line
 *       of only {@code ...} is an empty statement.
 *   <li>The blocks of one file share a package, so a later block may use a type an earlier one
 *       declared ({@code CountHandler} in {@code docs/getting-started.md}); types declared by two
 *       blocks of one file must have different names.
 *   <li>A block that is not meant to compile is not marked as Java: a fence without {@code java}
 *       ({@code ```text}) in Markdown, a {@code <pre>} without {@code {@code}} in Javadoc.
 * </ul>
 *
 * <p>The examples compile against this module's test classpath, which holds every published
 * module; a module whose Javadoc has an example must be one of this module's dependencies.
 */
class DocumentationExamplesTest {

  /** Imported by every fragment: our packages, and the JDK, Netty and Micrometer types the examples show. */
  static final List<String> STANDARD_IMPORTS = List.of(
      "io.jlibp2p.*",
      "io.jlibp2p.core.*",
      "io.jlibp2p.core.host.*",
      "io.jlibp2p.core.blocking.*",
      "io.jlibp2p.core.codec.*",
      "io.jlibp2p.core.connmgr.*",
      "io.jlibp2p.core.gater.*",
      "io.jlibp2p.core.identify.*",
      "io.jlibp2p.core.muxer.*",
      "io.jlibp2p.core.peerstore.*",
      "io.jlibp2p.core.protocol.*",
      "io.jlibp2p.core.resource.*",
      "io.jlibp2p.core.security.*",
      "io.jlibp2p.core.transport.*",
      "io.jlibp2p.crypto.*",
      "io.jlibp2p.crypto.record.*",
      "io.jlibp2p.multiformats.*",
      "io.jlibp2p.multistream.*",
      "io.jlibp2p.transport.tcp.*",
      "io.jlibp2p.transport.websocket.*",
      "io.jlibp2p.transport.quic.*",
      "io.jlibp2p.noise.*",
      "io.jlibp2p.tls.*",
      "io.jlibp2p.secio.*",
      "io.jlibp2p.plaintext.*",
      "io.jlibp2p.yamux.*",
      "io.jlibp2p.mplex.*",
      "io.jlibp2p.ping.*",
      "io.jlibp2p.perf.*",
      "io.jlibp2p.relay.*",
      "io.jlibp2p.micrometer.*",
      "io.jlibp2p.testing.*",
      "io.jlibp2p.examples.*",
      "io.micrometer.core.instrument.MeterRegistry",
      "io.micrometer.core.instrument.simple.SimpleMeterRegistry",
      "io.netty.buffer.*",
      "io.netty.channel.*",
      "io.netty.handler.codec.*",
      "io.netty.handler.codec.string.*",
      "java.nio.charset.StandardCharsets",
      "java.nio.file.Files",
      "java.nio.file.Path",
      "java.time.Duration",
      "java.util.List",
      "java.util.Optional",
      "java.util.Set",
      "java.util.concurrent.CompletableFuture");

  /** Declared for every fragment, as fields of its class: {@code type name}. */
  static final List<String> WELL_KNOWN = List.of(
      "Host host", "Host server", "Host client",
      "PeerId peer",
      "Multiaddr address",
      "List<Multiaddr> addresses",
      "Connection connection",
      "Stream stream",
      "Channel channel",
      "PrivateKey key",
      "byte[] bytes", "byte[] data", "byte[] message",
      "long seq");

  /** The fragments' one helper: the Netty handler an application installs for a protocol. */
  private static final String HANDLER_FOR =
      "ChannelHandler handlerFor(String protocolId) { return new ChannelInboundHandlerAdapter(); }";

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private static final Pattern MARKDOWN_FENCE = Pattern.compile("^\\s*```\\s*(\\S*)\\s*$");
  private static final Pattern JAVADOC_LINE = Pattern.compile("^\\s*\\*( ?)(.*)$");
  private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(static\\s+)?[\\w.]+(\\.\\*)?\\s*;\\s*$");
  private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+[\\w.]+\\s*;\\s*$");
  private static final Pattern TYPE_DECLARATION = Pattern.compile(
      "^(@\\w+(\\(.*\\))?\\s+)*((public|protected|private|abstract|final|static|sealed|non-sealed|strictfp)\\s+)*"
          + "(class|interface|enum|record|@interface)\\s+(\\w+).*");
  private static final Pattern ELIDED_LAMBDA_BODY = Pattern.compile("->\\s*\\.\\.\\.");
  private static final Pattern ELIDED_LINE = Pattern.compile("^(\\s*)\\.\\.\\.\\s*$");

  @TestFactory
  Stream<DynamicTest> everyExampleCompiles(@TempDir Path dir) throws IOException {
    List<Example> examples = new ArrayList<>();
    for (Path markdown : markdownFiles()) {
      examples.addAll(markdownExamples(markdown));
    }
    for (Path source : mainSources()) {
      examples.addAll(javadocExamples(source));
    }
    assertTrue(examples.stream().anyMatch(e -> e.file().startsWith("docs")), "found no example in docs/*.md");
    assertTrue(examples.stream().anyMatch(e -> e.file().toString().endsWith(".java")), "found no Javadoc example");

    List<Unit> units = new ArrayList<>();
    for (Example example : examples) {
      units.add(Unit.of(example));
    }
    Map<Unit, List<String>> errors = compile(units, dir);
    return units.stream().map(unit -> dynamicTest(unit.example().toString(), () -> {
      String module = unit.example().module();
      if (module != null) {
        assertTrue(onClasspath(module), module + " has a Javadoc example but is not on the classpath of"
            + " libp2p-examples' tests: add it to their dependencies (scope test)");
      }
      List<String> unitErrors = errors.getOrDefault(unit, List.of());
      if (!unitErrors.isEmpty()) {
        fail(unit.example() + " does not compile:\n" + String.join("\n", unitErrors)
            + "\n\ncompiled as:\n" + unit.numberedSource());
      }
    }));
  }

  private static List<Path> markdownFiles() throws IOException {
    List<Path> files = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  private static List<Path> mainSources() throws IOException {
    List<Path> sources = new ArrayList<>();
    try (Stream<Path> modules = Files.list(ROOT)) {
      for (Path module : modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml"))).sorted().toList()) {
        Path main = module.resolve("src/main/java");
        if (Files.isDirectory(main)) {
          try (Stream<Path> files = Files.walk(main)) {
            files.filter(p -> p.toString().endsWith(".java")).sorted().forEach(sources::add);
          }
        }
      }
    }
    return sources;
  }

  private static List<Example> markdownExamples(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, UTF_8);
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher open = MARKDOWN_FENCE.matcher(lines.get(i));
      if (!open.matches()) {
        continue;
      }
      int first = i + 1;
      int end = first;
      while (end < lines.size() && !lines.get(end).strip().equals("```")) {
        end++;
      }
      if (open.group(1).equals("java")) {
        examples.add(new Example(ROOT.relativize(file), null, examples.size() + 1, first + 1,
            List.copyOf(lines.subList(first, end))));
      }
      i = end;
    }
    return examples;
  }

  private static List<Example> javadocExamples(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, UTF_8);
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!lines.get(i).contains("<pre>{@code")) {
        continue;
      }
      List<String> code = new ArrayList<>();
      int first = i + 1;
      int end = first;
      for (; end < lines.size() && !lines.get(end).contains("}</pre>"); end++) {
        Matcher m = JAVADOC_LINE.matcher(lines.get(end));
        code.add(m.matches() ? m.group(2) : lines.get(end));
      }
      Path relative = ROOT.relativize(file);
      examples.add(new Example(relative, relative.getName(0).toString(), examples.size() + 1, first + 1, code));
      i = end;
    }
    return examples;
  }

  private static boolean onClasspath(String module) {
    Path classes = ROOT.resolve(module).resolve("target/classes");
    Pattern jar = Pattern.compile(Pattern.quote(module) + "-\\d.*\\.jar");
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry).toAbsolutePath().normalize();
      if (path.equals(classes) || jar.matcher(path.getFileName().toString()).matches()) {
        return true;
      }
    }
    return false;
  }

  /** Compiles every unit in one javac run; returns each unit's errors, at the documentation's lines. */
  private static Map<Unit, List<String>> compile(List<Unit> units, Path dir) throws IOException {
    Map<Path, Unit> byPath = new HashMap<>();
    for (Unit unit : units) {
      Path source = dir.resolve("src").resolve(unit.packageName().replace('.', '/')).resolve(unit.className() + ".java");
      Files.createDirectories(source.getParent());
      Files.writeString(source, unit.source(), UTF_8);
      byPath.put(source.toAbsolutePath().normalize(), unit);
    }
    Path classes = Files.createDirectories(dir.resolve("classes"));

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    StringWriter output = new StringWriter();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, UTF_8)) {
      List<String> options = List.of(
          "-classpath", System.getProperty("java.class.path"),
          "-d", classes.toString(),
          "-proc:none",
          "-implicit:none",
          // Go on to check every unit when one has errors, so each example's test sees its own.
          "-XDshould-stop.ifError=FLOW");
      javac.getTask(output, files, diagnostics, options, null,
          files.getJavaFileObjectsFromPaths(byPath.keySet())).call();
    }

    Map<Unit, List<String>> errors = new HashMap<>();
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      if (d.getKind() != Diagnostic.Kind.ERROR) {
        continue;
      }
      Unit unit = d.getSource() == null ? null : byPath.get(Path.of(d.getSource().toUri()).toAbsolutePath().normalize());
      if (unit == null) {
        throw new AssertionError("javac failed outside the examples: " + d.getMessage(Locale.ROOT) + "\n" + output);
      }
      errors.computeIfAbsent(unit, u -> new ArrayList<>()).add(unit.describe(d));
    }
    return errors;
  }

  /** A block of example code: where it is, and its lines as written (Javadoc's leading stars removed). */
  record Example(Path file, String module, int block, int firstLine, List<String> lines) {
    @Override
    public String toString() {
      return file + ", example " + block + " (line " + firstLine + ")";
    }
  }

  /** The compilation unit made of an example, with the documentation line of each of its lines (0: added). */
  record Unit(Example example, String packageName, String className, String source, int[] origin) {

    static Unit of(Example example) {
      String packageName = "examples." + example.file().toString()
          .replaceAll("[^A-Za-z0-9/]", "_").replace('/', '.').toLowerCase(Locale.ROOT);
      Parts parts = Parts.of(example);
      Builder out = new Builder();
      out.add("package " + packageName + ";", 0);
      String className;
      if (parts.statements().isEmpty()) {
        className = parts.publicType() != null ? parts.publicType() : "Example" + example.block();
        parts.addAll(out, parts.imports());
        parts.addAll(out, parts.types());
      } else {
        className = "Example" + example.block();
        for (String standard : STANDARD_IMPORTS) {
          out.add("import " + standard + ";", 0);
        }
        parts.addAll(out, parts.imports());
        parts.addAll(out, parts.types());
        out.add("final class " + className + " {", 0);
        for (String variable : WELL_KNOWN) {
          out.add("  " + variable + ";", 0);
        }
        out.add("  " + HANDLER_FOR, 0);
        out.add("  void run() throws Exception {", 0);
        parts.addAll(out, parts.statements());
        out.add("  }", 0);
        out.add("}", 0);
      }
      return new Unit(example, packageName, className, out.text(), out.origins());
    }


    String describe(Diagnostic<? extends JavaFileObject> d) {
      int line = (int) d.getLineNumber();
      int at = line >= 1 && line <= origin.length ? origin[line - 1] : 0;
      String where = at > 0 ? example.file() + ":" + at : example.file() + " (in code the test added, line " + line + ")";
      return where + ": " + d.getMessage(Locale.ROOT);
    }

    String numberedSource() {
      List<String> lines = source.lines().toList();
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < lines.size(); i++) {
        text.append(origin[i] > 0 ? String.format("%5d| ", origin[i]) : "     | ").append(lines.get(i)).append('\n');
      }
      return text.toString();
    }
  }

  /** An example's lines sorted into imports, top-level type declarations and statements, with ellipses filled. */
  record Parts(Example example, List<Integer> imports, List<Integer> types, List<Integer> statements,
      String publicType, List<String> lines) {

    static Parts of(Example example) {
      List<String> lines = new ArrayList<>();
      for (String line : example.lines()) {
        line = ELIDED_LAMBDA_BODY.matcher(line).replaceAll("-> {}");
        line = ELIDED_LINE.matcher(line).replaceAll("$1// ...");
        lines.add(line);
      }
      List<Integer> imports = new ArrayList<>();
      List<Integer> types = new ArrayList<>();
      List<Integer> statements = new ArrayList<>();
      String publicType = null;
      BraceCounter braces = new BraceCounter();
      int typeOpenedAt = -1;   // the brace count when the current type declaration began; -1: none
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (typeOpenedAt < 0 && braces.depth() == 0 && !braces.inComment()) {
          if (IMPORT.matcher(line).matches()) {
            imports.add(i);
            continue;
          }
          if (PACKAGE.matcher(line).matches()) {
            continue;
          }
          Matcher type = TYPE_DECLARATION.matcher(line);
          if (type.matches()) {
            typeOpenedAt = braces.opened();
            if (line.startsWith("public ")) {
              publicType = type.group(6);
            }
          }
        }
        braces.scan(line);
        if (typeOpenedAt >= 0) {
          types.add(i);
          if (braces.depth() == 0 && braces.opened() > typeOpenedAt) {
            typeOpenedAt = -1;
          }
        } else if (!line.isBlank()) {
          statements.add(i);
        }
      }
      // Comments between declarations (a type's Javadoc) do not make a compilation unit a fragment.
      boolean onlyComments = statements.stream().map(i -> lines.get(i).strip())
          .allMatch(line -> line.startsWith("//") || line.startsWith("/*") || line.startsWith("*"));
      return new Parts(example, imports, types, onlyComments ? List.of() : statements, publicType, lines);
    }

    void addAll(Builder out, List<Integer> indexes) {
      for (int i : indexes) {
        out.add(lines.get(i), example.firstLine() + i);
      }
    }
  }

  /** Tracks the brace depth across lines, skipping braces in strings, characters and comments. */
  static final class BraceCounter {
    private int depth;
    private int opened;
    private boolean blockComment;

    int depth() {
      return depth;
    }

    /** How many braces have opened so far. */
    int opened() {
      return opened;
    }

    boolean inComment() {
      return blockComment;
    }

    void scan(String line) {
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (blockComment) {
          if (c == '*' && i + 1 < line.length() && line.charAt(i + 1) == '/') {
            blockComment = false;
            i++;
          }
        } else if (c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '/') {
          return;
        } else if (c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '*') {
          blockComment = true;
          i++;
        } else if (c == '"' || c == '\'') {
          for (i++; i < line.length() && line.charAt(i) != c; i++) {
            if (line.charAt(i) == '\\') {
              i++;
            }
          }
        } else if (c == '{') {
          depth++;
          opened++;
        } else if (c == '}') {
          depth--;
        }
      }
    }
  }

  /** Source text with the documentation line of each line. */
  static final class Builder {
    private final StringBuilder text = new StringBuilder();
    private final List<Integer> origins = new ArrayList<>();

    void add(String line, int origin) {
      text.append(line).append('\n');
      origins.add(origin);
    }

    String text() {
      return text.toString();
    }

    int[] origins() {
      return origins.stream().mapToInt(Integer::intValue).toArray();
    }
  }
}
