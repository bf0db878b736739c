package io.jlibp2p.examples;

import io.jlibp2p.multiformats.DecodingException;
import io.jlibp2p.multiformats.InvalidMultiaddrException;
import io.jlibp2p.multiformats.Multiaddr;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Small helpers the commands share. */
final class Cli {

  private Cli() {}

  static Multiaddr multiaddr(String text) {
    try {
      return Multiaddr.fromString(text);
    } catch (InvalidMultiaddrException e) {
      // Its message names the text and what is wrong with it already.
      throw CliException.usage(e.getMessage());
    } catch (DecodingException e) {
      throw CliException.usage("invalid multiaddr \"" + text + "\": " + e.getMessage());
    }
  }

  /** Waits for {@code future}; a failure or a timeout becomes a {@link CliException} naming {@code what}. */
  static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new CliException(what + ": no answer within " + timeout.toSeconds() + " s", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new CliException(what + " failed: " + cause.getMessage(), cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(what + ": interrupted", e);
    }
  }

  /** The last 6 characters of a peer ID: enough to tell peers apart in a chat, where every ID starts alike. */
  static String shortId(io.jlibp2p.crypto.PeerId peer) {
    String text = peer.toString();
    return text.substring(Math.max(0, text.length() - 6));
  }

  /** Milliseconds with three decimals. */
  static double millis(Duration duration) {
    return Math.round(duration.toNanos() / 1_000.0) / 1_000.0;
  }
}
