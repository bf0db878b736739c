package io.jlibp2p.core;

import java.util.Optional;

/**
 * A configured resource limit was reached: too many streams, too much buffered data, too many
 * connections in their handshake. The message names the limit and its value; {@link #scope()} says
 * which of the host's resource scopes refused, when a scope did (such as {@code peer:12D3KooW...} or
 * {@code system}), so that a local refusal is never mistaken for the remote's.
 */
public final class LimitExceededException extends Libp2pException {

  private final String scope;

  /** Creates an exception naming the limit that was reached. */
  public LimitExceededException(String message) {
    super(message);
    this.scope = null;
  }

  /**
   * Creates an exception for a refusal by a resource scope.
   *
   * @param scope the scope that refused, such as {@code system} or {@code protocol:/ipfs/id/1.0.0}
   * @param message what was asked, and the limit
   */
  public LimitExceededException(String scope, String message) {
    super("resource limit of " + scope + ": " + message);
    this.scope = scope;
  }

  /** The resource scope that refused, when the refusal was a scope's. */
  public Optional<String> scope() {
    return Optional.ofNullable(scope);
  }
}
