package io.jlibp2p.integration.hostile;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jlibp2p.crypto.PrivateKey;
import io.jlibp2p.integration.probe.ResourceProbe;
import io.jlibp2p.testing.Eventually;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Attacks on a connection before it is authenticated: connections that say nothing, handshakes
 * a byte a second, garbage at every step of the upgrade, and connections opened and closed by the
 * thousand.
 */
class HandshakeAttacksTest extends AbstractHostileTest {

  /** Silent connections from one address (the issue asks for thousands; 2,000 fit the budget). */
  static final int SILENT_CONNECTIONS = 2_000;

  /** Connections still upgrading that the victim keeps from one address: its per-IP limit. */
  static final int PENDING_PER_ADDRESS_BOUND = HostileHosts.LIMITS.inboundConnectionsPerIp();

  /** Connections that drip their handshake, spread over {@link #SLOW_SOURCE_ADDRESSES} addresses. */
  static final int SLOW_CONNECTIONS = 1_000;

  /** 127.0.1.1 to 127.0.1.50: 20 slow connections each, more than the per-IP limit lets through. */
  static final int SLOW_SOURCE_ADDRESSES = 50;

  /** Connections still upgrading that the victim keeps in all: its transient scope's limit. */
  static final int TRANSIENT_BOUND = HostileHosts.LIMITS.transientScope().connectionsInbound();

  /** One byte per connection per interval. */
  static final Duration DRIP_INTERVAL = Duration.ofSeconds(1);

  /**
   * Random bytes sent at each step: enough for two whole noise messages whatever length prefixes
   * the bytes make up, so that the victim never waits for more.
   */
  static final int GARBAGE_BYTES = 160 * 1024;

  static final int CONNECT_CLOSE_CYCLES = 10_000;

  /** Where the attackers' garbage begins. */
  enum Step {
    /** Garbage instead of the multistream header. */
    BEFORE_MULTISTREAM(null),
    NOISE("/noise"),
    TLS("/tls/1.0.0"),
    SECIO("/secio/1.0.0"),
    PLAINTEXT(PlaintextWire.PROTOCOL_ID),
    /** After a completed plaintext handshake, instead of the muxer negotiation. */
    MUXER_NEGOTIATION(null),
    /** After yamux was agreed, instead of its first frame. */
    YAMUX(null);

    final String securityProtocol;

    Step(String securityProtocol) {
      this.securityProtocol = securityProtocol;
    }
  }

  @Test
  void silentConnectionsAreCappedPerAddressAndTimedOut() throws Exception {
    ResourceProbe.Sampler sampler = sample().watch(TRANSIENT, this::victimTransientConnections);
    Outcome outcome = cutOffOnce(sampler, "every silent connection", TIMEOUT_CUTOFF, () -> {
      for (int i = 0; i < SILENT_CONNECTIONS; i++) {
        attacker();
      }
      long connected = System.nanoTime();
      awaitQuietly("the victim accepts the silent connections", connected, Duration.ofSeconds(1),
          atMostEvery(Duration.ofMillis(100), () -> victimSocketsForAttackers() >= SILENT_CONNECTIONS));
      return timeVictimLettingGoOfAll(connected, TIMEOUT_CUTOFF);
    }, () -> { });
    verdict(outcome,
        peakTransientAtMost(sampler, PENDING_PER_ADDRESS_BOUND, "unauthenticated connections from 127.0.0.2"),
        limitReported("inbound connections from one address"));
  }

  @Test
  void handshakesAByteASecondAreCappedAndTimedOut() throws Exception {
    byte[] script = MultistreamWire.propose(PlaintextWire.PROTOCOL_ID);
    List<RawPeer> slow = new ArrayList<>();
    for (int i = 0; i < SLOW_CONNECTIONS; i++) {
      InetAddress source = RawPeer.loopback(1, 1 + i % SLOW_SOURCE_ADDRESSES);
      slow.add(attacker(source));
    }
    long connected = System.nanoTime();
    AtomicInteger dripsFailed = new AtomicInteger();
    ResourceProbe.Sampler sampler = sample().watch(TRANSIENT, this::victimTransientConnections);
    CompletableFuture<Void> dripping = inBackground("drip", () -> drip(List.copyOf(slow), script, dripsFailed));
    Outcome outcome = cutOffOnce(sampler, "every slow handshake", TIMEOUT_CUTOFF,
        () -> timeVictimLettingGoOfAll(connected, TIMEOUT_CUTOFF),
        () -> {
          releaseAttackers();
          slow.clear();
          dripping.handle((v, e) -> null).join();
          figures.put("dripsFailed", dripsFailed.get());
        });
    verdict(outcome,
        peakTransientAtMost(sampler, TRANSIENT_BOUND, "connections still upgrading, from " + SLOW_SOURCE_ADDRESSES + " addresses"));
  }

