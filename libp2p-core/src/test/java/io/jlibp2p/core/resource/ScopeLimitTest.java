package io.jlibp2p.core.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.core.Direction;
import io.jlibp2p.core.LimitExceededException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ScopeLimit}, {@link ScopeUsage}, the unlimited stream scopes and {@link LimitExceededException#scope()}. */
class ScopeLimitTest {

  private static final int MAX = Integer.MAX_VALUE;
  private static final String[] FIELDS = {"connectionsInbound", "connectionsOutbound", "connections",
      "streamsInbound", "streamsOutbound", "streams", "memory", "fileDescriptors"};

  private static ScopeLimit withNegative(int field) {
    int[] v = {1, 1, 1, 1, 1, 1, 1, 1};
    v[field] = -1;
    return new ScopeLimit(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
  void refusesANegativeValue(int field) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withNegative(field));
    assertEquals(FIELDS[field] + " must not be negative: -1", e.getMessage());
  }

  @Test
  void withMethodsRefuseNegativesToo() {
    ScopeLimit u = ScopeLimit.UNLIMITED;
    assertThrows(IllegalArgumentException.class, () -> u.withConnections(-1, 1));
    assertThrows(IllegalArgumentException.class, () -> u.withConnections(1, -1));
    assertThrows(IllegalArgumentException.class, () -> u.withStreams(-1, 1));
    assertThrows(IllegalArgumentException.class, () -> u.withStreams(1, -1));
    assertThrows(IllegalArgumentException.class, () -> u.withMemory(-1));
    assertThrows(IllegalArgumentException.class, () -> u.withFileDescriptors(-1));
  }

  @Test
  void zeroIsALimit() {
    ScopeLimit none = new ScopeLimit(0, 0, 0, 0, 0, 0, 0, 0);
    assertEquals(0, none.connections());
    assertEquals(0, none.memory());
  }

  @Test
  void withConnectionsAndWithStreamsSumTheirDirections() {
    ScopeLimit limit = ScopeLimit.UNLIMITED.withConnections(3, 4).withStreams(5, 6);
    assertEquals(new ScopeLimit(3, 4, 7, 5, 6, 11, Long.MAX_VALUE, MAX), limit);
  }

  @Test
  void withConnectionsAndWithStreamsSaturateAtIntegerMaxValue() {
    assertEquals(MAX, ScopeLimit.UNLIMITED.withConnections(MAX, 1).connections());
    assertEquals(MAX, ScopeLimit.UNLIMITED.withConnections(MAX - 1, MAX - 1).connections());
    assertEquals(MAX, ScopeLimit.UNLIMITED.withConnections(MAX, MAX).connections());
    assertEquals(MAX, ScopeLimit.UNLIMITED.withStreams(1, MAX).streams());
    assertEquals(MAX, ScopeLimit.UNLIMITED.withStreams(MAX, MAX).streams());
    assertEquals(MAX, ScopeLimit.UNLIMITED.withStreams(MAX - 5, 5).streams());
    assertEquals(MAX - 1, ScopeLimit.UNLIMITED.withStreams(MAX - 5, 4).streams());
  }

  @Test
  void withMethodsChangeOnlyWhatTheyName() {
    ScopeLimit base = new ScopeLimit(1, 2, 3, 4, 5, 6, 7, 8);
    assertEquals(new ScopeLimit(10, 20, 30, 4, 5, 6, 7, 8), base.withConnections(10, 20));
    assertEquals(new ScopeLimit(1, 2, 3, 10, 20, 30, 7, 8), base.withStreams(10, 20));
    assertEquals(new ScopeLimit(1, 2, 3, 4, 5, 6, 99, 8), base.withMemory(99));
    assertEquals(new ScopeLimit(1, 2, 3, 4, 5, 6, 7, 99), base.withFileDescriptors(99));
  }

  @Test
  void scopeUsageSumsItsDirections() {
    ScopeUsage usage = new ScopeUsage(1, 2, 3, 4, 5, 6);
    assertEquals(3, usage.connections());
    assertEquals(7, usage.streams());
    assertEquals(new ScopeUsage(0, 0, 0, 0, 0, 0), ScopeUsage.NONE);
  }

  @Test
  void unlimitedStreamScopesCountNothing() {
    StreamScope scope = StreamScopes.UNLIMITED.open(Direction.INBOUND);
    assertTrue(scope == StreamScope.UNLIMITED);
    scope.reserveMemory(Long.MAX_VALUE);
    assertTrue(scope.tryReserveMemory(Long.MAX_VALUE));
    scope.setProtocol("/p");
    scope.setService("s");
    scope.releaseMemory(1);
    scope.close();
    scope.close();
    assertEquals(ScopeUsage.NONE, scope.usage());
    assertEquals("unlimited", scope.name());
  }

  @Test
  void limitExceededExceptionNamesItsScope() {
    LimitExceededException scoped = new LimitExceededException("peer:12D3KooWx", "at most 8 inbound connections");
    assertEquals(Optional.of("peer:12D3KooWx"), scoped.scope());
    assertEquals("resource limit of peer:12D3KooWx: at most 8 inbound connections", scoped.getMessage());
    LimitExceededException plain = new LimitExceededException("too many streams");
    assertEquals(Optional.empty(), plain.scope());
    assertEquals("too many streams", plain.getMessage());
  }
}
