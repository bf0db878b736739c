package io.jlibp2p.examples;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** One JSON object, written as one line: the tool's {@code --json} output. Values are strings, numbers, booleans, lists, nested objects or nulls. */
final class Json {

  private final Map<String, Object> fields = new LinkedHashMap<>();

  Json put(String name, Object value) {
    fields.put(name, value);
    return this;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    write(fields, out);
    return out.toString();
  }

  private static void write(Object value, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      out.append(value);
    } else if (value instanceof Double d) {
      out.append(Double.isFinite(d) ? d.toString() : "null");
    } else if (value instanceof Json nested) {
      write(nested.fields, out);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.append(first ? "" : ",");
        first = false;
        string(e.getKey().toString(), out);
        out.append(':');
        write(e.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof Collection<?> list) {
      out.append('[');
      boolean first = true;
      for (Object item : list) {
        out.append(first ? "" : ",");
        first = false;
        write(item, out);
      }
      out.append(']');
    } else {
      string(value.toString(), out);
    }
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
