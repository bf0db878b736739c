package io.jlibp2p.examples;

import io.jlibp2p.core.host.EventListener;
import io.jlibp2p.core.host.HostService;
import io.jlibp2p.core.host.ServiceContext;

/**
 * Ends the tool with exit status {@value #EXIT_STATUS} when its host hits a fatal error (an {@code
 * OutOfMemoryError} on an event loop): the host has shut itself down, and a process that goes on
 * would only time out every dial. It halts rather than exits: the event loop that hears of the
 * error must not wait for the shutdown hooks, which wait for the event loops.
 */
final class FatalExit implements HostService {

  /** EX_SOFTWARE, from sysexits.h. */
  static final int EXIT_STATUS = 70;

  @Override
  public void start(ServiceContext context) {
    context.addEventListener(new EventListener() {
      @Override
      public void hostFailed(Throwable cause) {
        System.err.println("jlibp2p: fatal error, exiting: " + cause);
        System.err.flush();
        Runtime.getRuntime().halt(EXIT_STATUS);
      }
    });
  }
}
