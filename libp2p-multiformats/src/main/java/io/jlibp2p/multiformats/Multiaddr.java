package io.jlibp2p.multiformats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A self-describing network address such as {@code /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...}, per
 * the <a href="https://github.com/multiformats/multiaddr">multiaddr spec</a>. Immutable; two
 * multiaddrs are equal when their binary forms are.
 *
 * <pre>{@code
 * Multiaddr addr = Multiaddr.fromString("/ip4/127.0.0.1/tcp/4001");
 * Optional<String> port = addr.valueOf(MultiaddrProtocol.TCP);   // "4001"
 * byte[] wire = addr.toBytes();
 * Multiaddr same = Multiaddr.fromBytes(wire);
 * }</pre>
 *
 * <p>{@code io.jlibp2p.crypto.PeerId} reads and appends the {@code /p2p} component: {@code
 * PeerId.fromMultiaddr(addr)}, {@code peerId.appendTo(addr)}.
 *
 * <p>Malformed input, in either form, throws {@link InvalidMultiaddrException} naming the offending
 * component.
 */
public final class Multiaddr {

  /** The multiaddr with no components. */
  public static final Multiaddr EMPTY = new Multiaddr(List.of());

  private final List<MultiaddrComponent> components;
  private final byte[] bytes;

  private Multiaddr(List<MultiaddrComponent> components) {
    this.components = Collections.unmodifiableList(new ArrayList<>(components));
    byte[][] parts = new byte[components.size()][];
    for (int i = 0; i < parts.length; i++) {
      parts[i] = components.get(i).toBytes();
    }
    this.bytes = ByteArrays.concat(parts);
  }

  /** Makes a multiaddr from components in order. */
  public static Multiaddr of(List<MultiaddrComponent> components) {
    components.forEach(c -> Objects.requireNonNull(c, "component"));
    return components.isEmpty() ? EMPTY : new Multiaddr(components);
  }

  /** Makes a multiaddr from components in order. */
  public static Multiaddr of(MultiaddrComponent... components) {
    return of(Arrays.asList(components));
  }

  /**
   * Parses the text form. Trailing slashes are ignored and {@code /ipfs/} is read as {@code /p2p/},
   * as go does; the empty string is {@link #EMPTY}.
   *
   * @throws InvalidMultiaddrException if the text does not start with '/', names an unknown
   *     protocol, or has a missing or malformed value
   */
  public static Multiaddr fromString(String text) {
    if (text.isEmpty()) {
      return EMPTY;
    }
    if (!text.startsWith("/")) {
      throw new InvalidMultiaddrException(
          "invalid multiaddr \"" + text + "\": must begin with '/'");
    }
    String trimmed = stripTrailingSlashes(text);
    if (trimmed.isEmpty()) {
      throw new InvalidMultiaddrException("invalid multiaddr \"" + text + "\": no components");
    }
    String[] parts = trimmed.substring(1).split("/", -1);
    List<MultiaddrComponent> components = new ArrayList<>();
    int i = 0;
    while (i < parts.length) {
      String name = parts[i++];
      MultiaddrProtocol protocol = MultiaddrProtocol.forName(name);
      if (protocol == null) {
        throw new InvalidMultiaddrException(
            "invalid multiaddr \"" + text + "\": unknown protocol \"" + name + "\"");
      }
      String value = null;
      if (protocol.hasValue()) {
        if (i >= parts.length) {
          throw new InvalidMultiaddrException(
              "invalid multiaddr \"" + text + "\": /" + protocol + " needs a value");
        }
        if (protocol.isPath()) {
          value = "/" + String.join("/", Arrays.asList(parts).subList(i, parts.length));
          i = parts.length;
        } else {
          value = parts[i++];
        }
      }
      components.add(inContext(text, protocol, value));
    }
    return new Multiaddr(components);
  }

  private static MultiaddrComponent inContext(String text, MultiaddrProtocol protocol, String value) {
    try {
      return MultiaddrComponent.of(protocol, value);
    } catch (InvalidMultiaddrException e) {
      throw new InvalidMultiaddrException("invalid multiaddr \"" + text + "\": " + e.getMessage(), e);
    }
  }

  private static String stripTrailingSlashes(String text) {
    int end = text.length();
    while (end > 0 && text.charAt(end - 1) == '/') {
      end--;
    }
    return text.substring(0, end);
  }

