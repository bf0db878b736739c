package io.jlibp2p.core.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.crypto.PeerId;
import io.jlibp2p.crypto.PrivateKey;
import org.junit.jupiter.api.Test;

/** {@link ResourceLimits}: the autoscaled table of its Javadoc, {@code unlimited()}, and its builder. */
class ResourceLimitsTest {

  private static final long KIB = 1024;
  private static final long MIB = 1024 * KIB;
  private static final long GIB = 1024 * MIB;
  private static final int MAX = Integer.MAX_VALUE;
  private static final PeerId PEER = PeerId.fromPublicKey(PrivateKey.generate().publicKey());

  private static ScopeLimit limit(int connectionsIn, int connectionsOut, int streamsIn, int streamsOut, long memory) {
    return ScopeLimit.UNLIMITED.withConnections(connectionsIn, connectionsOut).withStreams(streamsIn, streamsOut)
        .withMemory(memory);
  }

  @Test
  void autoscaledFor256MibAnd1024FileDescriptors() {
    // B = max(128 MiB, 256 MiB / 4) = 128 MiB; F / 2 = 512
    ResourceLimits limits = ResourceLimits.autoscaled(256 * MIB, 1024);
    assertEquals(new ScopeLimit(512, 512, 512, 2048, 2048, 2048, 128 * MIB, 512), limits.system());
    assertEquals(limit(128, 128, 512, 512, 16 * MIB), limits.transientScope());
    assertEquals(limit(8, 8, 512, 1024, 32 * MIB), limits.peerDefault());
    assertEquals(limit(MAX, MAX, 4096, 4096, 32 * MIB), limits.connection());
    assertEquals(ScopeLimit.UNLIMITED.withMemory(32 * MIB), limits.stream());
    assertEquals(ScopeLimit.UNLIMITED, limits.protocolDefault());
    assertEquals(ScopeLimit.UNLIMITED, limits.serviceDefault());
    assertEquals(16, limits.inboundConnectionsPerIp());
    // "a peer has room for 128 streams at once, and the host for 512" with 256 KiB windows
    assertEquals(128, limits.peerDefault().memory() / (256 * KIB));
    assertEquals(512, limits.system().memory() / (256 * KIB));
  }

  @Test
  void autoscaledFor8GibAndAMillionFileDescriptors() {
    // B = 8 GiB / 4 = 2 GiB; F / 2 = 524288
    ResourceLimits limits = ResourceLimits.autoscaled(8 * GIB, 1_048_576);
    assertEquals(new ScopeLimit(524_288, 524_288, 524_288, 32_768, 32_768, 32_768, 2 * GIB, 524_288),
        limits.system());
    // B / 1 MiB = 2048 and B / 256 KiB = 8192 are capped at 1024 and 4096
    assertEquals(limit(1024, 1024, 4096, 4096, 256 * MIB), limits.transientScope());
    assertEquals(limit(8, 8, 512, 1024, 512 * MIB), limits.peerDefault());
    assertEquals(limit(MAX, MAX, 4096, 4096, 512 * MIB), limits.connection());
    // B / 8 = 256 MiB: a stream may hold that much waiting to be written
    assertEquals(ScopeLimit.UNLIMITED.withMemory(256 * MIB), limits.stream());
    assertEquals(ScopeLimit.UNLIMITED, limits.protocolDefault());
    assertEquals(ScopeLimit.UNLIMITED, limits.serviceDefault());
    assertEquals(16, limits.inboundConnectionsPerIp());
  }

  @Test
  void autoscaledInBetweenFollowsTheFormulas() {
    // B = 1 GiB: transient 1024 connections (the cap), 4096 streams (B / 256 KiB exactly)
    ResourceLimits limits = ResourceLimits.autoscaled(4 * GIB, 4096);
    assertEquals(1 * GIB, limits.system().memory());
    assertEquals(16_384, limits.system().streams());
    assertEquals(2048, limits.system().connections());
    assertEquals(2048, limits.system().fileDescriptors());
    assertEquals(limit(1024, 1024, 4096, 4096, 128 * MIB), limits.transientScope());
    assertEquals(256 * MIB, limits.peerDefault().memory());
  }

  @Test
  void autoscaledBudgetIsAtLeast128Mib() {
    ResourceLimits limits = ResourceLimits.autoscaled(16 * MIB, 1024);
    assertEquals(128 * MIB, limits.system().memory());
    assertEquals(ResourceLimits.autoscaled(256 * MIB, 1024).transientScope(), limits.transientScope());
  }

  @Test
  void autoscaledSaturatesAtIntegerMaxValue() {
    ResourceLimits limits = ResourceLimits.autoscaled(Long.MAX_VALUE, Long.MAX_VALUE);
    assertEquals(MAX, limits.system().fileDescriptors());
    assertEquals(MAX, limits.system().connections());
    assertEquals(MAX, limits.system().streams());
    assertEquals(Long.MAX_VALUE / 4, limits.system().memory());
    assertEquals(limit(1024, 1024, 4096, 4096, Long.MAX_VALUE / 4 / 8), limits.transientScope());
  }

