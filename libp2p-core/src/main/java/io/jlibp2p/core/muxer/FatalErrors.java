package io.jlibp2p.core.muxer;

/**
 * Tells a fatal error (an {@link OutOfMemoryError}, a {@link StackOverflowError}, any {@link
 * VirtualMachineError}) from an ordinary failure, anywhere in a cause chain. A connection that
 * fails with an ordinary error is closed; a fatal one on an event loop means the process can no
 * longer be trusted to serve anyone, so handlers pass it on to the host, which shuts down loudly
 * instead of living on as a process that times out every dial.
 */
public final class FatalErrors {

  private FatalErrors() {}

  /** Whether {@code error}, or one of its causes, is fatal. */
  public static boolean isFatal(Throwable error) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof VirtualMachineError) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }
}
