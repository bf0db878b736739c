package io.jlibp2p.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/** Reads the vector files under {@code src/test/resources/vectors} of the module whose tests run. */
public final class TestVectors {

  private TestVectors() {}

  /** The non-empty lines of a vector file that are not {@code #} comments. */
  public static List<String> lines(String file) {
    InputStream in = TestVectors.class.getResourceAsStream("/vectors/" + file);
    if (in == null) {
      throw new IllegalArgumentException("no vector file " + file);
    }
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      List<String> lines =
          reader.lines()
              .filter(line -> !line.isBlank() && !line.startsWith("#"))
              .collect(Collectors.toList());
      if (lines.isEmpty()) {
        throw new IllegalStateException("vector file " + file + " is empty");
      }
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The tab-separated fields of each line, keeping empty trailing fields. */
  public static List<String[]> rows(String file) {
    return lines(file).stream().map(line -> line.split("\t", -1)).collect(Collectors.toList());
  }

  public static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
