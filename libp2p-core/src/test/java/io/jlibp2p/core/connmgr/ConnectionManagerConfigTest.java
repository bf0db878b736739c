package io.jlibp2p.core.connmgr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ConnectionManagerConfigTest {

  private static void refused(String message, Executable executable) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
    assertEquals(message, e.getMessage());
  }

  @Test
  void theDefaultsAreGoLibp2ps() {
    ConnectionManagerConfig config = ConnectionManagerConfig.defaults();
    assertEquals(160, config.lowWater());
    assertEquals(192, config.highWater());
    assertEquals(Duration.ofMinutes(1), config.gracePeriod());
    assertEquals(Duration.ofSeconds(10), config.silencePeriod());
    assertEquals(Optional.empty(), config.idleTimeout());
    assertEquals(Duration.ofMinutes(1), config.decayResolution());
    assertEquals(config, ConnectionManagerConfig.builder().build());
  }

  @Test
  void invalidValuesAreRefusedWithWhatWasWrong() {
    ConnectionManagerConfig.Builder builder = ConnectionManagerConfig.builder();
    refused("lowWater must not be negative, got -1", () -> builder.lowWater(-1));
    refused("highWater must be at least 1, got 0", () -> builder.highWater(0));
    refused("gracePeriod must not be negative, got PT-1S", () -> builder.gracePeriod(Duration.ofSeconds(-1)));
    refused("silencePeriod must be positive, got PT0S", () -> builder.silencePeriod(Duration.ZERO));
    refused("idleTimeout must be positive, got PT-1M", () -> builder.idleTimeout(Duration.ofMinutes(-1)));
    refused("decayResolution must be positive, got PT0S", () -> builder.decayResolution(Duration.ZERO));
    refused("lowWater (200) must not exceed highWater (192)", () -> ConnectionManagerConfig.builder().lowWater(200).build());
    NullPointerException e = assertThrows(NullPointerException.class, () -> builder.silencePeriod(null));
    assertEquals("silencePeriod", e.getMessage());
  }

  @Test
  void aZeroGracePeriodAndEqualWatermarksAreAllowed() {
    ConnectionManagerConfig config = ConnectionManagerConfig.builder()
        .lowWater(0).highWater(1).gracePeriod(Duration.ZERO).build();
    assertEquals(Duration.ZERO, config.gracePeriod());
    assertEquals(5, ConnectionManagerConfig.builder().lowWater(5).highWater(5).build().lowWater());
  }

  @Test
  void aBuiltConfigDoesNotChangeWithItsBuilderAndToBuilderDerivesAVariant() {
    ConnectionManagerConfig.Builder builder = ConnectionManagerConfig.builder().lowWater(10).highWater(20)
        .idleTimeout(Duration.ofMinutes(3));
    ConnectionManagerConfig config = builder.build();
    builder.highWater(30).noIdleTimeout();

    assertEquals(20, config.highWater());
    assertEquals(Optional.of(Duration.ofMinutes(3)), config.idleTimeout());
    assertEquals(config, config.toBuilder().build());
    ConnectionManagerConfig variant = config.toBuilder().silencePeriod(Duration.ofSeconds(30)).build();
    assertEquals(Duration.ofSeconds(30), variant.silencePeriod());
    assertEquals(10, variant.lowWater());
    assertNotEquals(config, variant);
  }

  @Test
  void stockFunctionsRefuseNonsensicalParameters() {
    refused("a fixed decay amount must be positive, got 0", () -> DecayFunction.fixed(0));
    refused("a linear decay coefficient must be within [0, 1], got 1.5", () -> DecayFunction.linear(1.5));
    refused("a linear decay coefficient must be within [0, 1], got NaN", () -> DecayFunction.linear(Double.NaN));
    refused("the inactivity before expiry must be positive, got PT0S", () -> DecayFunction.expireWhenInactive(Duration.ZERO));
    refused("the bounds of a bounded sum are reversed: min 5 > max 1", () -> BumpFunction.sumBounded(5, 1));
  }
}