  /** One byte of {@code script} to every connection per {@link #DRIP_INTERVAL}, until they are all gone. */
  private static void drip(List<RawPeer> peers, byte[] script, AtomicInteger failed) throws IOException {
    boolean[] gone = new boolean[peers.size()];
    for (int position = 0; position < script.length; position++) {
      int alive = 0;
      for (int i = 0; i < peers.size(); i++) {
        if (gone[i]) {
          continue;
        }
        try {
          peers.get(i).send(new byte[] {script[position]});
          alive++;
        } catch (IOException e) {
          gone[i] = true;
          failed.incrementAndGet();
        }
      }
      if (alive == 0) {
        return;
      }
      try {
        Thread.sleep(DRIP_INTERVAL.toMillis()); // the attack's own pace, not a wait for the victim
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  @Test
  void garbageAtEveryStepOfTheUpgradeEndsTheConnectionAtOnce() throws Exception {
    Map<String, Step> steps = new LinkedHashMap<>();
    for (Step step : Step.values()) {
      steps.put(camelCase(step.name()), step);
    }
    verdict(eachCutOffPromptly(steps, name -> "garbage at " + steps.get(name), (name, step) -> {
      RawPeer peer = attacker();
      reach(step, peer);
      byte[] garbage = new byte[GARBAGE_BYTES];
      new Random(step.ordinal()).nextBytes(garbage);
      return sendAndTimeEnd(peer, garbage);
    }));
  }

  /** {@code BEFORE_MULTISTREAM} as {@code beforeMultistream}, for a figure's name. */
  private static String camelCase(String constant) {
    StringBuilder name = new StringBuilder();
    for (String word : constant.toLowerCase(Locale.ROOT).split("_")) {
      name.append(name.length() == 0 ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
    }
    return name.toString();
  }

  /** Takes {@code peer} through the upgrade up to where {@code step} sends its garbage. */
  private static void reach(Step step, RawPeer peer) throws IOException {
    switch (step) {
      case BEFORE_MULTISTREAM -> { }
      case NOISE, TLS, SECIO, PLAINTEXT -> peer.negotiate(step.securityProtocol);
      case MUXER_NEGOTIATION -> {
        peer.negotiate(PlaintextWire.PROTOCOL_ID);
        peer.send(PlaintextWire.exchange(PrivateKey.generate()));
        PlaintextWire.readExchange(peer.in());
      }
      case YAMUX -> peer.upgrade(YamuxWire.PROTOCOL_ID);
    }
  }

  @Test
  void connectAndCloseByTheThousandLeavesNothingBehind() throws Exception {
    byte[] header = MultistreamWire.message(MultistreamWire.HEADER);
    AtomicInteger cycles = new AtomicInteger();
    Optional<Duration> cutoff;
    Optional<Duration> ping;
    ResourceProbe.Sampler sampler = sample();
    try (sampler) {
      CompletableFuture<Void> cycling = inBackground("cycles", () -> {
        for (int i = 0; i < CONNECT_CLOSE_CYCLES; i++) {
          RawPeer peer = RawPeer.connect(target);
          if (i % 2 == 0) {
            peer.send(header);
          }
          // Half close with a FIN, half with a reset.
          if (i % 4 < 2) {
            peer.close();
          } else {
            peer.abort();
          }
          cycles.incrementAndGet();
        }
      });
      Eventually.await("half the connect-and-close cycles are done", Duration.ofSeconds(60),
          () -> cycles.get() >= CONNECT_CLOSE_CYCLES / 2 || cycling.isDone());
      sampler.markLiveHeap();
      ping = honestPing();
      cycling.join();
      long lastClosed = System.nanoTime();
      cutoff = timeVictimLettingGoOfAll(lastClosed, FLOOD_CUTOFF).join();
      sampler.markLiveHeap();
      figures.cutoff(cutoff, FLOOD_CUTOFF).honestPing(ping).peaks(sampler).put("cycles", cycles.get());
    }
    verdict(new Outcome(Map.of("the last of the cycled connections", cutoff), FLOOD_CUTOFF, ping, sampler, settle()));
  }

  /** The gauge of the victim's inbound connections in its transient scope (still upgrading). */
  private static final String TRANSIENT = "victimTransient";

  private int victimTransientConnections() {
    return victim.resourceUsage().transientScope().connectionsInbound();
  }

  /**
   * What the victim holds in its handshakes, by its own resource manager: the sockets it refused
   * are still counted by the kernel for the moment it takes to close them.
   */
  private static Executable peakTransientAtMost(ResourceProbe.Sampler sampler, int bound, String what) {
    int peak = sampler.peak(TRANSIENT);
    return () -> assertTrue(peak <= bound, "the victim held " + peak
        + " " + what + " at once; a host with connection limits holds at most " + bound);
  }
}
