package io.jlibp2p.multiformats;

import java.util.Arrays;
import java.util.Objects;

/**
 * One {@code /protocol/value} part of a {@link Multiaddr}. Immutable; the value is validated when
 * the component is made.
 */
public final class MultiaddrComponent {

  private final MultiaddrProtocol protocol;
  private final byte[] value;
  private final String valueText;

  private MultiaddrComponent(MultiaddrProtocol protocol, byte[] value, String valueText) {
    this.protocol = protocol;
    this.value = value;
    this.valueText = valueText;
  }

  /**
   * Makes a component from the text form of its value, such as {@code of(TCP, "4001")}.
   *
   * @param valueText the value, or {@code null} for protocols that carry none
   * @throws InvalidMultiaddrException if the value is missing, superfluous or malformed
   */
  public static MultiaddrComponent of(MultiaddrProtocol protocol, String valueText) {
    Objects.requireNonNull(protocol, "protocol");
    if (!protocol.hasValue()) {
      if (valueText != null) {
        throw invalid(protocol, valueText, "takes no value");
      }
      return new MultiaddrComponent(protocol, new byte[0], null);
    }
    if (valueText == null) {
      throw invalid(protocol, null, "needs a value");
    }
    byte[] value;
    try {
      value = protocol.codec().parse(valueText);
    } catch (IllegalArgumentException | DecodingException e) {
      throw invalid(protocol, valueText, e.getMessage());
    }
    return new MultiaddrComponent(protocol, value, protocol.codec().format(value));
  }

  /**
   * Makes a component from the binary form of its value.
   *
   * @throws InvalidMultiaddrException if the value has the wrong size or is malformed
   */
  public static MultiaddrComponent ofBytes(MultiaddrProtocol protocol, byte[] value) {
    Objects.requireNonNull(protocol, "protocol");
    if (!protocol.hasValue()) {
      if (value.length != 0) {
        throw invalid(protocol, null, "takes no value, got " + value.length + " byte(s)");
      }
      return new MultiaddrComponent(protocol, new byte[0], null);
    }
    if (!protocol.isVariableSize() && value.length != protocol.fixedSize()) {
      throw invalid(
          protocol, null, "value must be " + protocol.fixedSize() + " bytes, got " + value.length);
    }
    if (value.length == 0) {
      throw invalid(protocol, null, "empty value");
    }
    String text;
    try {
      text = protocol.codec().format(value);
    } catch (IllegalArgumentException | DecodingException e) {
      throw invalid(protocol, null, e.getMessage());
    }
    return new MultiaddrComponent(protocol, value.clone(), text);
  }

  private static InvalidMultiaddrException invalid(
      MultiaddrProtocol protocol, String valueText, String reason) {
    String where = valueText == null ? "/" + protocol : "/" + protocol + "/" + valueText;
    return new InvalidMultiaddrException("invalid component " + where + ": " + reason);
  }

  /** The protocol. */
  public MultiaddrProtocol protocol() {
    return protocol;
  }

  /** A copy of the binary value; empty for protocols without one. */
  public byte[] value() {
    return value.clone();
  }

  /** The value in text form, or {@code null} for protocols without one. */
  public String valueText() {
    return valueText;
  }

  /** The binary form: the code, then the value, length-prefixed if variable. */
  byte[] toBytes() {
    byte[] code = protocol.encodedCode();
    if (!protocol.isVariableSize()) {
      return ByteArrays.concat(code, value);
    }
    return ByteArrays.concat(code, UnsignedVarint.encode(value.length), value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MultiaddrComponent other
        && protocol == other.protocol
        && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return protocol.hashCode() * 31 + Arrays.hashCode(value);
  }

  /** The text form, such as {@code /tcp/4001}; a path value already starts with '/'. */
  @Override
  public String toString() {
    if (valueText == null) {
      return "/" + protocol;
    }
    return "/" + protocol + (protocol.isPath() ? "" : "/") + valueText;
  }
}
