package io.jlibp2p.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java example in README.md compiles and does what the README says, as it is written there. */
class ReadmeExampleTest {

  private static final Pattern EXAMPLE = Pattern.compile(
      "<!-- compiled by ReadmeExampleTest -->\\s*```java\\n(.*?)```", Pattern.DOTALL);

  @Test
  void theReadmeExampleCompilesAndRuns(@TempDir Path dir) throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    Matcher m = EXAMPLE.matcher(readme);
    assertTrue(m.find(), "README.md has no example marked for this test");
    Path source = dir.resolve("GreetExample.java");
    Files.writeString(source, m.group(1));

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
    int status = javac.run(null, diagnostics, diagnostics,
        "-classpath", System.getProperty("java.class.path"), "-d", dir.toString(), source.toString());
    assertEquals(0, status, "the README example does not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8));

    PrintStream original = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      Method main = loader.loadClass("GreetExample").getMethod("main", String[].class);
      System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
      main.invoke(null, (Object) new String[0]);
    } finally {
      System.setOut(original);
    }
    assertEquals(List.of("hello, jlibp2p"), printed.toString(StandardCharsets.UTF_8).lines().toList());
  }
}
