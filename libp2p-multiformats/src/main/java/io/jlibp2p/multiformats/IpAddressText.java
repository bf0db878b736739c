package io.jlibp2p.multiformats;

/**
 * Parses and prints IPv4 and IPv6 address literals without touching DNS.
 *
 * <p>{@link java.net.InetAddress#getByName} would resolve anything that is not a literal, so a
 * malformed multiaddr could trigger a DNS query; this class only ever parses. Output follows go's
 * {@code net.IP.String()}, which go-multiaddr prints: RFC 5952 for IPv6, with IPv4-mapped
 * addresses as {@code ::ffff:a.b.c.d}.
 */
final class IpAddressText {

  private IpAddressText() {}

  /** Parses a dotted-quad IPv4 address; leading zeros are rejected, as go does. */
  static byte[] parseIp4(String text) {
    byte[] out = new byte[4];
    if (!parseIp4Into(text, out, 0)) {
      throw new IllegalArgumentException("not an IPv4 address");
    }
    return out;
  }

  static String formatIp4(byte[] bytes, int offset) {
    return (bytes[offset] & 0xFF) + "." + (bytes[offset + 1] & 0xFF) + "."
        + (bytes[offset + 2] & 0xFF) + "." + (bytes[offset + 3] & 0xFF);
  }

  /**
   * Parses an IPv6 address, with an optional {@code ::} and an optional trailing dotted quad. A
   * plain IPv4 address is accepted too and becomes IPv4-mapped, as go's {@code net.ParseIP} does.
   */
  static byte[] parseIp6(String text) {
    byte[] out = new byte[16];
    if (text.indexOf(':') < 0) {
      out[10] = (byte) 0xFF;
      out[11] = (byte) 0xFF;
      if (!parseIp4Into(text, out, 12)) {
        throw new IllegalArgumentException("not an IPv6 address");
      }
      return out;
    }
    int ellipsis = text.indexOf("::");
    if (ellipsis >= 0 && text.indexOf("::", ellipsis + 1) >= 0) {
      throw new IllegalArgumentException("more than one '::'");
    }
    byte[] head = new byte[16];
    byte[] tail = new byte[16];
    int headLength;
    int tailLength = 0;
    if (ellipsis < 0) {
      headLength = parseGroups(text, head, true);
      if (headLength != 16) {
        throw new IllegalArgumentException("expected 8 groups");
      }
    } else {
      headLength = parseGroups(text.substring(0, ellipsis), head, false);
      tailLength = parseGroups(text.substring(ellipsis + 2), tail, true);
      if (headLength + tailLength > 14) {
        throw new IllegalArgumentException("'::' must stand for at least one group");
      }
    }
    System.arraycopy(head, 0, out, 0, headLength);
    System.arraycopy(tail, 0, out, 16 - tailLength, tailLength);
    return out;
  }

  /** Prints 16 bytes the way go-multiaddr does. */
  static String formatIp6(byte[] bytes) {
    if (isIp4Mapped(bytes)) {
      return "::ffff:" + formatIp4(bytes, 12);
    }
    // Find the longest run of zero groups (two or more), the first one on a tie (RFC 5952 4.2).
    int bestStart = -1;
    int bestLength = 1;
    for (int group = 0; group < 8; ) {
      int end = group;
      while (end < 8 && groupAt(bytes, end) == 0) {
        end++;
      }
      if (end - group > bestLength) {
        bestStart = group;
        bestLength = end - group;
      }
      group = Math.max(end, group + 1);
    }
    StringBuilder out = new StringBuilder(39);
    for (int group = 0; group < 8; group++) {
      if (group == bestStart) {
        out.append("::");
        group += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groupAt(bytes, group)));
    }
    return out.toString();
  }

  private static boolean isIp4Mapped(byte[] bytes) {
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xFF && bytes[11] == (byte) 0xFF;
  }

  private static int groupAt(byte[] bytes, int group) {
    return ((bytes[2 * group] & 0xFF) << 8) | (bytes[2 * group + 1] & 0xFF);
  }

  /**
   * Parses colon-separated hex groups into {@code out}; the last group may be a dotted quad when
   * {@code allowIp4Suffix}.
   *
   * @return the number of bytes written
   */
  private static int parseGroups(String text, byte[] out, boolean allowIp4Suffix) {
    if (text.isEmpty()) {
      return 0;
    }
    String[] groups = text.split(":", -1);
    int length = 0;
    for (int i = 0; i < groups.length; i++) {
      String group = groups[i];
      boolean last = i == groups.length - 1;
      if (last && allowIp4Suffix && group.indexOf('.') >= 0) {
        if (length + 4 > 16 || !parseIp4Into(group, out, length)) {
          throw new IllegalArgumentException("bad embedded IPv4 address '" + group + "'");
        }
        return length + 4;
      }
      if (group.isEmpty() || group.length() > 4 || length + 2 > 16) {
        throw new IllegalArgumentException("bad group '" + group + "'");
      }
      int value = 0;
      for (int c = 0; c < group.length(); c++) {
        int digit = Character.digit(group.charAt(c), 16);
        if (digit < 0 || group.charAt(c) > 'f') {
          throw new IllegalArgumentException("bad group '" + group + "'");
        }
        value = value * 16 + digit;
      }
      out[length++] = (byte) (value >>> 8);
      out[length++] = (byte) value;
    }
    return length;
  }

  private static boolean parseIp4Into(String text, byte[] out, int offset) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
        return false;
      }
      int value = 0;
      for (int c = 0; c < part.length(); c++) {
        char ch = part.charAt(c);
        if (ch < '0' || ch > '9') {
          return false;
        }
        value = value * 10 + (ch - '0');
      }
      if (value > 255) {
        return false;
      }
      out[offset + i] = (byte) value;
    }
    return true;
  }
}