  /**
   * Decodes the binary form: a sequence of {@code <varint code><value>}.
   *
   * @throws InvalidMultiaddrException if a code is unknown, a value is truncated or malformed, or a
   *     component follows a {@code /unix} path; the message names the component's position and
   *     protocol
   */
  public static Multiaddr fromBytes(byte[] bytes) {
    List<MultiaddrComponent> components = new ArrayList<>();
    ByteReader reader =
        new ByteReader(bytes, message -> new InvalidMultiaddrException("invalid multiaddr bytes: " + message));
    while (reader.remaining() > 0) {
      String position = "component " + (components.size() + 1);
      // A path takes the rest of the text form, so anything after it would print as part of the
      // path and parse back as a different address. go-multiaddr rejects this too.
      if (!components.isEmpty() && components.get(components.size() - 1).protocol().isPath()) {
        throw new InvalidMultiaddrException(
            "invalid multiaddr bytes: " + position + " follows /"
                + components.get(components.size() - 1).protocol()
                + ", whose path must be the last component");
      }
      long code = reader.readVarint(position + " protocol code");
      MultiaddrProtocol protocol = MultiaddrProtocol.forCode(code);
      if (protocol == null) {
        throw new InvalidMultiaddrException(
            "invalid multiaddr bytes: " + position + " has unknown protocol code " + code
                + " (0x" + Long.toHexString(code) + ")");
      }
      String what = position + " (/" + protocol + ") value";
      int length = protocol.isVariableSize() ? reader.readLength(what) : protocol.fixedSize();
      byte[] value = reader.readBytes(length, what);
      try {
        components.add(MultiaddrComponent.ofBytes(protocol, value));
      } catch (InvalidMultiaddrException e) {
        throw new InvalidMultiaddrException(
            "invalid multiaddr bytes: " + position + ": " + e.getMessage(), e);
      }
    }
    return components.isEmpty() ? EMPTY : new Multiaddr(components);
  }

  /** The components in order. */
  public List<MultiaddrComponent> components() {
    return components;
  }

  /** Whether this has no components. */
  public boolean isEmpty() {
    return components.isEmpty();
  }

  /** The binary form. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** Returns {@code this} followed by {@code inner}, e.g. a transport address then a peer ID. */
  public Multiaddr encapsulate(Multiaddr inner) {
    List<MultiaddrComponent> joined = new ArrayList<>(components);
    joined.addAll(inner.components);
    return of(joined);
  }

  /**
   * Removes the last occurrence of {@code suffix} as a run of components, and everything after it.
   * Returns {@code this} when {@code suffix} does not occur.
   */
  public Multiaddr decapsulate(Multiaddr suffix) {
    if (suffix.isEmpty()) {
      return this;
    }
    int size = suffix.components.size();
    for (int start = components.size() - size; start >= 0; start--) {
      if (components.subList(start, start + size).equals(suffix.components)) {
        return of(components.subList(0, start));
      }
    }
    return this;
  }

  /**
   * Removes the last component of {@code protocol} and everything after it. Returns {@code this}
   * when there is none.
   */
  public Multiaddr decapsulate(MultiaddrProtocol protocol) {
    for (int i = components.size() - 1; i >= 0; i--) {
      if (components.get(i).protocol() == protocol) {
        return of(components.subList(0, i));
      }
    }
    return this;
  }

  /** The first component of {@code protocol}, if any. */
  public Optional<MultiaddrComponent> first(MultiaddrProtocol protocol) {
    return components.stream().filter(c -> c.protocol() == protocol).findFirst();
  }

  /** The text value of the first component of {@code protocol}, if any. */
  public Optional<String> valueOf(MultiaddrProtocol protocol) {
    return first(protocol).map(MultiaddrComponent::valueText);
  }

  /** Whether any component is of {@code protocol}. */
  public boolean has(MultiaddrProtocol protocol) {
    return first(protocol).isPresent();
  }

  /** The last component of {@code protocol}, if any: for {@code /p2p}, the peer this address reaches. */
  public Optional<MultiaddrComponent> last(MultiaddrProtocol protocol) {
    for (int i = components.size() - 1; i >= 0; i--) {
      if (components.get(i).protocol() == protocol) {
        return Optional.of(components.get(i));
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Multiaddr other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** The canonical text form; {@code fromString(toString())} equals this. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    components.forEach(out::append);
    return out.toString();
  }
}