  @Test
  void autoscaledForThisJvm() {
    ResourceLimits limits = ResourceLimits.autoscaled();
    assertTrue(limits.system().memory() >= 128 * MIB);
    assertTrue(limits.system().fileDescriptors() > 0);
    assertEquals(limits.system().fileDescriptors(), limits.system().connections());
    assertEquals(16, limits.inboundConnectionsPerIp());
    assertEquals(limit(8, 8, 512, 1024, limits.system().memory() / 4), limits.peerDefault());
  }

  @Test
  void unlimitedLimitsNothing() {
    ResourceLimits limits = ResourceLimits.unlimited();
    for (ScopeLimit limit : new ScopeLimit[] {limits.system(), limits.transientScope(), limits.peerDefault(),
        limits.peer(PEER), limits.connection(), limits.stream(), limits.protocolDefault(), limits.protocol("/x"),
        limits.serviceDefault(), limits.service("x")}) {
      assertEquals(ScopeLimit.UNLIMITED, limit);
    }
    assertEquals(MAX, limits.inboundConnectionsPerIp());
  }

  @Test
  void toBuilderRoundTrips() {
    ScopeLimit a = ScopeLimit.UNLIMITED.withConnections(1, 2);
    ScopeLimit b = ScopeLimit.UNLIMITED.withStreams(3, 4);
    ScopeLimit c = ScopeLimit.UNLIMITED.withMemory(5);
    ScopeLimit d = ScopeLimit.UNLIMITED.withFileDescriptors(6);
    ResourceLimits limits = ResourceLimits.unlimited().toBuilder()
        .system(a).transientScope(b).peerDefault(c).peer(PEER, d).connection(b).stream(c)
        .protocolDefault(a).protocol("/p", d).serviceDefault(b).service("s", a)
        .inboundConnectionsPerIp(7)
        .build();
    assertSameLimits(limits, limits.toBuilder().build());
    assertSameLimits(ResourceLimits.autoscaled(8 * GIB, 1_048_576),
        ResourceLimits.autoscaled(8 * GIB, 1_048_576).toBuilder().build());

    assertEquals(d, limits.peer(PEER));
    assertEquals(c, limits.peer(PeerId.fromPublicKey(PrivateKey.generate().publicKey())));
    assertEquals(d, limits.protocol("/p"));
    assertEquals(a, limits.protocol("/q"));
    assertEquals(a, limits.service("s"));
    assertEquals(b, limits.service("t"));
  }

  @Test
  void aDerivedBuilderLeavesTheOriginalAlone() {
    ResourceLimits original = ResourceLimits.autoscaled(256 * MIB, 1024);
    ResourceLimits.Builder builder = original.toBuilder();
    ResourceLimits derived = builder
        .peerDefault(original.peerDefault().withStreams(64, 64))
        .peer(PEER, ScopeLimit.UNLIMITED)
        .protocol("/p", ScopeLimit.UNLIMITED.withStreams(1, 1))
        .inboundConnectionsPerIp(4)
        .build();
    assertEquals(128, derived.peerDefault().streams());
    assertEquals(1536, original.peerDefault().streams());
    assertEquals(original.peerDefault(), original.peer(PEER));
    assertEquals(ScopeLimit.UNLIMITED, original.protocol("/p"));
    assertEquals(16, original.inboundConnectionsPerIp());
    // building again after more changes leaves what was built alone
    builder.service("s", ScopeLimit.UNLIMITED.withStreams(0, 0));
    assertEquals(ScopeLimit.UNLIMITED, derived.service("s"));
  }

  @Test
  void builderRefusesNullsAndANonPositivePerIpLimit() {
    ResourceLimits.Builder builder = ResourceLimits.unlimited().toBuilder();
    assertThrows(NullPointerException.class, () -> builder.system(null));
    assertThrows(NullPointerException.class, () -> builder.transientScope(null));
    assertThrows(NullPointerException.class, () -> builder.peer(null, ScopeLimit.UNLIMITED));
    assertThrows(NullPointerException.class, () -> builder.peer(PEER, null));
    assertThrows(NullPointerException.class, () -> builder.protocol(null, ScopeLimit.UNLIMITED));
    assertThrows(NullPointerException.class, () -> builder.service("s", null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder.inboundConnectionsPerIp(0));
    assertTrue(e.getMessage().contains("inboundConnectionsPerIp"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> builder.inboundConnectionsPerIp(-1));
  }

  private static void assertSameLimits(ResourceLimits expected, ResourceLimits actual) {
    assertEquals(expected.system(), actual.system());
    assertEquals(expected.transientScope(), actual.transientScope());
    assertEquals(expected.peerDefault(), actual.peerDefault());
    assertEquals(expected.peer(PEER), actual.peer(PEER));
    assertEquals(expected.connection(), actual.connection());
    assertEquals(expected.stream(), actual.stream());
    assertEquals(expected.protocolDefault(), actual.protocolDefault());
    assertEquals(expected.protocol("/p"), actual.protocol("/p"));
    assertEquals(expected.serviceDefault(), actual.serviceDefault());
    assertEquals(expected.service("s"), actual.service("s"));
    assertEquals(expected.inboundConnectionsPerIp(), actual.inboundConnectionsPerIp());
    assertEquals(expected.toString(), actual.toString());
  }
}
