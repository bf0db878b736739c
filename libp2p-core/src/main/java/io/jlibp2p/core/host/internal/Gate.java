package io.jlibp2p.core.host.internal;

import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Asks a {@link io.jlibp2p.core.gater.ConnectionGater} hook; a hook that throws refuses, and is logged. */
final class Gate {

  private static final Logger log = LoggerFactory.getLogger(Gate.class);

  private Gate() {}

  static boolean allows(BooleanSupplier hook) {
    try {
      return hook.getAsBoolean();
    } catch (RuntimeException e) {
      log.warn("the connection gater failed; refusing", e);
      return false;
    }
  }
}
