package io.jlibp2p.examples;

/**
 * A failure the tool reports as one line on stderr, with exit code 1, or 2 for a usage error
 * (a flag value that cannot be used).
 */
final class CliException extends RuntimeException {

  private final int exitCode;

  CliException(String message) {
    this(message, null);
  }

  CliException(String message, Throwable cause) {
    this(message, cause, 1);
  }

  private CliException(String message, Throwable cause, int exitCode) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** A flag or argument whose value cannot be used. */
  static CliException usage(String message) {
    return new CliException(message, null, 2);
  }

  int exitCode() {
    return exitCode;
  }
}
