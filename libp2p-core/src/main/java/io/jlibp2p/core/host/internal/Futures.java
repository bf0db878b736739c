package io.jlibp2p.core.host.internal;

import java.util.concurrent.CompletionException;

/** What the host's future chains share, and the services in core that build on them. */
public final class Futures {

  private Futures() {}

  /**
   * The failure itself rather than the {@link CompletionException} a dependent stage wraps it in,
   * so that listeners and callers see the exception that was thrown.
   */
  public static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }
}
