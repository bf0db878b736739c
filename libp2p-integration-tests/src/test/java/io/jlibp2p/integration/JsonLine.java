package io.jlibp2p.integration;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads fields of the one-line JSON objects the CLI and the js peer print: enough for tests, with
 * no JSON library. A field is found by name anywhere in the line; lists must be flat.
 */
final class JsonLine {

  private JsonLine() {}

  /** A field's value: a string without its quotes, a list with its brackets, or a literal. */
  static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\":(\"(?:[^\"\\\\]|\\\\.)*\"|\\[[^\\]]*\\]|[^,}]+)").matcher(json);
    if (!m.find()) {
      throw new AssertionError("no \"" + name + "\" in " + json);
    }
    String value = m.group(1);
    return value.startsWith("\"") ? value.substring(1, value.length() - 1) : value;
  }

  /** A flat list of strings or numbers. */
  static List<String> list(String json, String name) {
    String value = field(json, name);
    String inner = value.substring(1, value.length() - 1).trim();
    return inner.isEmpty() ? List.of() : Arrays.stream(inner.split(",")).map(s -> s.replace("\"", "")).toList();
  }

  /** Whether the line has a field {@code name} with the string value {@code value}. */
  static boolean has(String json, String name, String value) {
    return json.contains("\"" + name + "\":\"" + value + "\"");
  }
}
