package io.jlibp2p.integration;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The project at the end of {@code docs/getting-started.md}, built as a user builds it: its files
 * are copied out of the page into a directory of their own and built with Maven against the
 * jlibp2p modules this build has just packaged, and the program runs; it must print what the page
 * says. On Temurin 25 where the machine has it, so that the blocking handler runs on a virtual
 * thread.
 *
 * <p>The build is offline: the jlibp2p artifacts go into a fresh local repository of the test's,
 * and everything else (Maven's plugins, Netty, logback) comes from this build's own local
 * repository, read-only, as Maven 3.9's local repository tail.
 */
@Timeout(300)
class ConsumerProjectTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path GUIDE = ROOT.resolve("docs/getting-started.md");
  private static final Path JDK_25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

  /** A file of the project: a line naming it in backquotes and a colon, then its fenced block. */
  private static final Pattern PROJECT_FILE = Pattern.compile("^`([\\w./-]+)`:\\n\\n```\\w*\\n(.*?)^```$", Pattern.MULTILINE | Pattern.DOTALL);
  private static final Pattern PRINTED = Pattern.compile("prints:\\n\\n```text\\n(.*?)^```$", Pattern.MULTILINE | Pattern.DOTALL);

  @Test
  void theGuidesProjectBuildsAndRunsAsItSays(@TempDir Path dir) throws Exception {
    String section = completeProjectSection();
    Map<String, String> files = projectFiles(section);
    assertEquals(List.of("pom.xml", "src/main/resources/logback.xml", "src/main/java/com/example/upper/UpperApp.java"),
        List.copyOf(files.keySet()));
    Path project = dir.resolve("project");
    for (Map.Entry<String, String> file : files.entrySet()) {
      Path path = project.resolve(file.getKey());
      Files.createDirectories(path.getParent());
      Files.writeString(path, file.getValue());
    }
    Path repository = dir.resolve("repository");
    installThisBuild(repository);

    Path javaHome = Files.isExecutable(JDK_25.resolve("bin/java")) ? JDK_25 : Path.of(System.getProperty("java.home"));
    ProcessBuilder maven = new ProcessBuilder(
        ROOT.resolve("mvnw").toString(), "-B", "-q", "-o",
        "-Dmaven.repo.local=" + repository,
        "-Dmaven.repo.local.tail=" + buildRepository(),
        "-f", project.resolve("pom.xml").toString(),
        // The guide's `mvn compile exec:java`, with the plugin named in full: a prefix needs
        // group metadata that a local repository read as a tail may lack.
        "compile", "org.codehaus.mojo:exec-maven-plugin:3.6.3:java")
        .redirectError(dir.resolve("stderr.txt").toFile());
    maven.environment().put("JAVA_HOME", javaHome.toString());
    maven.environment().remove("MAVEN_OPTS");
    Process process = maven.start();
    process.getOutputStream().close();
    String printed = new String(process.getInputStream().readAllBytes(), UTF_8);
    assertTrue(process.waitFor(240, TimeUnit.SECONDS), "the build did not finish");
    String logged = Files.readString(dir.resolve("stderr.txt"));
    String report = "stdout:\n" + printed + "\nstderr:\n" + logged;
    assertEquals(0, process.exitValue(), "the build failed:\n" + report);

    // Maven is quiet and the logs go to stderr, so stdout is the program's alone.
    List<String> expected = lines(group(PRINTED, section, "what the program prints"));
    List<String> actual = lines(printed);
    boolean virtual = !javaHome.equals(Path.of(System.getProperty("java.home"))) || Runtime.version().feature() >= 21;
    assertEquals(3, actual.size(), report);
    assertEquals(expected.subList(0, 2), actual.subList(0, 2), report);
    assertTrue(actual.get(2).matches("ping \\d+ ms; handlers on virtual threads: " + virtual), report);
    assertTrue(logged.contains("INFO") && logged.contains("listening on /ip4/127.0.0.1/tcp/"),
        "the host says at INFO where it listens:\n" + logged);
    System.out.println("the guide's project on " + javaHome + " printed:\n" + printed + "and logged:\n" + logged);
  }

  private static String completeProjectSection() throws IOException {
    String guide = Files.readString(GUIDE);
    int start = guide.indexOf("\n## A complete project\n");
    assertTrue(start >= 0, "docs/getting-started.md has no \"## A complete project\" section");
    int end = guide.indexOf("\n## ", start + 1);
    return guide.substring(start, end < 0 ? guide.length() : end);
  }

  private static Map<String, String> projectFiles(String section) {
    Map<String, String> files = new LinkedHashMap<>();
    Matcher matcher = PROJECT_FILE.matcher(section);
    while (matcher.find()) {
      files.put(matcher.group(1), matcher.group(2));
    }
    assertFalse(files.isEmpty(), "no `file`: block in the section");
    return files;
  }

  /**
   * Puts every jlibp2p artifact this build has packaged into {@code repository}, laid out as
   * {@code mvn install} would: the parent and BOM poms, and each module's pom and jar.
   */
  private static void installThisBuild(Path repository) throws IOException {
    String rootPom = Files.readString(ROOT.resolve("pom.xml"));
    String version = group(Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL), rootPom, "the version");
    install(repository, "jlibp2p-parent", version, ROOT.resolve("pom.xml"), null);
    Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(rootPom);
    List<String> installed = new ArrayList<>();
    while (modules.find()) {
      Path module = ROOT.resolve(modules.group(1));
      String pom = Files.readString(module.resolve("pom.xml"));
      String afterParent = pom.contains("</parent>") ? pom.substring(pom.indexOf("</parent>")) : pom;
      String artifactId = group(Pattern.compile("<artifactId>([^<]+)</artifactId>"), afterParent, "the artifactId of " + module);
      boolean pomOnly = afterParent.contains("<packaging>pom</packaging>");
      Path jar = module.resolve("target/" + artifactId + "-" + version + ".jar");
      if (pomOnly || Files.exists(jar)) {
        install(repository, artifactId, version, module.resolve("pom.xml"), pomOnly ? null : jar);
        installed.add(artifactId);
      }
    }
    assertTrue(installed.containsAll(List.of("libp2p", "libp2p-core", "libp2p-ping", "libp2p-noise", "libp2p-yamux")),
        "not packaged yet: " + installed);
  }

  private static void install(Path repository, String artifactId, String version, Path pom, Path jar) throws IOException {
    Path dir = repository.resolve("io/jlibp2p").resolve(artifactId).resolve(version);
    Files.createDirectories(dir);
    Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"), StandardCopyOption.REPLACE_EXISTING);
    if (jar != null) {
      Files.copy(jar, dir.resolve(artifactId + "-" + version + ".jar"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The local repository this build runs with, which the build passes to the tests. */
  private static Path buildRepository() {
    String path = System.getProperty("build.localRepository");
    assertTrue(path != null && Files.isDirectory(Path.of(path)), "the build's local repository is unknown: " + path);
    return Path.of(path);
  }

  private static String group(Pattern pattern, String text, String what) {
    Matcher matcher = pattern.matcher(text);
    while (matcher.find()) {
      if (matcher.group(1) != null) {
        return matcher.group(1);
      }
    }
    throw new AssertionError("found no " + what);
  }

  private static List<String> lines(String text) {
    return text.lines().filter(line -> !line.isBlank()).toList();
  }
}
