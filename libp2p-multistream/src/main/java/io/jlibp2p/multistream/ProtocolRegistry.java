package io.jlibp2p.multistream;

import io.jlibp2p.multistream.internal.MessageCodec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The protocols a listener serves: exact IDs, and predicates for versioned families such as {@code
 * /chat/1.*}. Immutable.
 *
 * <pre>{@code
 * ProtocolRegistry registry = ProtocolRegistry.builder()
 *     .add("/ipfs/ping/1.0.0")
 *     .addMatching("/chat/1.x", id -> id.startsWith("/chat/1."))
 *     .build();
 * }</pre>
 *
 * <p>Exact IDs are matched first, then predicates in the order they were added. Only exact IDs are
 * listed in answer to {@code ls}: a predicate has no finite list.
 */
public final class ProtocolRegistry {

  private final Set<String> exact;
  private final List<String> listed;
  private final List<Predicate<String>> matchers;

  private ProtocolRegistry(Builder builder) {
    this.exact = Set.copyOf(builder.exact);
    this.listed = List.copyOf(builder.exact);
    this.matchers = List.copyOf(builder.matchers);
  }

  /** A registry of exactly these protocol IDs. */
  public static ProtocolRegistry of(String... protocols) {
    Builder builder = builder();
    for (String protocol : protocols) {
      builder.add(protocol);
    }
    return builder.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The protocol to select when the peer proposes {@code proposal}, if it is served. */
  public Optional<String> match(String proposal) {
    if (exact.contains(proposal)) {
      return Optional.of(proposal);
    }
    for (Predicate<String> matcher : matchers) {
      if (matcher.test(proposal)) {
        return Optional.of(proposal);
      }
    }
    return Optional.empty();
  }

  /** The exact protocol IDs, in the order they were added: the answer to {@code ls}. */
  public List<String> listed() {
    return listed;
  }

  /** Builds a {@link ProtocolRegistry}. */
  public static final class Builder {
    private final Set<String> exact = new LinkedHashSet<>();
    private final List<Predicate<String>> matchers = new ArrayList<>();

    private Builder() {}

    /** Serves exactly {@code protocol}. */
    public Builder add(String protocol) {
      exact.add(MessageCodec.requireValidProtocolId(protocol));
      return this;
    }

    /**
     * Serves every proposal {@code matcher} accepts.
     *
     * @param description what the predicate matches, for diagnostics (e.g. {@code "/chat/1.x"})
     */
    public Builder addMatching(String description, Predicate<String> matcher) {
      Objects.requireNonNull(description, "description");
      Objects.requireNonNull(matcher, "matcher");
      matchers.add(new Predicate<>() {
        @Override
        public boolean test(String proposal) {
          return matcher.test(proposal);
        }

        @Override
        public String toString() {
          return description;
        }
      });
      return this;
    }

    public ProtocolRegistry build() {
      return new ProtocolRegistry(this);
    }
  }

  @Override
  public String toString() {
    List<Object> all = new ArrayList<>(listed);
    all.addAll(matchers);
    return all.toString();
  }
}
